// Who says a sample is correct: the file's own scorer or 0/1 reward first, our accuracy against a
// reference second, and "unknown" (never "incorrect") when neither can judge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { ROOT } from './helpers/runCli';
import { correctness, describeExport, exportBestOfN, openTraceFile, verdictOf, type TraceFile } from '../../src/core/traces';

const FIX = path.join(ROOT, 'test', 'fixtures', 'traces');
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-verdict-'));

async function exportCorrect(tf: TraceFile) {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
  const summary = await exportBestOfN(tf, sink, { k: 100, correctOnly: true });
  return { summary, rows: chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

test('verdicts written in a file: Inspect letters, booleans, {r}; numbers alone are not verdicts', () => {
  assert.equal(verdictOf('C'), 'correct');
  assert.equal(verdictOf('I'), 'incorrect');
  assert.equal(verdictOf('P'), 'partial');
  assert.equal(verdictOf(true), 'correct');
  assert.equal(verdictOf({ r: false }), 'incorrect');
  assert.equal(verdictOf({ match: { value: 'C' } }), 'correct');
  assert.equal(verdictOf(1), undefined);
  assert.equal(verdictOf('Canberra'), undefined);
});

test('"only correct" on Game of 24 (0/1 rewards in the file, no reference, no <think>) keeps the solved samples', async () => {
  const tf = await openTraceFile(path.join(FIX, 'tot_game24_100_samples.json.gz'));
  try {
    const { summary, rows } = await exportCorrect(tf);
    assert.ok(summary.written > 0, describeExport(summary));
    assert.ok(rows.every((r) => r.reward === 1));
    assert.equal(summary.skipped.unjudged, 0);
    assert.equal(summary.judged?.byFile, summary.written + summary.skipped.incorrect);
    assert.equal(summary.judged?.formatChecked, false, 'no sample uses <think>: the format is not checked');
    assert.match(describeExport(summary), /by the file's own verdicts or 0\/1 rewards/);
  } finally {
    await tf.close();
  }
});

test('rewards that are not verdicts and no reference: unknown, never incorrect', async () => {
  const f = path.join(tempDir(), 'scores.jsonl');
  fs.writeFileSync(f, [0.2, 0.7, 0.9].map((reward, i) => JSON.stringify({ id: `s${i}`, prompt: 'Write a haiku.', completion: `haiku ${i}`, reward })).join('\n') + '\n');
  const tf = await openTraceFile(f);
  try {
    const { summary } = await exportCorrect(tf);
    assert.equal(summary.written, 0);
    assert.equal(summary.skipped.incorrect, 0);
    assert.equal(summary.skipped.unjudged, 3);
    assert.match(describeExport(summary), /3 unknown \(no verdict in the file and no reference answer\)/);
  } finally {
    await tf.close();
    fs.rmSync(path.dirname(f), { recursive: true, force: true });
  }
});

test("an Inspect sample carries its scorer's verdict, value, answer and explanation; the verdict outranks our accuracy", async () => {
  const tf = await openTraceFile(path.join(FIX, 'inspect_security_guide.json'));
  try {
    const s = (await tf.read(0)).samples[0];
    assert.equal(s.verdict, 'correct');
    assert.equal(s.verdictScorer, 'model_graded_fact');
    const score = s.fileScores?.[0];
    assert.equal(score?.name, 'model_graded_fact');
    assert.equal(score?.value, 'C');
    assert.match(score?.explanation ?? '', /expert/);
    assert.ok(score?.answer);
    const a = await tf.analyze();
    const sum = a.sampleSummaries[0];
    assert.equal(sum.verdict, 'correct');
    assert.deepEqual(correctness({ ...sum, accuracy: 0 }, false), { verdict: 'correct', by: 'file' });
  } finally {
    await tf.close();
  }
});
