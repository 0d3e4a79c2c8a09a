/**
 * Whole datasets through the input/output path (slow: minutes; CI runs it as an ordinary user, see
 * test/run-all.sh): every HumanEval canonical solution, every MBPP and LeetCodeDataset reference
 * passes with its tests turned into cases graded outside the sandbox, and HumanEval+'s canonical
 * solutions pass its base and extra inputs. Only the problems whose tests cannot be turned into
 * cases (a property check, tree nodes as inputs) run in-process, and they are exactly these.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate, loadProblemSet, referenceSamples } from '../../src/core/eval';

const DATA = [process.env.REASONING_LAB_DATA, path.join(__dirname, '..', '..', '..', 'shared', 'data'), '/work/shared/data'].find((d) => d && fs.existsSync(path.join(d, 'HumanEval.jsonl.gz')))!;
// a few LeetCodeDataset references take tens of seconds: the sanity run's floor is generous
const OPTS = { calibrate: false, timeoutMs: 600000, memoryBytes: 1024 * 2 ** 20 } as const;

for (const [file, inProcess] of [
  ['HumanEval.jsonl.gz', ['HumanEval/32']],
  ['sanitized-mbpp.json', []],
  ['LeetCodeDataset-v0.3.1-test.jsonl.gz', ['k-th-largest-perfect-subtree-size-in-binary-tree']],
] as const) {
  test(`${file}: every reference passes through the input/output path`, async () => {
    const set = loadProblemSet(path.join(DATA, file));
    const run = await evaluate(set.problems, referenceSamples(set.problems), OPTS);
    assert.deepEqual(run.results.filter((r) => r.verdict !== 'passed').map((r) => `${r.problemId}: ${r.verdict}: ${r.reason}`), []);
    assert.deepEqual(Object.keys(run.header.tests!.inProcess).sort(), [...inProcess].sort(), JSON.stringify(run.header.tests!.inProcess));
    assert.equal(run.summary.inProcess, run.results.filter((r) => (inProcess as readonly string[]).includes(r.problemId)).length);
    if (process.getuid?.() !== 0) assert.equal((run.header.protections as { dedicatedUid?: boolean }).dedicatedUid, false, 'as an ordinary user');
  });
}

test('HumanEval+: every canonical solution passes its base and extra inputs with EvalPlus\'s rules', async () => {
  const set = loadProblemSet(path.join(DATA, 'HumanEvalPlus-v0.1.10.jsonl.gz'));
  assert.equal(set.problems.length, 164);
  assert.ok(set.problems.every((p) => p.test.kind === 'evalplus'));
  const warnings: string[] = [];
  const run = await evaluate(set.problems, referenceSamples(set.problems), { ...OPTS, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, [], 'the canonical solution runs on every input');
  assert.deepEqual(run.results.filter((r) => r.verdict !== 'passed' || r.plus?.verdict !== 'passed').map((r) => `${r.problemId}: ${r.verdict} / ${r.plus?.verdict}: ${r.plus?.reason ?? r.reason}`), []);
  assert.equal(run.summary.passAtK['1'], 1);
  assert.equal(run.summary.passAtKPlus?.['1'], 1);
  assert.equal(run.summary.inProcess, 0);
});
