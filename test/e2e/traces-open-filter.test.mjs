// Trace Explorer: open a rollout log from the palette, see prompts → samples, filter and sort them.
import assert from 'node:assert/strict';
import { eventually, test } from './harness.mjs';
import { TraceTree } from './trace-explorer.mjs';

test('Trace Explorer: open a rollout file from the palette, see the tree, filter and sort', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/game24-gpt4-cot.jsonl');
  const message = await tree.message();
  assert.match(message, /game24-gpt4-cot\.jsonl: 72 samples in 10 groups/);
  const groups = await eventually(async () => {
    const labels = await tree.topLabels();
    return labels.length === 10 ? labels : null;
  }, { what: '10 prompt groups in the tree' });
  assert.ok(groups.every((g) => g.startsWith('Use the numbers')), 'groups are labelled by their prompt');

  // a group's samples with reward and advantage
  await tree.expand('Use the numbers 4 5 6 10');
  const sample = tree.sample('game24-900#10');
  await sample.waitFor({ timeout: 10000 });
  const desc = (await sample.locator('.label-description').textContent()) ?? '';
  assert.match(desc, /reward 1\.00 · A \+\d/, `a correct sample shows its reward and a positive advantage: ${desc}`);
  await shot('tree');

  // filter: reward range 1.. keeps only correct samples
  await vs.runCommand('Reasoning Lab: Filter Samples');
  await vs.chooseQuickPickItem('Reward range');
  await vs.answerInputBox('1..');
  await tree.waitForMessage(/filter: reward 1…∞ → 12 shown/);
  // 7 of the 10 puzzles have a correct sample
  await eventually(async () => (await tree.topLabels()).length === 7, { what: '7 groups with a correct sample' });

  // text search on top: only samples that mention "(10 - 4)"
  await vs.runCommand('Reasoning Lab: Filter Samples');
  await vs.chooseQuickPickItem('Text search');
  await vs.answerInputBox('(10 - 4)');
  await tree.waitForMessage(/text “\(10 - 4\)” → \d+ shown/);
  const shown = Number(/→ (\d+) shown/.exec(await tree.message())[1]);
  assert.ok(shown >= 1 && shown < 12, `the text filter narrows the set (${shown})`);

  // clear, then sort by reward, lowest first: the first group's first sample has reward 0
  await vs.runCommand('Reasoning Lab: Clear Sample Filters');
  await tree.waitForMessage(/72 samples in 10 groups \(plain\)$/);
  await vs.runCommand('Reasoning Lab: Sort Samples');
  await vs.chooseQuickPickItem('Reward, highest first');
  await tree.waitForMessage(/sorted by reward ↓/);
  await eventually(async () => (await tree.topLabels()).length === 10, { what: 'all groups back' });
  await shot('sorted');
});

test('Trace Explorer: filters for reflections, format failures and mixed language', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/r1-misguided-attention.jsonl');
  assert.match(await tree.message(), /39 samples in 13 groups/);
  await vs.runCommand('Reasoning Lab: Filter Samples');
  await vs.chooseQuickPickItem('Has reflection');
  await tree.waitForMessage(/filter: has reflection → \d+ shown/);
  await vs.runCommand('Reasoning Lab: Filter Samples');
  await vs.chooseQuickPickItem('Format failed');
  // R1's outputs here all follow the template: nothing fails the format
  await tree.waitForMessage(/has reflection, format failed → 0 shown/);
  await eventually(async () => (await tree.topLabels()).length === 0, { what: 'an empty tree' });
  await vs.runCommand('Reasoning Lab: Clear Sample Filters');
  await vs.runCommand('Reasoning Lab: Filter Samples');
  await vs.chooseQuickPickItem('Language mixed');
  await tree.waitForMessage(/filter: language mixed → \d+ shown/);
  await shot('language-mixed');
}, { settings: { 'workbench.colorTheme': 'Default Light Modern' } });
