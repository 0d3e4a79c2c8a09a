// Score Selection scores only the selected text; with nothing selected it says so.
import assert from 'node:assert/strict';
import { test } from './harness.mjs';

test('score selection scores the selected region', async ({ vs, panel }) => {
  await vs.openFile('completions/en-well-formed.md');
  // Select from <think> to the end of the file: the completion without its front matter.
  await vs.goToLine(6);
  await vs.page.keyboard.press('Home');
  await vs.page.keyboard.press('Control+Shift+End');
  await vs.waitForSelectionStatus(/selected/);
  await vs.runCommand('Reasoning Lab: Score Selection');
  await panel.waitForScore();
  const shown = await panel.text('#completion');
  assert.match(shown, /^<think>/, 'the panel shows the selection');
  assert.doesNotMatch(shown, /prompt:/, 'and not the front matter');
  assert.equal(await panel.value('format'), '1.00');
  assert.ok((await panel.componentNames()).includes('accuracy'));
}, { settings: { 'reasoningLab.score.askForReference': false } });

test('score selection with an empty selection says the selection is empty', async ({ vs, panel }) => {
  await vs.openFile('completions/en-well-formed.md');
  await vs.page.keyboard.press('Control+Home');
  await vs.runCommand('Reasoning Lab: Score Selection');
  const message = await vs.waitForNotification(/selection is empty/i);
  assert.match(message, /selection is empty/i);
});
