// Several completions per record as a list of plain strings: Qwen2.5-Math's rm@k / maj@k layout
// (`response[8]`, `pred[8]`, `score[8]`, `pred_score[8][1]`, `gt`), detected without help and with
// `--format multi` alone; a forced format without any list says where it looked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectShape, openTraceFile, toSamples } from '../../src/core/traces';

const RM_MAJ = path.join(__dirname, '..', 'fixtures', 'traces', 'qwen25_math_rm_maj.jsonl');

test('Qwen2.5-Math rm_maj: response[] is detected as 8 completions per question, score[] as their rewards, gt as the reference', async () => {
  const tf = await openTraceFile(RM_MAJ);
  try {
    assert.equal(tf.shape.format, 'multi');
    assert.equal(tf.shape.fields.completion, 'response');
    assert.equal(tf.shape.fields.reward, 'score');
    assert.equal(tf.shape.fields.answer, 'gt');
    assert.equal(tf.shape.fields.prompt, 'question');
    const [first, second] = await tf.readRange(0, 2);
    assert.equal(first.error, undefined);
    assert.equal(first.samples.length, 8);
    assert.equal(second.samples.length, 8);
    assert.deepEqual(first.samples.map((s) => s.reward), [1, 0, 0, 1, 1, 0, 1, 0]);
    assert.ok(first.samples.every((s) => s.answer === '29' && s.group === first.samples[0].group));
    assert.notEqual(first.samples[0].group, second.samples[0].group);
    assert.match(first.samples[0].completion, /\\boxed\{29\}/);
    const a = await tf.analyze();
    assert.deepEqual(a.malformed, []);
    assert.equal(a.samples, 16);
    assert.equal(a.groups, 2);
  } finally {
    await tf.close();
  }
});

test('--format multi alone finds the list; with no list anywhere the error names the fields it looked for', async () => {
  const tf = await openTraceFile(RM_MAJ, { format: 'multi' });
  try {
    assert.equal(tf.shape.fields.completion, 'response');
    assert.equal((await tf.read(0)).samples.length, 8);
  } finally {
    await tf.close();
  }
  const values = [{ question: 'q', answer_only: 'x' }];
  const shape = detectShape(values, 'jsonl', {}, 'multi');
  const r = toSamples(values[0], shape, 0, 1);
  assert.equal(r.samples, undefined);
  assert.doesNotMatch(r.error ?? '', /undefined/);
  assert.match(r.error ?? '', /no list of completions \(looked for "completions", .*"response"/);
});

test('a list of strings in a mapped completion field is several completions; a single string stays one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-lists-'));
  try {
    const file = path.join(dir, 'math_eval.jsonl');
    // Qwen2.5-Math's math_eval.py writes the generations under "code"
    fs.writeFileSync(file, JSON.stringify({ idx: 3, question: 'What is 2+2?', gt: '4', code: ['2+2 = \\boxed{4}', 'It is \\boxed{5}'], score: [true, false] }) + '\n');
    const tf = await openTraceFile(file, { fields: { completion: 'code' } });
    try {
      assert.equal(tf.shape.format, 'multi');
      assert.deepEqual((await tf.read(0)).samples.map((s) => [s.completion, s.reward]), [['2+2 = \\boxed{4}', 1], ['It is \\boxed{5}', 0]]);
    } finally {
      await tf.close();
    }
    const plain = detectShape([{ prompt: 'p', response: 'one answer' }], 'jsonl');
    assert.equal(plain.format, 'plain');
    assert.equal(plain.fields.completion, 'response');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
