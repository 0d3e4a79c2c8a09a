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
    // Words become small integer ids, so an n-gram is one number (ids packed in base 2^bits) and the
    // count map hashes numbers instead of joined strings: several times faster on long reasoning.
    const ids = new Int32Array(nWords);
    const vocab = new Map<string, number>();
    for (let i = 0; i < nWords; i++) {
      const w = text.slice(scan.starts[i], scan.ends[i]);
      const k = scan.kinds[i];
      const word = k === WordKind.Latin || k === WordKind.Cyrillic || k === WordKind.Greek || k === WordKind.Letter ? w.toLowerCase() : w;
      let id = vocab.get(word);
      if (id === undefined) vocab.set(word, (id = vocab.size));
      ids[i] = id;
    }
    const bits = Math.max(1, Math.ceil(Math.log2(vocab.size + 1)));
    const packed = bits * size <= 52;
    const base = 2 ** bits;
    const total = nWords - size + 1;
    /** Word index of each n-gram's first occurrence: its size is the number of unique n-grams. */
    const firstAt = new Map<number | string, number>();
    /** Occurrence counts of the n-grams seen more than once (a small map: most n-grams are unique). */
    const repeats = new Map<number | string, number>();
    const maxHighlights = Math.max(0, Math.floor(numOpt(options.maxHighlights, 200)));
    const highlights: Highlight[] = [];
    let truncated = false;
    for (let i = 0; i < total; i++) {
      let key: number | string;
      if (packed) {
        key = ids[i];
        for (let j = 1; j < size; j++) key = key * base + ids[i + j];
      } else {
        key = String(ids[i]);
        for (let j = 1; j < size; j++) key += ',' + ids[i + j];
      }
      if (!firstAt.has(key)) {
        firstAt.set(key, i);
        continue;
      }
      repeats.set(key, (repeats.get(key) ?? 1) + 1);
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
    const unique = firstAt.size;
    const scaling = 1 - unique / total;
    const value = scaling * maxPenalty;
    const maxItems = Math.max(0, Math.floor(numOpt(options.maxItems, 20)));
    const items = [...repeats.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, maxItems)
      .map(([k, c]) => {
        const at = firstAt.get(k)!;
        return `"${text.slice(scan.starts[at], scan.ends[at + size - 1]).replace(/\s+/g, ' ')}" ×${c}`;
      });
    let detail = `${unique} unique of ${total} ${size}-grams: (1 − ${unique}/${total}) × ${maxPenalty} = ${value.toFixed(3)}`;
    if (truncated) detail += `; first ${maxHighlights} repeated spans highlighted`;
    return { value: value === 0 ? 0 : value, detail, highlights, items };
  },
};
