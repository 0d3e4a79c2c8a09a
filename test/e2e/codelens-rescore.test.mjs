// A scored file gets a CodeLens with its total; editing the file scores it again and the panel follows.
import assert from 'node:assert/strict';
import { eventually, scoreFile, test } from './harness.mjs';

test('codelens shows the total and opens the breakdown', async ({ vs, panel }) => {
  await scoreFile({ vs, panel }, 'completions/en-well-formed.md');
  const lens = vs.codeLenses().filter({ hasText: /Reward \d/ });
  await lens.first().waitFor({ timeout: 20000 });
  const text = await vs.codeLensText(lens.first());
  assert.match(text, /^Reward 3\.00/);
  assert.match(text, /3\.00 \/ 3\.00/);
  assert.match(text, /r1/);
  await vs.closeTab('Reward Breakdown');
  await lens.first().click();
  await panel.waitForScore();
  assert.equal(await panel.total(), '3.00');
});

test('editing a scored document re-scores it and updates the panel', async ({ vs, panel }) => {
  await scoreFile({ vs, panel }, 'completions/en-well-formed.md');
  assert.equal(await panel.total(), '3.00');
  await vs.replaceText('\\boxed{72}', '\\boxed{71}');
  // typed a key at a time, so every half-typed state is scored too: wait for the last one, not the first 0.00
  await eventually(async () => /71/.test(await panel.detail('accuracy')), { what: 'the accuracy detail to read the edited answer 71' });
  await panel.waitForValue('accuracy', (v) => v === '0.00');
  await eventually(async () => (await panel.total()) === '2.00', { what: 'total 2.00 after the edit' });
  const lens = vs.codeLenses().filter({ hasText: /Reward \d/ }).first();
  await eventually(async () => /^Reward 2\.00/.test(await vs.codeLensText(lens)), { what: 'the CodeLens to show 2.00' });
});
