import type { CodeDecisionEvent, CodeSolveJob, CodeSolveOutcome, HostToWorker, OnnxExportJob, SolveJob, SolveOutcome, TrainJob, WorkerToHost } from '../../contracts/agentWorker';
import type { GenerationRequest, GenerationResult } from '../../core/models/generation';
import { errorMessage } from '../../core/shared/errors';
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

/**
 * Runs one code agent episode in a worker; resolves with its outcome, or undefined when cancelled
 * (cancel asks the worker to stop, so its sandbox runs end cleanly, and ends the thread if it lingers).
 * `generate` answers the worker's generations when the generator lives on the host (vscode.lm).
 * `onStarted`: the episode's trace file holds its first record; `onEnded`: the thread has ended, so the
 * file is as the episode left it (also after a cancel, which resolves before that).
 */
export function solveCodeInWorker(
  script: string,
  job: CodeSolveJob,
  hooks: {
    onStarted?: () => void;
    onEnded?: () => void;
    onDecision?: (d: CodeDecisionEvent) => void;
    generate?: (request: Omit<GenerationRequest, 'signal'>) => Promise<GenerationResult>;
    cancel?: { onCancellationRequested(listener: () => void): { dispose(): void } };
  } = {},
): Promise<CodeSolveOutcome | undefined> {
  const worker = startAgentWorker(script);
  void worker.exited.then(() => hooks.onEnded?.());
  return new Promise((resolve, reject) => {
    const sub = hooks.cancel?.onCancellationRequested(() => {
      resolve(undefined);
      worker.post({ type: 'stop' });
      setTimeout(() => void worker.terminate(), 5000).unref();
    });
    worker
      .call<CodeSolveOutcome>(
        () => ({ type: 'solveCode', job }),
        (m) => {
          if (m.type === 'codeDecision') hooks.onDecision?.(m.decision);
          else if (m.type === 'codeEpisodeStarted') hooks.onStarted?.();
          else if (m.type === 'generate') {
            const answer = hooks.generate ? hooks.generate(m.request) : Promise.reject(new Error('no generator on the host'));
            answer.then(
              (result) => worker.post({ type: 'generated', id: m.id, result }),
              (err) => worker.post({ type: 'generated', id: m.id, error: errorMessage(err) }),
            );
          } else if (m.type === 'codeSolved') return { value: m.outcome };
          else if (m.type === 'error') return { error: new Error(m.message) };
          return undefined;
        },
      )
      .then(resolve, reject)
      .finally(() => sub?.dispose());
  });
}

/** Exports a checkpoint to ONNX in a worker (a checkpoint can be megabytes of JSON); resolves with the files written. */
export async function exportOnnxInWorker(script: string, job: OnnxExportJob): Promise<string[]> {
  const worker = startAgentWorker(script);
  try {
    return await worker.call<string[]>(
      () => ({ type: 'exportOnnx', job }),
      (m) => (m.type === 'exportedOnnx' ? { value: m.files } : m.type === 'error' ? { error: new Error(m.message) } : undefined),
    );
  } finally {
    void worker.terminate();
  }
}
