// Reading real rollout logs: format detection, multi-sample groups, gz, JSON documents, Inspect logs, field mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openTraceFile } from '../../src/core/traces';
import { PRESETS as PRESETS_FOR_TESTS } from '../../src/core/rewards';

const FIX = path.join(__dirname, '..', 'fixtures', 'traces');
const fx = (f: string) => path.join(FIX, f);

function tmp(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-'));
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}

test('DeepSeek-R1 MisguidedAttention: {"results": [...]} with output[3] + thinking[3] → 3 groups of 3, thinking wrapped in <think>', async () => {
  const tf = await openTraceFile(fx('r1_misguided_groups.json'));
  try {
    assert.equal(tf.shape.format, 'multi');
    assert.equal(tf.shape.container, 'json-array');
    assert.equal(tf.shape.arrayKey, 'results');
    assert.equal(tf.count, 3);
    const e = await tf.read(0);
    assert.equal(e.samples.length, 3);
    const s = e.samples[1];
    assert.equal(s.id, 'trolley_problem_easy#1');
    assert.equal(s.group, 'id:trolley_problem_easy');
    assert.ok(s.completion.startsWith('<think>\n'));
    assert.ok(s.completion.includes('</think>\n\n'));
    assert.ok(s.thinking && s.thinking.length > 500);
    const a = await tf.analyze({ rewards: PRESETS_FOR_TESTS.r1 });
    assert.equal(a.records, 3);
    assert.equal(a.samples, 9);
    assert.equal(a.groups, 3);
    assert.ok(a.groupStats.every((g) => g.size === 3));
    assert.ok(a.reflections > 0, 'R1 reasons with "Wait" steps');
    assert.equal(a.rewards.scored, 9);
  } finally {
    await tf.close();
  }
});

test('Tree-of-Thoughts Game of 24 (gzipped JSON array): 100 samples per puzzle, rewards from infos[].r, GRPO stats', async () => {
  const tf = await openTraceFile(fx('tot_game24_100_samples.json.gz'));
  try {
    assert.equal(tf.shape.format, 'multi');
    assert.equal(tf.shape.fields.reward, 'infos');
    const a = await tf.analyze();
    assert.equal(a.samples, 500);
    assert.equal(a.groups, 5);
    assert.equal(a.rewards.fromFile, 500);
    const g900 = a.groupStats.find((g) => g.key === 'id:900')!;
    assert.equal(g900.size, 100);
    assert.equal(g900.mean, 0.21); // 21 of 100 solved
    assert.ok(Math.abs(g900.std! - Math.sqrt(0.21 * 0.79)) < 1e-12, 'population std');
    const solved = g900.members.find((m) => m.reward === 1)!;
    assert.ok(Math.abs(solved.advantage! - 0.79 / (Math.sqrt(0.21 * 0.79) + 1e-4)) < 1e-9);
  } finally {
    await tf.close();
  }
});

test('DeepHermes-3 (gz): an unclosed <think> is kept, marked unclosed, and has no submit node', async () => {
  const tf = await openTraceFile(fx('deephermes3_unclosed.json.gz'));
  try {
    const a = await tf.analyze({ rewards: PRESETS_FOR_TESTS.r1 });
    assert.equal(a.samples, 15);
    const unclosed = a.sampleSummaries.filter((s) => s.think === 'unclosed');
    assert.equal(unclosed.length, 1);
    assert.equal(unclosed[0].format, 0);
    const d = await tf.detail(unclosed[0].entry, unclosed[0].sub);
    assert.equal(d.tree.submitted, -1);
    assert.ok(d.steps.length > 20);
    // brazil_continent: five identical-reward samples → a zero-advantage group
    const brazil = a.groupStats.find((g) => g.key === 'id:brazil_continent')!;
    assert.equal(brazil.zeroAdvantage, true);
    assert.ok(brazil.members.every((m) => m.advantage === 0));
  } finally {
    await tf.close();
  }
});

test('Reflexion HumanEval JSONL: solution is the completion, is_solved the reward, task_id the id', async () => {
  const tf = await openTraceFile(fx('reflexion_humaneval_gpt4.jsonl'));
  try {
    assert.equal(tf.shape.format, 'plain');
    assert.equal(tf.shape.fields.completion, 'solution');
    assert.equal(tf.shape.fields.reward, 'is_solved');
    assert.equal(tf.count, 12);
    const page = await tf.readRange(0, 5);
    assert.deepEqual(page.map((e) => e.samples[0].id), ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/3', 'HumanEval/4']);
    assert.ok(page.every((e) => e.samples[0].reward === 0 || e.samples[0].reward === 1));
    assert.equal(page[3].line, 4);
  } finally {
    await tf.close();
  }
});

test('Inspect AI .eval (zip, members read lazily) and .json logs: samples × epochs grouped by sample id, C/I scores → 1/0', async () => {
  const ev = await openTraceFile(fx('inspect_log_streaming.eval'));
  try {
    assert.equal(ev.shape.container, 'inspect-eval');
    assert.equal(ev.shape.format, 'inspect');
    assert.equal(ev.count, 4);
    const a = await ev.analyze();
    assert.equal(a.groups, 2);
    assert.deepEqual(a.groupStats.map((g) => g.size), [2, 2]);
    const s = (await ev.read(0)).samples[0];
    assert.equal(s.id, '1#1');
    assert.ok(s.prompt.startsWith('Is the following statement'));
    assert.ok(s.reward === 0 || s.reward === 1);
  } finally {
    await ev.close();
  }
  const js = await openTraceFile(fx('inspect_log_read_sample.json'));
  try {
    assert.equal(js.shape.arrayKey, 'samples');
    assert.equal(js.shape.format, 'inspect');
    const s = (await js.read(0)).samples[0];
    assert.equal(s.completion, 'Yes\n');
    assert.equal(s.reward, 1);
    assert.equal(s.answer, ' Yes'); // the log's target, as written
  } finally {
    await js.close();
  }
});

test('verl rollout dump, chat messages, TRL table with step, several completions per record, score output', async () => {
  const verl = tmp('12.jsonl', [1, 2, 3, 4].map((i) => JSON.stringify({ input: 'What is 6*7?', output: `<think>\n6*7=42\n</think>\n\n\\boxed{${i < 3 ? 42 : 41}}`, gts: '42', score: i < 3 ? 1 : 0, step: 12 })).join('\n') + '\n');
  let tf = await openTraceFile(verl);
  assert.equal(tf.shape.format, 'verl');
  let a = await tf.analyze();
  assert.equal(a.groups, 1);
  assert.equal(a.groupStats[0].key.startsWith('step:12/prompt:'), true);
  assert.equal(a.groupStats[0].mean, 0.5);
  assert.deepEqual(a.trainingSteps.map((p) => [p.step, p.samples, p.meanReward]), [[12, 4, 0.5]]);
  await tf.close();

  const chat = tmp('chat.jsonl', JSON.stringify({ messages: [{ role: 'user', content: 'Hi?' }, { role: 'assistant', content: '<think>x</think>Hello' }] }) + '\n');
  tf = await openTraceFile(chat);
  assert.equal(tf.shape.format, 'chat');
  assert.equal((await tf.read(0)).samples[0].completion, '<think>x</think>Hello');
  await tf.close();

  const multi = tmp('multi.jsonl', JSON.stringify({ prompt_id: 'p1', prompt: 'Q', completions: ['a', 'b'], rewards: [1, 0] }) + '\n');
  tf = await openTraceFile(multi);
  assert.equal(tf.shape.format, 'multi');
  a = await tf.analyze();
  assert.deepEqual(a.groupStats[0].members.map((m) => m.reward), [1, 0]);
  await tf.close();

  const trl = tmp('trl.jsonl', [0, 1].map((s) => JSON.stringify({ step: s, prompt: 'Q', completion: 'A'.repeat(10 * (s + 1)), reward: s })).join('\n') + '\n');
  tf = await openTraceFile(trl);
  assert.equal(tf.shape.format, 'trl');
  a = await tf.analyze();
  assert.equal(a.trainingSteps.length, 2);
  await tf.close();

  const score = tmp('scores.jsonl', JSON.stringify({ id: 'a', total: 2, components: {} }) + '\n');
  tf = await openTraceFile(score);
  assert.equal(tf.shape.format, 'score-output');
  assert.equal((await tf.read(0)).samples[0].reward, 2);
  await tf.close();
});

test('repeated prompts without ids are grouped by identical prompt text', async () => {
  const f = tmp('rep.jsonl', ['A', 'A', 'B', 'A'].map((p, i) => JSON.stringify({ prompt: `prompt ${p}`, completion: `c${i}`, reward: i })).join('\n') + '\n');
  const tf = await openTraceFile(f);
  const a = await tf.analyze();
  assert.equal(a.groups, 2);
  assert.deepEqual(a.groupStats.map((g) => g.size).sort(), [1, 3]);
  await tf.close();
});

test('field mapping wins over detection (dotted paths too)', async () => {
  const f = tmp('odd.jsonl', JSON.stringify({ q: { text: 'Q1' }, gen: 'G', r: 0.5, qid: 7, ref: '4' }) + '\n');
  let tf = await openTraceFile(f);
  assert.match((await tf.read(0)).error ?? '', /no completion field/);
  await tf.close();
  tf = await openTraceFile(f, { fields: { prompt: 'q.text', completion: 'gen', reward: 'r', group: 'qid', answer: 'ref' } });
  const s = (await tf.read(0)).samples[0];
  assert.deepEqual([s.prompt, s.completion, s.reward, s.group, s.answer], ['Q1', 'G', 0.5, 'id:7', '4']);
  assert.match(tf.shape.reason, /mapped/);
  await tf.close();
});

test('TRL completions table as Parquet (2 row groups): rows read on demand, step curve, groups by prompt', async () => {
  const tf = await openTraceFile(fx('trl_completions.parquet'));
  try {
    assert.equal(tf.shape.container, 'parquet');
    assert.equal(tf.shape.format, 'trl');
    assert.equal(tf.count, 6);
    const e = await tf.read(5); // in the second row group
    assert.equal(e.line, 6);
    assert.equal(e.samples[0].step, 20);
    assert.ok(e.samples[0].completion.length > 0);
    const a = await tf.analyze();
    assert.equal(a.samples, 6);
    assert.deepEqual(a.trainingSteps.map((p) => [p.step, p.samples]), [[10, 3], [20, 3]]);
  } finally {
    await tf.close();
  }
});
