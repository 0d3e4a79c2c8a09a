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

/** How long dispose() lets a running batch finish before it ends the worker anyway. */
const DRAIN_MS = 10_000;

export class ModelHost {
  private client: WorkerClient<HostToWorker, WorkerToHost> | undefined;
  /** Requests waiting for the worker, by call id: how to cancel each. */
  private readonly inFlight = new Map<number, () => void>();
  /** The requests that share each caller's signal, and the one listener that cancels them. */
  private readonly watched = new Map<AbortSignal, Set<number>>();
  private readonly abortListeners = new Map<AbortSignal, () => void>();

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

  /**
   * Stops the worker; requests still running fail with "cancelled". onnxruntime aborts the whole
   * process when its thread is ended in the middle of a session run, so every request is cancelled
   * first and the batch that is running is let finish (at most DRAIN_MS) before the thread ends.
   */
  async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    for (const cancel of this.inFlight.values()) cancel();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([client.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
    clearTimeout(timer);
    await client.terminate(cancelledError());
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
    const reply = client.call<T>(
      (callId) => {
        id = callId;
        this.inFlight.set(id, () => client.post({ type: 'cancel', id: callId }));
        if (signal) this.watch(signal, id);
        return message(callId);
      },
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
    return reply.finally(() => {
      this.inFlight.delete(id);
      if (signal) this.unwatch(signal, id);
    });
  }

  /**
   * One abort listener per signal however many requests share it (`score --model` has 64 records in
   * flight under one Ctrl+C signal; a listener each would pass EventTarget's limit of 10 and warn).
   */
  private watch(signal: AbortSignal, id: number): void {
    let ids = this.watched.get(signal);
    if (!ids) {
      const set = (ids = new Set<number>());
      const onAbort = () => {
        for (const callId of set) this.inFlight.get(callId)?.();
      };
      this.watched.set(signal, set);
      this.abortListeners.set(signal, onAbort);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    ids.add(id);
  }

  private unwatch(signal: AbortSignal, id: number): void {
    const ids = this.watched.get(signal);
    if (!ids) return;
    ids.delete(id);
    if (ids.size) return;
    signal.removeEventListener('abort', this.abortListeners.get(signal)!);
    this.watched.delete(signal);
    this.abortListeners.delete(signal);
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
