import type { EvalJobRequest, HostToWorker, JobSampleResult, WorkerToHost } from '../../contracts/evalWorker';
import type { EvalSummary } from '../../core/eval/types';
import { WorkerClient } from '../../core/shared/workerClient';

export interface EvalJobOutcome {
  summary: EvalSummary;
  results: JobSampleResult[];
  cancelled: boolean;
  warnings: string[];
  runFile?: string;
}

export interface EvalJobHooks {
  onLoaded?: (problems: number, samples: number, warnings: string[]) => void;
  onProgress?: (done: number, total: number, resumed: number) => void;
  /** Fires to cancel: the worker stops handing out samples and kills the sandboxes; the run file keeps what was judged. */
  cancel?: { onCancellationRequested(listener: () => void): { dispose(): void } };
}

/**
 * Runs evaluation jobs in a worker thread (dist/evalWorker.js), one worker per job, so the extension
 * host's event loop stays free while problem sets load and outputs are judged.
 */
export class EvalJobs {
  private readonly running = new Set<WorkerClient<HostToWorker, WorkerToHost>>();

  /** `workerScript`: the evaluation worker's script (dist/evalWorker.js). */
  constructor(private readonly workerScript: string) {}

  async run(job: EvalJobRequest, hooks: EvalJobHooks = {}): Promise<EvalJobOutcome> {
    const worker = new WorkerClient<HostToWorker, WorkerToHost>(this.workerScript, { name: 'evaluation' });
    this.running.add(worker);
    const cancelSub = hooks.cancel?.onCancellationRequested(() => worker.post({ type: 'cancel' }));
    let warnings: string[] = [];
    try {
      return await worker.call<EvalJobOutcome>(
        () => ({ type: 'start', job }),
        (m) => {
          if (m.type === 'loaded') {
            warnings = m.warnings;
            hooks.onLoaded?.(m.problems, m.samples, m.warnings);
          } else if (m.type === 'progress') hooks.onProgress?.(m.done, m.total, m.resumed);
          else if (m.type === 'done') return { value: { summary: m.summary, results: m.results, cancelled: m.cancelled, warnings, runFile: m.runFile } };
          else if (m.type === 'error') return { error: new Error(m.message) };
          return undefined;
        },
      );
    } finally {
      cancelSub?.dispose();
      this.running.delete(worker);
    }
  }

  dispose(): void {
    for (const w of this.running) {
      w.post({ type: 'cancel' });
      // give the sandbox a moment to kill its process trees before the thread goes
      setTimeout(() => void w.terminate(), 2000).unref();
    }
  }
}
