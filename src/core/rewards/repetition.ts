/**
 * repetition: open-r1's n-gram repetition penalty, (1 − unique n-grams / total n-grams) × maxPenalty,
 * over the words of the whole completion (shared scanner, text.ts: script words, numbers, single
 * letters and LaTeX commands all count here; Latin/Cyrillic/Greek words lowercased). Range
 * [maxPenalty, 0] = [-1, 0] by default; fewer words than ngramSize → 0.
 * Items: the most repeated n-grams with counts (cap 20). Highlights: occurrences of repeated n-grams
 * after their first, merged where they overlap (cap 200).
 */
import type { Highlight, RewardFunction, RewardRecord, RewardValue } from './types';
import { WordKind, numOpt, scanWords } from './text';

export interface RepetitionOptions {
  ngramSize?: number;
  maxPenalty?: number;
  maxHighlights?: number;
  maxItems?: number;
}

export const repetition: RewardFunction<RepetitionOptions> = {
  name: 'repetition',
  range: [-1, 0],
  description: "open-r1's n-gram repetition penalty: (1 − unique/total n-grams) × maxPenalty.",
  defaults: { ngramSize: 3, maxPenalty: -1, maxHighlights: 200, maxItems: 20 },
  score(record: RewardRecord, options: RepetitionOptions): RewardValue {
    const text = record.completion;
    const size = Math.max(1, Math.floor(numOpt(options.ngramSize, 3)));
    const maxPenalty = numOpt(options.maxPenalty, -1);
    const scan = scanWords(text);
    const nWords = scan.length;
    if (nWords < size) return { value: 0, detail: `${nWords} words, fewer than one ${size}-gram: no penalty` };
    const words: string[] = new Array(nWords);
    for (let i = 0; i < nWords; i++) {
      const w = text.slice(scan.starts[i], scan.ends[i]);
      const k = scan.kinds[i];
      words[i] = k === WordKind.Latin || k === WordKind.Cyrillic || k === WordKind.Greek || k === WordKind.Letter ? w.toLowerCase() : w;
    }
    const total = nWords - size + 1;
    const counts = new Map<string, number>();
    const maxHighlights = Math.max(0, Math.floor(numOpt(options.maxHighlights, 200)));
    const highlights: Highlight[] = [];
    let truncated = false;
    for (let i = 0; i < total; i++) {
      let key = words[i];
      for (let j = 1; j < size; j++) key += '\u0001' + words[i + j];
      const c = (counts.get(key) ?? 0) + 1;
      counts.set(key, c);
      if (c > 1) {
        const s = scan.starts[i];
        const e = scan.ends[i + size - 1];
        const last = highlights[highlights.length - 1];
        if (last && s <= last.end) {
          if (e > last.end) last.end = e;
        } else if (highlights.length < maxHighlights) {
          highlights.push({ start: s, end: e, kind: 'repeated' });
        } else {
          truncated = true;
        }
      }
    }
    const unique = counts.size;
    const scaling = 1 - unique / total;
    const value = scaling * maxPenalty;
    const maxItems = Math.max(0, Math.floor(numOpt(options.maxItems, 20)));
    const items = [...counts.entries()]
      .filter(([, c]) => c > 1)
      .sort((a, b) => b[1] - a[1])
      .slice(0, maxItems)
      .map(([k, c]) => `"${k.split('\u0001').join(' ')}" ×${c}`);
    let detail = `${unique} unique of ${total} ${size}-grams: (1 − ${unique}/${total}) × ${maxPenalty} = ${value.toFixed(3)}`;
    if (truncated) detail += `; first ${maxHighlights} repeated spans highlighted`;
    return { value: value === 0 ? 0 : value, detail, highlights, items };
  },
};
