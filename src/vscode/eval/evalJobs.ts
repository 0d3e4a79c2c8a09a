import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EvalJobRequest, JobSampleResult, WorkerToHost } from '../../contracts/evalWorker';
import type { EvalSummary } from '../../core/eval/types';

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
  private readonly running = new Set<Worker>();

  constructor(private readonly extensionPath: string) {}

  run(job: EvalJobRequest, hooks: EvalJobHooks = {}): Promise<EvalJobOutcome> {
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'evalWorker.js'));
    this.running.add(worker);
    let warnings: string[] = [];
    const cancelSub = hooks.cancel?.onCancellationRequested(() => worker.postMessage({ type: 'cancel' }));
    return new Promise<EvalJobOutcome>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        cancelSub?.dispose();
        this.running.delete(worker);
        fn();
      };
      worker.on('message', (m: WorkerToHost) => {
        if (m.type === 'loaded') {
          warnings = m.warnings;
          hooks.onLoaded?.(m.problems, m.samples, m.warnings);
        } else if (m.type === 'progress') hooks.onProgress?.(m.done, m.total, m.resumed);
        else if (m.type === 'done') finish(() => resolve({ summary: m.summary, results: m.results, cancelled: m.cancelled, warnings, runFile: m.runFile }));
        else if (m.type === 'error') finish(() => reject(new Error(m.message)));
      });
      worker.on('error', (err) => finish(() => reject(err)));
      worker.on('exit', (code) => finish(() => reject(new Error(`the evaluation worker stopped (exit code ${code}) before it finished`))));
      worker.postMessage({ type: 'start', job });
    });
  }

  dispose(): void {
    for (const w of this.running) {
      w.postMessage({ type: 'cancel' });
      // give the sandbox a moment to kill its process trees before the thread goes
      setTimeout(() => void w.terminate(), 2000).unref();
    }
  }
}
