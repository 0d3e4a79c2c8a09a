/**
 * Problem sets: HumanEval JSONL(.gz), MBPP (JSON array or JSONL), LeetCodeDataset JSONL(.gz), and the
 * workspace folder format for LeetCode-style problems:
 *
 *   <slug>/problem.md      front matter (--- … ---): id, title, difficulty (easy|medium|hard), tags: [a, b]; then the statement
 *   <slug>/signature.json  {"python": {"entry", "params"}, "javascript": {"entry", "params"}, "compare"?: "exact"|"unordered"|"float", "timeoutMs"?}
 *   <slug>/tests.json      [{"input": [arg1, arg2, …], "expected": value}, …]
 *   <slug>/solution.py     reference (top-level function, or a `class Solution` method)
 *   <slug>/solution.js     reference (module.exports = { entry } or a top-level function)
 *
 * Bad records and folders are skipped with a warning that says file, line and field; the rest loads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { errorMessage } from '../shared/errors';
import { readFileBounded } from '../shared/inputFile';
import { DEFAULT_READ_LIMITS, formatBytes } from '../shared/readLimits';
import { parsePyJson, toWire, type PyVal } from './pyValue';
import type { CompareMode, IoCase, Language, Problem, ProblemFormat, ProblemSet, ProblemTest, Signature } from './types';

/** Reads a text file, gunzipping `.gz`; either way at most the whole-file limit (a gzip bomb stops there). */
export function readText(file: string, max: number = DEFAULT_READ_LIMITS.maxWholeFileBytes): string {
  const buf = readFileBounded(file, 'a problem set', max);
  if (!file.endsWith('.gz')) return buf.toString('utf8');
  try {
    return zlib.gunzipSync(buf, { maxOutputLength: max }).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`${file}: decompresses to more than ${formatBytes(max)} (the limit for a file read whole)`);
    throw new Error(`${file}: cannot decompress: ${errorMessage(err)}`);
  }
}

/** JSON records of a .jsonl(.gz) file or a .json array, with their line numbers (and, for JSONL, the line's text). */
export function readRecords(file: string, warnings: string[]): { value: Record<string, unknown>; line: number; text?: string }[] {
  const text = readText(file);
  const out: { value: Record<string, unknown>; line: number; text?: string }[] = [];
  const base = file.replace(/\.gz$/, '');
  if (base.endsWith('.json') && text.trimStart().startsWith('[')) {
    const arr = JSON.parse(text) as unknown[];
    arr.forEach((v, i) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push({ value: v as Record<string, unknown>, line: i + 1 });
      else warnings.push(`${file}: item ${i}: skipped: not an object`);
    });
    return out;
  }
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    try {
      const v = JSON.parse(line);
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push({ value: v, line: i + 1, text: line });
      else warnings.push(`${file}:${i + 1}: skipped: not a JSON object`);
    } catch (err) {
      warnings.push(`${file}:${i + 1}: skipped: ${(err as Error).message}`);
    }
  });
  return out;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The import lines at the top level of a Python prefix (what a full-function `solution` still needs). */
export function pythonImports(prefix: string): string {
  return prefix
    .split('\n')
    .filter((l) => /^(import\s|from\s+\S+\s+import\s)/.test(l))
    .join('\n');
}

export function recordFormat(r: Record<string, unknown>): ProblemFormat | undefined {
  if (Array.isArray(r.test_list)) return 'mbpp';
  if (typeof r.entry_point === 'string' && (r.entry_point.startsWith('Solution().') || 'input_output' in r)) return 'leetcodedataset';
  if (typeof r.entry_point === 'string' && typeof r.prompt === 'string' && (typeof r.test === 'string' || Array.isArray(r.base_input))) return 'humaneval';
  return undefined;
}

/**
 * HumanEval+'s inputs as Python reads them (1.0 stays a float: JSON.parse would make it 1), as
 * tagged values; or why they cannot be read.
 */
function evalplusInputs(text: string | undefined): { base: unknown[][]; plus: unknown[][] } | string {
  if (!text) return 'HumanEval+ records are read from JSONL (one record per line)';
  let rec: PyVal;
  try {
    rec = parsePyJson(text);
  } catch (err) {
    return errorMessage(err);
  }
  const field = (name: string): unknown[][] | string => {
    const entry = rec.k === 'dict' ? rec.v.find(([k]) => k.k === 'str' && k.v === name) : undefined;
    const list = entry?.[1];
    if (!list || list.k !== 'list') return `field ${name}: not a list`;
    const out: unknown[][] = [];
    for (const [i, args] of list.v.entries()) {
      if (args.k !== 'list') return `field ${name}[${i}]: not a list of arguments`;
      out.push(args.v.map(toWire));
    }
    return out;
  };
  const base = field('base_input');
  const plus = field('plus_input');
  if (typeof base === 'string') return base;
  if (typeof plus === 'string') return plus;
  if (!base.length) return 'field base_input: empty';
  return { base, plus };
}

/** A HumanEval / HumanEval+ / MBPP / LeetCodeDataset record as a Problem, or a reason it cannot be one. */
export function problemFromRecord(r: Record<string, unknown>, file: string, line: number, text?: string): Problem | string {
  const format = recordFormat(r);
  const source = { file, line };
  if (format === 'mbpp') {
    const tests = (r.test_list as unknown[]).filter((t): t is string => typeof t === 'string');
    const code = str(r.code) ?? '';
    const id = typeof r.task_id === 'number' || /^\d+$/.test(String(r.task_id)) ? `Mbpp/${r.task_id}` : String(r.task_id ?? `line-${line}`);
    const defs = [...code.matchAll(/^def\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]);
    // (?<!\w): a name is tried from its first letter only, not from each letter of it (quadratic on a long name)
    const called = tests.map((t) => /(?<!\w)([A-Za-z_]\w*)\s*\(/.exec(t.replace(/^assert\s+(not\s+)?/, '').replace(/^(set|sorted|math\.isclose|abs|round|list|tuple)\s*\(/, ''))?.[1]);
    const entry = called.find((c) => c && defs.includes(c)) ?? defs[defs.length - 1] ?? '';
    if (!tests.length) return 'field test_list: no assert strings';
    const imports = Array.isArray(r.test_imports) ? (r.test_imports as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    const setup = str(r.test_setup_code) ?? '';
    return {
      id,
      format,
      statement: str(r.text) ?? str(r.prompt) ?? '',
      entryPoint: entry,
      test: { kind: 'python-check', code: [setup, ...imports, ...tests].filter(Boolean).join('\n') + '\n', candidate: entry },
      references: code ? [{ language: 'python', code: [...imports, code].join('\n') }] : [],
      source,
    };
  }
  if (format === 'humaneval' || format === 'leetcodedataset') {
    const id = str(r.task_id);
    if (!id) return 'field task_id: missing';
    const entry = r.entry_point as string;
    const prompt = str(r.prompt) ?? '';
    const reference = format === 'humaneval' ? str(r.canonical_solution) : str(r.completion);
    if (!/^[A-Za-z_][\w]*(\(\)\.[A-Za-z_]\w*)?$/.test(entry)) return `field entry_point: not a function name: ${JSON.stringify(entry).slice(0, 60)}`;
    const difficulty = str(r.difficulty)?.toLowerCase();
    let test: ProblemTest = { kind: 'python-check', code: r.test as string, call: `check(${entry})`, candidate: 'candidate' };
    if (format === 'humaneval' && Array.isArray(r.base_input) && Array.isArray(r.plus_input)) {
      const inputs = evalplusInputs(text);
      if (typeof inputs === 'string') return inputs;
      const atol = typeof r.atol === 'number' && r.atol >= 0 ? r.atol : 0;
      test = { kind: 'evalplus', ...inputs, atol };
    }
    return {
      id,
      format,
      title: format === 'leetcodedataset' ? id : undefined,
      difficulty: difficulty === 'easy' || difficulty === 'medium' || difficulty === 'hard' ? difficulty : undefined,
      tags: Array.isArray(r.tags) ? (r.tags as unknown[]).map(String) : undefined,
      statement: format === 'leetcodedataset' ? (str(r.problem_description) ?? prompt) : prompt,
      entryPoint: entry,
      prefix: prompt,
      test,
      references: reference !== undefined ? [{ language: 'python', code: prompt + reference }] : [],
      source,
    };
  }
  return 'not a HumanEval, MBPP or LeetCodeDataset record (needs task_id + prompt + test + entry_point, or test_list)';
}

// ------------------------------------------------------------------------------------------------
// The workspace folder format.

/** Front matter `key: value` lines (strings, numbers, [a, b] lists) and the Markdown body after it. */
export function parseFrontMatter(text: string): { meta: Record<string, string | string[]>; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return { meta: {}, body: text };
  const meta: Record<string, string | string[]> = {};
  for (const line of m[1].split(/\r?\n/)) {
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    let v = kv[2].trim();
    if (v.startsWith('[') && v.endsWith(']')) {
      meta[kv[1]] = v
        .slice(1, -1)
        .split(',')
        .map((s) => s.trim().replace(/^["']|["']$/g, ''))
        .filter(Boolean);
      continue;
    }
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    meta[kv[1]] = v;
  }
  return { meta, body: text.slice(m[0].length) };
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function readSignature(v: unknown, where: string): Signature | string | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object') return `${where}: not an object`;
  const s = v as { entry?: unknown; params?: unknown };
  if (typeof s.entry !== 'string' || !IDENT.test(s.entry)) return `${where}.entry: not a function name`;
  if (!Array.isArray(s.params) || !s.params.every((p) => typeof p === 'string')) return `${where}.params: not a list of names`;
  return { entry: s.entry, params: s.params as string[] };
}

/** One workspace problem folder, or the reason it cannot be read ("folder/file: field: what"). */
export function loadWorkspaceProblem(dir: string): Problem | string {
  const slug = path.basename(dir);
  const rel = (f: string) => path.join(dir, f);
  let md: string;
  try {
    md = fs.readFileSync(rel('problem.md'), 'utf8');
  } catch {
    return `${rel('problem.md')}: missing`;
  }
  const { meta, body } = parseFrontMatter(md);
  let sigRaw: Record<string, unknown>;
  try {
    sigRaw = JSON.parse(fs.readFileSync(rel('signature.json'), 'utf8'));
  } catch (err) {
    return `${rel('signature.json')}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`;
  }
  const signature: Partial<Record<'python' | 'javascript', Signature>> = {};
  for (const lang of ['python', 'javascript'] as const) {
    const s = readSignature(sigRaw[lang], `${rel('signature.json')}: ${lang}`);
    if (typeof s === 'string') return s;
    if (s) signature[lang] = s;
  }
  if (!signature.python && !signature.javascript) return `${rel('signature.json')}: needs "python" and/or "javascript" {"entry", "params"}`;
  const compare = (sigRaw.compare ?? 'exact') as CompareMode;
  if (!['exact', 'unordered', 'float'].includes(compare)) return `${rel('signature.json')}: compare: must be exact, unordered or float`;
  const timeoutMs = sigRaw.timeoutMs;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0))) return `${rel('signature.json')}: timeoutMs: must be a positive number`;
  let tests: unknown;
  try {
    tests = JSON.parse(fs.readFileSync(rel('tests.json'), 'utf8'));
  } catch (err) {
    return `${rel('tests.json')}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`;
  }
  if (!Array.isArray(tests) || tests.length === 0) return `${rel('tests.json')}: must be a non-empty array of {"input": [...], "expected": ...}`;
  const cases: IoCase[] = [];
  for (let i = 0; i < tests.length; i++) {
    const t = tests[i] as { input?: unknown; expected?: unknown };
    if (!t || typeof t !== 'object' || !Array.isArray(t.input) || !('expected' in t)) return `${rel('tests.json')}: [${i}]: needs "input" (an array of arguments) and "expected"`;
    cases.push({ input: t.input, expected: t.expected });
  }
  const references: { language: Language; code: string }[] = [];
  for (const [file, language] of [['solution.py', 'python'], ['solution.js', 'javascript'], ['solution.ts', 'typescript']] as const) {
    if (fs.existsSync(rel(file))) references.push({ language, code: fs.readFileSync(rel(file), 'utf8') });
  }
  const difficulty = typeof meta.difficulty === 'string' ? meta.difficulty.toLowerCase() : undefined;
  return {
    id: typeof meta.id === 'string' && meta.id ? meta.id : slug,
    format: 'workspace',
    title: typeof meta.title === 'string' ? meta.title : slug,
    difficulty: difficulty === 'easy' || difficulty === 'medium' || difficulty === 'hard' ? difficulty : undefined,
    tags: Array.isArray(meta.tags) ? meta.tags : typeof meta.tags === 'string' && meta.tags ? [meta.tags] : undefined,
    statement: body.trim(),
    entryPoint: (signature.python ?? signature.javascript)!.entry,
    test: { kind: 'io', cases, compare, signature },
    references,
    timeoutMs: timeoutMs as number | undefined,
    source: { file: rel('problem.md') },
  };
}

/** Loads a problem set: a .jsonl/.jsonl.gz/.json file, a folder of problem folders, or one problem folder. */
export function loadProblemSet(p: string): ProblemSet {
  const warnings: string[] = [];
  const problems: Problem[] = [];
  const stat = fs.statSync(p);
  if (stat.isDirectory()) {
    const dirs = fs.existsSync(path.join(p, 'problem.md'))
      ? [p]
      : fs
          .readdirSync(p, { withFileTypes: true })
          .filter((d) => d.isDirectory() && fs.existsSync(path.join(p, d.name, 'problem.md')))
          .map((d) => path.join(p, d.name))
          .sort();
    for (const dir of dirs) {
      const r = loadWorkspaceProblem(dir);
      if (typeof r === 'string') warnings.push(`skipped: ${r}`);
      else problems.push(r);
    }
    if (!dirs.length) warnings.push(`${p}: no problem folders (a folder with problem.md, signature.json, tests.json)`);
    return dedupe({ path: p, format: 'workspace', problems, warnings });
  }
  let format: ProblemFormat | undefined;
  for (const { value, line, text } of readRecords(p, warnings)) {
    const r = problemFromRecord(value, p, line, text);
    if (typeof r === 'string') warnings.push(`${p}:${line}: skipped: ${r}`);
    else {
      format ??= r.format;
      problems.push(r);
    }
  }
  return dedupe({ path: p, format: format ?? 'humaneval', problems, warnings });
}

function dedupe(set: ProblemSet): ProblemSet {
  const seen = new Set<string>();
  set.problems = set.problems.filter((pr) => {
    if (seen.has(pr.id)) {
      set.warnings.push(`${pr.source.file}${pr.source.line ? `:${pr.source.line}` : ''}: skipped: duplicate id ${pr.id}`);
      return false;
    }
    seen.add(pr.id);
    return true;
  });
  return set;
}
