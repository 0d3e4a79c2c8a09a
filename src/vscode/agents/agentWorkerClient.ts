import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HostToWorker, SolveJob, SolveOutcome, TrainJob, WorkerToHost } from '../../contracts/agentWorker';

/**
 * One agent worker thread (dist/agentWorker.js) running one training run or one search, so the
 * networks never run on the extension host's event loop. `onMessage` sees everything it reports;
 * `exited` resolves when the thread is gone (an error or an exit before the end becomes an 'error').
 */
export class AgentWorkerClient {
  private readonly worker: Worker;
  private ended = false;
  readonly exited: Promise<void>;

  constructor(extensionPath: string, start: HostToWorker, onMessage: (m: WorkerToHost) => void) {
    this.worker = new Worker(path.join(extensionPath, 'dist', 'agentWorker.js'));
    let finished = false;
    this.exited = new Promise<void>((resolve) => {
      this.worker.on('message', (m: WorkerToHost) => {
        if (m.type === 'finished' || m.type === 'solved' || m.type === 'error') finished = true;
        onMessage(m);
      });
      this.worker.on('error', (err) => {
        finished = true;
        onMessage({ type: 'error', message: err.message });
      });
      this.worker.on('exit', (code) => {
        this.ended = true;
        if (!finished) onMessage({ type: 'error', message: `the agent worker stopped (exit code ${code}) before it finished` });
        resolve();
      });
    });
    this.worker.postMessage(start);
  }

  get running(): boolean {
    return !this.ended;
  }

  send(m: HostToWorker): void {
    if (!this.ended) this.worker.postMessage(m);
  }

  terminate(): Promise<void> {
    if (this.ended) return Promise.resolve();
    void this.worker.terminate();
    return this.exited;
  }
}

/** Runs one search in a worker; resolves with its outcome (cancel terminates the thread: a search keeps no state). */
export function solveInWorker(
  extensionPath: string,
  job: SolveJob,
  hooks: { onProgress?: (episodes: number, budget: number) => void; cancel?: { onCancellationRequested(listener: () => void): { dispose(): void } } } = {},
): Promise<SolveOutcome | undefined> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const client = new AgentWorkerClient(extensionPath, { type: 'solve', job }, (m) => {
      if (settled) return;
      if (m.type === 'solveProgress') hooks.onProgress?.(m.episodes, m.budget);
      else if (m.type === 'solved') {
        settled = true;
        resolve(m.outcome);
      } else if (m.type === 'error') {
        settled = true;
        reject(new Error(m.message));
      }
    });
    const sub = hooks.cancel?.onCancellationRequested(() => {
      if (settled) return;
      settled = true;
      void client.terminate();
      resolve(undefined);
    });
    void client.exited.then(() => sub?.dispose());
  });
}

export type { TrainJob };
