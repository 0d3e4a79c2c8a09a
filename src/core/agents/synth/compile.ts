/**
 * DSL programs as real, readable Python and JavaScript: a named function with the problem's signature,
 * one statement per program line, each result named after what it is (`doubled`, `running_sums`,
 * `smallest`). The code keeps the DSL's total semantics (dsl.ts) — e.g. `nums[0] if nums else 0` for
 * head — so it gives exactly the interpreter's outputs; test/unit/synth-dsl.test.ts runs both on
 * random programs and compares.
 */
import { FUNCTIONS, FUNCTION_INDEX, LAMBDAS, LAMBDA_INDEX, typeCheck, type Arg, type Line, type Program, type Type } from './dsl';

export interface CodeSignature {
  /** Function name. */
  entry: string;
  /** Parameter names, one per program input. */
  params: string[];
}

type Lang = 'python' | 'javascript';

const PY_RESERVED = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield sum min max len list map filter sorted reversed str int print range zip input type id next iter all any abs set dict'.split(
    ' ',
  ),
);
const JS_RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static await arguments eval undefined NaN Infinity Math Object Array String Number JSON module exports require scanl1'.split(' '),
);

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** What a line's result is called, before de-duplication. */
function nounOf(line: Line): string {
  const fn = FUNCTIONS[FUNCTION_INDEX.get(line.fn)!];
  const lam = line.args.find((a): a is { lambda: string } => 'lambda' in a);
  const noun = lam ? LAMBDAS[LAMBDA_INDEX.get(lam.lambda)!].noun : '';
  switch (line.fn) {
    case 'map':
    case 'zipWith':
      return noun;
    case 'filter':
      return `${noun}_values`;
    case 'count':
      return `${noun}_count`;
    case 'scanl1':
      return `running_${noun}`;
  }
  return fn.noun;
}

/** Names for every variable: the parameters, then one readable, unique name per line. */
export function variableNames(program: Program, params: readonly string[], lang: Lang): string[] {
  const reserved = lang === 'python' ? PY_RESERVED : JS_RESERVED;
  const names = [...params];
  const taken = new Set(names);
  for (const line of program.lines) {
    let base = nounOf(line);
    if (lang === 'javascript') base = camel(base);
    if (reserved.has(base)) base += '_';
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}${lang === 'python' ? '_' : ''}${k}`;
    taken.add(name);
    names.push(name);
  }
  return names;
}

const lit = (v: number | string) => JSON.stringify(v);

function pyExpr(line: Line, names: readonly string[], types: readonly Type[]): string {
  const a = line.args;
  const v = (i: number) => { const x = a[i]; return 'var' in x ? names[x.var] : 'const' in x ? lit(x.const) : ''; };
  const lam = (i: number) => LAMBDAS[LAMBDA_INDEX.get((a[i] as { lambda: string }).lambda)!];
  const empty = (i: number) => ('var' in a[i] && types[(a[i] as { var: number }).var] === '[str]' ? '""' : '0');
  switch (line.fn) {
    case 'head': return `${v(0)}[0] if ${v(0)} else ${empty(0)}`;
    case 'last': return `${v(0)}[-1] if ${v(0)} else ${empty(0)}`;
    case 'take': return `${v(1)}[:max(${v(0)}, 0)]`;
    case 'drop': return `${v(1)}[max(${v(0)}, 0):]`;
    case 'access': return `${v(1)}[${v(0)}] if 0 <= ${v(0)} < len(${v(1)}) else ${empty(1)}`;
    case 'reverse': return `${v(0)}[::-1]`;
    case 'length': return `len(${v(0)})`;
    case 'minimum': return `min(${v(0)}, default=0)`;
    case 'maximum': return `max(${v(0)}, default=0)`;
    case 'sort': return `sorted(${v(0)})`;
    case 'sum': return `sum(${v(0)})`;
    case 'map': return `[${lam(0).py} for v in ${v(1)}]`;
    case 'filter': return `[v for v in ${v(1)} if ${lam(0).py}]`;
    case 'count': return `sum(1 for v in ${v(1)} if ${lam(0).py})`;
    case 'zipWith': return `[${lam(0).py} for a, b in zip(${v(1)}, ${v(2)})]`;
    case 'scanl1': {
      const op = lam(0).name;
      const f = op === '+' ? '' : op === 'min' ? ', min' : op === 'max' ? ', max' : `, lambda a, b: ${lam(0).py}`;
      return `list(accumulate(${v(1)}${f}))`;
    }
    case 'split': return `${v(1)}.split(${v(0)})`;
    case 'join': return `${v(0)}.join(${v(1)})`;
    case 'upper': return `${v(0)}.upper()`;
    case 'lower': return `${v(0)}.lower()`;
    case 'strip': return `${v(0)}.strip(" ")`;
    case 'replace': return `${v(2)}.replace(${v(0)}, ${v(1)})`;
    case 'len': return `len(${v(0)})`;
  }
  throw new Error(`unknown function ${line.fn}`);
}

function jsExpr(line: Line, names: readonly string[], types: readonly Type[]): string {
  const a = line.args;
  const v = (i: number) => { const x: Arg = a[i]; return 'var' in x ? names[x.var] : 'const' in x ? lit(x.const) : ''; };
  const lam = (i: number) => LAMBDAS[LAMBDA_INDEX.get((a[i] as { lambda: string }).lambda)!];
  const empty = (i: number) => ('var' in a[i] && types[(a[i] as { var: number }).var] === '[str]' ? '""' : '0');
  switch (line.fn) {
    case 'head': return `${v(0)}.length > 0 ? ${v(0)}[0] : ${empty(0)}`;
    case 'last': return `${v(0)}.length > 0 ? ${v(0)}[${v(0)}.length - 1] : ${empty(0)}`;
    case 'take': return `${v(1)}.slice(0, Math.max(${v(0)}, 0))`;
    case 'drop': return `${v(1)}.slice(Math.max(${v(0)}, 0))`;
    case 'access': return `${v(0)} >= 0 && ${v(0)} < ${v(1)}.length ? ${v(1)}[${v(0)}] : ${empty(1)}`;
    case 'reverse': return `[...${v(0)}].reverse()`;
    case 'length': return `${v(0)}.length`;
    case 'minimum': return `${v(0)}.length > 0 ? ${v(0)}.reduce((a, b) => Math.min(a, b)) : 0`;
    case 'maximum': return `${v(0)}.length > 0 ? ${v(0)}.reduce((a, b) => Math.max(a, b)) : 0`;
    case 'sort': return `[...${v(0)}].sort((a, b) => a - b)`;
    case 'sum': return `${v(0)}.reduce((a, b) => a + b, 0)`;
    case 'map': return `${v(1)}.map((v) => ${lam(0).js})`;
    case 'filter': return `${v(1)}.filter((v) => ${lam(0).js})`;
    case 'count': return `${v(1)}.filter((v) => ${lam(0).js}).length`;
    case 'zipWith': return `${v(1)}.slice(0, ${v(2)}.length).map((a, i) => ${lam(0).js.replace(/\bb\b/g, `${v(2)}[i]`)})`;
    case 'scanl1': return `scanl1(${v(1)}, (a, b) => ${lam(0).js})`;
    case 'split': return `${v(1)}.split(${v(0)})`;
    case 'join': return `${v(1)}.join(${v(0)})`;
    case 'upper': return `${v(0)}.toUpperCase()`;
    case 'lower': return `${v(0)}.toLowerCase()`;
    case 'strip': return `${v(0)}.replace(/^ +| +$/g, "")`;
    case 'replace': return `${v(2)}.replaceAll(${v(0)}, ${v(1)})`;
    case 'len': return `[...${v(0)}].length`;
  }
  throw new Error(`unknown function ${line.fn}`);
}

const defaultParams = (program: Program) => program.inputs.map((t, i) => (t === 'str' ? 's' : t === 'int' ? 'n' : t === '[str]' ? 'words' : 'nums') + (program.inputs.length > 1 ? String(i + 1) : ''));

/** The program as a Python module: imports it needs, then `def entry(params):`. */
export function toPython(program: Program, sig?: CodeSignature): string {
  const types = typeCheck(program);
  const params = sig?.params ?? defaultParams(program);
  const names = variableNames(program, params, 'python');
  const body = program.lines.map((l, i) => `    ${names[params.length + i]} = ${pyExpr(l, names, types)}`);
  body.push(`    return ${names[names.length - 1]}`);
  const imports = program.lines.some((l) => l.fn === 'scanl1') ? 'from itertools import accumulate\n\n\n' : '';
  return `${imports}def ${sig?.entry ?? 'solve'}(${params.join(', ')}):\n${body.join('\n')}\n`;
}

/** The program as a CommonJS module: `function entry(params) {…}` and `module.exports = { entry }`. */
export function toJavaScript(program: Program, sig?: CodeSignature): string {
  const types = typeCheck(program);
  const params = sig?.params ?? defaultParams(program);
  const entry = sig?.entry ?? 'solve';
  const names = variableNames(program, params, 'javascript');
  const body = program.lines.map((l, i) => `  const ${names[params.length + i]} = ${jsExpr(l, names, types)};`);
  body.push(`  return ${names[names.length - 1]};`);
  const helper = program.lines.some((l) => l.fn === 'scanl1')
    ? `/** Running fold (Haskell's scanl1): [x0, f(x0, x1), f(f(x0, x1), x2), …]. */\nfunction scanl1(xs, f) {\n  const out = [];\n  for (const x of xs) out.push(out.length > 0 ? f(out[out.length - 1], x) : x);\n  return out;\n}\n\n`
    : '';
  return `${helper}function ${entry}(${params.join(', ')}) {\n${body.join('\n')}\n}\n\nmodule.exports = { ${entry} };\n`;
}
