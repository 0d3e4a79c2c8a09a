/**
 * Messages between a model host (extension host, CLI) and the model worker thread
 * (dist/modelWorker.js), which owns every onnxruntime session: `session.run` blocks the thread that
 * calls it, so it never runs on the host's. Requests carry an id; the worker answers each with
 * `result` or `error`, and may send `progress` / `text` before that.
 */
import type { GenerationRequest, GenerationResult } from '../core/models/generation';
import type { ModelErrorCode } from '../core/models/errors';
import type { LoadOptions, ModelInfo, PrmInput, RewardModelOptions, RmInput } from '../core/models/types';

export type HostToWorker =
  | { type: 'open'; id: number; kind: 'reward' | 'prm'; dir: string; options: RewardModelOptions }
  | { type: 'open'; id: number; kind: 'causal-lm'; dir: string; options: LoadOptions }
  | { type: 'score'; id: number; handle: number; inputs: RmInput[] }
  | { type: 'steps'; id: number; handle: number; input: PrmInput }
  | { type: 'generate'; id: number; handle: number; request: Omit<GenerationRequest, 'signal' | 'onText'>; stream: boolean }
  | { type: 'close'; id: number; handle: number }
  /** Abort the request `id` (its AbortSignal in the worker). */
  | { type: 'cancel'; id: number };

export interface WireError {
  message: string;
  code?: ModelErrorCode;
  file?: string;
}

export type WorkerToHost =
  | { type: 'opened'; id: number; handle: number; info: ModelInfo }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'text'; id: number; delta: string }
  | { type: 'error'; id: number; error: WireError };

export type { GenerationResult };
