/**
 * Python values outside the sandbox: the tagged JSON a program's outputs arrive in (see
 * sandbox/pyvalues.py), Python's `==` and truthiness on them, EvalPlus's tolerance rules, and a
 * Python-style repr for messages. The grader compares here, with expected values the program never saw.
 */

export type PyVal =
  | { k: 'none' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'complex'; re: number; im: number }
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: string }
  | { k: 'list' | 'tuple' | 'set' | 'frozenset'; v: PyVal[] }
  | { k: 'dict'; v: [PyVal, PyVal][] };

const MAX_DEPTH = 200;
const NONE: PyVal = { k: 'none' };

function wireFloat(x: unknown): number {
  if (typeof x === 'number') return x;
  if (x === 'nan') return NaN;
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  throw new Error(`not a float: ${JSON.stringify(x)?.slice(0, 40)}`);
}

/** Tagged JSON (parsed) to a value; throws on anything that is not exactly that format. */
export function fromWire(w: unknown, depth = 0): PyVal {
  if (depth > MAX_DEPTH) throw new Error('nested too deeply');
  if (w === null) return NONE;
  if (typeof w === 'boolean') return { k: 'bool', v: w };
  if (typeof w === 'number') {
    if (!Number.isSafeInteger(w) && !(Number.isInteger(w) && Math.abs(w) <= 2 ** 53)) throw new Error(`an untagged number that is not an integer: ${w}`);
    return { k: 'int', v: BigInt(w) };
  }
  if (typeof w === 'string') return { k: 'str', v: w };
  if (Array.isArray(w)) return { k: 'list', v: w.map((x) => fromWire(x, depth + 1)) };
  if (typeof w === 'object') {
    const keys = Object.keys(w);
    if (keys.length !== 1) throw new Error('a tagged value has exactly one key');
    const tag = keys[0];
    const v = (w as Record<string, unknown>)[tag];
    const items = () => {
      if (!Array.isArray(v)) throw new Error(`"${tag}" needs a list`);
      return v.map((x) => fromWire(x, depth + 1));
    };
    switch (tag) {
      case 'f':
        return { k: 'float', v: wireFloat(v) };
      case 'i': {
        if (typeof v !== 'string' || !/^-?[0-9a-f]+$/.test(v)) throw new Error('a big int is a hex string');
        const neg = v.startsWith('-');
        const mag = BigInt('0x' + (neg ? v.slice(1) : v));
        return { k: 'int', v: neg ? -mag : mag };
      }
      case 't':
        return { k: 'tuple', v: items() };
      case 's':
        return { k: 'set', v: items() };
      case 'fs':
        return { k: 'frozenset', v: items() };
      case 'd': {
        if (!Array.isArray(v)) throw new Error('"d" needs a list of pairs');
        return {
          k: 'dict',
          v: v.map((pair) => {
            if (!Array.isArray(pair) || pair.length !== 2) throw new Error('"d" needs a list of pairs');
            return [fromWire(pair[0], depth + 1), fromWire(pair[1], depth + 1)] as [PyVal, PyVal];
          }),
        };
      }
      case 'b':
        if (typeof v !== 'string') throw new Error('bytes are base64');
        return { k: 'bytes', v: Buffer.from(v, 'base64').toString('latin1') };
      case 'c': {
        if (!Array.isArray(v) || v.length !== 2) throw new Error('"c" needs [re, im]');
        const [re, im] = v.map((x) => fromWire(x, depth + 1));
        if (re.k !== 'float' || im.k !== 'float') throw new Error('"c" needs two floats');
        return { k: 'complex', re: re.v, im: im.v };
      }
    }
    throw new Error(`unknown tag "${tag}"`);
  }
  throw new Error(`not a value: ${typeof w}`);
}

/** A value back to tagged JSON (to send inputs into the sandbox). */
export function toWire(p: PyVal): unknown {
  switch (p.k) {
    case 'none':
      return null;
    case 'bool':
    case 'str':
      return p.v;
    case 'int':
      return p.v >= -(2n ** 53n) && p.v <= 2n ** 53n ? Number(p.v) : { i: (p.v < 0n ? '-' : '') + (p.v < 0n ? -p.v : p.v).toString(16) };
    case 'float':
      return { f: Number.isFinite(p.v) ? p.v : Number.isNaN(p.v) ? 'nan' : p.v > 0 ? 'inf' : '-inf' };
    case 'complex':
      return { c: [toWire({ k: 'float', v: p.re }), toWire({ k: 'float', v: p.im })] };
    case 'bytes':
      return { b: Buffer.from(p.v, 'latin1').toString('base64') };
    case 'list':
      return p.v.map(toWire);
    case 'tuple':
      return { t: p.v.map(toWire) };
    case 'set':
      return { s: p.v.map(toWire) };
    case 'frozenset':
      return { fs: p.v.map(toWire) };
    case 'dict':
      return { d: p.v.map(([a, b]) => [toWire(a), toWire(b)]) };
  }
}

/** A plain JSON value (workspace tests, JavaScript outputs) as Python's json.loads would give it. */
export function fromJson(v: unknown, depth = 0): PyVal {
  if (depth > MAX_DEPTH) throw new Error('nested too deeply');
  if (v === null || v === undefined) return NONE;
  if (typeof v === 'boolean') return { k: 'bool', v };
  if (typeof v === 'number') return Number.isInteger(v) ? { k: 'int', v: BigInt(v) } : { k: 'float', v };
  if (typeof v === 'string') return { k: 'str', v };
  if (Array.isArray(v)) return { k: 'list', v: v.map((x) => fromJson(x, depth + 1)) };
  return { k: 'dict', v: Object.entries(v as object).map(([a, b]) => [{ k: 'str', v: a }, fromJson(b, depth + 1)] as [PyVal, PyVal]) };
}

/** The JSON a value stands for (tuples as arrays), or undefined when it has none (sets, bytes, non-string keys, NaN). */
export function toJson(p: PyVal): unknown {
  switch (p.k) {
    case 'none':
      return null;
    case 'bool':
    case 'str':
      return p.v;
    case 'int':
      return Number(p.v);
    case 'float':
      return Number.isFinite(p.v) ? p.v : undefined;
    case 'list':
    case 'tuple': {
      const out: unknown[] = [];
      for (const x of p.v) {
        const j = toJson(x);
        if (j === undefined) return undefined;
        out.push(j);
      }
      return out;
    }
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [a, b] of p.v) {
        const j = toJson(b);
        if (a.k !== 'str' || j === undefined) return undefined;
        out[a.v] = j;
      }
      return out;
    }
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------------------------------------
// Python semantics

const isNum = (p: PyVal): p is Extract<PyVal, { k: 'bool' | 'int' | 'float' | 'complex' }> => p.k === 'bool' || p.k === 'int' || p.k === 'float' || p.k === 'complex';

/** A real number as a double (bools and ints converted), or undefined. */
export function asNumber(p: PyVal): number | undefined {
  if (p.k === 'bool') return p.v ? 1 : 0;
  if (p.k === 'int') return Number(p.v);
  if (p.k === 'float') return p.v;
  return undefined;
}

function intOf(p: PyVal): bigint | undefined {
  if (p.k === 'bool') return p.v ? 1n : 0n;
  if (p.k === 'int') return p.v;
  return undefined;
}

function numEqual(a: PyVal, b: PyVal): boolean {
  if (a.k === 'complex' || b.k === 'complex') {
    const [ar, ai] = a.k === 'complex' ? [a.re, a.im] : [asNumber(a)!, 0];
    const [br, bi] = b.k === 'complex' ? [b.re, b.im] : [asNumber(b)!, 0];
    return ar === br && ai === bi;
  }
  const ia = intOf(a);
  const ib = intOf(b);
  if (ia !== undefined && ib !== undefined) return ia === ib;
  if (ia === undefined && ib === undefined) return (a as { v: number }).v === (b as { v: number }).v;
  // an int and a float are equal when the float is that exact integer (Python compares exactly)
  const f = (ia === undefined ? a : b) as { v: number };
  const i = (ia === undefined ? ib : ia)!;
  return Number.isInteger(f.v) && BigInt(f.v) === i;
}

/** Python's `==` on builtin values. */
export function pyEqual(a: PyVal, b: PyVal): boolean {
  if (isNum(a) && isNum(b)) return numEqual(a, b);
  if (a.k !== b.k) {
    const sets = (k: string) => k === 'set' || k === 'frozenset';
    if (!(sets(a.k) && sets(b.k))) return false;
  }
  switch (a.k) {
    case 'none':
      return true;
    case 'str':
    case 'bytes':
      return a.v === (b as { v: string }).v;
    case 'list':
    case 'tuple': {
      const bv = (b as { v: PyVal[] }).v;
      return a.v.length === bv.length && a.v.every((x, i) => pyEqual(x, bv[i]));
    }
    case 'set':
    case 'frozenset': {
      const bv = (b as { v: PyVal[] }).v;
      return a.v.length === bv.length && a.v.every((x) => bv.some((y) => pyEqual(x, y)));
    }
    case 'dict': {
      const bv = (b as { v: [PyVal, PyVal][] }).v;
      return a.v.length === bv.length && a.v.every(([k, v]) => bv.some(([k2, v2]) => pyEqual(k, k2) && pyEqual(v, v2)));
    }
    default:
      return false;
  }
}

/** Python's truthiness. */
export function truthy(p: PyVal): boolean {
  switch (p.k) {
    case 'none':
      return false;
    case 'bool':
      return p.v;
    case 'int':
      return p.v !== 0n;
    case 'float':
      return p.v !== 0;
    case 'complex':
      return p.re !== 0 || p.im !== 0;
    case 'str':
    case 'bytes':
      return p.v.length > 0;
    default:
      return p.v.length > 0;
  }
}

/** math.isclose(a, b, rel_tol, abs_tol). */
export function isClose(a: number, b: number, relTol = 1e-9, absTol = 0): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const d = Math.abs(a - b);
  return d <= Math.abs(relTol * b) || d <= Math.abs(relTol * a) || d <= absTol;
}

// ------------------------------------------------------------------------------------------------
// EvalPlus's rules (evalplus/eval/__init__.py: unsafe_execute), restated

/** is_floats: a float, or a non-empty list/tuple of floats only. */
export function isFloats(p: PyVal): boolean {
  if (p.k === 'float') return true;
  return (p.k === 'list' || p.k === 'tuple') && p.v.length > 0 && p.v.every((x) => x.k === 'float');
}

/** A rectangular numeric array as (shape, values), as numpy would make it; undefined when numpy would refuse. */
function asArray(p: PyVal): { shape: number[]; values: number[] } | undefined {
  const n = asNumber(p);
  if (n !== undefined) return { shape: [], values: [n] };
  if (p.k !== 'list' && p.k !== 'tuple') return undefined;
  const parts = p.v.map(asArray);
  if (parts.some((x) => !x)) return undefined;
  const first = parts[0];
  if (first && !parts.every((x) => x!.shape.join(',') === first.shape.join(','))) return undefined;
  return { shape: [p.v.length, ...(first?.shape ?? [])], values: parts.flatMap((x) => x!.values) };
}

/** np.allclose(out, exp, rtol, atol) for same-shaped numeric values (a scalar broadcasts). */
export function allClose(out: PyVal, exp: PyVal, rtol: number, atol: number): boolean {
  const a = asArray(out);
  const b = asArray(exp);
  if (!a || !b) return false;
  const scalar = (x: { shape: number[] }) => x.shape.length === 0;
  if (!scalar(a) && !scalar(b) && a.shape.join(',') !== b.shape.join(',')) return false;
  const len = Math.max(a.values.length, b.values.length);
  for (let i = 0; i < len; i++) {
    const x = a.values[scalar(a) ? 0 : i];
    const y = b.values[scalar(b) ? 0 : i];
    if (x === y) continue; // equal infinities too
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return false;
  }
  return true;
}

/** Python's type(out) == type(exp). */
const sameType = (a: PyVal, b: PyVal) => a.k === b.k;

/**
 * One EvalPlus comparison. `atol` is carried from case to case as EvalPlus's loop carries it (once
 * an expected value is floats with atol 0, it becomes 1e-6 for the rest of that run).
 */
export function evalplusMatch(out: PyVal, exp: PyVal, atol: number): { ok: boolean; atol: number } {
  const exact = pyEqual(out, exp);
  if (atol === 0 && isFloats(exp)) atol = 1e-6;
  if (!exact && atol !== 0) {
    if (!sameType(out, exp)) return { ok: false, atol };
    if ((exp.k === 'list' || exp.k === 'tuple') && (out as { v: PyVal[] }).v.length !== exp.v.length) return { ok: false, atol };
    return { ok: allClose(out, exp, 1e-7, atol), atol };
  }
  return { ok: exact, atol };
}

/** a × b exactly, as the double p and its rounding error (Dekker's product: JavaScript has no fma). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const split = (v: number) => {
    const t = 134217729 * v; // 2^27 + 1
    const hi = t - (t - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/**
 * x ** n for a whole n ≥ 0, rounded once as C's pow (which Python's math.pow calls) rounds it:
 * carried in double-double precision. V8's Math.pow can be an ulp off, and HumanEval/32's
 * polynomials cancel terms near 1e18, where an ulp is a hundred.
 */
export function powRounded(x: number, n: number): number {
  if (n === 0) return 1;
  if (!Number.isFinite(x) || x === 0) return Math.pow(x, n);
  let hi = 1;
  let lo = 0;
  for (let i = 0; i < n; i++) {
    const [p, e] = twoProduct(hi, x);
    const err = e + lo * x;
    hi = p + err;
    lo = err - (hi - p);
  }
  return hi + lo;
}

/** HumanEval/32's special oracle: |poly(xs, out)| <= atol, summed as EvalPlus's _poly sums it (math.pow, left to right). */
export function findZeroMatch(xs: PyVal, out: PyVal, atol: number): boolean {
  const x = asNumber(out);
  if (x === undefined || (xs.k !== 'list' && xs.k !== 'tuple')) return false;
  let sum = 0;
  for (let i = 0; i < xs.v.length; i++) {
    const c = asNumber(xs.v[i]);
    if (c === undefined) return false;
    sum += c * powRounded(x, i);
  }
  return Math.abs(sum) <= atol;
}

// ------------------------------------------------------------------------------------------------
// Python's repr, for messages

export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // the shortest digits that read back as x (what Python's repr prints), placed as Python places them
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  const digits = mant.replace(/[-.]/g, '');
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
}

const strRepr = (s: string) => {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += '\\' + q;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return q + out + q;
};

/** Python's repr of the value, cut to about `max` characters. */
export function pyRepr(p: PyVal, max = 2000): string {
  let budget = max;
  const go = (v: PyVal): string => {
    if (budget <= 0) return '…';
    let s: string;
    switch (v.k) {
      case 'none':
        s = 'None';
        break;
      case 'bool':
        s = v.v ? 'True' : 'False';
        break;
      case 'int':
        s = v.v.toString();
        break;
      case 'float':
        s = floatRepr(v.v);
        break;
      case 'complex':
        s = `(${floatRepr(v.re)}${v.im < 0 ? '-' : '+'}${floatRepr(Math.abs(v.im))}j)`;
        break;
      case 'str':
        s = strRepr(v.v);
        break;
      case 'bytes':
        s = 'b' + strRepr(v.v);
        break;
      case 'list':
        s = `[${v.v.map(go).join(', ')}]`;
        break;
      case 'tuple':
        s = `(${v.v.map(go).join(', ')}${v.v.length === 1 ? ',' : ''})`;
        break;
      case 'set':
        s = v.v.length ? `{${v.v.map(go).join(', ')}}` : 'set()';
        break;
      case 'frozenset':
        s = `frozenset({${v.v.map(go).join(', ')}})`;
        break;
      case 'dict':
        s = `{${v.v.map(([a, b]) => `${go(a)}: ${go(b)}`).join(', ')}}`;
        break;
    }
    budget -= s.length;
    return s;
  };
  const s = go(p);
  return s.length > max ? s.slice(0, max) + '…' : s;
}

// ------------------------------------------------------------------------------------------------
// JSON text read as Python's json.loads reads it (1.0 is a float, 1 an int): HumanEval+ inputs

/** Parses JSON text into a PyVal with Python's json types; NaN, Infinity and -Infinity are accepted as Python does. */
export function parsePyJson(text: string): PyVal {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`JSON: ${what} at ${i}`);
  };
  let depth = 0;
  const value = (): PyVal => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) fail('nested too deeply');
      i++;
      const close = c === '{' ? '}' : ']';
      const list: PyVal[] = [];
      const pairs: [PyVal, PyVal][] = [];
      ws();
      if (text[i] === close) i++;
      else {
        for (;;) {
          if (c === '{') {
            ws();
            if (text[i] !== '"') fail('expected a key');
            const k = value();
            ws();
            if (text[i++] !== ':') fail('expected :');
            pairs.push([k, value()]);
          } else list.push(value());
          ws();
          const sep = text[i++];
          if (sep === close) break;
          if (sep !== ',') fail('expected , or ' + close);
        }
      }
      depth--;
      return c === '{' ? { k: 'dict', v: pairs } : { k: 'list', v: list };
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return { k: 'str', v: JSON.parse(text.slice(start, i)) as string };
    }
    for (const [word, v] of [['true', { k: 'bool', v: true }], ['false', { k: 'bool', v: false }], ['null', NONE], ['NaN', { k: 'float', v: NaN }], ['Infinity', { k: 'float', v: Infinity }], ['-Infinity', { k: 'float', v: -Infinity }]] as [string, PyVal][]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character');
    i += m![0].length;
    return m![2] || m![3] ? { k: 'float', v: Number(m![0]) } : { k: 'int', v: BigInt(m![0]) };
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return v;
}
