/**
 * The reward function worker thread: runs the workspace reward functions of scoring requests from the
 * extension host (see src/contracts/rewardFunctionWorker.ts) with one RewardFunctionRunner, whose
 * sandbox workers it keeps between requests. The functions themselves run in the sandbox's processes.
 */
import { parentPort } from 'node:worker_threads';
import { RewardFunctionRunner } from '../core/rewards/workspace/runner';
import type { FunctionJob, HostToWorker, WorkerToHost } from '../contracts/rewardFunctionWorker';
import { errorMessage } from '../core/shared/errors';

const port = parentPort;
if (!port) throw new Error('rewardFunctionWorker must run in a worker thread');
const runner = new RewardFunctionRunner();
const running = new Map<number, AbortController>();
const post = (m: WorkerToHost) => port.postMessage(m);

port.on('message', (m: HostToWorker) => {
  if (m.type === 'cancel') running.get(m.id)?.abort();
  else if (m.type === 'score') void score(m.id, m.job);
});

async function score(id: number, job: FunctionJob): Promise<void> {
  const abort = new AbortController();
  running.set(id, abort);
  try {
    const runs = await runner.score({
      ...job,
      signal: abort.signal,
      onProgress: (done, total) => post({ type: 'progress', id, done, total }),
    });
    post({ type: 'done', id, scores: Object.fromEntries([...runs].map(([name, run]) => [name, run.scores])) });
  } catch (err) {
    post({ type: 'error', id, message: errorMessage(err) });
  } finally {
    running.delete(id);
  }
}
