/**
 * The trace explorer's engine (plain Node; the editor and the CLI use it through this module).
 * Types and their documentation: types.ts.
 */
export * from './types';
export { openTraceFile, TraceFile, detectContainer, sampleDetail, summarizeTraceSample } from './traceFile';
export { detectShape, toSamples, rewardValue, getPath } from './detect';
export { TraceFileChangedError } from './source';
export { buildReasoningTree } from './tree';
export { groupStats, meanStd, ADVANTAGE_EPS } from './groups';
export { exportBestOfN, exportBestOfNToFile } from './export';
export { followTraceFile, type FollowBatch, type FollowOptions } from './follow';
export { TrainingStepCurve } from './trainingSteps';
export { segmentSteps, classifyStep, STEP_KINDS, MAX_STEP_CHARS, type Step, type StepKind } from './steps';
