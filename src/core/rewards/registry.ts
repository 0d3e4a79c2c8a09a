/** Name → reward function, in the fixed component order (COMPONENT_NAMES). */
import { COMPONENT_NAMES, type ComponentName, type RewardFunction } from './types';
import { accuracy } from './accuracy';
import { format } from './format';
import { language } from './language';
import { steps } from './steps';
import { cosine } from './cosine';
import { repetition } from './repetition';
import { novelty } from './novelty';
import { similarity } from './similarity';
import { grm, rm } from './modelScores';

// Options types differ per function; the registry is used with validated, untyped options.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const REWARD_FUNCTIONS: Readonly<Record<ComponentName, RewardFunction<any>>> = {
  accuracy,
  format,
  language,
  steps,
  cosine,
  repetition,
  novelty,
  similarity,
  rm,
  grm,
};

export { COMPONENT_NAMES };
