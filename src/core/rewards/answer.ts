/**
 * Final-answer extraction for the accuracy reward.
 *
 * From the answer part of a completion, first hit wins:
 *   1. the last `\boxed{…}` / `\fbox{…}` (nested braces; `\boxed 5` too); boxes a conjunction apart
 *      ("\boxed{1} and \boxed{2}", "\boxed{(2, 2)} \quad \text{and} \quad \boxed{(6, 2)}") are one list;
 *   2. the last `<answer>…</answer>` block;
 *   3. the last "The answer is …" / "Final answer: …" / "Answer: …" / "#### …" (GSM8K) / "答案是…" /
 *      "最终答案…" phrase / a "# Answer" heading: its math (`$28\%$`), else its first sentence;
 *   4. the last math span (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`) or the last number, whichever ends later
 *      (a number inside `\frac{…}{…}` stands for the whole fraction; `1 000`, `10{,}000` are one number);
 *   5. a short answer part (one line, ≤ 200 chars) without any of those is taken whole ("Canberra.").
 *
 * Every scanner here is linear in the searched span: braces are matched in one pass with a stack, and
 * each pattern is searched once.
 */

export type ExtractionMethod = 'boxed' | 'answer-tag' | 'phrase' | 'last-math' | 'last-number' | 'whole';

export interface Extracted {
  /** The extracted answer text (inner text of the box / tag, the phrase's tail, the math span, the number). */
  text: string;
  /** Offsets of the answer in the searched string (for joined boxes: from the first box to the last). */
  start: number;
  end: number;
  method: ExtractionMethod;
  /** How it appeared, for the detail: "\boxed{3/4}". */
  display: string;
  /** Several boxes read as one list: their number (text is their contents joined by ", "). */
  joined?: number;
}

const MAX_JOINED = 20;

export interface Box {
  /** Offset of the command (`\boxed`). */
  at: number;
  /** Offset of the argument's `{`; its text is (open, close). */
  open: number;
  close: number;
}

// Reused buffers (as the word scanner's): the boxes' command offsets, argument braces and closing
// braces, and the brace stack. Valid until the next findBoxes call.
let boxAt: Int32Array = new Int32Array(64);
let boxOpen: Int32Array = new Int32Array(64);
let boxClose: Int32Array = new Int32Array(64);
let braceStack: Int32Array = new Int32Array(256);

function grown(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  let n = a.length;
  while (n < need) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * The boxes of s[from, to), in order: boxAt / boxOpen / boxClose[0, count) (boxClose −1 when the
 * argument never closes). One forward pass with a brace stack finds every box's closing brace, so many
 * unbalanced `\\boxed{` cost no more than balanced ones; typed buffers keep it linear in practice too.
 */
function findBoxes(s: string, from: number, to: number): { count: number; spaced: number } {
  let count = 0;
  let spaced = -1; // last "\\boxed 5"
  // the two commands' occurrences merged in order as they are found
  let b = s.indexOf('\\boxed', from);
  let f = s.indexOf('\\fbox', from);
  for (;;) {
    const isBox = b !== -1 && (f === -1 || b < f);
    const i = isBox ? b : f;
    if (i === -1) break;
    const after = i + (isBox ? 6 : 5);
    if (after > to) break;
    const c = s.charCodeAt(after);
    if (c === 123) {
      if (count === boxAt.length) {
        boxAt = grown(boxAt, count + 1);
        boxOpen = grown(boxOpen, count + 1);
      }
      boxAt[count] = i;
      boxOpen[count++] = after;
    } else if (c === 32 && isBox) spaced = i;
    if (isBox) b = s.indexOf('\\boxed', after);
    else f = s.indexOf('\\fbox', after);
  }
  if (count === 0) return { count, spaced };
  boxClose = grown(boxClose, count);
  boxClose.fill(-1, 0, count);
  let top = 0; // braceStack[0, top): a box index, or −1 for any other brace
  let next = 0;
  for (let i = boxOpen[0]; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === 123) {
      if (top === braceStack.length) braceStack = grown(braceStack, top + 1);
      braceStack[top++] = next < count && boxOpen[next] === i ? next++ : -1;
    } else if (c === 125 && top > 0) {
      const k = braceStack[--top];
      if (k >= 0) boxClose[k] = i;
    }
  }
  return { count, spaced };
}

/** Every closed `\boxed{…}` / `\fbox{…}` of s[from, to), in order (at most `max`): where the command starts, and its argument (open, close). */
export function boxesIn(s: string, from: number, to: number, max = 50): Box[] {
  const { count } = findBoxes(s, from, to);
  const out: Box[] = [];
  for (let k = 0; k < count && out.length < max; k++) if (boxClose[k] !== -1) out.push({ at: boxAt[k], open: boxOpen[k], close: boxClose[k] });
  return out;
}

// Between two boxes of one list: a conjunction and a few words at most ("papers and", "for part (a) and").
const GAP_MARKUP_RE = /\$|\\[()[\]]|\\q?quad|\\[,;:! ]|~|\*\*|\\(?:text|textnormal|textrm|mbox)\s*\{|\}/g;
const GAP_CONNECTOR_RE = /[,;、]|(?:^|[^a-z])(?:and|or)(?:[^a-z]|$)|和|或/i;
const GAP_SENTENCE_RE = /[.!?。！？](?:\s|$)|\n\s*\n/;

function isConnectorGap(gap: string): boolean {
  if (gap.length > 120) return false;
  const g = gap.replace(GAP_MARKUP_RE, ' ').trim();
  return g.length === 0 || (g.length <= 30 && GAP_CONNECTOR_RE.test(g) && !GAP_SENTENCE_RE.test(g));
}

function extractBoxed(s: string, from: number, to: number): Extracted | undefined {
  const { count, spaced } = findBoxes(s, from, to);
  let k = count - 1;
  while (k >= 0 && boxClose[k] === -1) k--;
  const last: Box | undefined = k >= 0 ? { at: boxAt[k], open: boxOpen[k], close: boxClose[k] } : undefined;
  if (spaced !== -1 && (!last || spaced > last.at)) {
    // "\\boxed 5"
    const st = spaced + '\\boxed '.length;
    let j = st;
    while (j < to && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 36 && s.charCodeAt(j) !== 10) j++;
    if (j > st) return { text: s.slice(st, j), start: st, end: j, method: 'boxed', display: s.slice(spaced, j) };
  }
  if (!last) return undefined;
  // walk back over earlier boxes a conjunction apart (a box containing the later one is not a sibling)
  const list: Box[] = [last];
  for (let j = k - 1; j >= 0 && list.length < MAX_JOINED; j--) {
    if (boxClose[j] === -1) continue;
    const first = list[list.length - 1];
    if (boxClose[j] >= first.at) continue;
    if (!isConnectorGap(s.slice(boxClose[j] + 1, first.at))) break;
    list.push({ at: boxAt[j], open: boxOpen[j], close: boxClose[j] });
  }
  list.reverse();
  const items: string[] = [];
  for (const b of list) {
    const t = s.slice(b.open + 1, b.close).trim();
    if (!items.includes(t)) items.push(t);
  }
  const first = list[0];
  if (items.length === 1) {
    return { text: s.slice(last.open + 1, last.close), start: last.open + 1, end: last.close, method: 'boxed', display: s.slice(last.at, last.close + 1) };
  }
  return { text: items.join(', '), start: first.open + 1, end: last.close, method: 'boxed', display: clipDisplay(s.slice(first.at, last.close + 1)), joined: items.length };
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

// Phrases announcing the final answer. Linear: alternation of literals with bounded \s. GSM8K's "#### 72"
// only before a number: "#### Step 3" is a markdown heading.
const PHRASE_RE =
  /(?:the\s+(?:final\s+|correct\s+)?answer\s+is\s*[:：]?|final\s+answer\s*(?:is\s*)?[:：]?|\banswer[\s*]*[:：]|#{1,6}[ \t]*answer\b|^#{4}(?=[ \t]*[-+]?\$?\d)|答案(?:是|为|：|:)|最终答案(?:是|为)?[:：]?)/gim;

function extractPhrase(s: string, from: number, to: number): (Extracted & { math?: boolean }) | undefined {
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
    const tail = phraseTail(s, i, e, to);
    if (tail) return { ...tail, method: 'phrase', display: `${last[0].trim()} ${clipDisplay(tail.text)}` };
    i = e + 1;
  }
  return undefined;
}

const TAIL_LEAD_RE = /^(?:\s|\*|_|:|：|is\b|that\b)+/;
// The end of the first sentence: a period (not a decimal point), or "I hope it is correct".
const SENTENCE_END_RE = /[.!?。！？](?=\s|$)|\sI hope\b/;
const TRAILING_MARKUP = new Set([' ', '\t', '\r', '\n', '*', '_', '.', '。', '$', ',']);

/** t without trailing spaces, markup, periods and closing math delimiters (a loop: no regex backtracking over a long run). */
function trimTrailingMarkup(t: string): string {
  let e = t.length;
  for (;;) {
    if (e > 0 && TRAILING_MARKUP.has(t[e - 1])) e--;
    else if (e > 1 && t[e - 2] === '\\' && (t[e - 1] === ')' || t[e - 1] === ']')) e -= 2;
    else break;
  }
  return t.slice(0, e);
}

/**
 * The answer in a phrase's tail s[i, e) (one line; `to` bounds a display math block that spans lines):
 * a math span at its start (`$28 \%$. I hope…` → `28 \%`), else its first sentence without markup.
 */
function phraseTail(s: string, i: number, e: number, to: number): { text: string; start: number; end: number; math?: boolean } | undefined {
  const line = s.slice(i, e);
  const lead = TAIL_LEAD_RE.exec(line);
  const a = i + (lead ? lead[0].length : 0);
  const math = mathSpanAt(s, a, to);
  if (math) {
    const [ms, me] = trimRange(s, math[0], math[1]);
    if (me > ms) {
      // a percent sign right after the math belongs to it
      const pct = /^\s*(?:\\?%|percent\b)/.test(s.slice(math[2], Math.min(math[2] + 10, to)));
      return { text: s.slice(ms, me) + (pct ? '%' : ''), start: ms, end: me, math: true };
    }
  }
  let t = s.slice(a, e);
  const end = SENTENCE_END_RE.exec(t);
  if (end) t = t.slice(0, end.index);
  t = trimTrailingMarkup(t);
  let st = a;
  // math delimiters left at the start ("$x = 5" whose closing delimiter is past the line)
  const open = /^(?:\$+|\\\(|\\\[)\s*/.exec(t);
  if (open) {
    st += open[0].length;
    t = t.slice(open[0].length);
  }
  if (t.length === 0) return undefined;
  t = t.slice(0, 200);
  return { text: t, start: st, end: st + t.length };
}

function trimRange(s: string, a: number, b: number): [number, number] {
  while (a < b && /\s/.test(s[a])) a++;
  while (b > a && /\s/.test(s[b - 1])) b--;
  return [a, b];
}

/** A math span opening exactly at `at`: [content start, content end, offset after the closing delimiter]. */
function mathSpanAt(s: string, at: number, to: number): [number, number, number] | undefined {
  if (s.startsWith('$$', at)) {
    const c = s.indexOf('$$', at + 2);
    return c !== -1 && c + 2 <= to ? [at + 2, c, c + 2] : undefined;
  }
  if (s.charCodeAt(at) === 36) {
    const c = s.indexOf('$', at + 1);
    const nl = s.indexOf('\n', at + 1);
    return c !== -1 && c < to && (nl === -1 || nl > c) ? [at + 1, c, c + 1] : undefined;
  }
  if (s.startsWith('\\(', at) || s.startsWith('\\[', at)) {
    const close = s[at + 1] === '(' ? '\\)' : '\\]';
    const c = s.indexOf(close, at + 2);
    return c !== -1 && c + 2 <= to ? [at + 2, c, c + 2] : undefined;
  }
  return undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The last math span of s[from, to): `$…$` (one line; an opening `$` right after a digit or a closing one
 * right before a digit is a currency sign), `$$…$$`, `\(…\)`, `\[…\]`. Dollar signs are paired in one
 * forward pass; the bracket forms are found from the end. Spans without a letter or digit are skipped.
 * `spanEnd` is the offset after the closing delimiter.
 */
function extractLastMath(s: string, from: number, to: number): { ex: Extracted; spanEnd: number } | undefined {
  let best: [number, number, number, number] | undefined; // [open, contentStart, contentEnd, spanEnd]
  const consider = (open: number, cs: number, ce: number, end: number) => {
    if (!/[0-9A-Za-z]/.test(s.slice(cs, Math.min(ce, cs + 400)))) return;
    if (!best || end > best[3]) best = [open, cs, ce, end];
  };
  let open = -1;
  let display = false;
  let nl = -1; // the first newline at or after `open` (moves forward only: linear)
  const next = (at: number) => s.indexOf('$', at);
  let i = next(from);
  while (i !== -1 && i < to) {
    if (i > from && s.charCodeAt(i - 1) === 92) {
      i = next(i + 1); // \$
      continue;
    }
    const dbl = i + 1 < to && s.charCodeAt(i + 1) === 36;
    if (open !== -1 && display) {
      if (dbl) {
        consider(open, open + 2, i, i + 2);
        open = -1;
        i = next(i + 2);
      } else i = next(i + 1);
      continue;
    }
    if (open !== -1) {
      if (nl < open) {
        nl = s.indexOf('\n', open);
        if (nl === -1) nl = s.length;
      }
      const crossesLine = nl < i;
      if (!crossesLine && !isDigit(s.charCodeAt(i + 1)) && !dbl) {
        consider(open, open + 1, i, i + 1);
        open = -1;
        i = next(i + 1);
        continue;
      }
      open = -1; // not a closing dollar: it may open the next span
    }
    if (dbl) {
      open = i;
      display = true;
      i = next(i + 2);
    } else {
      if (!(i > from && isDigit(s.charCodeAt(i - 1)))) {
        open = i;
        display = false;
      }
      i = next(i + 1);
    }
  }
  for (const [o, c] of [
    ['\\(', '\\)'],
    ['\\[', '\\]'],
  ]) {
    let close = lastIndexIn(s, c, from, to);
    // skip at most a few empty spans from the end
    for (let tries = 0; close !== -1 && tries < 3; tries++) {
      const op = s.lastIndexOf(o, close);
      if (op < from) break;
      if (/[0-9A-Za-z]/.test(s.slice(op + 2, close))) {
        consider(op, op + 2, close, close + 2);
        break;
      }
      close = op > from ? s.lastIndexOf(c, op - 1) : -1;
    }
  }
  if (!best) return undefined;
  const [o, cs0, ce0, end] = best;
  const [cs, ce] = trimRange(s, cs0, ce0);
  // a percent sign right after the span belongs to it ("$28$ %")
  let text = s.slice(cs, ce);
  if (/^\s*(?:\\?%|percent\b)/.test(s.slice(end, Math.min(end + 10, to)))) text += '%';
  return { ex: { text, start: cs, end: ce, method: 'last-math', display: clipDisplay(s.slice(o, end)) }, spanEnd: end };
}

const THOUSANDS_SEPARATORS = [',', ' ', '{,}', ',\\!', '\\,', '\\!', '\\ '];

/** The separator ending at `i` (exclusive) that sits between digit groups, or 0. */
function separatorBefore(s: string, i: number, from: number): number {
  for (const sep of THOUSANDS_SEPARATORS) {
    const st = i - sep.length;
    if (st - 1 >= from && s.startsWith(sep, st) && isDigit(s.charCodeAt(st - 1))) return sep.length;
  }
  return 0;
}

/**
 * The last number of s[from, to). A number glued to the end of a word is not one ("AZYUK2A", "H2O"),
 * unless the word is a LaTeX command ("\sqrt2"); the search goes on to the left of it.
 */
function extractLastNumber(s: string, from: number, to: number): Extracted | undefined {
  let limit = to;
  for (;;) {
    const n = numberBefore(s, from, limit);
    if (!n) return undefined;
    let w = n.start;
    while (w > from && isAsciiLetter(s.charCodeAt(w - 1))) w--;
    if (w === n.start || (w > from && s.charCodeAt(w - 1) === 92)) return n;
    limit = w; // each round moves left past what it read: linear
  }
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function numberBefore(s: string, from: number, to: number): Extracted | undefined {
  let j = to - 1;
  while (j >= from && !isDigit(s.charCodeAt(j))) j--;
  if (j < from) return undefined;
  const end = j + 1;
  let i = j + 1;
  // walk back over digit groups joined by a decimal point, a slash, or a thousands separator before a
  // group of exactly three digits ("1 000", "10{,}000", "12,\!000"); a comma before other groups is a
  // decimal comma ("2,74")
  for (;;) {
    let g = i;
    while (g > from && isDigit(s.charCodeAt(g - 1))) g--;
    const groupLen = i - g;
    i = g;
    if (i <= from) break;
    const c = s.charCodeAt(i - 1);
    if ((c === 46 || c === 47) && i - 2 >= from && isDigit(s.charCodeAt(i - 2))) {
      i--;
      continue;
    }
    const sep = separatorBefore(s, i, from);
    if (sep > 0 && (groupLen === 3 || (sep === 1 && c === 44))) {
      i -= sep;
      continue;
    }
    break;
  }
  if (i > from && s.charCodeAt(i - 1) === 46 && !(i - 2 >= from && isDigit(s.charCodeAt(i - 2)))) i--; // ".4"
  if (i > from && s.charCodeAt(i - 1) === 45 /* - */) i--;
  let text = s.slice(i, end);
  let st = i;
  // a number inside \frac{…}{…} stands for the whole fraction; the command is looked for only in the
  // 80 characters before the number (lastIndexOf over the whole string would make a text of many
  // numbers glued to words, which the caller walks number by number, quadratic)
  const window = Math.max(from, st - 79);
  const inWindow = s.slice(window, st + 4).lastIndexOf('frac');
  const frac = inWindow === -1 || window + inWindow > st ? -1 : window + inWindow;
  if (frac !== -1) {
    let fs = frac;
    if (s.charCodeAt(fs - 1) === 100 /* d */ || s.charCodeAt(fs - 1) === 116 /* t */ || s.charCodeAt(fs - 1) === 99 /* c */) fs--;
    if (s.charCodeAt(fs - 1) === 92 && s.charCodeAt(frac + 4) === 123) {
      const c1 = closeBrace(s, frac + 4, Math.min(to, frac + 200));
      const c2 = c1 !== -1 && s.charCodeAt(c1 + 1) === 123 ? closeBrace(s, c1 + 1, Math.min(to, c1 + 200)) : -1;
      if (c2 !== -1 && c2 >= st + text.length - 1 && c2 < to) {
        let b = fs - 1;
        if (b > from && s.charCodeAt(b - 1) === 45) b--; // -\frac
        return { text: s.slice(b, c2 + 1), start: b, end: c2 + 1, method: 'last-number', display: s.slice(b, c2 + 1) };
      }
    }
  }
  // "1, 2" style: a leading separator is not part of the number
  while (text.length > 0 && /[,/ ]/.test(text[0])) {
    text = text.slice(1);
    st++;
  }
  // a percent sign (or the word) right after the number belongs to it
  let e = st + text.length;
  const pct = /^\s?(?:\\?%|percent\b|pct\b)/.exec(s.slice(e, Math.min(e + 10, to)));
  if (pct) {
    text += '%';
    e += pct[0].length;
  }
  return { text, start: st, end: e, method: 'last-number', display: text };
}

/** The closing brace of the `{` at `open` within s[open, limit); -1 when unbalanced there. */
function closeBrace(s: string, open: number, limit: number): number {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) {
      i++;
      continue;
    }
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return -1;
}

/** The last math span or the last number, whichever ends later (a number inside the span: the span). */
function extractLast(s: string, from: number, to: number): Extracted | undefined {
  const num = extractLastNumber(s, from, to);
  const math = extractLastMath(s, from, to);
  if (!math) return num;
  if (!num) return math.ex;
  return num.end > math.spanEnd ? num : math.ex;
}

/** A short answer part (one line, ≤ 200 chars) is the answer itself ("Canberra."). */
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
  const box = extractBoxed(s, from, to);
  if (box) {
    // "… \boxed{255} … The final answer is $10,455$.": a stated answer in math after the last box is the later word
    const later = extractPhrase(s, box.end + 1, to);
    return later?.math ? withoutFlag(later) : box;
  }
  const tag = extractAnswerTag(s, from, to);
  if (tag) return tag;
  const phrase = extractPhrase(s, from, to);
  return (phrase && withoutFlag(phrase)) ?? extractLast(s, from, to) ?? extractWhole(s, from, to);
}

function withoutFlag(e: Extracted & { math?: boolean }): Extracted {
  const { math: _math, ...rest } = e;
  return rest;
}

/**
 * The answer a reference stands for: a reference written as a whole solution (MATH's `\boxed{…}`,
 * GSM8K's "#### 72", a long text with "The final answer is …") is reduced to its final answer; a short
 * reference is itself.
 */
export function referenceAnswer(ref: string): { text: string; from?: string } {
  if (ref.includes('\\boxed') || ref.includes('\\fbox')) {
    const b = extractBoxed(ref, 0, ref.length);
    if (b) return { text: b.text, from: b.joined ? `${b.joined} boxes` : '\\boxed' };
  }
  if (ref.length > 100 || ref.includes('####')) {
    const p = extractPhrase(ref, 0, ref.length);
    if (p) return { text: p.text, from: 'its final answer' };
  }
  return { text: ref };
}

/** The last number inside a short answer text ("150 kilometers" → "150"), for numeric references. */
export function lastNumberIn(text: string): Extracted | undefined {
  return extractLastNumber(text, 0, text.length);
}

export function clipDisplay(t: string): string {
  return t.length > 60 ? t.slice(0, 59) + '…' : t;
}
