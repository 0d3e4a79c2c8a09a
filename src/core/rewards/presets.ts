/** Built-in reward specs. */
import type { RewardSpec } from './types';

export const PRESETS: Readonly<Record<string, RewardSpec>> = {
  r1: {
    name: 'r1',
    description: 'DeepSeek-R1 rule-based rewards: accuracy + strict <think> format + language consistency, weight 1 each.',
    components: {
      accuracy: { weight: 1 },
      format: { weight: 1, options: { mode: 'strict' } },
      language: { weight: 1 },
    },
  },
  'accuracy-efficiency-novelty': {
    name: 'accuracy-efficiency-novelty',
    description: 'Accuracy 0.6, step efficiency 1/log2(n+1) 0.3, step-kind entropy 0.1.',
    components: {
      accuracy: { weight: 0.6 },
      steps: { weight: 0.3 },
      novelty: { weight: 0.1 },
    },
  },
};
