// askForReference: a text that names its reference answer is scored without questions; one that does not
// gets an input box, and the answer typed there is what accuracy compares with.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scoreFile, test } from './harness.mjs';

const NO_REFERENCE = `<think>
Six times seven: 6 * 7 = 42. Let me check: 7 + 7 + 7 + 7 + 7 + 7 = 42.
</think>
The answer is \\boxed{42}.
`;
const addNoReference = (ws) => writeFileSync(path.join(ws, 'completions', 'no-reference.md'), NO_REFERENCE);

test('a reference in comment lines needs no prompt', async ({ vs, panel }) => {
  await scoreFile({ vs, panel }, 'completions/answer-in-comment.txt');
  assert.equal(await vs.isInputBoxVisible(), false, 'no input box');
  assert.notEqual(await panel.value('accuracy'), 'n/a', await panel.detail('accuracy'));
  assert.equal(await panel.value('accuracy'), '1.00', `3/4 matches \\frac{3}{4}: ${await panel.detail('accuracy')}`);
}, { settings: { 'reasoningLab.score.askForReference': true } });

test('a file without a reference asks for one and uses the answer', async ({ vs, panel }) => {
  await vs.openFile('completions/no-reference.md');
  await vs.runCommand('Reasoning Lab: Score File');
  await vs.answerInputBox('42');
  await panel.waitForScore();
  assert.equal(await panel.value('accuracy'), '1.00', await panel.detail('accuracy'));
}, { settings: { 'reasoningLab.score.askForReference': true }, prepare: addNoReference });

test('escaping the reference prompt leaves accuracy n/a', async ({ vs, panel }) => {
  await vs.openFile('completions/no-reference.md');
  await vs.runCommand('Reasoning Lab: Score File');
  await vs.answerInputBox(null);
  await panel.waitForScore();
  assert.equal(await panel.value('accuracy'), 'n/a', await panel.detail('accuracy'));
}, { settings: { 'reasoningLab.score.askForReference': true }, prepare: addNoReference });

// A plain-text answer: the reference typed in the box is a place name, the answer a sentence that ends
// with a year. The breakdown says which rule matched and marks the phrase in the completion.
const PLAIN_TEXT = `<think>
Sydney is the largest city, but the capital was purpose-built: it is Canberra.
</think>
The capital of Australia is Canberra, which has been the capital since 1913.
`;

test('a plain-text reference is found as a phrase, and the breakdown names that rule', async ({ vs, panel, shot }) => {
  await vs.openFile('completions/plain-text.md');
  await vs.runCommand('Reasoning Lab: Score File');
  await vs.answerInputBox('Canberra');
  await panel.waitForScore();
  const detail = await panel.detail('accuracy');
  assert.equal(await panel.value('accuracy'), '1.00', detail);
  assert.match(detail, /the reference phrase, in the answer part/);
  assert.match(detail, /→ match \(phrase\)/);
  const mark = panel.marks('extracted').first();
  await mark.waitFor({ timeout: 10000 });
  assert.equal((await mark.textContent())?.trim(), 'Canberra', 'the phrase is marked, not the year 1913');
  await shot('plain-text-reference');
}, { settings: { 'reasoningLab.score.askForReference': true }, prepare: (ws) => writeFileSync(path.join(ws, 'completions', 'plain-text.md'), PLAIN_TEXT) });
