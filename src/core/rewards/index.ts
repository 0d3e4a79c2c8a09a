/** The reward engine's public API. */
export * from './types';
export { scoreRecord } from './composite';
export { PRESETS } from './presets';
export { parseRewardSpec, resolveRewardSpec, withConfiguredModels, type SpecError } from './spec';
export { REWARD_FUNCTIONS } from './registry';
export type { AccuracyOptions } from './accuracy';
export type { FormatOptions } from './format';
export type { LanguageOptions } from './language';
export type { StepsOptions } from './steps';
export type { CosineOptions } from './cosine';
export type { RepetitionOptions } from './repetition';
export type { NoveltyOptions } from './novelty';
export type { SimilarityOptions } from './similarity';
