// The trace model: steps with token counts, the reasoning path tree (expand / backtrack / submit), GRPO group statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADVANTAGE_EPS, buildReasoningTree, groupStats, meanStd, sampleDetail, segmentSteps, TrainingStepCurve, type TraceSample } from '../../src/core/traces';
import { reasoningSteps } from '../../src/core/rewards/reasoningSteps';

const sample = (completion: string): TraceSample => ({ id: 't', entry: 0, sub: 0, line: 1, prompt: 'Make 24 from 4 4 6 8', completion, group: 'g' });

// ours (synthetic): three attempts, the first two abandoned
const THREE_ATTEMPTS = `<think>
We need 24 from 4, 4, 6, 8.

First try: 4 + 4 = 8, then 8 + 8 = 16, and 16 + 6 = 22.

That's wrong, 22 is not 24. Let me try another way: 8 - 6 = 2, 4 * 2 = 8, 8 * 4 = 32.

Hmm, 32 is too big.

Alternatively: (4 + 8) * (6 - 4) = 12 * 2 = 24.

Let me verify: 4 + 8 = 12, 6 - 4 = 2, 12 * 2 = 24. Correct.
</think>

The answer is \\boxed{(4 + 8) * (6 - 4)}.`;

test('a trace with three attempts is a tree with two abandoned branches and a submit leaf', () => {
  const d = sampleDetail(sample(THREE_ATTEMPTS));
  const t = d.tree;
  assert.equal(t.attempts, 3);
  assert.equal(t.abandonedBranches, 2);
  const backtracks = t.nodes.filter((n) => n.action === 'backtrack');
  assert.equal(backtracks.length, 2, 'each backtrack step starts an attempt');
  assert.ok(backtracks.every((n) => n.parent === 0), 'attempts branch from where the first one began');
  const submit = t.nodes[t.submitted];
  assert.equal(submit.action, 'submit');
  assert.equal(submit.candidate, '(4 + 8) * (6 - 4)');
  assert.equal(submit.abandoned, false);
  // the path to the answer goes through the last attempt only
  const live = t.nodes.filter((n) => !n.abandoned && n.action !== 'root');
  assert.ok(live.every((n) => n.attempt === 2));
  const verification = live.find((n) => n.kind === 'verification');
  assert.ok(verification, 'the verification step is on the live path');
  // states: context grows along a path
  assert.ok(submit.context > live[0].context);
  // steps carry token and character counts
  assert.ok(d.steps.every((s) => s.tokens > 0 && s.chars === s.end - s.start));
});

test('no backtrack: one attempt, no abandoned branch; untagged text with a stated answer still submits', () => {
  const t = buildReasoningTree('2 + 2 = 4.\n\nSo the answer is 4.', segmentSteps('2 + 2 = 4.\n\nSo the answer is 4.'));
  assert.equal(t.attempts, 1);
  assert.equal(t.abandonedBranches, 0);
  assert.ok(t.submitted > 0);
});

test('Chinese cue phrases: 换一种 is a backtrack, 等等 a reflection', () => {
  const text = '<think>\n先算 3 × 8 = 24。\n\n等等，题目要求用四个数。\n\n换一种方法：(8 − 4) × 6 = 24。\n</think>\n\n答案是 24';
  const steps = reasoningSteps(text);
  assert.deepEqual(steps.map((s) => s.kind), ['reasoning', 'reflection', 'backtrack']);
  const t = buildReasoningTree(text, steps);
  assert.equal(t.attempts, 2);
  assert.equal(t.abandonedBranches, 1);
});

test('real R1 trace (MisguidedAttention): its steps and tree', () => {
  const fixture = path.join(__dirname, '..', 'fixtures', 'traces', 'r1_misguided_groups.json');
  const r = JSON.parse(fs.readFileSync(fixture, 'utf8')).results[0];
  const d = sampleDetail(sample(`<think>\n${r.thinking[0]}\n</think>\n\n${r.output[0]}`));
  assert.equal(d.steps.length, 6);
  assert.ok(d.steps.some((s) => s.kind === 'reflection'));
  assert.ok(d.tree.submitted > 0);
  assert.equal(d.tree.nodes.length, d.steps.length + 2);
});

test('GRPO statistics: population std, eps, zero-advantage groups', () => {
  assert.deepEqual(meanStd([1, 0, 1, 0]), { mean: 0.5, std: 0.5 });
  const g = groupStats('k', 'p', [
    { entry: 0, sub: 0, id: 'a', reward: 1 },
    { entry: 0, sub: 1, id: 'b', reward: 0 },
    { entry: 0, sub: 2, id: 'c', reward: null },
  ]);
  assert.equal(g.rewarded, 2);
  assert.equal(g.unrewarded, 1);
  assert.equal(g.mean, 0.5);
  assert.equal(g.std, 0.5);
  assert.equal(g.members[0].advantage, 0.5 / (0.5 + ADVANTAGE_EPS));
  assert.equal(g.members[2].advantage, null);
  assert.equal(g.zeroAdvantage, false);
  const flat = groupStats('k', 'p', [1, 1, 1].map((r, i) => ({ entry: i, sub: 0, id: String(i), reward: r })));
  assert.equal(flat.zeroAdvantage, true);
  assert.ok(flat.members.every((m) => m.advantage === 0));
  assert.equal(groupStats('k', 'p', [{ entry: 0, sub: 0, id: 'a', reward: 1 }]).zeroAdvantage, false, 'a single sample is not flagged');
});

test('training-step curve: mean reward and mean CoT tokens per step, ascending', () => {
  const c = new TrainingStepCurve();
  c.add(2, 1, 100);
  c.add(1, 0, 10);
  c.add(2, 0, 300);
  c.add(undefined, 1, 5);
  c.add(1, null, 30);
  assert.deepEqual(c.points(), [
    { step: 1, samples: 2, meanReward: 0, meanCotTokens: 20 },
    { step: 2, samples: 2, meanReward: 0.5, meanCotTokens: 200 },
  ]);
});
