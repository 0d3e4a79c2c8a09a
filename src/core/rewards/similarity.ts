/**
 * similarity: 1 − Levenshtein(answer part, reference) / max(length) (fastest-levenshtein), compared
 * after trimming. Range [0, 1]. The answer part is the text after the closing think tag (the whole
 * text when there is none). Reference = record.reference ?? record.answer; none → null. Both texts
 * are cut to `maxChars` (default 20,000) first, and the detail says so.
 */
import { distance } from 'fastest-levenshtein';
import type { RewardFunction, RewardRecord, RewardValue } from './types';
import { numOpt, splitThink, strOpt, trimSpan } from './text';

export interface SimilarityOptions {
  maxChars?: number;
  thinkTag?: string;
}

export const similarity: RewardFunction<SimilarityOptions> = {
  name: 'similarity',
  range: [0, 1],
  description: '1 − normalized Levenshtein distance between the answer and the reference text.',
  defaults: { maxChars: 20000, thinkTag: 'think' },
  score(record: RewardRecord, options: SimilarityOptions): RewardValue {
    const ref0 = record.reference ?? record.answer;
    if (ref0 === undefined) return { value: null, detail: 'no reference text (reference or answer): cannot judge' };
    const text = record.completion;
    const sp = splitThink(text, strOpt(options.thinkTag, 'think'));
    const [s, e] = trimSpan(text, sp.finalStart, sp.finalEnd);
    const maxChars = Math.max(1, Math.floor(numOpt(options.maxChars, 20000)));
    let a = text.slice(s, e);
    let b = ref0.trim();
    const notes: string[] = [];
    if (a.length > maxChars) {
      notes.push(`answer cut from ${a.length} to ${maxChars} chars`);
      a = a.slice(0, maxChars);
    }
    if (b.length > maxChars) {
      notes.push(`reference cut from ${b.length} to ${maxChars} chars`);
      b = b.slice(0, maxChars);
    }
    const m = Math.max(a.length, b.length);
    if (m === 0) return { value: 1, detail: 'answer and reference both empty' };
    const d = distance(a, b);
    const value = 1 - d / m;
    const src = record.reference !== undefined ? 'reference' : 'answer';
    return {
      value,
      detail: `edit distance ${d} over ${m} chars vs the ${src} → ${value.toFixed(3)}${notes.length ? ` (${notes.join('; ')})` : ''}`,
      highlights: e > s ? [{ start: s, end: Math.min(e, s + maxChars), kind: 'answer' }] : [],
    };
  },
};
