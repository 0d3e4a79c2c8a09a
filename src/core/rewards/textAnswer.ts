/**
 * Plain-text answers: a short text reference ("Canberra", "keep", "1 kilogram of feathers") is matched
 * as a phrase in the final answer, word for word after normalization (case, punctuation, markdown and
 * LaTeX text wrappers do not count): "The capital of Australia is Canberra." has "Canberra".
 *
 * - yes / no / true / false references are polar: the first word of the answer decides ("No, I would
 *   not say yes" is a no);
 * - an occurrence right after a negation ("not Canberra", "isn't Sydney") does not count;
 * - a leading article of the reference is optional ("the steel" matches "steel").
 * One pass of the word scanner over the searched span, then a scan of its words: linear.
 */
import { scanWords, WordKind } from './text';

export interface PhraseHit {
  /** Offsets of the phrase in the searched text. */
  start: number;
  end: number;
  rule: 'phrase' | 'polar';
}

export interface PhraseSearch {
  hit?: PhraseHit;
  /** The phrase was there, but only negated: the offsets of the first such occurrence. */
  negated?: { start: number; end: number };
}

const POLAR = new Set(['yes', 'no', 'true', 'false']);
const ARTICLES = new Set(['the', 'a', 'an']);
const NEGATIONS = new Set([
  'not',
  'never',
  'neither',
  'nor',
  'without',
  'cannot',
  "can't",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "don't",
  "doesn't",
  "didn't",
  "won't",
  "wouldn't",
  "shouldn't",
  'instead',
  'rather',
]);
const MAX_REFERENCE_WORDS = 8;

/** Lowercased words of s[start, end) (letters and numbers; LaTeX commands and punctuation dropped) with their offsets. */
function words(s: string, start = 0, end = s.length): { text: string[]; starts: number[]; ends: number[] } {
  const scan = scanWords(s, start, end);
  const text: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < scan.length; i++) {
    if (scan.kinds[i] === WordKind.Command) continue;
    text.push(s.slice(scan.starts[i], scan.ends[i]).toLowerCase().replace(/’/g, "'"));
    starts.push(scan.starts[i]);
    ends.push(scan.ends[i]);
  }
  return { text, starts, ends };
}

/** The reference's words when it is a short text answer (1–8 words, at least one of three letters); undefined otherwise. */
export function textReferenceWords(reference: string): string[] | undefined {
  if (reference.length > 120 || !/\p{L}{3}|yes|no/iu.test(reference)) return undefined;
  if (/[\\^=_{}]/.test(reference.replace(/\\text\s*\{|\\textbf\s*\{|\\mathrm\s*\{/g, ''))) return undefined;
  let w = words(reference).text;
  if (w.length > 1 && ARTICLES.has(w[0])) w = w.slice(1);
  if (w.length === 0 || w.length > MAX_REFERENCE_WORDS || !w.some((x) => /\p{L}{3,}/u.test(x) || POLAR.has(x))) return undefined;
  return w;
}

/** Search the reference phrase (its words, from textReferenceWords) in text[from, to). */
export function findPhrase(text: string, from: number, to: number, ref: string[]): PhraseSearch {
  const w = words(text, from, to);
  if (w.text.length === 0) return {};
  if (ref.length === 1 && POLAR.has(ref[0])) {
    return w.text[0] === ref[0] ? { hit: { start: w.starts[0], end: w.ends[0], rule: 'polar' } } : {};
  }
  let negated: PhraseSearch['negated'];
  const n = ref.length;
  for (let i = 0; i + n <= w.text.length; i++) {
    let k = 0;
    while (k < n && w.text[i + k] === ref[k]) k++;
    if (k < n) continue;
    const span = { start: w.starts[i], end: w.ends[i + n - 1] };
    if (isNegated(text, w, i)) {
      negated ??= span;
      continue;
    }
    return { hit: { ...span, rule: 'phrase' } };
  }
  return negated ? { negated } : {};
}

/**
 * A negation among the three words before word i, in the same clause: "not Canberra", "isn't really
 * Sydney" are negated; "not Sydney, it's Canberra" is not (the comma ends the negated clause).
 */
function isNegated(text: string, w: { text: string[]; starts: number[]; ends: number[] }, i: number): boolean {
  for (let k = i - 1; k >= 0 && k >= i - 3; k--) {
    if (/[,.;:!?\n]/.test(text.slice(w.ends[k], w.starts[k + 1]))) return false;
    if (NEGATIONS.has(w.text[k]) || w.text[k].endsWith("n't")) return true;
  }
  return false;
}
