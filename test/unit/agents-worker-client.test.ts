// The agent worker reached as the editor reaches it (src/vscode/agents/agentWorkerClient.ts over the
// one WorkerClient), running the real src/workers/agentWorker.ts: CartPole training through the shared
// chunked loop with pause / resume / stop and an exact resume, a cancelled search, and a worker ended
// mid-run that fails the run instead of leaving it waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CartPoleTrainer, DQN_CARTPOLE, loadCheckpoint } from '../../src/core/agents/cartpoleTrain';
import type { TrainJob, WorkerToHost } from '../../src/contracts/agentWorker';
import { solveInWorker, startAgentWorker, trainInWorker } from '../../src/vscode/agents/agentWorkerClient';

const SCRIPT = path.join(__dirname, '..', '..', 'src', 'workers', 'agentWorker.ts');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-agent-client-'));

test('CartPole PPO in the worker: pause holds, stop writes the checkpoint, a resumed run ends on the bits of a straight run', { timeout: 300_000 }, async () => {
  const dir = tmp();
  try {
    const job: TrainJob = { agent: 'cartpole-ppo', problems: { kind: 'generated' }, steps: 6000, seed: 5, runDir: dir, progressEvery: 5 };
    const worker = startAgentWorker(SCRIPT);
    const seen: WorkerToHost[] = [];
    let progress = 0;
    let resumed = false;
    await trainInWorker(worker, job, (m) => {
      seen.push(m);
      if (m.type === 'progress' && ++progress === 2) worker.post({ type: 'pause' });
      if (m.type === 'paused') {
        resumed = true;
        worker.post({ type: 'resume' });
      } else if (m.type === 'progress' && resumed) {
        resumed = false;
        worker.post({ type: 'stop' });
      }
    });
    const kinds = seen.map((m) => m.type);
    assert.equal(kinds[0], 'started');
    assert.ok(kinds.includes('paused'), kinds.join(' '));
    const finished = seen.at(-1) as Extract<WorkerToHost, { type: 'finished' }>;
    assert.equal(finished.type, 'finished');
    assert.equal(finished.reason, 'stopped');
    assert.ok(finished.step < job.steps, `stopped at ${finished.step}`);
    const checkpoint = seen.find((m) => m.type === 'checkpoint') as Extract<WorkerToHost, { type: 'checkpoint' }>;
    assert.equal(checkpoint.step, finished.step);
    await worker.exited;

    const again = startAgentWorker(SCRIPT);
    const rest: WorkerToHost[] = [];
    await trainInWorker(again, { ...job, resumeFrom: checkpoint.path }, (m) => rest.push(m));
    assert.equal((rest[0] as Extract<WorkerToHost, { type: 'started' }>).step, finished.step);
    assert.equal((rest.at(-1) as Extract<WorkerToHost, { type: 'finished' }>).reason, 'done');

    const straight = CartPoleTrainer.create({ algo: 'ppo', seed: 5, totalTimesteps: job.steps, dqn: DQN_CARTPOLE });
    straight.run(job.steps);
    assert.deepEqual(loadCheckpoint(checkpoint.path).toCheckpoint(), straight.toCheckpoint());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker ended mid-run fails the run with a clear message; a cancelled search resolves with nothing', { timeout: 300_000 }, async () => {
  const dir = tmp();
  try {
    const worker = startAgentWorker(SCRIPT);
    let started = false;
    const run = trainInWorker(worker, { agent: 'synth', problems: { kind: 'generated' }, steps: 1_000_000, seed: 1, runDir: dir }, (m) => {
      if (m.type === 'started') {
        started = true;
        void worker.terminate();
      }
    });
    await assert.rejects(run, /^Error: the agent worker was ended before it finished$/);
    assert.ok(started);
    assert.equal(worker.running, false);

    const missing = path.join(dir, 'nope.json');
    await assert.rejects(solveInWorker(SCRIPT, { checkpoint: missing, problemDir: dir, budget: 10, tracesFile: path.join(dir, 't.jsonl') }), /nope\.json: cannot read the checkpoint/);

    let cancel: (() => void) | undefined;
    const token = { onCancellationRequested: (listener: () => void) => ((cancel = listener), { dispose: () => (cancel = undefined) }) };
    const search = solveInWorker(SCRIPT, { checkpoint: missing, problemDir: dir, budget: 10, tracesFile: path.join(dir, 't.jsonl') }, { cancel: token });
    cancel!();
    assert.equal(await search, undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
