/**
 * steps: reasoning efficiency, the log-inverse of the number of reasoning steps, 1 / log2(n + 1)
 * (n = 1 → 1, n = 3 → 0.5, n = 7 → 0.33). Range (0, 1]; no steps at all → 1 (nothing was spent).
 * Steps come from the shared segmentation (reasoningSteps.ts) of the reasoning (inside the
 * think tags; the whole text when untagged).
 */
import type { Highlight, RewardFunction, RewardRecord, RewardValue } from './types';
import { reasoningSteps } from './reasoningSteps';
import { strOpt } from './text';

export interface StepsOptions {
  thinkTag?: string;
  /** Cap on step highlights (default 200). */
  maxHighlights?: number;
}

export const steps: RewardFunction<StepsOptions> = {
  name: 'steps',
  range: [0, 1],
  description: 'Efficiency: 1 / log2(n + 1) for n reasoning steps (fewer steps score higher).',
  defaults: { thinkTag: 'think', maxHighlights: 200 },
  score(record: RewardRecord, options: StepsOptions): RewardValue {
    const list = reasoningSteps(record.completion, strOpt(options.thinkTag, 'think'));
    const n = list.length;
    if (n === 0) return { value: 1, detail: 'no reasoning steps: 1 (nothing spent)' };
    const value = 1 / Math.log2(n + 1);
    const cap = Math.max(0, Math.floor(options.maxHighlights ?? 200));
    const highlights: Highlight[] = list.slice(0, cap).map((s) => ({ start: s.start, end: s.end, kind: 'step', note: `step ${s.index + 1} (${s.kind})` }));
    return { value, detail: `${n} step${n === 1 ? '' : 's'}: 1 / log2(${n} + 1) = ${value.toFixed(3)}`, highlights };
  },
};
