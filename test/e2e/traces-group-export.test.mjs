// Group view (a GRPO group side by side, word diff of two samples) and best-of-n export.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, test } from './harness.mjs';
import { GroupPanel, StepperPanel, TraceTree } from './trace-explorer.mjs';

test('Group view: samples side by side with advantages, word diff of two samples', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/game24-gpt4-cot.jsonl');
  await vs.runCommand('Reasoning Lab: Open Group View');
  await vs.chooseQuickPickItem('Use the numbers 4 5 6 10');
  const group = new GroupPanel(vs);
  await group.waitForOpen();
  await eventually(async () => (await group.rows().count()) === 8, { what: '8 rows in the group table' });
  assert.equal(await group.text('#group-size'), '8');
  assert.equal(await group.text('#group-mean'), '0.25');
  const correct = group.$('#rows .vlist-row[data-id="game24-900#10"]');
  assert.equal(await correct.locator('.reward').textContent(), '1.00');
  assert.match((await correct.locator('.adv-value').textContent()) ?? '', /^\+1\.7/);
  // the default diff: the best against the worst sample
  await group.$('#diff ins.added').first().waitFor({ timeout: 15000 });
  assert.match(await group.text('#diff-title'), /A = game24-900#10, B = game24-900#\d+/);
  // pick another B: the diff follows
  const other = group.$('#rows .vlist-row[data-id="game24-900#15"]');
  await other.locator('input.pick-b').check();
  await eventually(async () => /B = game24-900#15/.test(await group.text('#diff-title')), { what: 'the diff of #10 and #15' });
  assert.ok((await group.$('#diff del.removed').count()) > 0, 'removed words are marked');
  await shot('diff');
  // a sample opens in the stepper
  await correct.locator('a.sample-link').click();
  const stepper = new StepperPanel(vs);
  await stepper.waitForSample('game24-900#10');
}, { settings: { 'workbench.colorTheme': 'Default Light Modern' } });

test('Export best-of-n writes top-k SFT JSONL and never overwrites a file', async ({ vs, ws, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/game24-gpt4-cot.jsonl');
  await vs.runCommand('Reasoning Lab: Export Best-of-n as SFT JSONL');
  await vs.answerInputBox('1');
  await vs.chooseQuickPickItem('All samples');
  // the proposed name is taken (made by prepare): the box refuses it, so we give another
  const input = await vs.waitForInputBox();
  assert.equal(await input.inputValue(), 'game24-gpt4-cot.best-of-1-2.sft.jsonl', 'a free name is proposed');
  await input.fill('game24-gpt4-cot.best-of-1.sft.jsonl');
  await vs.page.locator('.quick-input-widget .quick-input-message', { hasText: 'exists' }).waitFor({ timeout: 5000 });
  await input.fill('best.sft.jsonl');
  // Enter is taken only once the box has validated the new name
  await eventually(async () => !(await vs.page.locator('.quick-input-widget .quick-input-message', { hasText: 'exists' }).isVisible()), { what: 'the name to validate' });
  await input.press('Enter');
  const note = await vs.waitForNotification(/Exported 10 samples from 10 of 10 groups to best\.sft\.jsonl/);
  assert.match(note, /mean reward 0\.70/);
  const out = path.join(ws, 'rollouts', 'best.sft.jsonl');
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 10);
  assert.deepEqual(lines[0].messages.map((m) => m.role), ['user', 'assistant']);
  assert.equal(lines[0].id, 'game24-900#10');
  assert.equal(lines[0].reward, 1);
  assert.equal(readFileSync(path.join(ws, 'rollouts', 'game24-gpt4-cot.best-of-1.sft.jsonl'), 'utf8'), 'keep me\n', 'the existing file is untouched');
  assert.ok(!existsSync(`${out}.partial`));
  await shot('exported');
}, { prepare: (ws) => writeFileSync(path.join(ws, 'rollouts', 'game24-gpt4-cot.best-of-1.sft.jsonl'), 'keep me\n') });
