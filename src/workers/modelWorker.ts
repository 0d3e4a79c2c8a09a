/**
 * The model worker thread: owns the onnxruntime sessions of reward models, process reward models and
 * local causal LMs for one host (see src/contracts/modelWorker.ts). Concurrent score requests meet in each
 * reward model's dynamic batcher here, so requests from many callers become one batch.
 */
import { parentPort } from 'node:worker_threads';
import { ModelError } from '../core/models/errors';
import { LocalLm } from '../core/models/localLm';
import { ProcessRewardModel } from '../core/models/prm';
import { RewardModel } from '../core/models/rewardModel';
import type { HostToWorker, WireError, WorkerToHost } from '../contracts/modelWorker';
import { errorMessage } from '../core/shared/errors';

const port = parentPort;
if (!port) throw new Error('modelWorker must run in a worker thread');
const post = (m: WorkerToHost) => port.postMessage(m);

type Opened = RewardModel | ProcessRewardModel | LocalLm;
const models = new Map<number, Opened>();
const controllers = new Map<number, AbortController>();
let nextHandle = 1;

function wire(err: unknown): WireError {
  if (err instanceof ModelError) return { message: err.message, code: err.code, file: err.file };
  return { message: errorMessage(err) };
}

function model<T extends Opened>(handle: number, kind: { prototype: T }): T {
  const m = models.get(handle);
  if (!m || !Object.prototype.isPrototypeOf.call(kind.prototype, m)) throw new ModelError(`no open model #${handle} of that kind (it was closed)`, 'runtime');
  return m as T;
}

async function handle(m: Exclude<HostToWorker, { type: 'cancel' }>, signal: AbortSignal): Promise<unknown> {
  switch (m.type) {
    case 'open': {
      const opened = m.kind === 'reward' ? await RewardModel.load(m.dir, m.options) : m.kind === 'prm' ? await ProcessRewardModel.load(m.dir, m.options) : await LocalLm.load(m.dir, m.options);
      const h = nextHandle++;
      models.set(h, opened);
      post({ type: 'opened', id: m.id, handle: h, info: opened.info });
      return undefined;
    }
    case 'score':
      return model(m.handle, RewardModel).score(m.inputs, {
        signal,
        onProgress: (done, total) => post({ type: 'progress', id: m.id, done, total }),
      });
    case 'steps':
      return model(m.handle, ProcessRewardModel).scoreSteps(m.input, { signal });
    case 'generate':
      return model(m.handle, LocalLm).generate({
        ...m.request,
        signal,
        onText: m.stream ? (delta) => post({ type: 'text', id: m.id, delta }) : undefined,
      });
    case 'close': {
      const opened = models.get(m.handle);
      models.delete(m.handle);
      await opened?.dispose();
      return undefined;
    }
  }
}

port.on('message', (m: HostToWorker) => {
  if (m.type === 'cancel') {
    controllers.get(m.id)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(m.id, controller);
  handle(m, controller.signal).then(
    (value) => {
      if (m.type !== 'open') post({ type: 'result', id: m.id, value });
    },
    (err) => post({ type: 'error', id: m.id, error: wire(err) }),
  ).finally(() => controllers.delete(m.id));
});
