// The panel is more than numbers: rows expand into their evidence, highlights jump to the editor, and
// each highlight kind can be hidden.
import assert from 'node:assert/strict';
import { eventually, scoreFile, test } from './harness.mjs';

test('clicking a component row expands its items', async ({ vs, panel, shot }) => {
  await scoreFile({ vs, panel }, 'completions/zh-mixed-language.md');
  const row = panel.row('language');
  assert.notEqual(await row.getAttribute('aria-expanded'), 'true', 'collapsed at first');
  await row.click();
  await eventually(async () => (await row.getAttribute('aria-expanded')) === 'true', { what: 'aria-expanded="true"' });
  const items = panel.items('language');
  await items.waitFor({ state: 'visible', timeout: 5000 });
  const words = await items.locator('li').allTextContents();
  assert.ok(words.length > 0, 'off-language items are listed');
  await shot('expanded');
  assert.ok(words.some((w) => /[A-Za-z]/.test(w)), `the items name English words: ${words.slice(0, 5)}`);
  await row.click();
  await eventually(async () => (await row.getAttribute('aria-expanded')) !== 'true', { what: 'the row to collapse again' });
  assert.equal(await items.isVisible(), false, 'items hidden again');
});

test('clicking an extracted answer selects it in the editor', async ({ vs, panel, ws }) => {
  await scoreFile({ vs, panel }, 'completions/en-well-formed.md');
  const mark = panel.marks('extracted').first();
  await mark.waitFor({ timeout: 10000 });
  const text = (await mark.textContent()) ?? '';
  assert.match(text, /72/);
  await mark.click();
  // The status bar reads "Ln 15, Col 54 (2 selected)": the selection is as long as the mark, on its line.
  const status = await vs.waitForSelectionStatus(new RegExp(`\\(${text.length} selected\\)`));
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(`${ws}/completions/en-well-formed.md`, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('\\boxed{72}')) + 1;
  assert.match(status, new RegExp(`Ln ${line},`), `selection on line ${line}: ${status}`);
});

test('highlight toggles hide and show one kind of mark', async ({ vs, panel, shot }) => {
  await scoreFile({ vs, panel }, 'completions/en-well-formed.md');
  const kind = 'think';
  await panel.marks(kind).first().waitFor({ timeout: 10000 });
  const before = await panel.highlightedMarkCount(kind);
  assert.ok(before > 0, 'think spans are highlighted');
  const answerBefore = await panel.highlightedMarkCount('answer');
  const toggle = panel.toggle(kind);
  assert.equal(await toggle.isChecked(), true, 'every kind starts shown');
  await toggle.click();
  await eventually(async () => (await panel.highlightedMarkCount(kind)) === 0, { what: `${kind} highlights to disappear` });
  assert.equal(await panel.highlightedMarkCount('answer'), answerBefore, 'other kinds stay');
  assert.match(await panel.text('#completion'), /Step 1/, 'the text stays readable');
  await shot('think-hidden');
  await toggle.click();
  await eventually(async () => (await panel.highlightedMarkCount(kind)) === before, { what: `${kind} highlights to come back` });
});
