/** Checkpoint comparison (plain Node; the CLI's `compare` and the editor's Compare Checkpoints use it through this module). */
export * from './types';
export { compareCheckpoints, buildComparison, DEFAULT_TOP, MAX_MALFORMED_SHOWN, type CompareOptions, type CompareControl } from './checkpoints';
export { aggregateFile, isEvalRunFile, type FileAggregates, type AggregateOptions } from './fileAggregates';
export { PromptAggregate, MAX_REFS_PER_PROMPT } from './promptAggregate';
