/** Messages between the host and the Compare Checkpoints webview. */
import type { CheckpointComparison, CompareMetric } from '../core/compare/types';

export type { CheckpointComparison, CompareMetric, CurvePoint, MetricDeltas, PromptComparison, PromptMetrics, ComparedFile } from '../core/compare/types';

/** What the panel shows: the files, how far reading them is, and the comparison so far. */
export interface CompareState {
  /** The files' names (relative to the workspace), in training order. */
  files: string[];
  /** Their paths, as the comparison's `files[].file` names them (a file left out is not there). */
  paths: string[];
  phase: 'reading' | 'done' | 'cancelled' | 'failed';
  /** While reading: which file (0-based) and how far into it (0…1). */
  reading?: { index: number; fraction: number };
  /** Files left out, with the reason. */
  errors: Array<{ file: string; message: string }>;
  /** The comparison of the files read so far (from the second file on), then of all. */
  comparison: CheckpointComparison | null;
  message?: string;
}

export type CheckpointCompareRequests = {
  ready: { params: Record<string, never>; result: CompareState | null };
  /** Open the prompt's samples from every file side by side in the Group View. */
  openPrompt: { params: { key: string }; result: void };
  /** Rank the prompts by another metric (the files are not read again). */
  rerank: { params: { by: CompareMetric }; result: void };
  cancel: { params: Record<string, never>; result: void };
};

export type CheckpointCompareEvents = {
  state: CompareState;
};
