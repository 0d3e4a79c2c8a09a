/**
 * Synthesis problems: a signature (input and output types, parameter names) and input/output examples,
 * split into SHOWN examples (what the agent sees and is rewarded on) and HELD-BACK examples (checked
 * only on the final program: "solved" means passing both).
 *
 * Three sources:
 * - a workspace problem folder of the evaluation format (`<slug>/problem.md, signature.json,
 *   tests.json`, read by src/core/eval): the types are inferred from the tests; a problem whose values
 *   the DSL has no type for (bools, floats, nested lists, dicts) is reported, not loaded;
 * - the generator (generate.ts);
 * - `problems.jsonl`, one problem per line:
 *     {"id": "double-all",                       required, unique
 *      "examples": [{"input": [[1, 2]], "output": [2, 4]}, …],   shown examples (also "expected" for "output")
 *      "heldOut": [{"input": …, "output": …}, …], optional held-back examples; without it the last
 *                                                  third of "examples" (at least one) is held back
 *      "params": ["nums"],                        optional parameter names (default nums, s, n, …)
 *      "entry": "double_all",                     optional function name for --write (default solve)
 *      "types": {"inputs": ["[int]"], "output": "[int]"},  optional; inferred from the values otherwise
 *      "program": "…"}                            optional, ignored: the generator's reference program as text
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProblemSet } from '../../eval/problems';
import type { Problem } from '../../eval/types';
import { typeOfValue, TYPES, type Program, type Type, type Value } from './dsl';
import type { CodeSignature } from './compile';

export interface Example {
  input: Value[];
  output: Value;
}

export interface SynthProblem {
  id: string;
  inputs: Type[];
  output: Type;
  /** Parameter names and function names for compiled code. */
  signature: { python: CodeSignature; javascript: CodeSignature };
  shown: Example[];
  heldOut: Example[];
  /** The generator's program (a reference solution; never shown to the agent). */
  program?: Program;
  /** Where it came from: a workspace problem folder, a JSONL line, or "generated". */
  source: { kind: 'workspace'; dir: string } | { kind: 'jsonl'; file: string; line: number } | { kind: 'generated' };
}

/** At most this many examples are shown; the rest are held back. */
export const MAX_SHOWN = 5;

export interface LoadedSynthProblems {
  problems: SynthProblem[];
  /** "where: what" for every problem or line that was skipped (the rest loads). */
  warnings: string[];
}

/** Infers the input types and the output type of a set of examples, or says which value has none. */
export function inferTypes(examples: { input: unknown[]; output: unknown }[], params: readonly string[]): { inputs: Type[]; output: Type } | string {
  if (!examples.length) return 'no examples';
  const arity = examples[0].input.length;
  if (arity === 0) return 'a function with no arguments';
  for (let e = 0; e < examples.length; e++) if (examples[e].input.length !== arity) return `example ${e + 1}: ${examples[e].input.length} arguments, expected ${arity}`;
  const column = (values: unknown[], what: string): Type | string => {
    let found: Type | undefined;
    for (const v of values) {
      const t = typeOfValue(v);
      if (t) {
        found ??= t;
        if (t !== found) return `${what}: mixes ${found} and ${t}`;
      } else if (!(Array.isArray(v) && v.length === 0)) return `${what}: ${JSON.stringify(v).slice(0, 60)} is not a DSL value (int, string, list of ints, list of strings)`;
    }
    return found ?? '[int]';
  };
  const inputs: Type[] = [];
  for (let i = 0; i < arity; i++) {
    const t = column(
      examples.map((x) => x.input[i]),
      `argument ${params[i] ?? i + 1}`,
    );
    if (!TYPES.includes(t as Type)) return t;
    inputs.push(t as Type);
  }
  const output = column(
    examples.map((x) => x.output),
    'output',
  );
  if (!TYPES.includes(output as Type)) return output;
  return { inputs, output: output as Type };
}

const defaultParam = (t: Type, i: number, n: number) => (t === 'str' ? 's' : t === 'int' ? 'n' : t === '[str]' ? 'words' : 'nums') + (n > 1 ? String(i + 1) : '');
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * A problem folder's tests are all visible (Run Tests runs them all), and authors put the tests a
 * statement shows first (MBPP's three asserts, the built-ins' hand-written edge cases before the large
 * random ones): the first MAX_SHOWN are shown to the agent — every one of them when there are no more —
 * and only the rest are held back.
 */
export function splitExamples(examples: Example[]): { shown: Example[]; heldOut: Example[] } {
  return { shown: examples.slice(0, MAX_SHOWN), heldOut: examples.slice(MAX_SHOWN) };
}

/** A workspace / built-in problem (io tests) as a synthesis problem, or why the DSL cannot express it. */
export function fromEvalProblem(p: Problem): SynthProblem | string {
  if (p.test.kind !== 'io') return `${p.id}: not an input/output problem`;
  if (p.test.compare === 'float') return `${p.id}: compares floats; the DSL has only ints and strings`;
  const sig = p.test.signature.python ?? p.test.signature.javascript!;
  const examples: Example[] = p.test.cases.map((c) => ({ input: c.input as Value[], output: c.expected as Value }));
  if (!examples.length) return `${p.id}: has no tests`;
  const types = inferTypes(examples, sig.params);
  if (typeof types === 'string') return `${p.id}: the DSL cannot express it: ${types}`;
  if (sig.params.length !== types.inputs.length) return `${p.id}: signature has ${sig.params.length} parameters, tests give ${types.inputs.length}`;
  const { shown, heldOut } = splitExamples(examples);
  return {
    id: p.id,
    ...types,
    signature: {
      python: p.test.signature.python ?? { entry: sig.entry, params: sig.params },
      javascript: p.test.signature.javascript ?? { entry: camel(sig.entry), params: sig.params.map(camel) },
    },
    shown,
    heldOut,
    source: { kind: 'workspace', dir: path.dirname(p.source.file) },
  };
}

function readExamples(v: unknown, field: string): Example[] | string {
  if (!Array.isArray(v)) return `field ${field}: expected a list of {"input": [...], "output": ...}`;
  const out: Example[] = [];
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as { input?: unknown; output?: unknown; expected?: unknown };
    const output = x && typeof x === 'object' ? (x.output !== undefined ? x.output : x.expected) : undefined;
    if (!x || typeof x !== 'object' || !Array.isArray(x.input) || output === undefined) return `field ${field}[${i}]: needs "input" (a list of arguments) and "output"`;
    out.push({ input: x.input as Value[], output: output as Value });
  }
  return out;
}

/** One problems.jsonl record as a problem, or the reason it cannot be one (the field that is wrong). */
export function fromJsonRecord(r: Record<string, unknown>, file: string, line: number): SynthProblem | string {
  if (typeof r.id !== 'string' || !r.id) return 'field id: missing (a non-empty string)';
  const examples = readExamples(r.examples ?? r.tests, 'examples');
  if (typeof examples === 'string') return examples;
  let heldOut: Example[];
  let shown = examples;
  if (r.heldOut !== undefined) {
    const h = readExamples(r.heldOut, 'heldOut');
    if (typeof h === 'string') return h;
    heldOut = h;
  } else {
    if (examples.length < 2) return 'field examples: needs at least 2 examples when there is no heldOut';
    const nHeld = Math.max(1, Math.floor(examples.length / 3));
    shown = examples.slice(0, examples.length - nHeld);
    heldOut = examples.slice(examples.length - nHeld);
  }
  if (!shown.length) return 'field examples: empty';
  const params0 = Array.isArray(r.params) && r.params.every((p) => typeof p === 'string' && /^[A-Za-z_]\w*$/.test(p)) ? (r.params as string[]) : undefined;
  if (r.params !== undefined && !params0) return 'field params: expected a list of identifiers';
  let types: { inputs: Type[]; output: Type } | string;
  const t = r.types as { inputs?: unknown; output?: unknown } | undefined;
  if (t !== undefined) {
    if (!t || !Array.isArray(t.inputs) || !t.inputs.every((x) => TYPES.includes(x as Type)) || !TYPES.includes(t.output as Type)) return `field types: expected {"inputs": [${TYPES.join('|')}, …], "output": …}`;
    types = { inputs: t.inputs as Type[], output: t.output as Type };
  } else types = inferTypes([...shown, ...heldOut], params0 ?? []);
  if (typeof types === 'string') return `the DSL cannot express it: ${types}`;
  for (const [i, ex] of [...shown, ...heldOut].entries()) {
    if (ex.input.length !== types.inputs.length) return `example ${i + 1}: ${ex.input.length} arguments, expected ${types.inputs.length}`;
    for (let k = 0; k < ex.input.length; k++) if (!fitsType(ex.input[k], types.inputs[k])) return `example ${i + 1}: argument ${k + 1} is not ${types.inputs[k]}`;
    if (!fitsType(ex.output, types.output)) return `example ${i + 1}: output is not ${types.output}`;
  }
  const params = params0 ?? types.inputs.map((x, i) => defaultParam(x, i, types.inputs.length));
  if (params.length !== types.inputs.length) return `field params: ${params.length} names for ${types.inputs.length} arguments`;
  const entry = typeof r.entry === 'string' && /^[A-Za-z_]\w*$/.test(r.entry) ? r.entry : 'solve';
  return {
    id: r.id,
    ...types,
    signature: { python: { entry, params }, javascript: { entry: camel(entry), params: params.map(camel) } },
    shown,
    heldOut,
    source: { kind: 'jsonl', file, line },
  };
}

export function fitsType(v: unknown, t: Type): boolean {
  if (Array.isArray(v) && v.length === 0) return t === '[int]' || t === '[str]';
  return typeOfValue(v) === t;
}

/** Loads problems from a problems.jsonl file or a folder in the workspace format (one problem folder or many). */
export function loadSynthProblems(p: string): LoadedSynthProblems {
  const warnings: string[] = [];
  const problems: SynthProblem[] = [];
  if (fs.statSync(p).isDirectory()) {
    const set = loadProblemSet(p);
    warnings.push(...set.warnings);
    for (const pr of set.problems) {
      const r = fromEvalProblem(pr);
      if (typeof r === 'string') warnings.push(`${path.dirname(pr.source.file)}: skipped: ${r}`);
      else problems.push(r);
    }
    return { problems, warnings };
  }
  const seen = new Set<string>();
  const lines = fs.readFileSync(p, 'utf8').split('\n');
  lines.forEach((raw, i) => {
    const text = raw.trim();
    if (!text) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      warnings.push(`${p}:${i + 1}: skipped: not JSON: ${(err as Error).message}`);
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      warnings.push(`${p}:${i + 1}: skipped: not a JSON object`);
      return;
    }
    const r = fromJsonRecord(value as Record<string, unknown>, p, i + 1);
    if (typeof r === 'string') warnings.push(`${p}:${i + 1}: skipped: ${r}`);
    else if (seen.has(r.id)) warnings.push(`${p}:${i + 1}: skipped: duplicate id ${r.id}`);
    else {
      seen.add(r.id);
      problems.push(r);
    }
  });
  return { problems, warnings };
}
