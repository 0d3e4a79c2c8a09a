// Reward specs: a broken workspace spec is reported with file, line and field; a valid one can be chosen
// from the palette and the panel shows it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, scoreFile, test } from './harness.mjs';

const SPEC = '.reasoning-lab/rewards.json';

/** Makes format's weight a string; returns the 1-based line it is on. */
function breakSpec(ws) {
  const file = path.join(ws, SPEC);
  const text = readFileSync(file, 'utf8').replace(/("format":\s*\{\s*"weight":\s*)[^,}]+/, '$1"heavy"');
  assert.match(text, /"weight": "heavy"/);
  writeFileSync(file, text);
  return text.split('\n').findIndex((l) => l.includes('"heavy"')) + 1;
}

let brokenLine = 0;
test('an invalid workspace spec is reported with file, line and field', async ({ vs, panel }) => {
  await vs.openFile('completions/en-well-formed.md');
  await vs.runCommand('Reasoning Lab: Score File');
  const message = await vs.waitForNotification(/rewards\.json/);
  assert.match(message, new RegExp(`\\b${brokenLine}\\b`), `names line ${brokenLine}: ${message}`);
  assert.match(message, /components\.format\.weight|\/components\/format\/weight/, `names the field: ${message}`);
}, {
  settings: { 'reasoningLab.rewards.spec': SPEC },
  prepare: (ws) => { brokenLine = breakSpec(ws); },
});

test('choosing the workspace spec from the palette re-scores with it', async ({ vs, panel }) => {
  await scoreFile({ vs, panel }, 'completions/en-repetitive.md');
  assert.match(await panel.specName(), /\br1\b/);
  await vs.runCommand('Reasoning Lab: Choose Reward Preset or Spec');
  await vs.chooseQuickPickItem('rewards.json');
  await eventually(async () => /rewards\.json/.test(await panel.specName()), { what: '#spec-name to name rewards.json', timeout: 20000 });
  // The workspace spec adds a repetition penalty the r1 preset does not have.
  await eventually(async () => (await panel.componentNames()).includes('repetition'), { what: 'a repetition row' });
});
