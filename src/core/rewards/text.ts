/**
 * Text helpers shared by every reward function: the think/answer split, the word scanner and a cheap
 * token count. Each is computed once per text (a one-entry cache keyed by the string), so a composite
 * that runs five functions over one completion splits and scans it once.
 *
 * Everything here is a single linear pass over char codes: no backtracking regexes.
 */

export interface ThinkSplit {
  /** Number of opening / closing think tags in the text. */
  openCount: number;
  closeCount: number;
  /** Offset of the first opening tag, -1 when there is none. */
  openIndex: number;
  /** Offset of the closing tag used for the split (the last one), -1 when there is none. */
  closeIndex: number;
  /**
   * - 'tagged': `<think>…</think>` then the answer;
   * - 'stray-close': a `</think>` without an opening tag before it (chat templates put `<think>` in the prompt);
   * - 'unclosed': `<think>` opened and never closed (typical of outputs truncated at max length);
   * - 'untagged': no think tags at all.
   */
  state: 'tagged' | 'stray-close' | 'unclosed' | 'untagged';
  /** The reasoning span [thinkStart, thinkEnd) (whole text when untagged). */
  thinkStart: number;
  thinkEnd: number;
  /** The answer span [answerStart, answerEnd): after the closing tag; empty when unclosed; whole text when untagged. */
  answerStart: number;
  answerEnd: number;
  /** Convenience: the span of text accuracy-like functions search for the final answer (after `</think>` when there is one, else the whole text). */
  finalStart: number;
  finalEnd: number;
  openTag: string;
  closeTag: string;
}

const tagCache = new Map<string, { open: string; close: string }>();
function tagsFor(name: string): { open: string; close: string } {
  let t = tagCache.get(name);
  if (!t) {
    t = { open: `<${name}>`, close: `</${name}>` };
    tagCache.set(name, t);
  }
  return t;
}

/** Count non-overlapping occurrences of `needle` (indexOf, linear). */
export function countOccurrences(text: string, needle: string): { count: number; first: number; last: number } {
  let count = 0;
  let first = -1;
  let last = -1;
  let i = text.indexOf(needle);
  while (i !== -1) {
    if (first === -1) first = i;
    last = i;
    count++;
    i = text.indexOf(needle, i + needle.length);
  }
  return { count, first, last };
}

let splitCacheText: string | undefined;
let splitCacheTag: string | undefined;
let splitCacheValue: ThinkSplit | undefined;

/**
 * Split a completion into reasoning and answer. Tag names are configurable (default "think"); tags are
 * matched exactly (`<think>` / `</think>`, case-sensitive, as the R1 template writes them).
 */
export function splitThink(text: string, thinkTag = 'think'): ThinkSplit {
  if (splitCacheValue !== undefined && splitCacheText === text && splitCacheTag === thinkTag) return splitCacheValue;
  const { open, close } = tagsFor(thinkTag);
  const o = countOccurrences(text, open);
  const c = countOccurrences(text, close);
  const n = text.length;
  let s: ThinkSplit;
  if (c.count > 0) {
    const closeIndex = c.last;
    const afterClose = closeIndex + close.length;
    const hasOpenBefore = o.first !== -1 && o.first < closeIndex;
    s = {
      openCount: o.count,
      closeCount: c.count,
      openIndex: o.first,
      closeIndex,
      state: hasOpenBefore ? 'tagged' : 'stray-close',
      thinkStart: hasOpenBefore ? o.first + open.length : 0,
      thinkEnd: closeIndex,
      answerStart: afterClose,
      answerEnd: n,
      finalStart: afterClose,
      finalEnd: n,
      openTag: open,
      closeTag: close,
    };
  } else {
    const unclosed = o.count > 0;
    s = {
      openCount: o.count,
      closeCount: 0,
      openIndex: o.first,
      closeIndex: -1,
      state: unclosed ? 'unclosed' : 'untagged',
      thinkStart: unclosed ? o.first + open.length : 0,
      thinkEnd: n,
      answerStart: unclosed ? n : 0,
      answerEnd: n,
      finalStart: 0,
      finalEnd: n,
      openTag: open,
      closeTag: close,
    };
  }
  splitCacheText = text;
  splitCacheTag = thinkTag;
  splitCacheValue = s;
  return s;
}

/** Is the char code whitespace (ASCII, NBSP, ideographic space, line separators)? */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || c === 0x2028 || c === 0x2029 || c === 0xfeff;
}

/** Trimmed bounds of [start, end) in `text`. */
export function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return [start, end];
}

// ---------------------------------------------------------------------------------------------------
// Word scanner

/**
 * Word kinds. Script words are what the language reward judges; the others (numbers, single Latin
 * letters, LaTeX commands) are emitted for n-gram functions but never judged for language.
 */
export const WordKind = {
  Latin: 1,
  Han: 2,
  Kana: 3,
  Hangul: 4,
  Cyrillic: 5,
  Arabic: 6,
  Greek: 7,
  Hebrew: 8,
  Devanagari: 9,
  Thai: 10,
  /** Digits (with inner . or ,). */
  Number: 20,
  /** A single Latin (or Greek) letter: a math variable more often than a word. */
  Letter: 21,
  /** A LaTeX command such as \frac. */
  Command: 22,
} as const;

/** Script kinds (judged by the language reward) are below this value. */
export const FIRST_NON_SCRIPT_KIND = 20;

export const SCRIPT_NAMES: Record<number, string> = {
  1: 'Latin',
  2: 'Han',
  3: 'Kana',
  4: 'Hangul',
  5: 'Cyrillic',
  6: 'Arabic',
  7: 'Greek',
  8: 'Hebrew',
  9: 'Devanagari',
  10: 'Thai',
};

export interface WordScan {
  /** Number of words. */
  length: number;
  starts: Int32Array;
  ends: Int32Array;
  kinds: Uint8Array;
}

/** Letter script of a char code, 0 when it is not a letter of a script we know, -1 for combining marks. */
function scriptOf(c: number): number {
  if (c < 0x80) {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? WordKind.Latin : 0;
  }
  if (c < 0x250) {
    // Latin-1 letters and Latin Extended-A/B (skip × and ÷)
    if (c >= 0xc0 && c !== 0xd7 && c !== 0xf7) return WordKind.Latin;
    if (c === 0xaa || c === 0xba || c === 0xb5) return WordKind.Latin;
    return 0;
  }
  if (c >= 0x4e00 && c <= 0x9fff) return WordKind.Han;
  if (c >= 0x3400 && c <= 0x4dbf) return WordKind.Han;
  if (c >= 0xf900 && c <= 0xfaff) return WordKind.Han;
  if (c >= 0x3040 && c <= 0x30ff) return c === 0x30fb || c === 0x30a0 ? 0 : WordKind.Kana; // hiragana, katakana (not ・ ゠)
  if (c >= 0x31f0 && c <= 0x31ff) return WordKind.Kana;
  if (c >= 0xff66 && c <= 0xff9f) return WordKind.Kana;
  if (c >= 0xac00 && c <= 0xd7af) return WordKind.Hangul;
  if (c >= 0x1100 && c <= 0x11ff) return WordKind.Hangul;
  if (c >= 0x3130 && c <= 0x318f) return WordKind.Hangul;
  if (c >= 0x0400 && c <= 0x052f) return WordKind.Cyrillic;
  if (c >= 0x0600 && c <= 0x06ff) {
    // Arabic letters, not Arabic-Indic digits or punctuation
    if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06f0 && c <= 0x06f9)) return 0;
    if (c === 0x060c || c === 0x061b || c === 0x061f || c === 0x06d4) return 0;
    return WordKind.Arabic;
  }
  if (c >= 0x0750 && c <= 0x077f) return WordKind.Arabic;
  if (c >= 0x0370 && c <= 0x03ff) return c === 0x037e || c === 0x0387 || c === 0x0375 ? 0 : WordKind.Greek;
  if (c >= 0x05d0 && c <= 0x05ea) return WordKind.Hebrew;
  if (c >= 0x0900 && c <= 0x097f) return (c >= 0x0966 && c <= 0x096f) || c === 0x0964 || c === 0x0965 ? 0 : WordKind.Devanagari;
  if (c >= 0x0e01 && c <= 0x0e4e) return c === 0x0e3f ? 0 : WordKind.Thai;
  if (c >= 0x1e00 && c <= 0x1eff) return WordKind.Latin; // Latin Extended Additional (Vietnamese)
  if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x0900 && c <= 0x0903)) return -1; // combining marks
  return 0;
}

// Char classes for the scanner, one table lookup per char.
const C_SEP = 0; // 1..10: script letters (WordKind values)
const C_DIGIT = 11;
const C_BACKSLASH = 12;
const C_APOS = 13; // ' and ’: inside Latin words
const C_MARK = 14; // combining marks, ー: continue the current word
const C_ASCII_LETTER = 15; // A-Z a-z (Latin, and LaTeX command letters)
const CLASS = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) {
  const s = scriptOf(c);
  CLASS[c] = s > 0 ? s : s === -1 ? C_MARK : C_SEP;
}
for (let c = 65; c <= 90; c++) CLASS[c] = C_ASCII_LETTER;
for (let c = 97; c <= 122; c++) CLASS[c] = C_ASCII_LETTER;
for (let c = 48; c <= 57; c++) CLASS[c] = C_DIGIT;
CLASS[92] = C_BACKSLASH;
CLASS[39] = C_APOS;
CLASS[0x2019] = C_APOS;
CLASS[0x30fc] = C_MARK; // katakana prolonged sound mark

const K_LATIN = 1;
const K_HAN = 2;
const K_GREEK = 7;
const K_NUMBER = 20;
const K_LETTER = 21;
const K_COMMAND = 22;

// Reused buffers: a WordScan is valid until the next scanWords call with other arguments.
let bufStarts = new Int32Array(4096);
let bufEnds = new Int32Array(4096);
let bufKinds = new Uint8Array(4096);

let scanCacheText: string | undefined;
let scanCacheStart = -1;
let scanCacheEnd = -1;
let scanCacheValue: WordScan | undefined;

/**
 * Scan words in text[start, end):
 * - each Han character is one word (Chinese has no spaces; this is how R1-style language rewards count);
 * - runs of Latin letters (with inner apostrophes: don't), kana, Hangul, Cyrillic, Arabic, Hebrew,
 *   Devanagari, Thai, Greek are words; a lone Latin or Greek letter is a `Letter` (math variable: x, π);
 * - `\frac` is a `Command`, digit runs (with inner . or ,) a `Number`;
 *   the language reward ignores those three kinds.
 * Punctuation, symbols, emoji and whitespace separate words.
 * The returned arrays are shared buffers: the scan is valid until the next scanWords call.
 */
export function scanWords(text: string, start = 0, end = text.length): WordScan {
  if (scanCacheValue !== undefined && scanCacheText === text && scanCacheStart === start && scanCacheEnd === end) {
    return scanCacheValue;
  }
  // at most one word per two chars, plus Han (one per char): bound by the span length
  const need = end - start + 1;
  if (bufStarts.length < need) {
    let cap = bufStarts.length;
    while (cap < need) cap *= 2;
    bufStarts = new Int32Array(cap);
    bufEnds = new Int32Array(cap);
    bufKinds = new Uint8Array(cap);
  }
  const starts = bufStarts;
  const ends = bufEnds;
  const kinds = bufKinds;
  const table = CLASS;
  let n = 0;
  let i = start;
  while (i < end) {
    const k = table[text.charCodeAt(i)];
    if (k === C_SEP || k === C_APOS || k === C_MARK) {
      i++;
      continue;
    }
    if (k === C_ASCII_LETTER || k === K_LATIN) {
      let j = i + 1;
      while (j < end) {
        const c = text.charCodeAt(j);
        const lc = c | 32;
        if (lc >= 97 && lc <= 122) {
          j++;
          continue;
        }
        const d = table[c];
        if (d === K_LATIN || d === C_MARK) j++;
        else if (d === C_APOS && j + 1 < end) {
          const e = table[text.charCodeAt(j + 1)];
          if (e === C_ASCII_LETTER || e === K_LATIN) j += 2;
          else break;
        } else break;
      }
      starts[n] = i;
      ends[n] = j;
      kinds[n++] = j === i + 1 ? K_LETTER : K_LATIN;
      i = j;
      continue;
    }
    if (k === K_HAN) {
      starts[n] = i;
      ends[n] = i + 1;
      kinds[n++] = K_HAN;
      i++;
      continue;
    }
    if (k === C_DIGIT) {
      let j = i + 1;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d >= 48 && d <= 57) j++;
        else if ((d === 46 || d === 44) && j + 1 < end && table[text.charCodeAt(j + 1)] === C_DIGIT) j += 2;
        else break;
      }
      starts[n] = i;
      ends[n] = j;
      kinds[n++] = K_NUMBER;
      i = j;
      continue;
    }
    if (k === C_BACKSLASH) {
      let j = i + 1;
      while (j < end && table[text.charCodeAt(j)] === C_ASCII_LETTER) j++;
      if (j > i + 1) {
        starts[n] = i;
        ends[n] = j;
        kinds[n++] = K_COMMAND;
      }
      i = j > i + 1 ? j : i + 1;
      continue;
    }
    // other scripts: a run of the same script (combining marks and ー continue it)
    let j = i + 1;
    while (j < end) {
      const d = table[text.charCodeAt(j)];
      if (d === k || d === C_MARK) j++;
      else break;
    }
    starts[n] = i;
    ends[n] = j;
    kinds[n++] = k === K_GREEK && j === i + 1 ? K_LETTER : k;
    i = j;
  }
  const value: WordScan = { length: n, starts, ends, kinds };
  scanCacheText = text;
  scanCacheStart = start;
  scanCacheEnd = end;
  scanCacheValue = value;
  return value;
}

/**
 * A cheap token count standing in for a model tokenizer: each CJK (Han, kana, Hangul) character is one
 * token and every other maximal run of non-space characters is one token. Good enough for length
 * shaping (cosine reward), not a BPE count: English text gets ~0.75× the tokens a BPE tokenizer gives.
 */
export function approxTokenCount(text: string, start = 0, end = text.length): number {
  let tokens = 0;
  let inRun = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 32 || (c >= 9 && c <= 13)) inRun = false;
      else if (!inRun) {
        inRun = true;
        tokens++;
      }
      continue;
    }
    if ((c >= 0x3040 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff)) {
      tokens++;
      inRun = false;
    } else if (isSpace(c)) {
      inRun = false;
    } else if (!inRun) {
      inRun = true;
      tokens++;
    }
  }
  return tokens;
}

/** A character that continues a run of approxTokenCount (neither a space nor a CJK character). */
function inTokenRun(c: number): boolean {
  if (c < 0x80) return !(c === 32 || (c >= 9 && c <= 13));
  return !((c >= 0x3040 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff)) && !isSpace(c);
}

/**
 * approxTokenCount of the whole text and of its part [start, end), reading each character once: the
 * three parts are counted apart, and a run that crosses a border was counted once on each side.
 */
export function approxTokenCounts(text: string, start: number, end: number): { total: number; part: number } {
  const part = approxTokenCount(text, start, end);
  let total = approxTokenCount(text, 0, start) + part + approxTokenCount(text, end, text.length);
  const joined = (at: number) => at > 0 && at < text.length && inTokenRun(text.charCodeAt(at - 1)) && inTokenRun(text.charCodeAt(at));
  if (joined(start)) total--;
  if (end > start && joined(end)) total--;
  return { total, part };
}

/** Clip a string for a detail line. */
export function clip(s: string, max = 80): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

/** Read an option as a number, falling back to the default. */
export function numOpt(v: unknown, d: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}
export function strOpt(v: unknown, d: string): string {
  return typeof v === 'string' && v.length > 0 ? v : d;
}
