// Workspace reward functions: a spec naming the workspace's own Python functions (verl style) scores a
// file; each function is a row of the Reward Breakdown beside the built-in ones, and one that raises is
// an error on its row, with its traceback, and marks the total incomplete (never a silent 0).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, scoreFile, test } from './harness.mjs';

const FUNCTIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'reward_functions');
const SPEC = '.reasoning-lab/own-rewards.json';

function prepare(ws) {
  mkdirSync(path.join(ws, 'rewards'), { recursive: true });
  cpSync(path.join(FUNCTIONS, 'verl_rewards.py'), path.join(ws, 'rewards', 'verl_rewards.py'));
  cpSync(path.join(FUNCTIONS, 'broken', 'bad_returns.py'), path.join(ws, 'rewards', 'bad_returns.py'));
  writeFileSync(path.join(ws, SPEC), JSON.stringify({
    description: 'format plus two reward functions of our own',
    components: {
      format: { weight: 1 },
      gsm8k: { weight: 2, module: 'rewards/verl_rewards.py', function: 'compute_score', style: 'verl' },
      picky: { weight: 1, module: 'rewards/bad_returns.py', function: 'raises_with_escapes', style: 'verl' },
    },
  }, null, 2));
  writeFileSync(path.join(ws, 'completions', 'own-right.md'), '---\nprompt: What is 2 + 2?\nanswer: "4"\n---\n<think>\n2 + 2 = 4\n</think>\nThe answer is #### 4\n');
  writeFileSync(path.join(ws, 'completions', 'own-raises.md'), '---\nprompt: What is 2 + 2?\nanswer: "4"\n---\n<think>\nI will escape the grader\n</think>\nThe answer is #### 4\n');
}

test('workspace reward functions: their rows in the breakdown, and a function that raises is an error with its traceback', async ({ vs, panel, shot }) => {
  await scoreFile({ vs, panel }, 'completions/own-right.md');
  assert.match(await panel.specName(), /own-rewards\.json/);
  await eventually(async () => (await panel.value('gsm8k')) === '1.00', { what: 'gsm8k to be 1.00 once the sandbox ran it', timeout: 120000 });
  assert.deepEqual(await panel.componentNames(), ['format', 'gsm8k', 'picky']);
  assert.equal(await panel.value('picky'), '1.00');
  assert.equal(await panel.contribution('gsm8k'), '+2.00');
  assert.match(await panel.detail('gsm8k'), /compute_score returned 1/);
  assert.equal(await panel.total(), '4.00');
  assert.equal(await panel.$('#total-incomplete').count(), 0);
  await shot('scored');

  await scoreFile({ vs, panel }, 'completions/own-raises.md');
  await eventually(async () => (await panel.value('picky')) === 'error', { what: 'picky to show an error', timeout: 120000 });
  assert.match(await panel.detail('picky'), /ValueError: .*no answer/);
  assert.equal(await panel.contribution('picky'), '0.00');
  assert.match(await panel.text('#total-incomplete'), /incomplete: picky failed/);
  assert.equal(await panel.total(), '3.00', 'format 1 + gsm8k 2: the failed function adds nothing');
  await panel.row('picky').click();
  const items = panel.items('picky');
  await items.waitFor({ timeout: 10000 });
  assert.match(await items.textContent(), /rewards\/bad_returns\.py:raises_with_escapes \(verl\)/);
  assert.match(await items.locator('pre.traceback').textContent(), /File "rewards\/bad_returns\.py", line \d+, in raises_with_escapes/);
  await shot('error');
}, { settings: { 'reasoningLab.rewards.spec': SPEC }, prepare, timeoutMs: 300000 });
