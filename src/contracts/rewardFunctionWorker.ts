/**
 * Messages between the extension host and the reward function worker thread
 * (dist/rewardFunctionWorker.js), which runs workspace reward functions in the evaluation sandbox:
 * starting the sandbox probes interpreters and every call's report is parsed there, never on the
 * extension host's event loop. Calls are numbered; several may run at once.
 */
import type { FunctionScore, WorkspaceFunctionSpec } from '../core/rewards/types';
import type { FunctionSample } from '../core/rewards/workspace/inputs';

export interface FunctionJob {
  functions: WorkspaceFunctionSpec[];
  /** The spec's virtual environment, relative to `root`. */
  venv?: string;
  /** The workspace folder: module paths are relative to it. */
  root: string;
  samples: FunctionSample[];
}

export type HostToWorker = { type: 'score'; id: number; job: FunctionJob } | { type: 'cancel'; id: number };

export type WorkerToHost =
  | { type: 'progress'; id: number; done: number; total: number }
  /** One score per sample, in the job's order, by function name. */
  | { type: 'done'; id: number; scores: Record<string, FunctionScore[]> }
  | { type: 'error'; id: number; message: string };
