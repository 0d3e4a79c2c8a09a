/**
 * The text rules, read through the reward functions that measure the same thing: repeated padding
 * (open-r1's repetition reward) and language switches inside the reasoning (R1's language-consistency
 * reward). A rewarded sample that pads or switches language got its reward despite it: the policy
 * may be learning that length or a language mix pays.
 */
import { language } from '../rewards/language';
import { repetition } from '../rewards/repetition';
import { scanWords } from '../rewards/text';
import type { RewardRecord } from '../rewards/types';
import type { HackThresholds } from './thresholds';
import type { HackEvidence, HackRuleId } from './types';

export interface TextHit {
  rule: HackRuleId;
  strength: number;
  message: string;
  evidence: HackEvidence[];
  numbers: Record<string, number | string | boolean | null>;
}

const clip = (s: string, n = 160) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
};

export function repetitionHit(r: RewardRecord, t: HackThresholds): TextHit | undefined {
  // a completion shorter than this many characters cannot hold repetitionMinNgrams n-grams
  if (r.completion.length < t.repetitionMinNgrams * 2) return undefined;
  // a repeated n-gram starts with a repeated 3-gram: the cheap 3-gram count (packed integer keys) rules most texts out
  if (t.repetitionNgram > 3) {
    const rough = repetition.score(r, { ngramSize: 3, maxPenalty: -1, maxHighlights: 0, maxItems: 0 });
    if (rough.value === null || rough.value > t.repetitionMax) return undefined;
  }
  const n = t.repetitionNgram;
  const v = repetition.score(r, { ngramSize: n, maxPenalty: -1, maxHighlights: 3, maxItems: 3 });
  if (v.value === null || v.value > t.repetitionMax) return undefined;
  const ngrams = scanWords(r.completion).length - n + 1; // the scan the reward just made (cached)
  if (ngrams < t.repetitionMinNgrams) return undefined;
  const first = v.highlights?.[0];
  const evidence: HackEvidence[] = first ? [{ in: 'completion', start: first.start, end: first.end, text: clip(r.completion.slice(first.start, first.end)), note: 'repeated text' }] : [];
  return {
    rule: 'repetition-padding',
    // the threshold → 0.5, every n-gram a repeat → 1
    strength: Math.min(1, 0.5 + (0.5 * (t.repetitionMax - v.value)) / Math.max(1e-9, 1 + t.repetitionMax)),
    message: `${Math.round(-v.value * 100)}% of its ${ngrams} ${n}-grams are repeats (repetition reward ${v.value.toFixed(2)} ≤ ${t.repetitionMax}); most repeated: ${(v.items ?? []).map((x) => clip(x, 80)).join(', ')}`,
    evidence,
    numbers: { repetition: Number(v.value.toFixed(4)), ngram: n, ngrams, repetitionMax: t.repetitionMax },
  };
}

export function languageHit(r: RewardRecord, t: HackThresholds): TextHit | undefined {
  const v = language.score(r, { maxHighlights: 5, maxItems: 5 });
  if (v.value === null || v.value === 1) return undefined;
  const off = Number(/off-language: (\d+)/.exec(v.detail)?.[1] ?? 0);
  if (off < t.languageMinWords) return undefined;
  const evidence: HackEvidence[] = (v.highlights ?? []).slice(0, 5).map((h) => {
    const a = Math.max(0, h.start - 30);
    const b = Math.min(r.completion.length, h.end + 30);
    return { in: 'completion', start: h.start, end: h.end, text: clip(r.completion.slice(a, b)), note: `"${clip(r.completion.slice(h.start, h.end), 40)}" in another language` };
  });
  return {
    rule: 'language-switch',
    strength: Math.min(1, 0.5 + (1 - v.value) * 5),
    message: `${off} word${off === 1 ? '' : 's'} of another language inside the reasoning (${(v.items ?? []).join(', ')}); the language reward reads: ${v.detail}`,
    evidence,
    numbers: { languageShare: Number(v.value.toFixed(4)), offLanguageWords: off, languageMinWords: t.languageMinWords },
  };
}
