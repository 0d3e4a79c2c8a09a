/**
 * novelty: entropy of the step-kind distribution. The normalized Shannon entropy H / log(K) of the
 * counts of the trace's step kinds, with K = 5, the number of kinds the segmentation can give
 * (reasoning, reflection, backtrack, verification, conclusion). Range [0, 1]: 1 when all five kinds
 * occur equally often, 0 when every step has the same kind; 0 or 1 step → 0.
 */
import type { RewardFunction, RewardRecord, RewardValue } from './types';
import { reasoningSteps, STEP_KINDS } from './reasoningSteps';
import { strOpt } from './text';

export interface NoveltyOptions {
  thinkTag?: string;
}

export const novelty: RewardFunction<NoveltyOptions> = {
  name: 'novelty',
  range: [0, 1],
  description: 'Normalized entropy of the step kinds (reasoning, reflection, backtrack, verification, conclusion).',
  defaults: { thinkTag: 'think' },
  score(record: RewardRecord, options: NoveltyOptions): RewardValue {
    const list = reasoningSteps(record.completion, strOpt(options.thinkTag, 'think'));
    const counts = new Map<string, number>();
    for (const k of STEP_KINDS) counts.set(k, 0);
    for (const s of list) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
    const listed = STEP_KINDS.filter((k) => (counts.get(k) ?? 0) > 0).map((k) => `${k} ${counts.get(k)}`);
    const n = list.length;
    if (n <= 1) return { value: 0, detail: `${n} step${n === 1 ? '' : 's'}: no distribution (0)${listed.length ? `; ${listed.join(', ')}` : ''}`, items: listed };
    let h = 0;
    for (const k of STEP_KINDS) {
      const c = counts.get(k) ?? 0;
      if (c > 0) {
        const p = c / n;
        h -= p * Math.log(p);
      }
    }
    const value = Math.min(1, Math.max(0, h / Math.log(STEP_KINDS.length)));
    return { value, detail: `H / log ${STEP_KINDS.length} = ${value.toFixed(3)} over ${n} steps: ${listed.join(', ')}`, items: listed };
  },
};
