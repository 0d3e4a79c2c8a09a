/**
 * `reasoning-lab score` with workspace reward functions in the spec, as a user runs it: a real child
 * process in a workspace with its own functions and virtual environment. Their values are components
 * beside the built-in ones; a failure is reported on stderr naming the function and the record, sits
 * in the score line with its error, and marks the total incomplete.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './helpers/runCli';
import { makeVenv, makeWorkspace, removeWorkspace } from './helpers/rewardFunctions';

let ws: string;

before(() => {
  ws = makeWorkspace('rl-rewardfn-cli-');
  makeVenv(ws);
  fs.mkdirSync(path.join(ws, '.reasoning-lab'));
  fs.writeFileSync(
    path.join(ws, '.reasoning-lab', 'rewards.json'),
    JSON.stringify({
      venv: '.venv',
      components: {
        format: { weight: 1 },
        accuracy_mv: { weight: 2, module: 'rewards/trl_rewards.py', function: 'accuracy_reward', style: 'trl' },
        gsm8k: { weight: 1, module: 'rewards/verl_rewards.py', function: 'compute_score', style: 'verl' },
        picky: { weight: 1, module: 'rewards/broken/bad_returns.py', function: 'raises_with_escapes', style: 'verl' },
      },
    }),
  );
  const rows = [
    { id: 'right', prompt: 'What is 2 + 2?', completion: '<think>\n2 + 2 = 4\n</think>\nSo \\boxed{4}. #### 4', solution: '\\boxed{4}', answer: '4', data_source: 'openai/gsm8k' },
    { id: 'wrong', prompt: 'What is 2 + 2?', completion: '<think>\nhmm\n</think>\n\\boxed{5} #### 5', solution: '\\boxed{4}', answer: '4', data_source: 'openai/gsm8k' },
  ];
  const lines = rows.map((r) => JSON.stringify(r));
  lines.push('{"id": "broken", ');
  lines.push(JSON.stringify({ id: 'escape', prompt: 'Q', completion: 'escape #### 4', solution: '\\boxed{4}', answer: '4' }));
  fs.writeFileSync(path.join(ws, 'rollouts.jsonl'), lines.join('\n') + '\n');
});
after(() => removeWorkspace(ws));

test('score: workspace functions are components after the built-in ones; a failure names the function and the record and marks the total incomplete', async () => {
  const r = await runCli(['score', 'rollouts.jsonl', '--rewards', '.reasoning-lab/rewards.json'], undefined, { cwd: ws });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.id), ['right', 'wrong', 'escape']);
  const [right, wrong, escape] = out;
  assert.deepEqual(Object.keys(right.components), ['format', 'accuracy_mv', 'gsm8k', 'picky']);
  assert.deepEqual([right.components.accuracy_mv.value, right.components.gsm8k.value, right.components.picky.value], [1, 1, 1]);
  assert.equal(right.components.accuracy_mv.source, 'rewards/trl_rewards.py:accuracy_reward (trl)');
  assert.deepEqual(right.components.gsm8k.items, ['acc: True', 'pred: 4', 'split: None']);
  assert.equal(right.total, 1 + 2 + 1 + 1);
  assert.equal(right.incomplete, undefined);
  assert.deepEqual([wrong.components.accuracy_mv.value, wrong.components.gsm8k.value], [0, 0]);
  // the failed one: an error in the line, never a 0, and the total says it is incomplete
  assert.equal(escape.components.picky.value, null);
  assert.equal(escape.components.picky.error.kind, 'exception');
  assert.match(escape.components.picky.error.traceback, /rewards\/broken\/bad_returns\.py", line \d+, in raises_with_escapes/);
  assert.deepEqual(escape.incomplete, ['picky']);
  assert.match(r.stderr, /rollouts\.jsonl:4: reward function "picky" \(rewards\/broken\/bad_returns\.py:raises_with_escapes \(verl\)\) failed on record "escape": ValueError: \\x1b\]0;pwned\\x07\\x1b\[2J no answer/);
  assert.ok(!r.stderr.includes('\x1b]') && !r.stderr.includes('\x1b[2J'), 'escape sequences never reach the terminal raw');
  assert.match(r.stderr, /rollouts\.jsonl:3: skipped: /);
  assert.match(r.stderr, /"picky" failed on 1 of 3 records: their totals leave it out and are marked incomplete/);
  assert.match(r.stderr, /scored 3 records/);
});

test('score: a spec whose function module is missing scores the rest and reports the missing file on every record', async () => {
  const spec = path.join(ws, 'missing.json');
  fs.writeFileSync(spec, JSON.stringify({ components: { format: { weight: 1 }, gone: { weight: 1, module: 'rewards/gone.py', function: 'f', style: 'trl' } } }));
  const r = await runCli(['score', 'rollouts.jsonl', '--rewards', spec], undefined, { cwd: ws });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out.length, 3);
  for (const o of out) {
    assert.equal(o.components.gone.value, null);
    assert.match(o.components.gone.error.message, /cannot read rewards\/gone\.py/);
    assert.equal(o.total, o.components.format.value);
  }
  assert.match(r.stderr, /rollouts\.jsonl:1: reward function "gone" \(rewards\/gone\.py:f \(trl\)\) failed on record "right": cannot read rewards\/gone\.py/);
});
