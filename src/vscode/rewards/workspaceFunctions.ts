/**
 * Runs the workspace reward functions of the editor's scores in the reward function worker thread
 * (dist/rewardFunctionWorker.js), started on first use. Only in a trusted workspace: the functions
 * are the workspace's own code.
 */
import * as vscode from 'vscode';
import type { FunctionJob, HostToWorker, WorkerToHost } from '../../contracts/rewardFunctionWorker';
import type { FunctionScore } from '../../core/rewards/types';
import { WorkerClient } from '../../core/shared/workerClient';

export const UNTRUSTED_MESSAGE = 'not run: workspace reward functions are the workspace\'s own code and run only in a trusted workspace (Manage Workspace Trust)';

export class WorkspaceFunctionScoring implements vscode.Disposable {
  private client?: WorkerClient<HostToWorker, WorkerToHost>;

  constructor(private readonly script: string) {}

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** One score per sample by function name; rejects when the worker fails (a function's own failures are scores). */
  run(job: FunctionJob, signal: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<Record<string, FunctionScore[]>> {
    if (!this.trusted) return Promise.reject(new Error(UNTRUSTED_MESSAGE));
    if (!this.client?.running) this.client = new WorkerClient<HostToWorker, WorkerToHost>(this.script, { name: 'reward function', callId: (m) => m.id });
    const client = this.client;
    let id = 0;
    const cancel = () => client.post({ type: 'cancel', id });
    signal.addEventListener('abort', cancel, { once: true });
    return client
      .call<Record<string, FunctionScore[]>>(
        (callId) => {
          id = callId;
          return { type: 'score', id: callId, job };
        },
        (m) => {
          if (m.type === 'progress') onProgress?.(m.done, m.total);
          else if (m.type === 'done') return { value: m.scores };
          else if (m.type === 'error') return { error: new Error(m.message) };
          return undefined;
        },
      )
      .finally(() => signal.removeEventListener('abort', cancel));
  }

  dispose(): void {
    void this.client?.terminate();
  }
}
