// The editor side of the trace explorer that runs without VS Code: the word diff of the group view
// and the tree layout the stepper draws. Traces are the real R1 ones in examples/rollouts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sampleDetail, type TraceSample } from '../../src/core/traces';
import { wordDiff } from '../../src/core/traces/wordDiff';
import { MAX_TREE_DOTS, treeDrawing } from '../../src/vscode/traces/treeDrawing';

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
