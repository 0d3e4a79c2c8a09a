// Score File on the demo completions: the Reward Breakdown panel shows the total, the spec and one row
// per component, with the reason for every value.
import assert from 'node:assert/strict';
import { asNumber, eventually, scoreFile, test } from './harness.mjs';

test('breakdown panel without a score shows the empty state', async ({ vs, panel }) => {
  await vs.runCommand('Reasoning Lab: Show Reward Breakdown');
  await panel.$('#empty').waitFor({ state: 'visible', timeout: 30000 });
  assert.equal(await panel.$('table#components tr.component').count(), 0, 'no component rows before anything is scored');
  assert.equal(await panel.error().isVisible(), false, 'no error banner');
});

test('score file: well-formed correct answer gets 3.00 of 3.00 with r1', async ({ vs, panel }) => {
  await scoreFile({ vs, panel }, 'completions/en-well-formed.md');
  assert.equal(await panel.total(), '3.00');
  assert.match(await panel.totalRange(), /of 3\.00/);
  assert.match(await panel.specName(), /\br1\b/);
  assert.match(await panel.docLabel(), /en-well-formed\.md/);
  const names = await panel.componentNames();
  for (const name of ['accuracy', 'format', 'language']) {
    assert.ok(names.includes(name), `row ${name} in ${names}`);
    assert.equal(await panel.value(name), '1.00', `${name}: ${await panel.detail(name)}`);
    assert.ok((await panel.detail(name)).length > 0, `${name} explains its value`);
    assert.equal(await panel.row(name).locator('.bar').count(), 1, `${name} has a bar`);
  }
  assert.equal(await panel.error().isVisible(), false, 'no error banner');
  assert.equal(await panel.$('#empty').isVisible(), false, 'empty state hidden');
  assert.match(await panel.text('#completion'), /\\boxed\{72\}/);
});

test('score file: wrong answer gets accuracy 0 and names the extracted 96', async ({ vs, panel }) => {
  await scoreFile({ vs, panel }, 'completions/en-wrong-answer.md');
  assert.equal(await panel.value('accuracy'), '0.00');
  assert.match(await panel.detail('accuracy'), /96/);
  assert.equal(await panel.contribution('accuracy'), '0.00');
  assert.equal(await panel.value('format'), '1.00');
  assert.equal(await panel.total(), '2.00');
});

test('score file: unclosed think gets format 0 and mentions the closing tag', async ({ vs, panel }) => {
  await scoreFile({ vs, panel }, 'completions/en-unclosed-think.md');
  assert.equal(await panel.value('format'), '0.00');
  assert.match(await panel.detail('format'), /<\/think>|clos/i);
  assert.ok(asNumber(await panel.total()) < 3, 'total below the maximum');
});

test('score file: Chinese prompt with an English chain of thought loses language points', async ({ vs, panel }) => {
  await scoreFile({ vs, panel }, 'completions/zh-mixed-language.md');
  const language = asNumber(await panel.value('language'));
  assert.ok(language !== null && language < 1, `language ${language} < 1 (${await panel.detail('language')})`);
  assert.equal(await panel.value('accuracy'), '1.00', 'the answer 18 is still right');
  const marks = await eventually(async () => panel.marks('off-language').count(), { what: 'off-language marks' });
  assert.ok(marks > 0, 'off-language spans are highlighted');
});

// The panel draws with the theme's own colours: checked in a light and a dark theme (screenshots of both).
for (const [kind, theme, isLight] of [
  ['light', 'Default Light Modern', true],
  ['dark', 'Default Dark Modern', false],
]) {
  test(`score file: the panel follows a ${kind} theme`, async ({ vs, panel }) => {
    await scoreFile({ vs, panel }, 'completions/zh-mixed-language.md');
    const bodyClass = await panel.$('body').getAttribute('class');
    assert.match(bodyClass ?? '', new RegExp(`vscode-${kind}`), `the webview body carries the ${kind} theme class`);
    const bg = await panel.$('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(isLight ? r + g + b > 600 : r + g + b < 200, `${kind} background, got ${bg}`);
  }, { settings: { 'workbench.colorTheme': theme } });
}
