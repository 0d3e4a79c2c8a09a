/**
 * Final-answer extraction and answer equivalence for the accuracy reward.
 *
 * Extraction (from the answer part of a completion), first hit wins:
 *   1. the last `\boxed{…}` / `\fbox{…}` (nested braces; `\boxed 5` too);
 *   2. the last `<answer>…</answer>` block;
 *   3. the last "The answer is …" / "Final answer: …" / "Answer: …" / "答案是…" / "最终答案…" phrase
 *      / a "# Answer" heading (rest of that line, or the next non-empty line when the phrase ends its line);
 *   4. the last number (a number inside `\frac{…}{…}` stands for the whole fraction);
 *   5. a short answer part (one line, ≤ 200 chars) without any number is taken whole ("Canberra.").
 *
 * Equivalence: normalized exact string, then numbers with a relative tolerance (thousands separators,
 * decimals, negatives, a/b, \frac{a}{b} (\dfrac, \tfrac, \frac34), percentages, scientific notation
 * 1e5 / 3\times10^{5}), then sets / tuples / lists elementwise (sets and bare lists unordered, tuples and
 * [lists] ordered), recursively.
 */

export type ExtractionMethod = 'boxed' | 'answer-tag' | 'phrase' | 'last-number' | 'whole';

export interface Extracted {
  /** The extracted answer text (inner text of the box / tag, the phrase's tail, the number). */
  text: string;
  /** Offsets of `text` in the searched string. */
  start: number;
  end: number;
  method: ExtractionMethod;
  /** How it appeared, for the detail: "\boxed{3/4}". */
  display: string;
}

const BOX_COMMANDS = ['\\boxed', '\\fbox'];

/** Find the matching close brace for the `{` at `open`; -1 when unbalanced. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++; // skip escaped char (\{ \})
      continue;
    }
    if (c === 123) depth++;
    else if (c === 125) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Offset of the last occurrence of `needle` in s[from, to) (forward indexOf: faster than lastIndexOf in V8). */
function lastIndexIn(s: string, needle: string, from: number, to: number): number {
  let last = -1;
  let i = s.indexOf(needle, from);
  while (i !== -1 && i + needle.length <= to) {
    last = i;
    i = s.indexOf(needle, i + needle.length);
  }
  return last;
}

function extractBoxed(s: string, from: number, to: number): Extracted | undefined {
  let best: Extracted | undefined;
  for (const cmd of BOX_COMMANDS) {
    // candidates from the last backwards: the last one with a balanced argument wins
    const found: number[] = [];
    let i = s.indexOf(cmd, from);
    while (i !== -1 && i + cmd.length <= to) {
      found.push(i);
      i = s.indexOf(cmd, i + cmd.length);
    }
    for (let f = found.length - 1; f >= 0; f--) {
      const at = found[f];
      if (best && at < best.start) break;
      const after = at + cmd.length;
      const c = s.charCodeAt(after);
      if (c === 123) {
        const close = matchBrace(s, after);
        if (close !== -1 && close < to) {
          best = { text: s.slice(after + 1, close), start: after + 1, end: close, method: 'boxed', display: s.slice(at, close + 1) };
          break;
        }
      } else if (c === 32 && cmd === '\\boxed') {
        // "\boxed 5"
        let j = after + 1;
        while (j < to && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 36 && s.charCodeAt(j) !== 10) j++;
        if (j > after + 1) {
          best = { text: s.slice(after + 1, j), start: after + 1, end: j, method: 'boxed', display: s.slice(at, j) };
          break;
        }
      }
    }
  }
  return best;
}

function extractAnswerTag(s: string, from: number, to: number): Extracted | undefined {
  const close = lastIndexIn(s, '</answer>', from, to);
  if (close === -1) return undefined;
  const open = s.lastIndexOf('<answer>', close);
  if (open < from) return undefined;
  const st = open + 8;
  const inner = s.slice(st, close);
  const lead = inner.length - inner.trimStart().length;
  const t = inner.trim();
  return { text: t, start: st + lead, end: st + lead + t.length, method: 'answer-tag', display: `<answer>${clipDisplay(t)}</answer>` };
}

// Phrases announcing the final answer. Linear: alternation of literals with bounded \s.
const PHRASE_RE =
  /(?:the\s+(?:final\s+|correct\s+)?answer\s+is\s*[:：]?|final\s+answer\s*(?:is\s*)?[:：]?|\banswer\s*\**\s*[:：]|#{1,6}[ \t]*answer\b|答案(?:是|为|：|:)|最终答案(?:是|为)?[:：]?)/gi;

function extractPhrase(s: string, from: number, to: number): Extracted | undefined {
  const part = from === 0 && to === s.length ? s : s.slice(from, to);
  PHRASE_RE.lastIndex = 0;
  let last: RegExpExecArray | null = null;
  let m: RegExpExecArray | null;
  while ((m = PHRASE_RE.exec(part)) !== null) {
    last = m;
    if (m[0].length === 0) PHRASE_RE.lastIndex++;
  }
  if (!last) return undefined;
  let i = from + last.index + last[0].length;
  // rest of the line; if empty (or only markup), the next non-empty line
  for (let tries = 0; tries < 3 && i < to; tries++) {
    let e = s.indexOf('\n', i);
    if (e === -1 || e > to) e = to;
    const line = s.slice(i, e);
    const cleaned = cleanPhraseTail(line);
    if (cleaned.text.length > 0) {
      const st = i + cleaned.offset;
      return { text: cleaned.text, start: st, end: st + cleaned.text.length, method: 'phrase', display: `${last[0].trim()} ${clipDisplay(cleaned.text)}` };
    }
    i = e + 1;
  }
  return undefined;
}

/** Strip markdown emphasis, colons, leading "is", math delimiters and trailing period from a phrase tail. */
function cleanPhraseTail(line: string): { text: string; offset: number } {
  let a = 0;
  let b = line.length;
  const skipLead = /^(?:\s|\*|_|:|：|is\b|\$|\\\(|\\\[)+/;
  const m = skipLead.exec(line);
  if (m) a = m[0].length;
  let t = line.slice(a, b);
  const trail = /(?:\s|\*|_|\.|。|\$|\\\)|\\\])+$/.exec(t);
  if (trail) t = t.slice(0, trail.index);
  b = a + t.length;
  if (t.length > 200) t = t.slice(0, 200);
  return { text: t, offset: a };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function extractLastNumber(s: string, from: number, to: number): Extracted | undefined {
  let j = to - 1;
  while (j >= from && !isDigit(s.charCodeAt(j))) j--;
  if (j < from) return undefined;
  const end = j + 1;
  let i = j;
  // walk back over digits, inner separators , . / and exponent-free forms
  while (i > from) {
    const c = s.charCodeAt(i - 1);
    if (isDigit(c)) i--;
    else if ((c === 46 || c === 44 || c === 47) && i - 2 >= from && isDigit(s.charCodeAt(i - 2))) i--;
    else break;
  }
  if (i > from && s.charCodeAt(i - 1) === 45 /* - */) i--;
  let text = s.slice(i, end);
  let st = i;
  // "1, 2" style: a trailing separator is not part of the number
  while (text.length > 0 && /[,./]/.test(text[0])) {
    text = text.slice(1);
    st++;
  }
  // a number inside \frac{…}{…} stands for the whole fraction
  const frac = s.lastIndexOf('frac', st);
  if (frac !== -1 && st - frac < 80) {
    let fs = frac;
    if (s.charCodeAt(fs - 1) === 100 /* d */ || s.charCodeAt(fs - 1) === 116 /* t */) fs--;
    if (s.charCodeAt(fs - 1) === 92 && s.charCodeAt(frac + 4) === 123) {
      const c1 = matchBrace(s, frac + 4);
      const c2 = c1 !== -1 && s.charCodeAt(c1 + 1) === 123 ? matchBrace(s, c1 + 1) : -1;
      if (c2 !== -1 && c2 >= st + text.length - 1 && c2 < to) {
        let b = fs - 1;
        if (b > from && s.charCodeAt(b - 1) === 45) b--; // -\frac
        return { text: s.slice(b, c2 + 1), start: b, end: c2 + 1, method: 'last-number', display: s.slice(b, c2 + 1) };
      }
    }
  }
  // a percent sign right after the number belongs to it
  let e = st + text.length;
  if (s.charCodeAt(e) === 37 /* % */) {
    text += '%';
    e++;
  }
  return { text, start: st, end: e, method: 'last-number', display: text };
}

/** A short answer part (one line, ≤ 200 chars) with no number is the answer itself ("Canberra."). */
function extractWhole(s: string, from: number, to: number): Extracted | undefined {
  let a = from;
  let b = to;
  while (a < b && /\s/.test(s[a])) a++;
  while (b > a && /\s/.test(s[b - 1])) b--;
  if (b <= a || b - a > 200 || s.slice(a, b).includes('\n')) return undefined;
  const t = s.slice(a, b);
  return { text: t, start: a, end: b, method: 'whole', display: t };
}

/** Extract the final answer from s[from, to). */
export function extractAnswer(s: string, from = 0, to = s.length): Extracted | undefined {
  return extractBoxed(s, from, to) ?? extractAnswerTag(s, from, to) ?? extractPhrase(s, from, to) ?? extractLastNumber(s, from, to) ?? extractWhole(s, from, to);
}

function clipDisplay(t: string): string {
  return t.length > 60 ? t.slice(0, 59) + '…' : t;
}

// ---------------------------------------------------------------------------------------------------
// Normalization

const TEXT_CMD_RE = /\\(?:text|textbf|textit|mathrm|mathbf|mathit|mbox|operatorname)\s*\{([^{}]*)\}/g;
const SPACING_RE = /\\[,;:! ]|\\q?quad|~/g;
const LEFT_RIGHT_RE = /\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])/g;
const DEGREE_RE = /\^\s*\{?\\circ\}?|°/g;
const DOLLAR_RE = /\$/g;
const DISPLAY_DELIM_RE = /\\[()[\]]/g;
const WS_RE = /\s+/g;
const MD_EMPH_RE = /\*\*|__/g;

/**
 * Normalize an answer string for exact comparison: strip $…$, \( \), \[ \], \text{…} wrappers,
 * \left/\right, LaTeX spacing, degrees, markdown bold, whitespace and a trailing period; \% → %;
 * \dfrac/\tfrac → \frac; lowercase.
 */
const SIMPLE_ANSWER_RE = /^[A-Za-z0-9+\-/:=<>!?'"&@#^|~ ]*$/;

export function normalizeAnswer(raw: string): string {
  // fast path: nothing to strip but whitespace and trailing periods
  if (SIMPLE_ANSWER_RE.test(raw)) {
    const t = raw.indexOf(' ') === -1 ? raw : raw.replace(WS_RE, '');
    return t.toLowerCase();
  }
  let s = raw;
  s = s.replace(MD_EMPH_RE, '');
  s = s.replace(DOLLAR_RE, '').replace(DISPLAY_DELIM_RE, '');
  for (let k = 0; k < 3 && s.includes('\\'); k++) {
    const before = s;
    s = s.replace(TEXT_CMD_RE, '$1');
    if (s === before) break;
  }
  s = s.replace(LEFT_RIGHT_RE, '').replace(SPACING_RE, ' ').replace(DEGREE_RE, '');
  s = s.replace(/\\%/g, '%').replace(/\\[dt]frac/g, '\\frac').replace(/\\displaystyle/g, '');
  s = s.replace(WS_RE, '');
  while (s.endsWith('.') || s.endsWith('。')) s = s.slice(0, -1);
  return s.toLowerCase();
}

/** A normalized answer that is a plain `x=` assignment: "x=5" → "5". */
function stripAssignment(s: string): string {
  const m = /^[a-z](?:_\{?[a-z0-9]+\}?)?=(?!=)/.exec(s);
  return m ? s.slice(m[0].length) : s;
}

// ---------------------------------------------------------------------------------------------------
// Numbers

export interface ParsedNumber {
  value: number;
  /** The number was written with a percent sign: value is the number before %, e.g. 50 for "50%". */
  percent: boolean;
}

const PLAIN_NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/;
const THOUSANDS_RE = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const FRAC_RE = /^([+-]?)\\frac\{([^{}]+)\}\{([^{}]+)\}$/;
const FRAC_SHORT_RE = /^([+-]?)\\frac(\d)(\d)$/;
const SLASH_RE = /^([+-]?[\d.]+)\/([+-]?[\d.]+)$/;
const SCI_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:\\times|\\cdot|×|\*|x)10\^\{?([+-]?\d+)\}?$/;

/** Parse a normalized answer as a number; undefined when it is not one. */
export function parseNumber(norm: string): ParsedNumber | undefined {
  let s = norm;
  let percent = false;
  if (s.endsWith('%')) {
    percent = true;
    s = s.slice(0, -1);
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
  m = FRAC_SHORT_RE.exec(s);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) / Number(m[3]));
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

export function numbersClose(a: number, b: number, tol: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

// ---------------------------------------------------------------------------------------------------
// Collections

interface Collection {
  open: string; // '(' '[' '{' or '' for a bare list
  items: string[];
}

/** Split at top-level commas (outside (), [], {}). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if ((c === ',' || c === ';') && depth === 0) {
      parts.push(s.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(s.slice(last));
  return parts;
}

/** Read a normalized answer as a collection ("(1,2)", "\{1,2\}", "{1,2}", "[1,2]", "1,2"); undefined when it is a single item. */
function parseCollection(norm: string): Collection | undefined {
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
        open = f === l.replace(')', '(').replace(']', '[') ? f : f + l; // "(0,1]" keeps both
        s = s.slice(1, -1);
      }
    } else if (f === '{' && l === '}' && matchBrace(s, 0) === s.length - 1) {
      open = '{';
      s = s.slice(1, -1);
    }
  }
  if (THOUSANDS_RE.test(s) && open === '') return undefined;
  const items = splitTopLevel(s);
  if (items.length < 2) return open === '' ? undefined : { open, items };
  if (items.some((x) => x.length === 0)) return undefined;
  return { open, items };
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

// ---------------------------------------------------------------------------------------------------
// Equivalence

export interface Comparison {
  match: boolean;
  /** 'string' | 'numeric' | 'set' | 'tuple' | 'list' */
  how: string;
  /** Extra words for the detail, e.g. "50% read as 0.5". */
  note?: string;
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
    else if (c === 125 && --depth < 0) return `reference answer "${clipDisplay(ref)}" has an unbalanced "}"`;
  }
  if (depth !== 0) return `reference answer "${clipDisplay(ref)}" has unbalanced braces`;
  if (normalizeAnswer(ref).length === 0) return `reference answer "${clipDisplay(ref)}" is empty after normalization`;
  return undefined;
}

/** Compare an extracted answer with the reference (both raw). */
export function compareAnswers(candidate: string, reference: string, tolerance: number): Comparison {
  const a = normalizeAnswer(candidate);
  const b = normalizeAnswer(reference);
  return compareNormalized(a, b, tolerance, 0);
}

function compareNormalized(a: string, b: string, tol: number, depth: number): Comparison {
  if (a === b) return { match: true, how: 'string' };
  const a2 = stripAssignment(a);
  const b2 = stripAssignment(b);
  if (a2 !== a || b2 !== b) {
    if (a2 === b2) return { match: true, how: 'string' };
  }
  const na = parseNumber(a2);
  const nb = parseNumber(b2);
  if (na && nb) return compareNumbers(na, nb, tol);
  if (depth < 4) {
    const ca = parseCollection(a2);
    const cb = parseCollection(b2);
    if (ca && cb) return compareCollections(ca, cb, tol, depth);
  }
  if (nb && !na) return { match: false, how: 'numeric', note: `"${clipDisplay(a)}" is not a number` };
  return { match: false, how: 'string' };
}

function compareNumbers(a: ParsedNumber, b: ParsedNumber, tol: number): Comparison {
  if (a.percent === b.percent) {
    return { match: numbersClose(a.value, b.value, tol), how: 'numeric' };
  }
  // one side has %, the other not: "50%" equals 50 and 0.5
  const p = a.percent ? a : b;
  const q = a.percent ? b : a;
  if (numbersClose(p.value, q.value, tol)) return { match: true, how: 'numeric', note: `${fmt(p.value)}% read as ${fmt(p.value)}` };
  if (numbersClose(p.value / 100, q.value, tol)) return { match: true, how: 'numeric', note: `${fmt(p.value)}% read as ${fmt(p.value / 100)}` };
  return { match: false, how: 'numeric', note: `${fmt(p.value)}% is neither ${fmt(q.value)} nor ${fmt(q.value)}%` };
}

function compareCollections(a: Collection, b: Collection, tol: number, depth: number): Comparison {
  // sets compare unordered against any bracket kind; two bare lists too; tuples/lists in order
  const unordered = a.open === '{' || b.open === '{' || (a.open === '' && b.open === '');
  const how = a.open === '{' || b.open === '{' ? 'set' : a.open === '' || b.open === '' ? 'list' : 'tuple';
  if (a.open !== '' && b.open !== '' && a.open !== b.open && a.open !== '{' && b.open !== '{') {
    return { match: false, how, note: `brackets differ: ${a.open} vs ${b.open}` };
  }
  if (a.items.length !== b.items.length) {
    return { match: false, how, note: `${a.items.length} vs ${b.items.length} elements` };
  }
  if (!unordered) {
    for (let i = 0; i < a.items.length; i++) {
      if (!compareNormalized(a.items[i], b.items[i], tol, depth + 1).match) return { match: false, how, note: `element ${i + 1} differs` };
    }
    return { match: true, how };
  }
  // unordered: greedy matching (items are few)
  const used = new Uint8Array(b.items.length);
  for (const x of a.items) {
    let found = false;
    for (let j = 0; j < b.items.length; j++) {
      if (!used[j] && compareNormalized(x, b.items[j], tol, depth + 1).match) {
        used[j] = 1;
        found = true;
        break;
      }
    }
    if (!found) return { match: false, how, note: `"${clipDisplay(x)}" not in the reference` };
  }
  return { match: true, how };
}

/** A short number format for details. */
export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const s = v.toPrecision(6);
  return String(Number(s));
}

/** The numeric value of an answer for the detail ("3/4 = 0.75"), or undefined. */
export function numericValue(raw: string): number | undefined {
  const p = parseNumber(stripAssignment(normalizeAnswer(raw)));
  return p ? p.value : undefined;
}

/** The last number inside a short answer text ("150 kilometers" → "150"), for numeric references. */
export function lastNumberIn(text: string): Extracted | undefined {
  return extractLastNumber(text, 0, text.length);
}
