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
export { exportBestOfN, exportBestOfNToFile, describeExport } from './export';
export { followTraceFile, watchTraceFile, type FileGrowth, type FollowBatch, type FollowOptions } from './follow';
export { TrainingStepCurve } from './trainingSteps';
export { WorkspaceFunctionPass, addFunctionFailures, MAX_FUNCTION_FAILURES_SHOWN } from './workspaceFunctions';
export { segmentSteps, classifyStep, reasoningSteps, STEP_KINDS, MAX_STEP_CHARS, type Step, type StepKind } from '../rewards/reasoningSteps';
export { SampleSet, BADGE_JUDGE, analyzeForExplorer, filePasses, summarizeNewSamples, summarizeNewRecords, type FilterPasses, type NewRecords, type NewSample, type VisibleGroup, type PassControl } from './sampleSet';
export { compareSamples, describeFilter, formatFailed, parseRange, LANGUAGE_MIXED_BELOW, SAMPLE_SORTS, type SampleFilter, type SampleSort } from './sampleFilter';
export { stepperView, scoreView, stepRows, searchSample, MAX_STEP_PAGE, type StepperContext } from './stepperView';
export { treeDrawing, MAX_TREE_DOTS } from './treeDrawing';
export { correctness, fileRewardsAreBinary, verdictOf, inspectScores, type Correctness } from './verdict';
export { recordExtras, scoreLines, evalHeaderFacts, asText, MAX_TURN_CHARS, type RecordExtras, type Turn, type EventLine, type ScoreLine } from './recordView';
