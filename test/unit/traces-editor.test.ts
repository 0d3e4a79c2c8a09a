// The editor side of the trace explorer that runs without VS Code: the word diff of the group view
// and the tree layout the stepper draws. Traces are the real R1 ones in examples/rollouts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sampleDetail, type TraceSample } from '../../src/core/traces';
import { wordDiff } from '../../src/core/traces/wordDiff';
import { MAX_TREE_DOTS, treeDrawing } from '../../src/core/traces/treeDrawing';

const r1 = readFileSync('examples/rollouts/r1-misguided-attention.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const sample = (id: string): TraceSample => {
  const r = r1.find((x) => x.id === id);
  return { id, entry: 0, sub: 0, line: 1, prompt: r.prompt, completion: r.completion, group: 'g' };
};

test('wordDiff: parts join back into both texts', () => {
  const a = sample('jugs_1_liter#0').completion;
  const b = sample('jugs_1_liter#1').completion;
  const d = wordDiff(a, b);
  assert.equal(d.truncated, false);
  assert.equal(d.parts.filter((p) => p.kind !== 'added').map((p) => p.text).join(''), a);
  assert.equal(d.parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join(''), b);
  assert.ok(d.parts.some((p) => p.kind === 'same'));
});

test('wordDiff: inputs are cut, and says so', () => {
  const d = wordDiff('a b c '.repeat(100), 'a b d '.repeat(100), 50);
  assert.equal(d.truncated, true);
  assert.equal(d.parts.filter((p) => p.kind !== 'added').map((p) => p.text).join(''), 'a b c '.repeat(100).slice(0, 50));
});

test('wordDiff: a changed word is marked, the rest is the same', () => {
  const d = wordDiff('Fill the 3 liter jug.\nThen pour it out.', 'Fill the 5 liter jug.\nThen pour it out.');
  assert.deepEqual(d.parts, [
    { kind: 'same', text: 'Fill the ' },
    { kind: 'removed', text: '3 ' },
    { kind: 'added', text: '5 ' },
    { kind: 'same', text: 'liter jug.\nThen pour it out.' },
  ]);
});

test('wordDiff: long R1-Distill traces of one prompt, whole and cut to 30,000 characters', () => {
  const { results } = JSON.parse(readFileSync('test/fixtures/traces/r1_distill_llama70b_outputs.json', 'utf8'));
  const [a, b] = results.find((r: { prompt_id: string }) => r.prompt_id === 'jugs_3_liters').output as string[];
  for (const [x, y] of [[a, b], [a.repeat(3), b.repeat(3)]]) {
    const d = wordDiff(x, y, 30_000);
    assert.equal(d.truncated, x.length > 30_000);
    assert.equal(d.parts.filter((p) => p.kind !== 'added').map((p) => p.text).join(''), x.slice(0, 30_000));
    assert.equal(d.parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join(''), y.slice(0, 30_000));
    assert.ok(d.parts.some((p) => p.kind === 'same') && d.parts.some((p) => p.kind === 'added'));
  }
});

test('wordDiff: more distinct words than one character each can name still joins back', () => {
  const words = Array.from({ length: 70_000 }, (_, i) => `w${i}`).join(' ');
  const d = wordDiff(`${words} end`, `${words} END`, 1e7);
  assert.equal(d.parts.filter((p) => p.kind !== 'added').map((p) => p.text).join(''), `${words} end`);
  assert.equal(d.parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join(''), `${words} END`);
});

test('treeDrawing: one segment per attempt, abandoned ones marked, the answer on the live lane', () => {
  const d = sampleDetail(sample('jugs_3_liters#0'));
  const t = treeDrawing(d.tree);
  assert.equal(t.attempts, 3);
  assert.equal(t.segments.length, 3);
  assert.deepEqual(t.segments.map((s) => s.abandoned), [true, true, false]);
  assert.ok(t.submit && t.submit.attempt === 2);
  assert.equal(t.nodes?.length, d.steps.length + 1, 'a dot per step plus the submit');
});

test('treeDrawing: a huge trace draws segments only', () => {
  const s = sample('rope_burning_impossible#0');
  const d = sampleDetail({ ...s, completion: s.completion.replace('</think>', '').repeat(3) + '</think>\nDone.' });
  assert.ok(d.tree.nodes.length > MAX_TREE_DOTS);
  const t = treeDrawing(d.tree);
  assert.equal(t.nodes, null);
  assert.equal(t.segments.length, t.attempts);
});

test('buildReasoningTree stays linear on a multi-megabyte trace with thousands of attempts', async () => {
  const { buildReasoningTree } = await import('../../src/core/traces/tree');
  const { reasoningSteps } = await import('../../src/core/rewards/reasoningSteps');
  const s = sample('rope_burning_impossible#0');
  const [think, answer] = s.completion.split('</think>');
  const huge = `${think}${think.replace('<think>', '').repeat(40)}</think>${answer}`;
  const tree = buildReasoningTree(huge, reasoningSteps(huge));
  assert.ok(tree.attempts > 100 && tree.submitted > 0);
});

test('stepperView: what the Trace Stepper paints first, from the sample detail and its place in the explorer', async () => {
  const { stepperView, stepRows, MAX_STEP_PAGE } = await import('../../src/core/traces');
  const { PRESETS } = await import('../../src/core/rewards');
  const s = { ...sample('jugs_3_liters#0'), entry: 4, sub: 1, line: 5, reward: 0.25, prompt: 'p'.repeat(5000) };
  const detail = sampleDetail(s, { rewards: PRESETS.r1 });
  const file = { label: 'r1.jsonl', path: '/tmp/r1.jsonl' };
  const view = stepperView(detail, { file, groupSize: 3 });
  assert.deepEqual(view.file, file);
  assert.deepEqual(view.sample, { entry: 4, sub: 1, id: 'jugs_3_liters#0', line: 5, group: 'g', reward: 0.25, advantage: null, rewardSource: 'file' });
  assert.equal(view.prompt.length, 4000, 'the prompt is cut; its length says how long it is');
  assert.equal(view.promptLength, 5000);
  assert.equal(view.completionLength, s.completion.length);
  assert.equal(view.kinds.length, detail.steps.length);
  const letter = { reasoning: 'r', reflection: 'f', backtrack: 'b', verification: 'v', conclusion: 'c' };
  assert.equal(view.kinds, detail.steps.map((x) => letter[x.kind]).join(''));
  assert.ok(view.kinds.includes('b'), 'backtracks are marked');
  assert.deepEqual(view.starts, detail.steps.map((x) => x.start));
  assert.deepEqual(view.ends, detail.steps.map((x) => x.end));
  assert.deepEqual(view.tokens, detail.steps.map((x) => x.tokens));
  assert.equal(view.stepScores, null);
  assert.equal(view.score?.spec, 'r1');
  assert.deepEqual(view.score?.components.map((c) => c.name).sort(), Object.keys(PRESETS.r1.components).sort());
  assert.deepEqual(view.tree, treeDrawing(detail.tree));
  assert.deepEqual(view.think, detail.think);
  assert.equal(view.groupSize, 3);
  // the explorer's summary wins over the file: a scored reward and the group advantage
  const summary = { reward: 0.9, advantage: 1.2, rewardSource: 'scored' } as import('../../src/core/traces').SampleSummary;
  assert.deepEqual(stepperView(detail, { file, summary, groupSize: 3 }).sample, { ...view.sample, reward: 0.9, advantage: 1.2, rewardSource: 'scored' });
  // without a spec there is no breakdown
  assert.equal(stepperView(sampleDetail(s), { file, groupSize: 1 }).score, null);

  // step pages: clamped to the steps and to MAX_STEP_PAGE, one-line previews
  const rows = stepRows(detail.steps, -5, 3);
  assert.deepEqual(rows.map((r) => r.index), [0, 1, 2]);
  assert.ok(rows.every((r, i) => r.kind === view.kinds[i] && r.tokens === view.tokens[i] && r.preview.length <= 120 && !/\s\s|\n/.test(r.preview)));
  assert.deepEqual(stepRows(detail.steps, detail.steps.length - 1, 1e9).map((r) => r.index), [detail.steps.length - 1]);
  const many = Array.from({ length: MAX_STEP_PAGE + 50 }, (_, i) => ({ ...detail.steps[0], index: i }));
  assert.equal(stepRows(many, 10, 1e9).length, MAX_STEP_PAGE);
});
