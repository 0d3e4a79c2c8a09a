/** The evaluation engine: problem sets, samples, the sandbox, pass@k, stored runs. See ./types.ts. */
export * from './types';
export { loadProblemSet, loadWorkspaceProblem, parseFrontMatter } from './problems';
export { loadSamples, referenceSamples, samplesPathOf } from './samples';
export { evaluate, DEFAULTS } from './evaluate';
export { defaultKs, passAtK, summarizeJudgedSamples, timeoutAdvice } from './passAtK';
export { outputsEqual } from './compare';
export { RunStore, readRun, type StoredRun } from './runStore';
export { RunCatalog } from './runCatalog';
export { Sandbox, InfraError, type SandboxJob, type SandboxLimits, type RawResult, type SandboxOptions } from './sandbox/pool';
export { prepareTests } from './prepareTests';
export { defaultConvertedTestsDir } from './convertedTestsCache';
export { describeProtections } from './protections';
export { pyEqual, pyRepr, fromWire, parsePyJson, type PyVal } from './pyValue';
export { evalFileKind, recordKind, type EvalFileKind } from './fileKind';
