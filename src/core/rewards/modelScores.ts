/**
 * rm and grm: components whose value comes from a model (an ONNX reward model, a generative reward
 * model). Models are slow and asynchronous, the composite is a pure synchronous sum, so the model is
 * run first (src/core/models) and its result rides on the record as `modelScores`; these functions
 * only read it. Without a score they give null with the reason, and the other components go on.
 * Range [0, 1]: the model layer normalizes (sigmoid of the RM logit; the GRM vote over its scale).
 */
import type { ModelScore, RewardFunction, RewardRecord, RewardValue } from './types';

function precomputed(name: 'rm' | 'grm', missing: string): RewardFunction<Record<string, unknown>> {
  return {
    name,
    range: [0, 1],
    description:
      name === 'rm'
        ? 'Score of a local ONNX reward model (sigmoid of its logit), computed by the model layer before the sum.'
        : 'Vote of a generative reward model over k sampled judgements (principles, critique, scores), normalized to [0, 1].',
    defaults: {},
    score(record: RewardRecord): RewardValue {
      const s: ModelScore | undefined = record.modelScores?.[name];
      if (!s) return { value: null, detail: missing };
      const out: RewardValue = { value: s.value, detail: s.detail };
      if (s.items) out.items = s.items;
      return out;
    },
  };
}

export const rm = precomputed('rm', 'no reward model score: choose a model (setting reasoningLab.rewardModel.path, CLI --model)');
export const grm = precomputed('grm', 'no generative reward model judgement: configure a judge (settings reasoningLab.grm.*, CLI --judge-url)');
