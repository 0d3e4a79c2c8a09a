import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DynamicBatcher } from '../../src/core/models/batcher';

/** A batcher whose batches record the lengths they were given (the item is its length). */
function recording(options: ConstructorParameters<typeof DynamicBatcher<number, number>>[1]) {
  const batches: number[][] = [];
  const batcher = new DynamicBatcher<number, number>(async (items) => {
    batches.push(items);
    return items.map((x) => x * 10);
  }, options);
  return { batcher, batches };
}

/** 64 lengths from 128 to 512 in a shuffled (fixed) order, as real texts come. */
const LENGTHS = Array.from({ length: 64 }, (_, i) => 128 + ((i * 37) % 64) * 6);

test('everything submitted together is sorted as one before the first batch runs (the first batch is not the first 16 that came)', async () => {
  const { batcher, batches } = recording({ maxBatch: 16, maxWaitMs: 5 });
  const results = await Promise.all(LENGTHS.map((n) => batcher.submit(n, n)));
  assert.deepEqual(results, LENGTHS.map((n) => n * 10), 'each caller gets its own result');
  const sorted = [...LENGTHS].sort((a, b) => a - b);
  assert.equal(batches.length, 4);
  batches.forEach((b, i) => assert.deepEqual(b, sorted.slice(i * 16, i * 16 + 16), `batch ${i} holds the next 16 shortest`));
});

test('a full batch starts at the end of the turn, without waiting for the window; a lone input after maxWaitMs', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { batcher, batches } = recording({ maxBatch: 4, maxWaitMs: 60_000 });
  // four at once: no timer needs to fire (the mocked clock never moves)
  assert.deepEqual(await Promise.all([3, 1, 4, 2].map((n) => batcher.submit(n, n))), [30, 10, 40, 20]);
  assert.deepEqual(batches, [[1, 2, 3, 4]]);
  // one alone waits for the window, then runs by itself
  const lone = batcher.submit(7, 7);
  await new Promise((r) => setImmediate(r));
  assert.equal(batches.length, 1, 'a lone input waits for company');
  t.mock.timers.tick(60_000);
  assert.equal(await lone, 70);
  assert.deepEqual(batches[1], [7]);
});

test('items arriving while a batch runs are sorted together for the next ones; batching off runs one at a time, in order', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const batches: number[][] = [];
  const batcher = new DynamicBatcher<number, number>(async (items) => {
    batches.push(items);
    if (batches.length === 1) await gate;
    return items;
  }, { maxBatch: 2, maxWaitMs: 1 });
  const first = Promise.all([5, 6].map((n) => batcher.submit(n, n)));
  await new Promise((r) => setImmediate(r));
  const later = Promise.all([9, 2, 8, 1].map((n) => batcher.submit(n, n)));
  release();
  await Promise.all([first, later]);
  assert.deepEqual(batches, [[5, 6], [1, 2], [8, 9]]);

  const off = recording({ enabled: false });
  await Promise.all([3, 1, 2].map((n) => off.batcher.submit(n, n)));
  assert.deepEqual(off.batches, [[3], [1], [2]]);
});

test('a cancelled item is rejected and left out of its batch', async () => {
  const { batcher, batches } = recording({ maxBatch: 4, maxWaitMs: 1 });
  const abort = new AbortController();
  const kept = [1, 2, 3].map((n) => batcher.submit(n, n));
  const cancelled = batcher.submit(4, 4, abort.signal);
  abort.abort();
  await assert.rejects(cancelled, /cancel/i);
  assert.deepEqual(await Promise.all(kept), [10, 20, 30]);
  assert.deepEqual(batches, [[1, 2, 3]]);
});
