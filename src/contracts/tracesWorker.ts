/**
 * Messages between the extension host and the traces worker thread (dist/tracesWorker.js). The
 * worker does what reads or scores a whole trace file, and the Group View's word diffs, so that a
 * 110 MB rollout log or two 30,000-character traces never stall the extension host's event loop.
 * Every request carries an id; the worker answers it with progress messages, then one result or one
 * error. A `cancel` with the request's id stops a pass over the file (its result says cancelled).
 */
import type { ExportBestOptions, ExportSummary, FieldMapping, TraceAnalysis, TraceProgress } from '../core/traces/types';
import type { NewSample } from '../core/traces/sampleSet';
import type { RewardSpec } from '../core/rewards/types';
import type { WordDiffPart } from '../core/traces/wordDiff';

/** The file the worker opens (its own index: nothing is shared with the host but the path). */
export interface TraceFileRef {
  file: string;
  fields?: FieldMapping;
}

export type HostToWorker =
  /** The explorer's analysis (groups, summaries, rewards scored with `spec`, badges). */
  | { type: 'analyze'; id: number; trace: TraceFileRef; spec: RewardSpec }
  /** Follow: the samples of records [from, to) of a file that grew, summarized as `analyze` does. */
  | { type: 'summarizeNew'; id: number; trace: TraceFileRef; spec: RewardSpec; from: number; to: number }
  /** Every sample's share of target-language words (the language filter). */
  | { type: 'languageShares'; id: number; trace: TraceFileRef }
  /** The samples whose prompt or completion contains `text`, any case (the text filter). */
  | { type: 'textMatches'; id: number; trace: TraceFileRef; text: string }
  /** Best-of-n export of `trace` into the new file `out` (never over an existing one). */
  | { type: 'exportBest'; id: number; trace: TraceFileRef; out: string; options: Omit<ExportBestOptions, 'signal' | 'onProgress'> }
  /** A word diff of two completions, each cut to maxChars. */
  | { type: 'wordDiff'; id: number; a: string; b: string; maxChars: number }
  | { type: 'cancel'; id: number };

export type WorkerToHost =
  | { type: 'progress'; id: number; progress: TraceProgress }
  /** analyze: the analysis (cancelled: true when the host cancelled it). */
  | { type: 'analysis'; id: number; analysis: TraceAnalysis }
  /** summarizeNew: the new samples; undefined when cancelled. */
  | { type: 'newSamples'; id: number; samples?: NewSample[] }
  /** languageShares: [sample, share] pairs; textMatches: sample names ("entry/sub"); undefined when cancelled. */
  | { type: 'languageShares'; id: number; shares?: [string, number | null][] }
  | { type: 'textMatches'; id: number; keys?: string[] }
  | { type: 'exported'; id: number; summary: ExportSummary }
  | { type: 'wordDiff'; id: number; parts: WordDiffPart[]; truncated: boolean }
  | { type: 'error'; id: number; message: string };
