/**
 * The program-synthesis DSL, in the spirit of DeepCoder (Balog et al. 2017): straight-line
 * programs over ints, lists of ints, strings and lists of strings. A program is its inputs' types and
 * a list of lines; each line calls one function on earlier values (inputs or line results), lambdas and
 * constants; the last line is the output.
 *
 * Semantics are TOTAL (every well-typed program gives a value on every input), as DeepCoder's "default"
 * variant rather than its null one:
 *   head [] = last [] = minimum [] = maximum [] = 0 (or "" for a list of strings); access n xs = 0 / ""
 *   when n is out of range (negative n is out of range, unlike Python's xs[-1]); take/drop with n < 0
 *   behave as n = 0; /2 is floor division (-3 /2 = -2, Python's //); odd means x mod 2 ≠ 0 for
 *   negative x too; zipWith stops at the shorter list; strings are sequences of Unicode code points
 *   (len "é😀" = 2, as Python's len).
 * Ints are exact while |x| ≤ 2^53 − 1 (JavaScript's safe integers): a result outside that range makes
 * the program undefined on that input — `runProgram` reports `overflow` and the generator never keeps
 * such an example — so the interpreter, compiled Python (big ints) and compiled JavaScript (doubles)
 * agree wherever the interpreter gives a value.
 * Bool is not a value type: it exists only as the result of the predicate lambdas of filter / count.
 */

export type Type = 'int' | 'str' | '[int]' | '[str]';
export const TYPES: readonly Type[] = ['int', 'str', '[int]', '[str]'];
export type Value = number | string | number[] | string[];

/** A lambda argument: int → int maps, int → bool predicates, (int, int) → int operators. */
export type LambdaKind = 'map' | 'pred' | 'op';

export interface Lambda {
  name: string;
  kind: LambdaKind;
  /** How it reads in the DSL text (`map (*2) xs`). */
  text: string;
  fn: (a: number, b: number) => number | boolean;
  /** Python and JavaScript expressions over `v` (or `a`, `b` for operators). */
  py: string;
  js: string;
  /** Name of a list after map / filter / zipWith / scanl1 with this lambda (readable compiled code). */
  noun: string;
}

export const LAMBDAS: readonly Lambda[] = [
  { name: '+1', kind: 'map', text: '(+1)', fn: (v) => v + 1, py: 'v + 1', js: 'v + 1', noun: 'incremented' },
  { name: '-1', kind: 'map', text: '(-1)', fn: (v) => v - 1, py: 'v - 1', js: 'v - 1', noun: 'decremented' },
  { name: '*2', kind: 'map', text: '(*2)', fn: (v) => v * 2, py: 'v * 2', js: 'v * 2', noun: 'doubled' },
  { name: '/2', kind: 'map', text: '(/2)', fn: (v) => Math.floor(v / 2), py: 'v // 2', js: 'Math.floor(v / 2)', noun: 'halved' },
  { name: '*(-1)', kind: 'map', text: '(*(-1))', fn: (v) => 0 - v, py: '-v', js: '-v', noun: 'negated' },
  { name: '**2', kind: 'map', text: '(**2)', fn: (v) => v * v, py: 'v * v', js: 'v * v', noun: 'squared' },
  { name: '>0', kind: 'pred', text: '(>0)', fn: (v) => v > 0, py: 'v > 0', js: 'v > 0', noun: 'positive' },
  { name: '<0', kind: 'pred', text: '(<0)', fn: (v) => v < 0, py: 'v < 0', js: 'v < 0', noun: 'negative' },
  { name: 'even', kind: 'pred', text: 'even', fn: (v) => v % 2 === 0, py: 'v % 2 == 0', js: 'v % 2 === 0', noun: 'even' },
  { name: 'odd', kind: 'pred', text: 'odd', fn: (v) => v % 2 !== 0, py: 'v % 2 != 0', js: 'v % 2 !== 0', noun: 'odd' },
  { name: '+', kind: 'op', text: '(+)', fn: (a, b) => a + b, py: 'a + b', js: 'a + b', noun: 'sums' },
  { name: '-', kind: 'op', text: '(-)', fn: (a, b) => a - b, py: 'a - b', js: 'a - b', noun: 'differences' },
  { name: '*', kind: 'op', text: '(*)', fn: (a, b) => a * b, py: 'a * b', js: 'a * b', noun: 'products' },
  { name: 'min', kind: 'op', text: 'min', fn: (a, b) => Math.min(a, b), py: 'min(a, b)', js: 'Math.min(a, b)', noun: 'minimums' },
  { name: 'max', kind: 'op', text: 'max', fn: (a, b) => Math.max(a, b), py: 'max(a, b)', js: 'Math.max(a, b)', noun: 'maximums' },
];

/**
 * Constants a parameter may take instead of a variable. Few and fixed: they are actions of the micro
 * policy. No `$` in any string constant (JavaScript's replaceAll would read it as a pattern).
 */
export const INT_CONSTS = [1, 2, 3] as const;
export const STR_CONSTS = ['', ' ', ',', '-', '_', '.'] as const;
export const CONSTS: readonly (number | string)[] = [...INT_CONSTS, ...STR_CONSTS];

/**
 * A parameter: a value of a type (`list` = [int] or [str]), or a
 * lambda of a kind. `consts` are the constants allowed in place of a variable; `constOnly` separators
 * take no variable (an empty-string separator is an error in Python and splits UTF-16 units in JS).
 */
export type Param =
  | { kind: 'value'; type: Type | 'list'; consts?: readonly (number | string)[]; constOnly?: boolean; name: string }
  | { kind: 'lambda'; lambda: LambdaKind; name: string };

export interface DslFunction {
  name: string;
  params: readonly Param[];
  /** The result type given the argument types (value params only, in order). */
  result: (list: Type | undefined) => Type;
  /** Readable name of its result in compiled code (the lambda's noun is used for higher-order ones). */
  noun: string;
}

const list = (name = 'xs'): Param => ({ kind: 'value', type: 'list', name });
const ints = (name = 'xs'): Param => ({ kind: 'value', type: '[int]', name });
const count = (name = 'n'): Param => ({ kind: 'value', type: 'int', consts: INT_CONSTS, name });
const elemOf = (l: Type | undefined): Type => (l === '[str]' ? 'str' : 'int');
const same = (l: Type | undefined): Type => l ?? '[int]';

export const FUNCTIONS: readonly DslFunction[] = [
  { name: 'head', params: [list()], result: elemOf, noun: 'first' },
  { name: 'last', params: [list()], result: elemOf, noun: 'last' },
  { name: 'take', params: [count(), list()], result: same, noun: 'prefix' },
  { name: 'drop', params: [count(), list()], result: same, noun: 'rest' },
  { name: 'access', params: [count(), list()], result: elemOf, noun: 'item' },
  { name: 'reverse', params: [list()], result: same, noun: 'backwards' },
  { name: 'length', params: [list()], result: () => 'int', noun: 'size' },
  { name: 'minimum', params: [ints()], result: () => 'int', noun: 'smallest' },
  { name: 'maximum', params: [ints()], result: () => 'int', noun: 'largest' },
  { name: 'sort', params: [ints()], result: () => '[int]', noun: 'ordered' },
  { name: 'sum', params: [ints()], result: () => 'int', noun: 'total' },
  { name: 'map', params: [{ kind: 'lambda', lambda: 'map', name: 'f' }, ints()], result: () => '[int]', noun: '' },
  { name: 'filter', params: [{ kind: 'lambda', lambda: 'pred', name: 'p' }, ints()], result: () => '[int]', noun: '' },
  { name: 'count', params: [{ kind: 'lambda', lambda: 'pred', name: 'p' }, ints()], result: () => 'int', noun: '' },
  { name: 'zipWith', params: [{ kind: 'lambda', lambda: 'op', name: 'f' }, ints('xs'), ints('ys')], result: () => '[int]', noun: '' },
  { name: 'scanl1', params: [{ kind: 'lambda', lambda: 'op', name: 'f' }, ints()], result: () => '[int]', noun: '' },
  { name: 'split', params: [{ kind: 'value', type: 'str', consts: [' ', ',', '-'], constOnly: true, name: 'sep' }, { kind: 'value', type: 'str', name: 's' }], result: () => '[str]', noun: 'words' },
  { name: 'join', params: [{ kind: 'value', type: 'str', consts: STR_CONSTS, constOnly: true, name: 'sep' }, { kind: 'value', type: '[str]', name: 'words' }], result: () => 'str', noun: 'joined' },
  { name: 'upper', params: [{ kind: 'value', type: 'str', name: 's' }], result: () => 'str', noun: 'upper' },
  { name: 'lower', params: [{ kind: 'value', type: 'str', name: 's' }], result: () => 'str', noun: 'lower' },
  { name: 'strip', params: [{ kind: 'value', type: 'str', name: 's' }], result: () => 'str', noun: 'stripped' },
  {
    name: 'replace',
    params: [
      { kind: 'value', type: 'str', consts: [' ', ',', '-', '_', '.'], constOnly: true, name: 'old' },
      { kind: 'value', type: 'str', consts: STR_CONSTS, constOnly: true, name: 'new' },
      { kind: 'value', type: 'str', name: 's' },
    ],
    result: () => 'str',
    noun: 'replaced',
  },
  { name: 'len', params: [{ kind: 'value', type: 'str', name: 's' }], result: () => 'int', noun: 'length' },
];

export const FUNCTION_INDEX: ReadonlyMap<string, number> = new Map(FUNCTIONS.map((f, i) => [f.name, i]));
export const LAMBDA_INDEX: ReadonlyMap<string, number> = new Map(LAMBDAS.map((l, i) => [l.name, i]));

/** An argument: a variable (inputs first, then line results, in order), a lambda, or a constant. */
export type Arg = { var: number } | { lambda: string } | { const: number | string };

export interface Line {
  fn: string;
  args: Arg[];
}

export interface Program {
  /** The types of the inputs (variables 0 … inputs.length − 1). */
  inputs: Type[];
  lines: Line[];
}

export class DslError extends Error {}
/** A value left JavaScript's safe-integer range: the program is undefined on this input. */
export class OverflowError extends DslError {}

const checked = (x: number): number => {
  if (!Number.isSafeInteger(x)) throw new OverflowError(`integer overflow: ${x}`);
  return x + 0; // −0 (0 * −5, Math.floor(−0.5 + …)) becomes 0, as Python has no −0 int
};
const codePoints = (s: string) => Array.from(s);

/** The types of all variables of a program: its inputs, then each line's result. Throws DslError when ill-typed. */
export function typeCheck(program: Program): Type[] {
  const types: Type[] = [...program.inputs];
  program.lines.forEach((line, i) => {
    const t = lineType(line, types);
    if (typeof t !== 'string' || !TYPES.includes(t as Type)) throw new DslError(`line ${i + 1} (${line.fn}): ${t}`);
    types.push(t as Type);
  });
  return types;
}

/** The result type of a line over variables of these types, or the reason it is ill-typed (as `Error`). */
export function lineType(line: Line, types: readonly Type[]): Type | string {
  const fi = FUNCTION_INDEX.get(line.fn);
  if (fi === undefined) return `unknown function "${line.fn}"`;
  const fn = FUNCTIONS[fi];
  if (line.args.length !== fn.params.length) return `expects ${fn.params.length} arguments, got ${line.args.length}`;
  let listType: Type | undefined;
  for (let i = 0; i < fn.params.length; i++) {
    const p = fn.params[i];
    const a = line.args[i];
    if (p.kind === 'lambda') {
      const l = 'lambda' in a ? LAMBDAS[LAMBDA_INDEX.get(a.lambda) ?? -1] : undefined;
      if (!l || l.kind !== p.lambda) return `argument ${p.name}: expects a ${p.lambda} lambda`;
      continue;
    }
    let t: Type | undefined;
    if ('var' in a) t = !p.constOnly && Number.isInteger(a.var) && a.var >= 0 && a.var < types.length ? types[a.var] : undefined;
    else if ('const' in a) t = p.consts?.includes(a.const) ? (typeof a.const === 'number' ? 'int' : 'str') : undefined;
    if (!t) return `argument ${p.name}: not a variable or allowed constant`;
    const want = p.type === 'list' ? (t === '[int]' || t === '[str]' ? t : undefined) : p.type;
    if (t !== want) return `argument ${p.name}: expects ${p.type}, got ${t}`;
    if (p.type === 'list') listType = t;
  }
  return fn.result(listType);
}

/** What an argument denotes when a line runs. */
function argValue(a: Arg, vars: readonly Value[]): Value {
  if ('var' in a) return vars[a.var];
  if ('const' in a) return a.const;
  throw new DslError('a lambda where a value was expected');
}

function lambdaOf(a: Arg): Lambda {
  if (!('lambda' in a)) throw new DslError('a value where a lambda was expected');
  return LAMBDAS[LAMBDA_INDEX.get(a.lambda)!];
}

/**
 * Runs one line on the values of the variables so far (`types`: their types, which give the default
 * element of an empty list). Throws OverflowError when an int leaves the safe range.
 */
export function runLine(line: Line, vars: readonly Value[], types: readonly Type[]): Value {
  const a = line.args;
  const v = (i: number) => argValue(a[i], vars);
  const emptyElem = (i: number) => ('var' in a[i] && types[(a[i] as { var: number }).var] === '[str]' ? '' : 0);
  switch (line.fn) {
    case 'head': {
      const xs = v(0) as (number | string)[];
      return xs.length ? xs[0] : emptyElem(0);
    }
    case 'last': {
      const xs = v(0) as (number | string)[];
      return xs.length ? xs[xs.length - 1] : emptyElem(0);
    }
    case 'take':
      return (v(1) as number[]).slice(0, Math.max(v(0) as number, 0));
    case 'drop':
      return (v(1) as number[]).slice(Math.max(v(0) as number, 0));
    case 'access': {
      const n = v(0) as number;
      const xs = v(1) as (number | string)[];
      return n >= 0 && n < xs.length ? xs[n] : emptyElem(1);
    }
    case 'reverse':
      return [...(v(0) as number[])].reverse();
    case 'length':
      return (v(0) as unknown[]).length;
    case 'minimum': {
      const xs = v(0) as number[];
      return xs.length ? xs.reduce((m, x) => Math.min(m, x), xs[0]) : 0;
    }
    case 'maximum': {
      const xs = v(0) as number[];
      return xs.length ? xs.reduce((m, x) => Math.max(m, x), xs[0]) : 0;
    }
    case 'sort':
      return [...(v(0) as number[])].sort((x, y) => x - y);
    case 'sum':
      return (v(0) as number[]).reduce((s, x) => checked(s + x), 0);
    case 'map': {
      const f = lambdaOf(a[0]);
      return (v(1) as number[]).map((x) => checked(f.fn(x, 0) as number));
    }
    case 'filter': {
      const f = lambdaOf(a[0]);
      return (v(1) as number[]).filter((x) => f.fn(x, 0) as boolean);
    }
    case 'count': {
      const f = lambdaOf(a[0]);
      return (v(1) as number[]).filter((x) => f.fn(x, 0) as boolean).length;
    }
    case 'zipWith': {
      const f = lambdaOf(a[0]);
      const xs = v(1) as number[];
      const ys = v(2) as number[];
      const n = Math.min(xs.length, ys.length);
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(checked(f.fn(xs[i], ys[i]) as number));
      return out;
    }
    case 'scanl1': {
      const f = lambdaOf(a[0]);
      const out: number[] = [];
      for (const x of v(1) as number[]) out.push(out.length ? checked(f.fn(out[out.length - 1], x) as number) : x);
      return out;
    }
    case 'split':
      return (v(1) as string).split(v(0) as string);
    case 'join':
      return (v(1) as string[]).join(v(0) as string);
    case 'upper':
      return (v(0) as string).toUpperCase();
    case 'lower':
      return (v(0) as string).toLowerCase();
    case 'strip':
      return (v(0) as string).replace(/^ +| +$/g, '');
    case 'replace':
      return (v(2) as string).split(v(0) as string).join(v(1) as string);
    case 'len':
      return codePoints(v(0) as string).length;
  }
  throw new DslError(`unknown function "${line.fn}"`);
}

export type RunResult = { ok: true; vars: Value[]; output: Value } | { ok: false; error: string; vars: Value[] };

/** Runs a program on one input (positional arguments). Every line's value is returned for the policies' state. */
export function runProgram(program: Program, input: readonly Value[]): RunResult {
  const types = typeCheck(program);
  const vars: Value[] = [...input];
  try {
    for (let i = 0; i < program.lines.length; i++) vars.push(runLine(program.lines[i], vars, types));
  } catch (err) {
    if (err instanceof OverflowError) return { ok: false, error: err.message, vars };
    throw err;
  }
  if (!program.lines.length) return { ok: false, error: 'empty program', vars };
  return { ok: true, vars, output: vars[vars.length - 1] };
}

/** The type of a JSON value, when the DSL has it (an empty list is [int] unless `hint` says [str]). */
export function typeOfValue(v: unknown, hint?: Type): Type | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'int' : undefined;
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) {
    if (v.length === 0) return hint === '[str]' ? '[str]' : hint === '[int]' ? '[int]' : undefined;
    if (v.every((x) => typeof x === 'number' && Number.isSafeInteger(x))) return '[int]';
    if (v.every((x) => typeof x === 'string')) return '[str]';
  }
  return undefined;
}

/** Exact equality of two DSL values (−0 equals 0; lists element by element). */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return a === b;
}

const argText = (a: Arg, names: readonly string[]) =>
  'var' in a ? names[a.var] : 'lambda' in a ? LAMBDAS[LAMBDA_INDEX.get(a.lambda)!].text : JSON.stringify(a.const);

/** The DSL text of a program (`c = map (*2) a`), one line per line; inputs named a, b, … unless given. */
export function formatProgram(program: Program, inputNames?: readonly string[]): string {
  const names = variableLetters(program, inputNames);
  return program.lines.map((l, i) => `${names[program.inputs.length + i]} = ${l.fn} ${l.args.map((a) => argText(a, names)).join(' ')}`).join('\n');
}

/** One line of a program as DSL text, with the given variable names. */
export function formatLine(line: Line, names: readonly string[]): string {
  return `${line.fn} ${line.args.map((a) => argText(a, names)).join(' ')}`;
}

export function variableLetters(program: Program, inputNames?: readonly string[]): string[] {
  const n = program.inputs.length + program.lines.length;
  return Array.from({ length: n }, (_, i) => (i < program.inputs.length && inputNames?.[i] ? inputNames[i] : String.fromCharCode(97 + (i % 26)) + (i >= 26 ? String(i) : '')));
}

/** Variables read by each line (indices), used by the dead-line and unused-input checks. */
export function usedVariables(program: Program): Set<number> {
  const used = new Set<number>();
  for (const l of program.lines) for (const a of l.args) if ('var' in a) used.add(a.var);
  return used;
}

/** A program with no dead line (every line but the last is read later) and every input read. */
export function isTight(program: Program): boolean {
  const used = usedVariables(program);
  const total = program.inputs.length + program.lines.length;
  for (let v = 0; v < total - 1; v++) if (!used.has(v)) return false;
  return program.lines.length > 0;
}

/** The same program without the lines its output does not depend on (variables renumbered). */
export function pruneDeadLines(program: Program): Program {
  const n = program.inputs.length;
  const needed = new Set<number>([n + program.lines.length - 1]);
  for (let i = program.lines.length - 1; i >= 0; i--) if (needed.has(n + i)) for (const a of program.lines[i].args) if ('var' in a) needed.add(a.var);
  const renumber = new Map<number, number>();
  for (let v = 0; v < n; v++) renumber.set(v, v);
  const lines: Line[] = [];
  program.lines.forEach((l, i) => {
    if (!needed.has(n + i)) return;
    renumber.set(n + i, n + lines.length);
    lines.push({ fn: l.fn, args: l.args.map((a) => ('var' in a ? { var: renumber.get(a.var)! } : a)) });
  });
  return { inputs: [...program.inputs], lines };
}
