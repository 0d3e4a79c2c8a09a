// Workspace reward functions: a spec naming the workspace's own Python functions (verl style) scores a
// file; each function is a row of the Reward Breakdown beside the built-in ones, and one that raises is
// an error on its row, with its traceback, and marks the total incomplete (never a silent 0).
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, scoreFile, test } from './harness.mjs';
import { StepperPanel, TraceTree, TrainingStepsPanel } from './trace-explorer.mjs';

const FUNCTIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'reward_functions');
const SPEC = '.reasoning-lab/own-rewards.json';

const followRecord = (id, prompt, answer, completions) => JSON.stringify({ prompt_id: id, prompt, answer, completions }) + '\n';

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
  // a GRPO group without rewards: the Trace Explorer scores it with the spec
  mkdirSync(path.join(ws, 'rollouts'), { recursive: true });
  writeFileSync(path.join(ws, 'rollouts', 'own-functions.jsonl'), JSON.stringify({ prompt_id: 'p1', prompt: 'What is 2 + 2?', answer: '4', completions: ['<think>\n2 + 2 = 4\n</think>\nSo #### 4', '<think>\nI will escape the grader\n</think>\n#### 4'] }) + '\n');
  // a file a training run is still writing: its first group has no sample that makes `picky` raise
  writeFileSync(path.join(ws, 'rollouts', 'own-follow.jsonl'), followRecord('p1', 'What is 2 + 2?', '4', ['<think>\n2 + 2 = 4\n</think>\nSo #### 4', '<think>\n2 + 2 = 5\n</think>\n#### 5']));
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

test('workspace reward functions in the Trace Stepper: the function\'s value in the breakdown, and one that raises is an error with its output', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/own-functions.jsonl');
  await tree.expand('What is 2 + 2?');
  const stepper = new StepperPanel(vs);
  const component = (name) => stepper.$(`#score-components .score-component[data-name="${name}"]`);
  const value = async (name) => ((await component(name).locator('.score-component-value').textContent({ timeout: 10000 })) ?? '').trim();

  await tree.openSample('p1#0', stepper);
  await eventually(async () => (await value('gsm8k')) === '1.00', { what: 'gsm8k to be 1.00 once the traces worker ran it', timeout: 120000 });
  assert.equal(await value('picky'), '1.00');
  assert.equal(await value('format'), '1.00');
  assert.match(await component('gsm8k').getAttribute('title'), /compute_score returned 1/);
  assert.match(await stepper.text('#score-total'), /^4(\.0+)? \//, 'format 1 + gsm8k 2 + picky 1');
  await shot('stepper-values');

  await tree.openSample('p1#1', stepper);
  await eventually(async () => (await value('picky')) === 'error', { what: 'picky to show an error', timeout: 120000 });
  assert.equal(await value('gsm8k'), '1.00');
  const tip = await component('picky').getAttribute('title');
  assert.match(tip, /ValueError: .*no answer/);
  assert.ok(!tip.includes('\x1b'), 'the escapes the function printed are shown, not sent raw');
  await shot('stepper-error');
}, { settings: { 'reasoningLab.rewards.spec': SPEC }, prepare, timeoutMs: 300000 });

test('workspace reward functions in Follow mode: appended records get them too; one that raises on a new record only and a malformed new line are reported', async ({ vs, ws, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/own-follow.jsonl');
  // format 1 + gsm8k 2 × (1, 0) + picky 1: the analysis ran the functions
  await tree.waitForMessage(/own-follow\.jsonl: 2 samples in 1 group/, 120000);
  await tree.expand('What is 2 + 2?');
  const description = async (id) => ((await tree.sample(id).locator('.label-description').textContent({ timeout: 10000 })) ?? '').trim();
  await eventually(async () => /^reward 4(\.0+)? /.test(await description('p1#0')), { what: 'p1#0 scored with the functions', timeout: 120000 });
  assert.doesNotMatch(await tree.message(), /failure/);

  await vs.runCommand('Reasoning Lab: Follow Trace File');
  const chart = new TrainingStepsPanel(vs);
  await chart.waitForOpen();
  await eventually(async () => (await chart.text('#follow-state')) === 'following', { what: 'following to start' });
  // the training run appends a new group (its second sample makes `picky` raise), a line that is not JSON, and a third sample of the first group
  appendFileSync(path.join(ws, 'rollouts', 'own-follow.jsonl'),
    followRecord('p2', 'What is 3 + 3?', '6', ['<think>\n3 + 3 = 6\n</think>\nSo #### 6', '<think>\nI will escape the grader\n</think>\n#### 6']) +
    '{"prompt_id": "p3", "prompt": "cut", oops}\n' +
    followRecord('p1', 'What is 2 + 2?', '4', ['<think>\n4\n</think>\n#### 4']));
  const message = await tree.waitForMessage(/own-follow\.jsonl: 5 samples in 2 groups/, 120000);
  assert.match(message, /1 reward function failure \(first: "picky" on p2#1, line 2: ValueError: \\x1b\]0;pwned\\x07\\x1b\[2J no answer\)/, message);
  // the group's statistics count the new sample's reward with the functions: (4 + 2 + 4) / 3
  await eventually(async () => /^3 samples · mean 3\.33/.test(((await tree.row('What is 2 + 2?').locator('.label-description').textContent()) ?? '').trim()), { what: 'the first group to hold the appended sample with its functions' });
  await tree.expand('What is 3 + 3?');
  assert.match(await description('p2#0'), /^reward 4(\.0+)? · A \+/, 'the functions ran on the new record');
  assert.match(await description('p2#1'), /^reward 3(\.0+)? · A -/, 'picky raised: it is left out of the total, never scored 0 into it');
  await tree.row('Malformed (1)').waitFor({ timeout: 10000 });
  await tree.expand('Malformed (1)');
  assert.match((await tree.row('line 3').textContent()) ?? '', /JSON/);
  await shot('follow-tree');

  // the stepper's stats and its row of components agree on the new sample
  const stepper = new StepperPanel(vs);
  const component = (name) => stepper.$(`#score-components .score-component[data-name="${name}"]`);
  const value = async (name) => ((await component(name).locator('.score-component-value').textContent({ timeout: 10000 })) ?? '').trim();
  await tree.openSample('p2#1', stepper);
  await eventually(async () => (await value('picky')) === 'error', { what: 'picky to show an error on the new sample', timeout: 120000 });
  assert.equal(await value('gsm8k'), '1.00');
  assert.match(await stepper.text('#sample-reward'), /^3(\.0+)?$/);
  assert.match(await stepper.text('#score-total'), /^3(\.0+)? \//);
  await shot('follow-stepper');
  await vs.runCommand('Reasoning Lab: Stop Following Trace File');
  await vs.waitForNotification(/Stopped following own-follow\.jsonl: 5 samples read/);
}, { settings: { 'reasoningLab.rewards.spec': SPEC }, prepare, timeoutMs: 300000 });
