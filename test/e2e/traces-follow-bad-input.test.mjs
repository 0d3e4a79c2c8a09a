// Follow mode on a file a "training run" is still writing; malformed lines; HTML in a completion.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, test } from './harness.mjs';
import { StepperPanel, TraceTree, TrainingStepsPanel } from './trace-explorer.mjs';

// verl-style records made from the real Game-of-24 samples of examples/rollouts (text and 0/1 reward
// as in the log); the `step` numbers are ours, to stand for training steps.
function stepRecords(ws, step, count, offset) {
  const src = readFileSync(path.join(ws, 'rollouts', 'game24-gpt4-cot.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return src.slice(offset, offset + count).map((r, i) => JSON.stringify({ id: `s${step}-${i}`, prompt_id: r.prompt_id, prompt: r.prompt, completion: `<think>\n${r.completion.repeat(step)}\n</think>\n${r.completion.split('\n').pop()}`, reward: r.reward, step }) + '\n').join('');
}

test('Follow: records appended to a rollout file appear, with the training-step curve', async ({ vs, ws, shot }) => {
  const file = path.join(ws, 'rollouts', 'live.jsonl');
  const tree = new TraceTree(vs);
  await tree.open('rollouts/live.jsonl');
  assert.match(await tree.message(), /live\.jsonl: 8 samples/);
  await vs.runCommand('Reasoning Lab: Follow Trace File');
  const chart = new TrainingStepsPanel(vs);
  await chart.waitForOpen();
  await eventually(async () => (await chart.text('#step-points')) === '1', { what: 'one training step' });
  appendFileSync(file, stepRecords(ws, 2, 8, 8));
  await tree.waitForMessage(/live\.jsonl: 16 samples/);
  appendFileSync(file, stepRecords(ws, 3, 8, 16));
  await tree.waitForMessage(/live\.jsonl: 24 samples/);
  await eventually(async () => (await chart.text('#step-points')) === '3', { what: 'three training steps in the chart' });
  assert.equal(await chart.text('#follow-state'), 'following');
  assert.equal(await chart.$('#chart circle.dot.cot').count(), 3);
  // mean CoT length grows with the step (each step repeats the reasoning once more)
  const cots = await chart.$('#points tbody tr td:nth-child(4)').allTextContents();
  assert.ok(Number(cots[0]) < Number(cots[1]) && Number(cots[1]) < Number(cots[2]), `CoT grows: ${cots}`);
  await shot('following');
  await vs.runCommand('Reasoning Lab: Stop Following Trace File');
  await vs.waitForNotification(/Stopped following live\.jsonl: 24 samples read/);
  await eventually(async () => (await chart.text('#follow-state')) === 'not following', { what: 'following to stop' });
}, { prepare: (ws) => writeFileSync(path.join(ws, 'rollouts', 'live.jsonl'), stepRecords(ws, 1, 8, 0)) });

const HOSTILE = [
  JSON.stringify({ id: 'html-1', prompt: 'Render <b>this</b>?', completion: '<think>\nThe user wrote <img src=x onerror=alert(1)> and <script>alert(2)</script>.\n\nWait, that is HTML; show it as text.\n</think>\nThe answer is \\boxed{4}. <b>bold?</b>', answer: '4' }),
  '{"id": "broken", "prompt": "cut off", "completion": "<think>never',
  JSON.stringify({ id: 'fine', prompt: 'What is 2 + 2?', completion: '<think>\n2 + 2 = 4.\n</think>\nThe answer is \\boxed{4}.', answer: '4' }),
].join('\n') + '\n';

test('A malformed line is listed and opens at its line; HTML in a completion is shown as text', async ({ vs, dialogs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/hostile.jsonl');
  assert.match(await tree.message(), /2 samples/);
  await vs.waitForNotification(/1 malformed line skipped/);
  await tree.expand('Malformed (1)');
  const line = tree.row('line 2');
  await line.waitFor({ timeout: 10000 });
  assert.match((await line.textContent()) ?? '', /line 2/);
  await line.click();
  await vs.page.locator('.tabs-container .tab.active[aria-label^="hostile.jsonl"]').waitFor({ timeout: 15000 });
  await vs.waitForSelectionStatus(/Ln 2, Col 1/);

  await tree.expand('Render <b>this</b>?');
  const stepper = new StepperPanel(vs);
  await tree.openSample('html-1', stepper);
  const text = await stepper.text('#text');
  assert.ok(text.includes('<img src=x onerror=alert(1)>'), 'the img tag is visible as text');
  assert.ok(text.includes('<script>alert(2)</script>'), 'the script tag is visible as text');
  assert.equal(await stepper.$('#text img, #text script, #text b').count(), 0, 'no element was made from the text');
  assert.equal(await stepper.$('img[src="x"]').count(), 0);
  await stepper.$('#prompt summary').click();
  assert.equal(await stepper.text('.prompt-text'), 'Render <b>this</b>?');
  assert.deepEqual(dialogs, [], 'no alert ran');
  await shot('html-as-text');
}, { prepare: (ws) => writeFileSync(path.join(ws, 'rollouts', 'hostile.jsonl'), HOSTILE) });

// One real R1 trace (rope_burning_impossible#0, 46 KB of reasoning) repeated to a ~4.6 MB record.
test('A single huge record opens in the stepper without putting it all in the page', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/huge.jsonl');
  await tree.expand('You have two ropes');
  const stepper = new StepperPanel(vs);
  await tree.openSample('huge#0', stepper);
  const steps = Number(await stepper.text('#step-count'));
  assert.ok(steps > 10000, `many steps (${steps})`);
  const shown = await stepper.$('#text').evaluate((e) => e.textContent.length);
  assert.ok(shown < 100000, `the text pane holds a window (${shown} characters), not the 4.6 MB record`);
  const rows = await stepper.$('#step-list .vlist-row').count();
  assert.ok(rows < 100, `the step list renders only the rows in view (${rows})`);
  await stepper.focus();
  await vs.page.keyboard.press('End');
  await eventually(async () => (await stepper.currentStep()) === `Step ${steps} of ${steps}`, { what: 'the last step' });
  await shot('huge');
}, {
  prepare: (ws) => {
    const src = readFileSync(path.join(ws, 'rollouts', 'r1-misguided-attention.jsonl'), 'utf8').split('\n').map((l) => l && JSON.parse(l)).find((r) => r && r.id === 'rope_burning_impossible#0');
    const [think, answer] = src.completion.split('</think>');
    const body = think.replace('<think>\n', '');
    writeFileSync(path.join(ws, 'rollouts', 'huge.jsonl'), JSON.stringify({ id: 'huge#0', prompt: src.prompt, completion: `<think>\n${body.repeat(100)}</think>${answer}` }) + '\n');
  },
});
