// Trace Stepper: open a sample from the tree, step with the keyboard, jump to a reflection.
import assert from 'node:assert/strict';
import { eventually, test } from './harness.mjs';
import { StepperPanel, TraceTree } from './trace-explorer.mjs';

async function openStepper(vs, id, groupText) {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/r1-misguided-attention.jsonl');
  await tree.expand(groupText);
  const stepper = new StepperPanel(vs);
  await tree.openSample(id, stepper);
  return stepper;
}

for (const theme of ['Default Dark Modern', 'Default Light Modern']) {
  test(`Trace Stepper: step with the keyboard and jump to a reflection (${theme.includes('Light') ? 'light' : 'dark'})`, async ({ vs, shot }) => {
    const stepper = await openStepper(vs, 'jugs_3_liters#0', 'I have a 1- and a 2-liter jug');
    const count = Number(await stepper.text('#step-count'));
    assert.ok(count > 5, `the trace has steps (${count})`);
    assert.equal(await stepper.currentStep(), `Step 1 of ${count}`);
    assert.match(await stepper.text('#shortcuts'), /next step.*previous.*next reflection/, 'the shortcuts are listed');
    // the tree and the length bar are drawn
    assert.ok((await stepper.$('#tree svg path.branch').count()) >= 1, 'the reasoning path tree is drawn');
    assert.ok((await stepper.$('#length-bar rect.seg').count()) >= 1, 'the length bar is drawn');

    await stepper.focus();
    await vs.page.keyboard.press('j');
    await eventually(async () => (await stepper.currentStep()) === `Step 2 of ${count}`, { what: 'step 2' });
    await vs.page.keyboard.press('ArrowDown');
    await eventually(async () => (await stepper.currentStep()) === `Step 3 of ${count}`, { what: 'step 3' });
    await vs.page.keyboard.press('k');
    await eventually(async () => (await stepper.currentStep()) === `Step 2 of ${count}`, { what: 'back to step 2' });
    // the current step is marked in the full text and in the list
    const marked = await stepper.text('#current-text');
    assert.ok(marked.length > 0, 'the current step is highlighted in the text');
    assert.equal(await stepper.$('#step-list .step.current .step-no').textContent(), '2');

    await vs.page.keyboard.press('r');
    await eventually(async () => /reflection|backtrack/.test(await stepper.currentKind()), { what: 'a reflection step' });
    const at = await stepper.currentStep();
    assert.notEqual(at, `Step 2 of ${count}`);
    await shot('reflection');
  }, { settings: { 'workbench.colorTheme': theme } });
}

test('Trace Stepper: a trace with backtracks draws abandoned branches', async ({ vs, shot }) => {
  const stepper = await openStepper(vs, 'rope_burning_impossible#0', 'You have two ropes');
  const summary = await stepper.text('#tree-summary');
  const m = /(\d+) attempts?, (\d+) abandoned/.exec(summary);
  assert.ok(m, summary);
  assert.ok(Number(m[2]) >= 1, `at least one abandoned branch: ${summary}`);
  assert.ok((await stepper.$('#tree path.branch.abandoned').count()) >= 1, 'abandoned branches are drawn dashed');
  await shot('tree');
});
