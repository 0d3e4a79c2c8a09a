// Models in the editor: Score File with a local ONNX reward model (the tiny BERT RM of examples/models),
// the rm row with its logit and truncation, the status bar's execution provider, and a bad model folder.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, scoreFile, test } from './harness.mjs';
import { ModelsSection, rmStatusItem, rmStatusText } from './models-panels.mjs';

test('models: Score File with the tiny reward model shows the rm logit, the truncation and RM: CPU (light)', async ({ vs, panel, shot }) => {
  // the status bar item appears for a configured model before anything is scored, with the provider in use
  await eventually(async () => /RM: CPU/.test(await rmStatusText(vs)), { timeout: 60000, what: 'the status bar to show RM: CPU' });
  await scoreFile({ vs, panel }, 'completions/en-well-formed.md');
  const models = new ModelsSection(panel);
  await models.waitFor('#rm-logit');
  await models.waitForIdle();
  const names = await panel.componentNames();
  assert.ok(names.includes('rm'), `the rm component joins the r1 spec (${names})`);
  const value = Number(await panel.value('rm'));
  assert.ok(value > 0 && value < 1, `rm value is sigmoid(logit) in (0, 1): ${value}`);
  assert.match(await panel.detail('rm'), /logit -?\d+\.\d{4}.*tiny-bert-rm on cpu.*cut from \d+ to 32 tokens/);
  const logit = Number(await models.text('#rm-logit'));
  assert.ok(Math.abs(1 / (1 + Math.exp(-logit)) - value) < 0.006, `value ${value} = sigmoid(${logit})`);
  assert.match(await models.text('#rm-truncation'), /cut from \d+ to 32 tokens/);
  assert.match(await models.text('#rm-tokens'), /^32 of 32$/);
  assert.match(await panel.total(), /^\d\.\d\d$/);
  assert.match(await panel.totalRange(), /of 4\.00/, 'r1 (3) + rm (1)');
  // the status bar tooltip names the providers tried before CPU and why each failed
  await rmStatusItem(vs).hover();
  const hover = vs.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /Runs on/ }).first();
  await hover.waitFor({ timeout: 10000 });
  assert.match((await hover.textContent()) ?? '', /tiny-bert-rm[\s\S]*Runs on cpu[\s\S]*(cuda|webgpu)/i);
  await shot('rm-light');
  // clicking the item offers to force a provider
  await rmStatusItem(vs).click();
  await vs.chooseQuickPickItem('Show Model Log');
}, { settings: { 'workbench.colorTheme': 'Default Light Modern', 'reasoningLab.rewardModel.path': 'models/tiny-bert-rm', 'reasoningLab.rewardModel.maxLength': 32, 'reasoningLab.score.askForReference': false } });

test('models: a folder that is not a reward model gives a clear error in the breakdown and the status bar (dark)', async ({ vs, panel, shot }) => {
  await scoreFile({ vs, panel }, 'completions/en-well-formed.md');
  const models = new ModelsSection(panel);
  await models.waitFor('#rm-error');
  assert.match(await models.text('#rm-error'), /not-a-model.*no model\.onnx.*expected/i);
  assert.equal(await panel.value('rm'), 'n/a');
  assert.match(await panel.detail('rm'), /reward model: .*no model\.onnx/);
  // the rule rewards are still there
  assert.equal(await panel.value('accuracy'), '1.00');
  await eventually(async () => /^RM$/.test(await rmStatusText(vs)), { what: 'the status bar to show the failed RM' });
  await shot('bad-model-dark');
}, {
  settings: { 'workbench.colorTheme': 'Default Dark Modern', 'reasoningLab.rewardModel.path': 'models/not-a-model' },
  prepare: (ws) => {
    mkdirSync(path.join(ws, 'models', 'not-a-model'), { recursive: true });
    writeFileSync(path.join(ws, 'models', 'not-a-model', 'config.json'), '{"architectures": ["BertForSequenceClassification"]}');
  },
});
