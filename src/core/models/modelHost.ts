/**
 * The editor's and the CLI's door to the model layer: every model runs in one worker thread
 * (dist/modelWorker.js, or src/workers/modelWorker.ts through tsx when running from source), and the
 * objects handed out here implement the same interfaces as the in-process classes (RewardScorer,
 * ProcessRewardScorer, TextGenerator). Cancellation (AbortSignal) and progress cross the thread.
 *
 * The worker starts on the first open and is unref'd while idle, so a CLI run ends on its own;
 * dispose() stops it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
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

type Request = Exclude<HostToWorker, { type: 'cancel' }>;
type Pending = {
  resolve(value: unknown): void;
  reject(err: unknown): void;
  onProgress?: (done: number, total: number) => void;
  onText?: (delta: string) => void;
  onOpened?: (handle: number, info: ModelInfo) => void;
};

/** Where the worker script is: beside the bundle (dist/), else the TypeScript source (tests, tsx). */
export function modelWorkerScript(): { file: string; fromSource: boolean } {
  const bundled = path.join(__dirname, 'modelWorker.js');
  if (fs.existsSync(bundled)) return { file: bundled, fromSource: false };
  const source = path.join(__dirname, '..', '..', 'workers', 'modelWorker.ts');
  if (fs.existsSync(source)) return { file: source, fromSource: true };
  throw new ModelError(`the model worker script is missing (looked for ${bundled}); rebuild with npm run build`, 'runtime', bundled);
}

export class ModelHost {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly script?: { file: string; fromSource: boolean }) {}

  async openRewardModel(dir: string, options: RewardModelOptions = {}): Promise<RewardScorer> {
    const { handle, info } = await this.open('reward', dir, options);
    return {
      info,
      score: (inputs: RmInput[], o: ScoreOptions = {}) =>
        this.request<RmScore[]>({ type: 'score', id: 0, handle, inputs }, { signal: o.signal, onProgress: o.onProgress }),
      dispose: () => this.close(handle),
    };
  }

  async openPrm(dir: string, options: RewardModelOptions = {}): Promise<ProcessRewardScorer> {
    const { handle, info } = await this.open('prm', dir, options);
    return {
      info,
      scoreSteps: (input: PrmInput, o: { signal?: AbortSignal } = {}) => this.request<PrmResult>({ type: 'steps', id: 0, handle, input }, { signal: o.signal }),
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
          return await this.request<GenerationResult>({ type: 'generate', id: 0, handle, request, stream: !!onText }, { signal, onText });
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
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(cancelledError());
    this.pending.clear();
    if (w) await w.terminate();
  }

  private open(kind: 'reward' | 'prm' | 'causal-lm', dir: string, options: LoadOptions): Promise<{ handle: number; info: ModelInfo }> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve: () => undefined, reject, onOpened: (handle, info) => resolve({ handle, info }) });
      this.post({ type: 'open', id, kind, dir: path.resolve(dir), options } as Request);
    });
  }

  private async close(handle: number): Promise<void> {
    if (!this.worker) return;
    await this.request({ type: 'close', id: 0, handle });
  }

  private request<T>(msg: Request, hooks: { signal?: AbortSignal; onProgress?: Pending['onProgress']; onText?: Pending['onText'] } = {}): Promise<T> {
    if (hooks.signal?.aborted) return Promise.reject(cancelledError());
    return new Promise<T>((resolve, reject) => {
      const id = this.nextId++;
      const onAbort = () => this.worker?.postMessage({ type: 'cancel', id } satisfies HostToWorker);
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => hooks.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v as T);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        onProgress: hooks.onProgress,
        onText: hooks.onText,
      });
      this.post({ ...msg, id });
    });
  }

  private post(msg: Request): void {
    const w = this.ensureWorker();
    w.ref();
    w.postMessage(msg);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const script = this.script ?? modelWorkerScript();
    const w = script.fromSource
      ? // TypeScript source (tests, tsx): register tsx's require hook inside the worker first
        new Worker(`require(require.resolve('tsx/cjs', { paths: [${JSON.stringify(script.file)}] })); require(${JSON.stringify(script.file)});`, { eval: true })
      : new Worker(script.file);
    w.on('message', (m: WorkerToHost) => this.onMessage(m));
    // a worker that died takes its models with it; the next open starts a new one
    const fail = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new ModelError(`the model worker stopped: ${why}`, 'runtime'));
      this.pending.clear();
    };
    w.on('error', (err) => fail(err.message));
    w.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = w;
    return w;
  }

  private onMessage(m: WorkerToHost): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') p.onProgress?.(m.done, m.total);
    else if (m.type === 'text') p.onText?.(m.delta);
    else {
      this.pending.delete(m.id);
      if (m.type === 'opened') p.onOpened?.(m.handle, m.info);
      else if (m.type === 'result') p.resolve(m.value);
      else p.reject(new ModelError(m.error.message, m.error.code ?? 'runtime', m.error.file));
      if (!this.pending.size) this.worker?.unref();
    }
  }
}
