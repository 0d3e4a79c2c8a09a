/**
 * Messages between the extension host and the evaluation worker thread (dist/evalWorker.js). The
 * worker loads the problem set and the samples and drives the sandbox, so parsing big problem and
 * sample files and judging thousands of outputs never stalls the extension host's event loop.
 */
import type { EvalJobSource } from '../core/eval/job';
import type { EvalSummary, SampleResult, SamplesSource } from '../core/eval/types';

export type { SamplesSource };

/** What to judge (see EvalJobSource), and how. */
export interface EvalJobRequest extends EvalJobSource {
  /** The run file: results are appended as they come; an existing file of the same run is resumed. */
  runFile?: string;
  /** The k of pass@k; absent: 1, 10 and 100 as far as the samples allow. */
  k?: number[];
  jobs?: number;
  timeoutMs?: number;
}

export type HostToWorker = { type: 'start'; job: EvalJobRequest } | { type: 'cancel' };

/** A judged sample, with the code and where it came from (the Testing view maps failures onto it). */
export interface JobSampleResult extends SampleResult {
  origin?: string;
}

export type WorkerToHost =
  | { type: 'loaded'; problems: number; samples: number; warnings: string[] }
  | { type: 'progress'; done: number; total: number; resumed: number }
  | { type: 'done'; summary: EvalSummary; results: JobSampleResult[]; cancelled: boolean; runFile?: string }
  | { type: 'error'; message: string };
