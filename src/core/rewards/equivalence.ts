/**
 * Answer equivalence for the accuracy reward, cheapest check first:
 *   1. the normalized strings are equal (see latex.ts);
 *   2. a left-hand side names the answer ("x = 5", "(p, q) = (3, 2)", "x \in [0, 1)"; of a chain
 *      "x = 5 + 6 = 11" the last part counts; "x = 1/3 \approx 0.33" keeps the exact value);
 *   3. numbers with a relative tolerance: thousands separators, decimal commas ("2,74"), fractions,
 *      percentages (50% = 50 = 0.5), scientific notation, a unit after the number ("15 cm^2", "7 liters":
 *      two different units never match);
 *   4. collections elementwise, recursively: sets (unordered), tuples and intervals (ordered, bracket
 *      kinds must agree), bare lists (unordered), unions of intervals, matrices (`pmatrix`, `bmatrix`,
 *      `array`), "a ± b" as the set {a + b, a − b}; an inequality "0 < x < 1" against an interval;
 *   5. symbolic equality (symbolic.ts) when both sides are formulas and everything above failed.
 * Each step is linear in the answer's length; answers longer than MAX_COMPARE_CHARS only compare as text.
 */
import { normalizeAnswer } from './latex';
import { symbolicEquivalent } from './symbolic';

export interface Comparison {
  match: boolean;
  /** 'string' | 'numeric' | 'set' | 'tuple' | 'list' | 'interval' | 'union' | 'matrix' | 'symbolic' | 'equation' | 'phrase' */
  how: string;
  /** Extra words for the detail, e.g. "50% read as 0.5". */
  note?: string;
  /**
   * A match that needed a lenient reading (a unit on one side only, a percent sign ignored, a decimal
   * comma): the reward-hacking finder lists such matches.
   */
  lenient?: LenientReading;
}

export type LenientReading = 'unit-ignored' | 'percent-sign-ignored' | 'decimal-comma';

/** Longer normalized answers are compared as text only: a final answer is not a page. */
const MAX_COMPARE_CHARS = 2000;
/** Collections with more items compare by exact item text only (the greedy matching is quadratic). */
const MAX_FUZZY_ITEMS = 64;
/** Symbolic checks per comparison (each costs about a millisecond). */
const SYMBOLIC_BUDGET = 12;

/** Compare an extracted answer with the reference (both raw). */
export function compareAnswers(candidate: string, reference: string, tolerance: number): Comparison {
  const a = normalizeAnswer(candidate);
  const b = normalizeAnswer(reference);
  return compareNormalized(a, b, tolerance, 0, { symbolic: SYMBOLIC_BUDGET }, candidate, reference);
}

interface Budget {
  symbolic: number;
}

/** `rawA` / `rawB`: the texts before normalization (top level only), to tell a unit from a phrase. */
function compareNormalized(a: string, b: string, tol: number, depth: number, budget: Budget, rawA?: string, rawB?: string): Comparison {
  if (a === b) return { match: true, how: 'string' };
  if (a.length > MAX_COMPARE_CHARS || b.length > MAX_COMPARE_CHARS) return { match: false, how: 'string', note: 'too long to compare as math' };
  const a2 = answerSide(a).replace(CHOICE_RE, '$1');
  const b2 = answerSide(b).replace(CHOICE_RE, '$1');
  if (a2 === b2 && a2.length > 0) return { match: true, how: 'string' };
  const qa = parseQuantity(a2, rawA);
  const qb = parseQuantity(b2, rawB);
  if (qa && qb) return compareQuantities(qa, qb, tol);
  if (qa || qb) {
    const other = decimalComma(qa ? b2 : a2);
    if (other !== undefined) {
      const q = (qa ?? qb) as Quantity;
      return numbersClose(q.value, other, tol) ? { match: true, how: 'numeric', note: 'decimal comma', lenient: 'decimal-comma' } : { match: false, how: 'numeric' };
    }
  }
  if (depth < 4) {
    let ca = parseCollection(a2);
    let cb = parseCollection(b2);
    if (ca && !cb) cb = relationAsInterval(b2);
    else if (cb && !ca) ca = relationAsInterval(a2);
    if (ca && cb) return compareCollections(ca, cb, tol, depth, budget);
  }
  if (budget.symbolic > 0 && looksLikeFormula(a2) && looksLikeFormula(b2)) {
    budget.symbolic--;
    // an equation against a stated value ("y = -x/2 + 3/4" vs "2x + 4y - 3 = 0"): the whole equations
    const r = symbolicEquivalent(a2, b2, tol) ?? (a2 !== a || b2 !== b ? symbolicEquivalent(a, b, tol) : undefined);
    if (r) return { match: r.equal, how: r.how };
  }
  if (qb && !qa) return { match: false, how: 'numeric', note: `"${clip(a)}" is not a number` };
  return { match: false, how: 'string' };
}

// ---------------------------------------------------------------------------------------------------
// The answer side of "name = value"

const NAME_RE = /^(?:[a-z]|\\[a-z]+|\(|\|)/;
/** A multiple-choice letter in parentheses: "(c)" → "c". */
const CHOICE_RE = /^\(([a-z])\)$/;

/**
 * Is `lhs` a name of the answer (x, a_3, f(x), |AB|, A:B, \frac{NO}{BO}, (p, q)), not an expression?
 * A name starts with a letter, a command, `(` or `|`, and apart from its subscripts has no digit and no
 * operator: "2x + z", "a^2 + b", "(6 - 4) * 5" are expressions (an equation, not an assignment).
 */
function isName(lhs: string): boolean {
  if (lhs.length === 0 || lhs.length > 40 || !NAME_RE.test(lhs)) return false;
  const bare = lhs.replace(SUBSCRIPT_RE, '').replace(/\\[a-z]+/g, '');
  return !/[0-9+\-*/^]/.test(bare);
}

const SUBSCRIPT_RE = /_(?:\{[^{}]*\}|[a-z0-9])/g;

/** Offsets of a top-level char (outside (), [], {}) in s. */
function topLevel(s: string, ch: string): number[] {
  const at: number[] = [];
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      // \{ \} are set braces, not grouping; skip the command name
      if (s[i + 1] === '{' || s[i + 1] === '}') {
        depth += s[i + 1] === '{' ? 1 : -1;
        i++;
      }
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ch && depth === 0) at.push(i);
  }
  return at;
}

/**
 * The value an answer states: "x=5" → "5"; "x=5+5+1=7=11" → "11" (the last of a chain);
 * "x=1/3\approx0.33" → "1/3"; "x\approx11" → "11"; "x\in[0,1)" → "[0,1)". Lists ("a=1,b=2") are left to
 * the collection step, which reads each item the same way.
 */
export function answerSide(s: string): string {
  let t = s;
  const approx = t.indexOf('\\approx');
  if (approx !== -1) {
    const before = t.slice(0, approx);
    t = before.includes('=') ? before : before + '=' + t.slice(approx + 7);
  }
  const inAt = t.indexOf('\\in');
  if (inAt > 0 && !/^[a-z]/.test(t.slice(inAt + 3)) && isName(t.slice(0, inAt))) return t.slice(inAt + 3);
  if (t.indexOf('=') === -1 || topLevel(t, ',').length > 0 || topLevel(t, ';').length > 0) return t;
  const eqs = topLevel(t, '=').filter((i) => t[i - 1] !== '\\' && t[i - 1] !== '<' && t[i - 1] !== '>' && t[i - 1] !== '!');
  if (eqs.length === 0) return t;
  const lhs = t.slice(0, eqs[0]);
  const last = t.slice(eqs[eqs.length - 1] + 1);
  if (eqs.length >= 2) return last;
  return isName(lhs) && last.length > 0 ? last : t;
}

// ---------------------------------------------------------------------------------------------------
// Numbers and quantities

export interface ParsedNumber {
  value: number;
  /** The number was written with a percent sign: value is the number before %, e.g. 50 for "50%". */
  percent: boolean;
}

interface Quantity extends ParsedNumber {
  /** A unit written after the number ("cm^2", "liters"), normalized. */
  unit?: string;
}

const PLAIN_NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/;
const THOUSANDS_RE = /^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/;
const FRAC_RE = /^([+-]?)\\frac\{([^{}]+)\}\{([^{}]+)\}$/;
const SLASH_RE = /^([+-]?[\d.]+)\/([+-]?[\d.]+)$/;
const SCI_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:\\times|\\cdot|\*|x)10\^\{?([+-]?\d+)\}?$/;
const PERCENT_RE = /(?:%|percentage|percent|pct)$/;
const DECIMAL_COMMA_RE = /^([+-]?\d+),(\d+)$/;
const CURRENCY_RE = /^(?:[€£¥₹₽₩]|usd|rs\.?)/;

/** Parse a normalized answer as a number; undefined when it is not one. */
export function parseNumber(norm: string): ParsedNumber | undefined {
  let s = norm;
  let percent = false;
  const pm = PERCENT_RE.exec(s);
  if (pm) {
    percent = true;
    s = s.slice(0, pm.index);
  }
  if (s.length === 0 || s.length > 100) return undefined;
  const v = parseScalar(s);
  return v === undefined ? undefined : { value: v, percent };
}

function parseScalar(s: string): number | undefined {
  if (PLAIN_NUM_RE.test(s)) return Number(s);
  if (THOUSANDS_RE.test(s)) return Number(s.replace(/,/g, ''));
  let m = FRAC_RE.exec(s);
  if (m) {
    const a = parseScalar(m[2]);
    const b = parseScalar(m[3]);
    if (a === undefined || b === undefined || b === 0) return undefined;
    return (m[1] === '-' ? -1 : 1) * (a / b);
  }
  m = SLASH_RE.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
    return a / b;
  }
  m = SCI_RE.exec(s);
  if (m) return Number(m[1]) * Math.pow(10, Number(m[2]));
  if (s.startsWith('-') && s.length > 1 && s[1] !== '-') {
    const v = parseScalar(s.slice(1));
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

// Units: words of four or more letters ("miles", "liters", "widgets"), or one of these short ones.
const SHORT_UNITS = new Set(
  'mm cm dm m km in ft yd mi nm um mg g kg lb lbs oz t ml cl dl l s ms h hr hrs min mins sec secs mph kph kmh rad deg sq cc usd eur cny rmb yen yuan inr px pt gb mb kb tb hz khz mhz ghz kw w v a ohm j kj cal kcal n pa kpa atm k c f'.split(
    ' ',
  ),
);
const UNIT_TAIL_RE = /((?:[a-z]+|[€£¥])(?:\^\{?\d\}?|[²³])?(?:\/[a-z]+(?:\^\{?\d\}?|[²³])?)?)$/;
const MATH_WORDS = new Set(['sqrt', 'frac', 'sin', 'cos', 'tan', 'log', 'ln', 'exp', 'pi', 'infty', 'times', 'cdot']);

function isUnit(u: string): boolean {
  const word = /^[a-z]+/.exec(u)?.[0] ?? '';
  if (MATH_WORDS.has(word)) return false;
  if (/^[€£¥]/.test(u)) return true;
  return SHORT_UNITS.has(word) || word.length >= 4;
}

/**
 * A number, optionally with a currency sign before and a unit after it ("15cm^2", "€1,000.99", "7liters").
 * With the raw text, the unit must be one word of it: "1 kilogram of feathers" is a phrase, not 1 of the
 * unit "kilogramoffeathers".
 */
export function parseQuantity(norm: string, raw?: string): Quantity | undefined {
  const n = parseNumber(norm);
  if (n) return n;
  if (norm.length > 100) return undefined;
  let s = norm;
  const cur = CURRENCY_RE.exec(s);
  if (cur) {
    s = s.slice(cur[0].length);
    const v = parseNumber(s);
    if (v) return v;
  }
  const m = UNIT_TAIL_RE.exec(s);
  if (!m || m.index === 0 || s[m.index - 1] === '\\' || !isUnit(m[1])) return undefined;
  if (raw !== undefined && !isWordOf(/^[a-z]*/.exec(m[1])?.[0] ?? '', raw)) return undefined;
  const num = parseNumber(s.slice(0, m.index));
  return num ? { ...num, unit: m[1] } : undefined;
}

function isWordOf(word: string, raw: string): boolean {
  if (word.length === 0) return true;
  const text = raw.toLowerCase();
  for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
    if (!/[a-z]/.test(text[i - 1] ?? '') && !/[a-z]/.test(text[i + word.length] ?? '')) return true;
  }
  return false;
}

/** "2,74" read with a decimal comma, when it is not a thousands group ("1,234"). */
function decimalComma(s: string): number | undefined {
  if (THOUSANDS_RE.test(s)) return undefined;
  const m = DECIMAL_COMMA_RE.exec(s);
  return m ? Number(`${m[1]}.${m[2]}`) : undefined;
}

export function numbersClose(a: number, b: number, tol: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

function compareQuantities(a: Quantity, b: Quantity, tol: number): Comparison {
  if (a.unit && b.unit && a.unit !== b.unit) return { match: false, how: 'numeric', note: `units differ: ${a.unit} vs ${b.unit}` };
  const unit = a.unit ?? b.unit;
  const c = compareNumbers(a, b, tol);
  if (!unit) return c;
  const note = `unit ${unit} ${a.unit && b.unit ? 'on both' : 'ignored'}`;
  const lenient = c.lenient ?? (c.match && !(a.unit && b.unit) ? 'unit-ignored' : undefined);
  return { ...c, note: c.note ? `${c.note}; ${note}` : note, ...(lenient ? { lenient } : {}) };
}

function compareNumbers(a: ParsedNumber, b: ParsedNumber, tol: number): Comparison {
  if (a.percent === b.percent) {
    return { match: numbersClose(a.value, b.value, tol), how: 'numeric' };
  }
  // one side has %, the other not: "50%" equals 50 and 0.5
  const p = a.percent ? a : b;
  const q = a.percent ? b : a;
  if (numbersClose(p.value, q.value, tol)) return { match: true, how: 'numeric', note: `${fmt(p.value)}% read as ${fmt(p.value)}`, lenient: 'percent-sign-ignored' };
  if (numbersClose(p.value / 100, q.value, tol)) return { match: true, how: 'numeric', note: `${fmt(p.value)}% read as ${fmt(p.value / 100)}` };
  return { match: false, how: 'numeric', note: `${fmt(p.value)}% is neither ${fmt(q.value)} nor ${fmt(q.value)}%` };
}

// ---------------------------------------------------------------------------------------------------
// Collections

interface Collection {
  /** '(' '[' '{' or '' for a bare list; '(]' / '[)' for half-open intervals; 'union'; 'matrix' */
  open: string;
  items: string[];
}

/** Split at the given top-level offsets of separators `width` chars long. */
function splitAt(s: string, at: number[], width = 1): string[] {
  const parts: string[] = [];
  let last = 0;
  for (const i of at) {
    parts.push(s.slice(last, i));
    last = i + width;
  }
  parts.push(s.slice(last));
  return parts;
}

/** Offsets of top-level `\cup` in s. */
function topLevelCup(s: string): number[] {
  const at: number[] = [];
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      if (s.startsWith('\\cup', i) && !/[a-z]/.test(s[i + 4] ?? '') && depth === 0) at.push(i);
      else if (s[i + 1] === '{' || s[i + 1] === '}') {
        depth += s[i + 1] === '{' ? 1 : -1;
        i++;
      }
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return at;
}

const MATRIX_RE = /^\\begin\{(pmatrix|bmatrix|vmatrix|bmatrix\*|matrix|smallmatrix|array)\}(.*)\\end\{\1\}$/;

/** `\begin{pmatrix}a&b\\c&d\end{pmatrix}` (also wrapped in () or []) → rows "(a,b)", "(c,d)". */
function parseMatrix(s: string): Collection | undefined {
  let t = s;
  if ((t.startsWith('(') && t.endsWith(')')) || (t.startsWith('[') && t.endsWith(']'))) t = t.slice(1, -1);
  if (!t.startsWith('\\begin{')) return undefined;
  const m = MATRIX_RE.exec(t);
  if (!m) return undefined;
  let body = m[2];
  if (m[1] === 'array') body = body.replace(/^\{[^{}]*\}/, '');
  const rows = body.split('\\\\').filter((r) => r.length > 0);
  if (rows.length === 0 || rows.some((r) => r.includes('\\begin{'))) return undefined;
  return { open: 'matrix', items: rows.map((r) => `(${r.split('&').join(',')})`) };
}

/** "1\pm\sqrt{5}" → ["1+\sqrt{5}", "1-\sqrt{5}"]; anything else → [itself]. */
function expandPlusMinus(item: string): string[] {
  const at = item.indexOf('\\pm');
  if (at === -1 || item.indexOf('\\pm', at + 3) !== -1 || /[a-z]/.test(item[at + 3] ?? '')) return [item];
  const head = item.slice(0, at);
  const tail = item.slice(at + 3);
  return [`${head}+${tail}`, `${head}-${tail}`];
}

/**
 * Read a normalized answer as a collection ("(1,2)", "\{1,2\}", "{1,2}", "[1,2]", "1,2", "(0,1]",
 * "[0,1)\cup(2,3]", a matrix, "1\pm\sqrt{2}"); undefined when it is a single item.
 */
function parseCollection(norm: string): Collection | undefined {
  const matrix = parseMatrix(norm);
  if (matrix) return matrix;
  const cups = topLevelCup(norm);
  if (cups.length > 0) {
    const parts = splitAt(norm, cups, '\\cup'.length);
    if (parts.some((p) => p.length === 0)) return undefined;
    return { open: 'union', items: parts };
  }
  let s = norm;
  let open = '';
  if (s.startsWith('\\{') && s.endsWith('\\}')) {
    open = '{';
    s = s.slice(2, -2);
  } else if (s.length >= 2) {
    const f = s[0];
    const l = s[s.length - 1];
    if ((f === '(' || f === '[') && (l === ')' || l === ']')) {
      // only when the outer brackets enclose everything: "(1)+(2)" is not a tuple
      if (matchingClose(s, 0) === s.length - 1) {
        open = (f === '(' && l === ')') || (f === '[' && l === ']') ? f : f + l; // "(0,1]" keeps both
        s = s.slice(1, -1);
      }
    } else if (f === '{' && l === '}' && matchingClose(s, 0) === s.length - 1) {
      // LaTeX grouping braces, not a set (that is \{…\}): "{1,3}" is the list 1, 3
      s = s.slice(1, -1);
    }
  }
  if (open === '' && THOUSANDS_RE.test(s)) return undefined;
  let items: string[];
  const semis = topLevel(s, ';');
  const groups = semis.length > 0 ? splitAt(s, semis) : [];
  if (groups.length > 1 && groups.every((g) => topLevel(g, ',').length > 0 && !/^[([]/.test(g))) {
    // "p=5,q=2;p=7,q=2": groups of values are tuples
    items = groups.map((g) => `(${g})`);
  } else {
    items = splitAt(s, [...topLevel(s, ','), ...semis].sort((x, y) => x - y));
  }
  if (items.some((x) => x.length === 0)) return undefined;
  const expanded = items.flatMap(expandPlusMinus);
  if (expanded.length > items.length && open === '') open = '{';
  if (expanded.length < 2) return open === '' ? undefined : { open, items: expanded };
  return { open, items: expanded };
}

function matchingClose(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const RELATION_RE = /\\le|\\ge|<|>/g;

/** "0<x<1" → the interval (0,1); "-2\le x\le7" → [-2,7]; "x>5" → (5,\infty); undefined otherwise. */
function relationAsInterval(s: string): Collection | undefined {
  if (s.length > 200) return undefined;
  const ops: Array<{ at: number; op: string }> = [];
  RELATION_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RELATION_RE.exec(s)) !== null) ops.push({ at: m.index, op: m[0] });
  if (ops.length === 0 || ops.length > 2) return undefined;
  const parts: string[] = [];
  let last = 0;
  for (const o of ops) {
    parts.push(s.slice(last, o.at));
    last = o.at + o.op.length;
  }
  parts.push(s.slice(last));
  if (parts.some((p) => p.length === 0)) return undefined;
  const less = (op: string) => op === '<' || op === '\\le';
  const strict = (op: string) => op === '<' || op === '>';
  if (ops.length === 2) {
    const [o1, o2] = [ops[0].op, ops[1].op];
    if (less(o1) !== less(o2) || !isName(parts[1])) return undefined;
    const [lo, hi, loOp, hiOp] = less(o1) ? [parts[0], parts[2], o1, o2] : [parts[2], parts[0], o2, o1];
    return interval(lo, hi, strict(loOp), strict(hiOp));
  }
  const op = ops[0].op;
  if (isName(parts[0])) return less(op) ? interval('-\\infty', parts[1], true, strict(op)) : interval(parts[1], '\\infty', strict(op), true);
  if (isName(parts[1])) return less(op) ? interval(parts[0], '\\infty', strict(op), true) : interval('-\\infty', parts[0], true, strict(op));
  return undefined;
}

function interval(lo: string, hi: string, openLo: boolean, openHi: boolean): Collection {
  const o = openLo ? '(' : '[';
  const c = openHi ? ')' : ']';
  return { open: o === '(' && c === ')' ? '(' : o === '[' && c === ']' ? '[' : o + c, items: [lo, hi] };
}

function compareCollections(a: Collection, b: Collection, tol: number, depth: number, budget: Budget): Comparison {
  const kind = (c: Collection) => (c.open === 'matrix' ? 'matrix' : c.open === 'union' ? 'union' : c.open === '{' ? 'set' : c.open === '' ? 'list' : c.open.length === 2 || c.open === '[' ? 'interval' : 'tuple');
  const ka = kind(a);
  const kb = kind(b);
  const how = ka === kb ? ka : ka === 'set' || kb === 'set' ? 'set' : ka === 'list' ? kb : ka;
  if ((a.open === 'matrix') !== (b.open === 'matrix') || (a.open === 'union') !== (b.open === 'union')) {
    return { match: false, how, note: `${withArticle(ka)} vs ${withArticle(kb)}` };
  }
  // sets and bare lists compare unordered (a set is not a tuple); unions too; tuples, intervals and a
  // tuple against a bare list in order
  const unordered = a.open === '{' || b.open === '{' || (a.open === '' && b.open === '') || a.open === 'union';
  if (a.open !== '' && b.open !== '' && a.open !== b.open) {
    return { match: false, how, note: `brackets differ: ${a.open} vs ${b.open}` };
  }
  if (unordered) {
    // a set has no repeated elements
    a = { ...a, items: distinct(a.items) };
    b = { ...b, items: distinct(b.items) };
  }
  if (a.items.length !== b.items.length) {
    return { match: false, how, note: `${a.items.length} vs ${b.items.length} elements` };
  }
  if (!unordered) {
    for (let i = 0; i < a.items.length; i++) {
      if (!compareNormalized(a.items[i], b.items[i], tol, depth + 1, budget).match) return { match: false, how, note: `element ${i + 1} differs` };
    }
    return { match: true, how };
  }
  if (a.items.length > MAX_FUZZY_ITEMS) {
    const sa = [...a.items].sort().join('\u0000');
    const sb = [...b.items].sort().join('\u0000');
    return sa === sb ? { match: true, how } : { match: false, how, note: `${a.items.length} elements: compared as text only` };
  }
  // unordered: greedy matching (items are few)
  const used = new Uint8Array(b.items.length);
  for (const x of a.items) {
    let found = false;
    for (let j = 0; j < b.items.length; j++) {
      if (!used[j] && compareNormalized(x, b.items[j], tol, depth + 1, budget).match) {
        used[j] = 1;
        found = true;
        break;
      }
    }
    if (!found) return { match: false, how, note: `"${clip(x)}" not in the reference` };
  }
  return { match: true, how };
}

function withArticle(kind: string): string {
  return (/^[aeiou]/.test(kind) ? 'an ' : 'a ') + kind;
}

/** Items without repeats ("(3,17)" and "(3;17)" are one: `;` is a list comma, see latex.ts). */
function distinct(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = x.replace(/;/g, ',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------
// Formulas

/**
 * Worth a symbolic check: a formula (a digit, an operator or a command) and no word of three or more
 * letters outside commands ("evelyn" is text: as a product of six variables it equals "nylvee").
 */
function looksLikeFormula(s: string): boolean {
  if (s.length > 200) return false;
  const bare = s.replace(/\\[a-z]+/g, ' ');
  if (/[a-z]{3,}/.test(bare)) return false;
  return /[0-9^+\-*/=<>()\\]/.test(s);
}

// ---------------------------------------------------------------------------------------------------
// For details

/** A short number format for details. */
export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const s = v.toPrecision(6);
  return String(Number(s));
}

/** The numeric value of an answer for the detail ("3/4 = 0.75"), or undefined. */
export function numericValue(raw: string): number | undefined {
  const p = parseQuantity(answerSide(normalizeAnswer(raw)), raw);
  return p ? p.value : undefined;
}

/** Check that a reference answer can be judged at all: non-empty, balanced braces. Returns the problem or undefined. */
export function referenceProblem(ref: string | undefined): string | undefined {
  if (ref === undefined) return 'no reference answer';
  if (ref.trim().length === 0) return 'empty reference answer';
  let depth = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c === 92) {
      i++;
      continue;
    }
    if (c === 123) depth++;
    else if (c === 125 && --depth < 0) return `reference answer "${clip(ref)}" has an unbalanced "}"`;
  }
  if (depth !== 0) return `reference answer "${clip(ref)}" has unbalanced braces`;
  if (normalizeAnswer(ref).length === 0) return `reference answer "${clip(ref)}" is empty after normalization`;
  return undefined;
}

function clip(t: string): string {
  return t.length > 60 ? t.slice(0, 59) + '…' : t;
}
