/**
 * cosine: the cosine length-scaled reward (Yeo et al. 2025, "Demystifying Long Chain-of-Thought
 * Reasoning in LLMs"; open-r1 `get_cosine_scaled_reward`). Range [-1, 1] with the defaults.
 *
 *   progress = min(1, len / maxLen);  c = cos(progress · π)
 *   correct: lo = minValueCorrect (0.5), hi = maxValueCorrect (1)
 *   wrong:   lo = maxValueWrong (-0.5),  hi = minValueWrong (-1)       (swapped: short wrong answers cost most)
 *   value = lo + 0.5 · (hi − lo) · (1 + c)
 * so a short correct answer gets 1, a correct one at maxLen 0.5, a short wrong one −1, a long wrong one −0.5.
 *
 * len is the completion's length in approximate tokens (text.ts approxTokenCount: each CJK character
 * one token, every other run of non-space characters one token), not a model tokenizer count.
 * Correctness comes from the accuracy function; accuracy null → cosine null.
 */
import type { RewardFunction, RewardRecord, RewardValue } from './types';
import { judgeAccuracy } from './accuracy';
import { approxTokenCount, numOpt, strOpt } from './text';

export interface CosineOptions {
  minValueWrong?: number;
  maxValueWrong?: number;
  minValueCorrect?: number;
  maxValueCorrect?: number;
  /** Length (approximate tokens) at which the reward reaches its long end. */
  maxLen?: number;
  /** Passed to accuracy. */
  tolerance?: number;
  thinkTag?: string;
}

export const cosine: RewardFunction<CosineOptions> = {
  name: 'cosine',
  range: [-1, 1],
  description: 'Cosine length-scaled correctness: short correct answers best, short wrong answers worst.',
  defaults: { minValueWrong: -1, maxValueWrong: -0.5, minValueCorrect: 0.5, maxValueCorrect: 1, maxLen: 1000 },
  score(record: RewardRecord, options: CosineOptions): RewardValue {
    const acc = judgeAccuracy(record, { tolerance: options.tolerance, thinkTag: strOpt(options.thinkTag, 'think') });
    if (acc.value === null) return { value: null, detail: `accuracy cannot judge: ${acc.detail}` };
    const maxLen = Math.max(1, numOpt(options.maxLen, 1000));
    const len = approxTokenCount(record.completion);
    const progress = Math.min(1, len / maxLen);
    const c = Math.cos(progress * Math.PI);
    const correct = acc.value === 1;
    const lo = correct ? numOpt(options.minValueCorrect, 0.5) : numOpt(options.maxValueWrong, -0.5);
    const hi = correct ? numOpt(options.maxValueCorrect, 1) : numOpt(options.minValueWrong, -1);
    const value = lo + 0.5 * (hi - lo) * (1 + c);
    return {
      value,
      detail: `${correct ? 'correct' : 'wrong'}, ${len} tokens (approx.) of maxLen ${maxLen} → ${value.toFixed(3)}`,
      highlights: acc.highlights,
    };
  },
};
