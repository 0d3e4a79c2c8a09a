// The reward-hacking finder reached as Find Reward Hacks reaches it: the real traces worker
// (src/workers/tracesWorker.ts) through the editor's client. It gives what the core gives in-process,
// sends findings before the end, and a cancelled scan stops and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS } from '../../src/core/rewards';
import { DEFAULT_THRESHOLDS, scanForHacks, type HackFinding } from '../../src/core/hacks';
import { openTraceFile } from '../../src/core/traces';
import { TracesWorker } from '../../src/vscode/traces/tracesWorkerClient';
// @ts-expect-error a plain .mjs script without types
import { writeLargeTraceFile } from '../../scripts/make-large-traces.mjs';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'src', 'workers', 'tracesWorker.ts');
const ROLLOUTS = path.join(ROOT, 'test', 'fixtures', 'hacks', 'rollouts.jsonl');

test('the worker finds what the core finds in-process, with batches before the end; a cancelled scan says so', { timeout: 120_000 }, async () => {
  const worker = new TracesWorker(SCRIPT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-hacks-worker-'));
  try {
    const tf = await openTraceFile(ROLLOUTS);
    const here = await scanForHacks(tf, { rewards: PRESETS.r1 });
    await tf.close();
    const batches: HackFinding[][] = [];
    const there = await worker.findHacks({ file: ROLLOUTS }, PRESETS.r1, { ...DEFAULT_THRESHOLDS }, { onFindings: (b) => batches.push(b) });
    assert.deepEqual(there.findings, here.findings);
    assert.equal(there.summary.findings, 10);
    assert.ok(batches.flat().length >= there.findings.length, 'findings were sent while the scan ran');

    // a 3 MB log of real traces, cancelled as soon as it is asked for: the worker stops at its first await
    const big = path.join(dir, 'big.jsonl');
    writeLargeTraceFile(big, 3);
    const total = (await openTraceFile(big)).count;
    const controller = new AbortController();
    const scan = worker.findHacks({ file: big }, PRESETS.r1, { ...DEFAULT_THRESHOLDS }, { signal: controller.signal });
    controller.abort();
    const outcome = await scan.then((r) => r, (e: Error) => e);
    if (outcome instanceof Error) assert.match(outcome.message, /abort|cancel/i);
    else {
      assert.equal(outcome.summary.cancelled, true);
      assert.ok(outcome.summary.records < total, `stopped early: ${outcome.summary.records} of ${total} records`);
    }
    // the worker keeps serving
    assert.equal((await worker.findHacks({ file: ROLLOUTS }, PRESETS.r1, { ...DEFAULT_THRESHOLDS })).summary.findings, 10);
  } finally {
    worker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
