/**
 * The editor's and the CLI's door to the model layer: every model runs in one worker thread (the
 * script its entry point names: dist/modelWorker.js, or src/workers/modelWorker.ts from source), and
 * the objects handed out here implement the same interfaces as the in-process classes (RewardScorer,
 * ProcessRewardScorer, TextGenerator). Cancellation (AbortSignal) and progress cross the thread.
 *
 * The worker starts on the first open and is unref'd while idle, so a CLI run ends on its own;
 * dispose() stops it.
 */
import * as path from 'node:path';
import type { GenerationRequest, GenerationResult, TextGenerator } from './generation';
import { ModelError, cancelledError } from './errors';
import type {
  LoadOptions,
  ModelInfo,
  PrmInput,
  PrmResult,
  ProcessRewardScorer,
  RewardModelOptions,
  RewardScorer,
  RmInput,
  RmScore,
  ScoreOptions,
} from './types';
import type { HostToWorker, WorkerToHost } from '../../contracts/modelWorker';
import { WorkerClient } from '../shared/workerClient';

interface RequestHooks {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  onText?: (delta: string) => void;
}

export class ModelHost {
  private client: WorkerClient<HostToWorker, WorkerToHost> | undefined;

  /** `workerScript`: the model worker's script (dist/modelWorker.js, or its .ts source under tsx). */
  constructor(private readonly workerScript: string) {}

  async openRewardModel(dir: string, options: RewardModelOptions = {}): Promise<RewardScorer> {
    const { handle, info } = await this.open('reward', dir, options);
    return {
      info,
      score: (inputs: RmInput[], o: ScoreOptions = {}) => this.request<RmScore[]>((id) => ({ type: 'score', id, handle, inputs }), { signal: o.signal, onProgress: o.onProgress }),
      dispose: () => this.close(handle),
    };
  }

  async openPrm(dir: string, options: RewardModelOptions = {}): Promise<ProcessRewardScorer> {
    const { handle, info } = await this.open('prm', dir, options);
    return {
      info,
      scoreSteps: (input: PrmInput, o: { signal?: AbortSignal } = {}) => this.request<PrmResult>((id) => ({ type: 'steps', id, handle, input }), { signal: o.signal }),
      dispose: () => this.close(handle),
    };
  }

  async openLocalLm(dir: string, options: LoadOptions = {}): Promise<TextGenerator & { info: ModelInfo }> {
    const { handle, info } = await this.open('causal-lm', dir, options);
    return {
      id: `onnx:${info.dir}`,
      label: `${info.name} (local ONNX, ${info.provider.provider})`,
      info,
      generate: async (req: GenerationRequest): Promise<GenerationResult> => {
        const { signal, onText, ...request } = req;
        try {
          return await this.request<GenerationResult>((id) => ({ type: 'generate', id, handle, request, stream: !!onText }), { signal, onText });
        } catch (err) {
          // a cancelled generation is a result with the reason, as the TextGenerator contract says
          if (err instanceof ModelError && err.code === 'cancelled') {
            return { text: '', usage: { promptTokens: 0, completionTokens: 0, estimated: true }, finishReason: 'cancelled', model: info.name, latencyMs: 0, attempts: 1 };
          }
          throw err;
        }
      },
      dispose: () => this.close(handle),
    };
  }

  /** Stops the worker; requests still running fail with "cancelled". */
  async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.terminate(cancelledError());
  }

  private open(kind: 'reward' | 'prm' | 'causal-lm', dir: string, options: LoadOptions): Promise<{ handle: number; info: ModelInfo }> {
    return this.request((id) => ({ type: 'open', id, kind, dir: path.resolve(dir), options }) as HostToWorker);
  }

  private async close(handle: number): Promise<void> {
    if (!this.client?.running) return;
    await this.request((id) => ({ type: 'close', id, handle }));
  }

  private request<T>(message: (id: number) => HostToWorker, hooks: RequestHooks = {}): Promise<T> {
    const { signal } = hooks;
    if (signal?.aborted) return Promise.reject(cancelledError());
    let client: WorkerClient<HostToWorker, WorkerToHost>;
    try {
      client = this.ensureClient();
    } catch (err) {
      return Promise.reject(err);
    }
    let id = 0;
    const onAbort = () => client.post({ type: 'cancel', id });
    signal?.addEventListener('abort', onAbort, { once: true });
    const reply = client.call<T>(
      (callId) => message((id = callId)),
      (m) => {
        switch (m.type) {
          case 'progress':
            hooks.onProgress?.(m.done, m.total);
            return undefined;
          case 'text':
            hooks.onText?.(m.delta);
            return undefined;
          case 'opened':
            return { value: { handle: m.handle, info: m.info } as T };
          case 'result':
            return { value: m.value as T };
          case 'error':
            return { error: new ModelError(m.error.message, m.error.code ?? 'runtime', m.error.file) };
        }
      },
    );
    return reply.finally(() => signal?.removeEventListener('abort', onAbort));
  }

  /** The running worker; a worker that died took its models with it, and the next open starts a new one. */
  private ensureClient(): WorkerClient<HostToWorker, WorkerToHost> {
    if (this.client?.running) return this.client;
    this.client = new WorkerClient<HostToWorker, WorkerToHost>(this.workerScript, {
      name: 'model',
      callId: (m) => m.id,
      unrefWhenIdle: true,
      error: (message) => new ModelError(message, 'runtime'),
    });
    return this.client;
  }
}
