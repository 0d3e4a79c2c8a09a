/**
 * Messages between the extension host and the traces worker thread (dist/tracesWorker.js). The
 * worker does what reads or scores a whole trace file, and the Group View's word diffs, so that a
 * 110 MB rollout log or two 30,000-character traces never stall the extension host's event loop.
 * Every request carries an id; the worker answers it with progress messages, then one result or one
 * error. A `cancel` with the request's id stops a pass over the file (its result says cancelled).
 */
import type { ExportBestOptions, ExportSummary, FieldMapping, TraceAnalysis, TraceProgress } from '../core/traces/types';
import type { NewRecords } from '../core/traces/sampleSet';
import type { FunctionScore, RewardSpec } from '../core/rewards/types';
import type { WordDiffPart } from '../core/traces/wordDiff';
import type { HackFinding, HackRuleId, HackScanSummary } from '../core/hacks/types';
import type { HackThresholds } from '../core/hacks/thresholds';

import type { CheckpointComparison, CompareMetric, JoinBy, SampleRef } from '../core/compare/types';
import type { SampleSummary, TraceSample } from '../core/traces/types';

/** One sample fetched for the compared Group View: the sample and its summary (steps, tokens, reflections). */
export interface ComparedSample {
  sample: TraceSample;
  summary: SampleSummary;
}

/**
 * The spec's workspace reward functions in an analysis: run in the sandbox with modules relative to
 * `root` (a trusted workspace), or not run, for the reason given (each is then an error on every sample).
 */
export type WorkspaceFunctionsRun = { root: string } | { notRun: string };

/** The file the worker opens (its own index: nothing is shared with the host but the path). */
export interface TraceFileRef {
  file: string;
  fields?: FieldMapping;
}

export type HostToWorker =
  /** The explorer's analysis (groups, summaries, rewards scored with `spec`, badges). */
  | { type: 'analyze'; id: number; trace: TraceFileRef; spec: RewardSpec; functions?: WorkspaceFunctionsRun }
  /** The Trace Stepper: the spec's workspace reward functions on one sample, in the sandbox (a trusted workspace's `root`). */
  | { type: 'sampleFunctions'; id: number; trace: TraceFileRef; spec: RewardSpec; entry: number; sub: number; root: string }
  /** Follow: the samples of records [from, to) of a file that grew, summarized as `analyze` does (workspace functions included). */
  | { type: 'summarizeNew'; id: number; trace: TraceFileRef; spec: RewardSpec; from: number; to: number; functions?: WorkspaceFunctionsRun }
  /** Every sample's share of target-language words (the language filter). */
  | { type: 'languageShares'; id: number; trace: TraceFileRef }
  /** The samples whose prompt or completion contains `text`, any case (the text filter). */
  | { type: 'textMatches'; id: number; trace: TraceFileRef; text: string }
  /** Best-of-n export of `trace` into the new file `out` (never over an existing one). */
  | { type: 'exportBest'; id: number; trace: TraceFileRef; out: string; options: Omit<ExportBestOptions, 'signal' | 'onProgress'> }
  /** A word diff of two completions, each cut to maxChars. */
  | { type: 'wordDiff'; id: number; a: string; b: string; maxChars: number }
  /** The reward-hacking finder over `trace` (samples without a reward scored with `spec`). */
  | { type: 'findHacks'; id: number; trace: TraceFileRef; spec: RewardSpec; thresholds: HackThresholds; rules?: HackRuleId[] }
  /** Checkpoint comparison of `files` in order: a partial comparison after each file, then the whole one. */
  | { type: 'compare'; id: number; files: string[]; by: CompareMetric; join: JoinBy; top: number }
  /** The last comparison ranked again by another metric (no file is read again). */
  | { type: 'rerank'; id: number; by: CompareMetric; top: number }
  /** Samples of compared files by position, per file (null: the file lacks the prompt). */
  | { type: 'comparedSamples'; id: number; files: string[]; refs: Array<SampleRef[] | null> }
  | { type: 'cancel'; id: number };

export type WorkerToHost =
  | { type: 'progress'; id: number; progress: TraceProgress }
  /** analyze: the analysis (cancelled: true when the host cancelled it). */
  | { type: 'analysis'; id: number; analysis: TraceAnalysis }
  /** sampleFunctions: each function's score or error on the sample; undefined when cancelled. */
  | { type: 'functionScores'; id: number; scores?: Record<string, FunctionScore> }
  /** summarizeNew: the new samples, the new records that could not be read, the functions' failures; undefined when cancelled. */
  | { type: 'newSamples'; id: number; added?: NewRecords }
  /** languageShares: [sample, share] pairs; textMatches: sample names ("entry/sub"); undefined when cancelled. */
  | { type: 'languageShares'; id: number; shares?: [string, number | null][] }
  | { type: 'textMatches'; id: number; keys?: string[] }
  | { type: 'exported'; id: number; summary: ExportSummary }
  | { type: 'wordDiff'; id: number; parts: WordDiffPart[]; truncated: boolean }
  /** findHacks: findings as the pass finds them (provisional: judged against the reward cut so far). */
  | { type: 'hackFindings'; id: number; findings: HackFinding[] }
  /** findHacks: the final ranked list (summary.cancelled when the host cancelled it). */
  | { type: 'hacksFound'; id: number; findings: HackFinding[]; summary: HackScanSummary }
  /** compare: after each file read (partial from the second file on), a file that could not be read, then the result. */
  | { type: 'compareFile'; id: number; index: number; partial?: CheckpointComparison }
  | { type: 'compareFileError'; id: number; file: string; message: string }
  | { type: 'compared'; id: number; comparison: CheckpointComparison }
  | { type: 'comparedSamples'; id: number; samples: Array<Array<ComparedSample | { error: string }> | null> }
  | { type: 'error'; id: number; message: string };
