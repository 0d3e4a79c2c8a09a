import type { HostToWorker, SolveJob, SolveOutcome, TrainJob, WorkerToHost } from '../../contracts/agentWorker';
import { WorkerClient, type Reply } from '../../core/shared/workerClient';

/**
 * The agent worker thread (dist/agentWorker.js): one training run or one search per thread, so the
 * networks never run on the extension host's event loop.
 */
export type AgentWorker = WorkerClient<HostToWorker, WorkerToHost>;

export function startAgentWorker(script: string): AgentWorker {
  return new WorkerClient<HostToWorker, WorkerToHost>(script, { name: 'agent' });
}

/**
 * Trains in `worker`: every message goes to `onMessage`; resolves when the run has finished (done or
 * stopped, its checkpoint written), rejects with the worker's error or when the thread dies first.
 */
export function trainInWorker(worker: AgentWorker, job: TrainJob, onMessage: (m: WorkerToHost) => void): Promise<void> {
  return worker.call<void>(
    () => ({ type: 'train', job }),
    (m): Reply<void> => {
      if (m.type === 'error') return { error: new Error(m.message) };
      onMessage(m);
      return m.type === 'finished' ? { value: undefined } : undefined;
    },
  );
}

/** Runs one search in a worker; resolves with its outcome (cancel terminates the thread: a search keeps no state). */
export function solveInWorker(
  script: string,
  job: SolveJob,
  hooks: { onProgress?: (episodes: number, budget: number) => void; cancel?: { onCancellationRequested(listener: () => void): { dispose(): void } } } = {},
): Promise<SolveOutcome | undefined> {
  const worker = startAgentWorker(script);
  return new Promise((resolve, reject) => {
    const sub = hooks.cancel?.onCancellationRequested(() => {
      resolve(undefined);
      void worker.terminate();
    });
    worker
      .call<SolveOutcome>(
        () => ({ type: 'solve', job }),
        (m) => {
          if (m.type === 'solveProgress') hooks.onProgress?.(m.episodes, m.budget);
          else if (m.type === 'solved') return { value: m.outcome };
          else if (m.type === 'error') return { error: new Error(m.message) };
          return undefined;
        },
      )
      .then(resolve, reject)
      .finally(() => sub?.dispose());
  });
}
