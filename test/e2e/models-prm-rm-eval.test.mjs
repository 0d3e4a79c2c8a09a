// Models in the editor: process reward model scores in the Trace Stepper (PRM800K steps with real
// human labels, scored by the tiny PRM of examples/models), and Evaluate Reward Model on HH-RLHF pairs.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, test } from './harness.mjs';
import { RmEvalPanel } from './models-panels.mjs';
import { StepperPanel, TraceTree } from './trace-explorer.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('models: PRM per-step scores in the Trace Stepper, lowest step found (light)', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  // typed, as a person would in a long list (the model folders' JSON files are listed too)
  await vs.runCommand('Reasoning Lab: Open Trace File');
  await (await vs.waitForInputBox()).fill('prm800k');
  await vs.chooseQuickPickItem('rollouts/prm800k-steps.jsonl');
  await tree.waitForMessage(/samples? in \d+ groups?/);
  await tree.expand('Three pencils and a jumbo eraser');
  const stepper = new StepperPanel(vs);
  await tree.openSample('pencils-bad-step', stepper);
  await eventually(async () => /below 0\.5/.test(await stepper.text('#prm-summary').catch(() => '')), { timeout: 60000, what: 'the PRM scores' });
  assert.match(await stepper.text('#prm-summary'), /1 below 0\.5/);
  // the summary and the status line are painted by separate messages: wait for the status too
  await eventually(async () => /tiny-prm on cpu/.test(await stepper.text('#prm-status').catch(() => '')), { what: 'the PRM status line' });
  // step 1 is good (the human label), step 2 is the bad one
  assert.ok(Number(await stepper.text('#step-score')) > 0.9, 'step 1 scored high');
  await stepper.$('#prm-first-low').click();
  await eventually(async () => (await stepper.currentStep()) === 'Step 2 of 2', { what: 'the jump to step 2' });
  assert.ok(Number(await stepper.text('#step-score')) < 0.1, 'step 2 scored low');
  assert.equal(await stepper.$('#step-list .step-score-chip.low').count(), 1, 'the low step is marked in the list');
  assert.equal(await stepper.$('#prm-strip rect.cell').count(), 2);
  await shot('prm-light');
  // the other sample of the group: every step good, the scores come (from the cache or the worker) again
  await tree.openSample('pencils-good', stepper);
  await eventually(async () => /0 below 0\.5/.test(await stepper.text('#prm-summary').catch(() => '')), { timeout: 30000, what: 'the second sample\u2019s PRM scores' });
  assert.equal(await stepper.$('#prm-first-low').isDisabled(), true);
}, {
  settings: { 'workbench.colorTheme': 'Default Light Modern', 'reasoningLab.prm.path': 'models/tiny-prm' },
  prepare: (ws) => {
    // PRM800K-like traces: the tiny PRM's reference paths (real PRM800K steps and their human labels)
    const ref = JSON.parse(readFileSync(path.join(ws, 'models', 'tiny-prm', 'reference.json'), 'utf8'));
    const ids = ['pencils-bad-step', 'pencils-good', 'third'];
    const lines = ref.traces.map((t, i) => JSON.stringify({ id: ids[i] ?? `trace-${i}`, prompt: t.prompt, completion: t.steps.join('\n\n') }));
    writeFileSync(path.join(ws, 'rollouts', 'prm800k-steps.jsonl'), lines.join('\n') + '\n');
  },
});

test('models: Evaluate Reward Model on HH-RLHF pairs lists accuracy and the wrong pairs (dark)', async ({ vs, shot }) => {
  await vs.runCommand('Reasoning Lab: Evaluate Reward Model');
  await vs.chooseQuickPickItem('hh-rlhf-harmless.jsonl');
  await vs.chooseQuickPickItem('tiny-gpt2-rm');
  const panel = new RmEvalPanel(vs);
  await panel.waitForDone();
  assert.equal(await panel.text('#pair-count'), '20');
  const accuracy = Number((await panel.text('#accuracy')).replace('%', ''));
  const wrong = Number(await panel.text('#wrong-count'));
  assert.ok(Math.abs(accuracy - ((20 - wrong) / 20) * 100) < 0.06, `accuracy ${accuracy}% = (20 − ${wrong}) / 20`);
  assert.ok(wrong > 0, 'the tiny model gets some pairs wrong');
  assert.equal(await panel.$('#histogram rect.bin').count(), 20);
  await eventually(async () => (await panel.wrongRows().count()) === Math.min(wrong, 16) || (await panel.wrongRows().count()) === wrong, { what: 'the wrong pairs listed' });
  await panel.wrongRows().first().click();
  await panel.$('#detail-title').waitFor({ timeout: 10000 });
  assert.match(await panel.text('#detail-title'), /^Line \d+/);
  assert.match(await panel.text('#detail-margin'), /margin -|margin 0/);
  assert.ok((await panel.$('.answer.chosen pre').count()) >= 1 && (await panel.$('.answer.rejected pre').count()) >= 1, 'both answers are shown');
  assert.match(await panel.text('.answer.chosen pre'), /Assistant|[a-z]/);
  await shot('rm-eval-dark');
}, {
  settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  prepare: (ws) => {
    mkdirSync(path.join(ws, 'pairs'), { recursive: true });
    copyFileSync(path.join(ROOT, 'test', 'fixtures', 'hh_rlhf_harmless_test_20.jsonl'), path.join(ws, 'pairs', 'hh-rlhf-harmless.jsonl'));
  },
  timeoutMs: 150000,
});
