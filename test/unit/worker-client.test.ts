// The one client every worker thread is reached through (src/core/shared/workerClient.ts), with a real
// worker thread that crashes (test/fixtures/workers/crashingWorker.ts): calls routed by id, a job
// per thread without ids, and a worker that dies — by an uncaught error, by an exit code, or ended by
// its host — fails every pending call with a message that names it, and never a finished job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ModelError } from '../../src/core/models/errors';
import { ModelHost } from '../../src/core/models/modelHost';
import { WorkerClient, type Reply } from '../../src/core/shared/workerClient';
import type { TestReply, TestRequest } from '../fixtures/workers/crashingWorker';

const SCRIPT = path.join(__dirname, '..', 'fixtures', 'workers', 'crashingWorker.ts');

const byId = () => new WorkerClient<TestRequest, TestReply>(SCRIPT, { name: 'test', callId: (m) => ('id' in m ? m.id : -1) });
const result = (m: TestReply): Reply<unknown> => (m.type === 'result' ? { value: m.value } : m.type === 'error' ? { error: new Error(m.error.message) } : undefined);

test('calls with ids: each reply reaches its own call, whatever the order they come back in', async () => {
  const worker = byId();
  try {
    const slow = worker.call((id) => ({ type: 'echo', id, value: 'slow', delayMs: 50 }), result);
    const fast = worker.call((id) => ({ type: 'echo', id, value: 'fast' }), result);
    assert.equal(await fast, 'fast');
    assert.equal(await slow, 'slow');
    assert.equal(worker.running, true);
  } finally {
    await worker.terminate();
  }
});

test('an uncaught error in the worker fails every pending call with the worker named, and later calls too', { timeout: 60_000 }, async () => {
  const worker = byId();
  const pending = [worker.call((id) => ({ type: 'hang', id }), result), worker.call((id) => ({ type: 'hang', id }), result)];
  const crash = worker.call((id) => ({ type: 'throw', id }), result);
  await Promise.all([...pending, crash].map((p) => assert.rejects(p, /^Error: the test worker failed: boom in the worker$/)));
  await worker.exited;
  assert.equal(worker.running, false);
  await assert.rejects(worker.call((id) => ({ type: 'echo', id, value: 'x' }), result), /the test worker has stopped/);
  worker.post({ type: 'echo', id: 99, value: 'dropped' }); // a message to a dead worker is dropped, not thrown
});

test('an exit with a code fails the pending calls with that code', { timeout: 60_000 }, async () => {
  const worker = byId();
  const hang = worker.call((id) => ({ type: 'hang', id }), result);
  const exit = worker.call((id) => ({ type: 'exit', id, code: 3 }), result);
  await Promise.all([assert.rejects(hang, /the test worker stopped \(exit code 3\) before it finished/), assert.rejects(exit, /exit code 3/)]);
});

test('terminate() fails the pending calls with the reason the host gives', { timeout: 60_000 }, async () => {
  const worker = byId();
  const hang = worker.call((id) => ({ type: 'hang', id }), result);
  const rejected = assert.rejects(hang, /^Error: cancelled by the host$/);
  await worker.terminate(new Error('cancelled by the host'));
  await rejected;
});

test('a job per thread without ids: its messages in order, done before the exit that follows it, and a crash mid-job rejects', { timeout: 60_000 }, async () => {
  const job = (ticks: number, crashCode?: number) => {
    const worker = new WorkerClient<TestRequest, TestReply>(SCRIPT, { name: 'job' });
    const seen: number[] = [];
    const done = worker.call<number>(
      () => ({ type: 'job', ticks, crashCode }),
      (m) => {
        if (m.type === 'tick') seen.push(m.i);
        return m.type === 'done' ? { value: m.ticks } : undefined;
      },
    );
    return { worker, seen, done };
  };
  const ok = job(5);
  assert.equal(await ok.done, 5);
  assert.deepEqual(ok.seen, [1, 2, 3, 4, 5]);
  await ok.worker.exited;

  const second = ok.worker.call(() => ({ type: 'job', ticks: 1 }), () => undefined);
  await assert.rejects(second, /the job worker has stopped/);

  const crashed = job(2, 7);
  await assert.rejects(crashed.done, /the job worker stopped \(exit code 7\) before it finished/);
  assert.deepEqual(crashed.seen, [1, 2], 'what the job reported before it died still arrived');

  const busy = new WorkerClient<TestRequest, TestReply>(SCRIPT, { name: 'job' });
  const first = assert.rejects(busy.call(() => ({ type: 'job', ticks: 0, crashCode: 1 }), () => undefined), /exit code 1/);
  await assert.rejects(busy.call(() => ({ type: 'job', ticks: 1 }), () => undefined), /runs one job at a time/);
  await first;
});

test('a missing script is a clear error, not a thread that dies later', () => {
  assert.throws(() => new WorkerClient(path.join(__dirname, 'nope', 'worker.js'), { name: 'test' }), /the test worker script is missing \(looked for .*nope.worker\.js\); rebuild with npm run build/);
});

test('the model host: a model worker that crashes fails the open as a ModelError, and the next open starts a new worker', { timeout: 60_000 }, async () => {
  const host = new ModelHost(SCRIPT);
  try {
    await assert.rejects(host.openRewardModel(path.join(__dirname, 'crash-model')), (err: unknown) => {
      assert.ok(err instanceof ModelError, String(err));
      assert.equal(err.code, 'runtime');
      assert.match(err.message, /^the model worker failed: cannot survive opening .*crash-model$/);
      return true;
    });
    // a fresh thread answers: the reply keeps its code
    await assert.rejects(host.openRewardModel(path.join(__dirname, 'other-model')), (err: unknown) => err instanceof ModelError && err.code === 'missing-file' && /other-model: no model here/.test(err.message));
  } finally {
    await host.dispose();
  }
  const missing = new ModelHost(path.join(__dirname, 'nope', 'modelWorker.js'));
  await assert.rejects(missing.openPrm('x'), (err: unknown) => err instanceof ModelError && /the model worker script is missing/.test(err.message));
});
