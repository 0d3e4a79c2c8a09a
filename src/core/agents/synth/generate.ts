/**
 * Random well-typed programs and the problems made from them.
 *
 * `sampleProgram` draws a program of a given length line by line (a function that can be called on
 * what exists, then arguments of the right types), steering towards variables not yet read so that
 * TIGHT programs (no dead line, every input read) are common; it is also the random-search baseline.
 * `generateProblems` runs programs on random inputs and keeps a problem only when it is not degenerate
 * — the output varies between examples, no output simply equals an input everywhere, no example
 * overflows — and when its behaviour (the outputs on a fixed probe set of inputs for its signature) is
 * new, so two programs that compute the same function are one problem (the shortest, when lengths are
 * generated in ascending order).
 */
import { Rng } from '../../shared/rng';
import { FUNCTIONS, isTight, LAMBDAS, runProgram, typeCheck, valuesEqual, type Arg, type DslFunction, type Line, type Program, type Type, type Value } from './dsl';
import { formatProgram } from './dsl';
import { MAX_SHOWN, type Example, type SynthProblem } from './problems';

/** Signatures the generator draws from (lists of ints most often, as in DeepCoder). */
export const SIGNATURES: readonly Type[][] = [['[int]'], ['[int]'], ['[int]'], ['[int]', 'int'], ['[int]', '[int]'], ['str'], ['str'], ['[str]'], ['str', 'int']];

/** The candidate arguments of each parameter of `fn`, given the variable types (empty list = cannot be called). */
export function argumentChoices(fn: DslFunction, types: readonly Type[]): Arg[][] | undefined {
  const out: Arg[][] = [];
  for (const p of fn.params) {
    const c: Arg[] = [];
    if (p.kind === 'lambda') for (const l of LAMBDAS) if (l.kind === p.lambda) c.push({ lambda: l.name });
    if (p.kind === 'value') {
      types.forEach((t, i) => {
        if (!p.constOnly && (p.type === 'list' ? t === '[int]' || t === '[str]' : t === p.type)) c.push({ var: i });
      });
      for (const k of p.consts ?? []) c.push({ const: k });
    }
    if (!c.length) return undefined;
    out.push(c);
  }
  return out;
}

/** Functions that can be called on variables of these types and give one of `results` (any when undefined). */
export function callableFunctions(types: readonly Type[], results?: readonly Type[]): DslFunction[] {
  return FUNCTIONS.filter((f) => {
    if (!argumentChoices(f, types)) return false;
    if (!results) return true;
    if (f.params.some((p) => p.kind === 'value' && p.type === 'list')) {
      const lists = [...new Set(types.filter((t) => t === '[int]' || t === '[str]'))];
      return lists.some((l) => results.includes(f.result(l)));
    }
    return results.includes(f.result(undefined));
  });
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];

/**
 * A random program of `length` lines over inputs of these types, whose output has type `output` when
 * given. Variables not yet read are preferred (70 %), so most draws are tight. Undefined when no such
 * program exists within a few attempts.
 */
export function sampleProgram(rng: Rng, inputs: readonly Type[], length: number, output?: Type, attempts = 50): Program | undefined {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const types: Type[] = [...inputs];
    const lines: Line[] = [];
    const used = new Set<number>();
    let ok = true;
    for (let i = 0; i < length; i++) {
      const last = i === length - 1;
      const fns = callableFunctions(types, last && output ? [output] : undefined);
      if (!fns.length) {
        ok = false;
        break;
      }
      const fn = pick(rng, fns);
      const choices = argumentChoices(fn, types)!;
      const args: Arg[] = [];
      let listType: Type | undefined;
      for (let k = 0; k < choices.length; k++) {
        let c = choices[k];
        const p = fn.params[k];
        // once a list argument fixes the element type, the output type must still be reachable
        if (p.kind === 'value' && p.type === 'list' && last && output) c = c.filter((a) => 'var' in a && fn.result(types[a.var]) === output);
        if (!c.length) break;
        const fresh = c.filter((a) => 'var' in a && !used.has(a.var));
        const a = fresh.length && rng.uniform() < 0.7 ? pick(rng, fresh) : pick(rng, c);
        if (p.kind === 'value' && p.type === 'list' && 'var' in a) listType = types[a.var];
        args.push(a);
      }
      if (args.length !== choices.length) {
        ok = false;
        break;
      }
      for (const a of args) if ('var' in a) used.add(a.var);
      lines.push({ fn: fn.name, args });
      types.push(fn.result(listType));
    }
    if (!ok) continue;
    const program = { inputs: [...inputs], lines };
    if (output && types[types.length - 1] !== output) continue;
    return program;
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// Random inputs.

const WORDS = ['alpha', 'Beta', 'gamma', 'DELTA', 'x', 'y2', '42', 'naïve', 'Ünïcode', 'straße', 'ok', 'Zeta', 'mu', 'été', '日本', 'a-b'];
const SEPS = [' ', ' ', ',', '-', '_', '.', ', ', '  '];

export function randomValue(rng: Rng, t: Type): Value {
  switch (t) {
    case 'int':
      return rng.int(8) - 1; // mostly small counts and indices: −1 … 6
    case '[int]': {
      const n = rng.uniform() < 0.08 ? 0 : 1 + rng.int(9);
      return Array.from({ length: n }, () => rng.int(41) - 20);
    }
    case 'str': {
      const n = rng.uniform() < 0.05 ? 0 : 1 + rng.int(4);
      let s = '';
      for (let i = 0; i < n; i++) s += (i ? pick(rng, SEPS) : '') + pick(rng, WORDS);
      if (rng.uniform() < 0.2) s = ' ' + s;
      if (rng.uniform() < 0.2) s += '  ';
      return s;
    }
    case '[str]': {
      const n = rng.uniform() < 0.08 ? 0 : 1 + rng.int(5);
      return Array.from({ length: n }, () => pick(rng, WORDS));
    }
  }
}

/** Fixed probe inputs per signature: two programs with equal outputs on all of them behave the same. */
const probeCache = new Map<string, Value[][]>();
export function probeInputs(inputs: readonly Type[]): Value[][] {
  const key = inputs.join(',');
  let probes = probeCache.get(key);
  if (!probes) {
    const rng = new Rng(0x5eed);
    probes = Array.from({ length: 24 }, () => inputs.map((t) => randomValue(rng, t)));
    probeCache.set(key, probes);
  }
  return probes;
}

/** The behaviour of a program: its signature and its outputs on the probe inputs ("!" for overflow). */
export function behaviourKey(program: Program): string {
  const outs = probeInputs(program.inputs).map((input) => {
    const r = runProgram(program, input);
    return r.ok ? JSON.stringify(r.output) : '!';
  });
  return `${program.inputs.join(',')}→${outs.join('|')}`;
}

/** Why a program makes a poor problem, or undefined when it is a good one. */
export function degenerate(program: Program, examples: Example[]): string | undefined {
  if (!isTight(program)) return 'a dead line or an unused input';
  if (examples.every((e) => valuesEqual(e.output, examples[0].output))) return 'constant output';
  for (let i = 0; i < program.inputs.length; i++) if (examples.every((e) => valuesEqual(e.output, e.input[i]))) return `returns input ${i + 1} unchanged`;
  return undefined;
}

/** Random examples for a program (inputs redrawn when a run overflows); undefined when too many overflow. */
export function makeExamples(rng: Rng, program: Program, n: number): Example[] | undefined {
  const out: Example[] = [];
  for (let tries = 0; out.length < n && tries < n * 4; tries++) {
    const input = program.inputs.map((t) => randomValue(rng, t));
    const r = runProgram(program, input);
    if (r.ok) out.push({ input, output: r.output });
  }
  return out.length === n ? out : undefined;
}

export interface GenerateOptions {
  /** How many problems per program length. */
  perLength: number;
  /** Program lengths, generated in this order (ascending keeps the shortest program of each behaviour). */
  lengths: readonly number[];
  /** Shown examples (≤ 5) and held-back examples per problem. */
  shown?: number;
  heldOut?: number;
  /** Behaviour keys to avoid (another set's problems: a held-out test set never repeats a training problem). */
  exclude?: ReadonlySet<string>;
  /** Id prefix (default "gen"). */
  prefix?: string;
}

export interface GeneratedSet {
  problems: SynthProblem[];
  /** Behaviour keys of the problems (and of everything in `exclude`). */
  keys: Set<string>;
}

/** Problems from random programs: well-typed, tight, not degenerate, deduplicated by behaviour. */
export function generateProblems(rng: Rng, opts: GenerateOptions): GeneratedSet {
  const keys = new Set<string>(opts.exclude ?? []);
  const problems: SynthProblem[] = [];
  const nShown = Math.min(MAX_SHOWN, opts.shown ?? MAX_SHOWN);
  const nHeld = opts.heldOut ?? 5;
  for (const length of opts.lengths) {
    let made = 0;
    for (let attempt = 0; made < opts.perLength && attempt < opts.perLength * 200; attempt++) {
      const inputs = pick(rng, SIGNATURES);
      const program = sampleProgram(rng, inputs, length, undefined, 5);
      if (!program || !isTight(program)) continue;
      const examples = makeExamples(rng, program, nShown + nHeld);
      if (!examples || degenerate(program, examples)) continue;
      const key = behaviourKey(program);
      if (keys.has(key) || key.includes('!')) continue;
      keys.add(key);
      const types = typeCheck(program);
      const id = `${opts.prefix ?? 'gen'}-L${length}-${String(made).padStart(3, '0')}`;
      const params = inputs.map((t, i) => (t === 'str' ? 's' : t === 'int' ? 'n' : t === '[str]' ? 'words' : 'nums') + (inputs.length > 1 ? String(i + 1) : ''));
      problems.push({
        id,
        inputs: [...inputs],
        output: types[types.length - 1],
        signature: { python: { entry: 'solve', params }, javascript: { entry: 'solve', params } },
        shown: examples.slice(0, nShown),
        heldOut: examples.slice(nShown),
        program,
        source: { kind: 'generated' },
      });
      made++;
    }
  }
  return { problems, keys };
}

/** The DSL text of a generated problem's program (for JSONL output and traces). */
export const programText = (p: SynthProblem) => (p.program ? formatProgram(p.program, p.signature.python.params) : undefined);
