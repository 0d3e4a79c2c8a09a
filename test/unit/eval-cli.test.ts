// `reasoning-lab eval` as a user runs it (a real child process, the real sandbox): the summary counts the
// problems that have samples, reports pass@10 when every problem has ten samples, and says how to give
// programs that timed out a longer limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, runCli } from './helpers/runCli';

const BUILTIN = path.join(ROOT, 'problems', 'builtin');

test('eval: pass@1 and pass@10 by default with ten samples per problem; timed-out samples get a --timeout-ms hint', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-eval-cli-'));
  try {
    const right = 'def missing_number(nums):\n    n = len(nums)\n    return n * (n + 1) // 2 - sum(nums)\n';
    const loops = 'def missing_number(nums):\n    while True:\n        pass\n';
    const samples = path.join(dir, 'samples.jsonl');
    fs.writeFileSync(samples, Array.from({ length: 10 }, (_, i) => JSON.stringify({ task_id: 'missing-number', solution: i < 8 ? right : loops })).join('\n') + '\n');
    const r = await runCli(['eval', BUILTIN, '--samples', samples, '--timeout-ms', '300', '--jobs', '2']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.problems, 1, 'only the problem that has samples is counted');
    assert.equal(summary.samples, 10);
    assert.deepEqual(Object.keys(summary.passAtK), ['1', '10']);
    assert.ok(Math.abs(summary.passAtK['1'] - 0.8) < 1e-12);
    assert.equal(summary.passAtK['10'], 1);
    assert.equal(summary.timeout, 2);
    assert.match(r.stderr, /^2 samples timed out \(limits up to \d+ ms\); on a busy machine run again with a longer limit: --timeout-ms \d+000$/m);

    // an explicit --k is kept
    const k1 = await runCli(['eval', BUILTIN, '--samples', samples, '--timeout-ms', '300', '--k', '1', '--jobs', '2']);
    assert.deepEqual(Object.keys(JSON.parse(k1.stdout).passAtK), ['1']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
