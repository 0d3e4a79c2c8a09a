// Solve-in-editor: Open Problem… writes a built-in problem's starter file, the person writes a wrong and
// then a right solution, and Run Tests (its CodeLens, then the palette) gives the verdict inline.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, test } from './harness.mjs';

test('solve in editor: a wrong then a right solution, verdicts inline', async ({ vs, ws, page, shot }) => {
  await vs.runCommand('Reasoning Lab: Open Problem…');
  await vs.page.locator('.quick-input-widget .quick-input-box input').fill('The Missing Number');
  await vs.chooseQuickPickItem('The Missing Number');
  await vs.chooseQuickPickItem('Python');
  const file = path.join(ws, 'solutions', 'missing-number.py');
  // the file is created, then written: wait for its content, not only for it to exist
  const starter = await eventually(() => existsSync(file) && readFileSync(file, 'utf8'), { what: 'solutions/missing-number.py to be written' });
  assert.match(starter, /^# Reasoning Lab problem: missing-number/);
  assert.match(starter, /\ndef missing_number\(nums\):\n {4}pass\n/);
  await vs.page.locator('.tabs-container .tab.active[aria-label^="missing-number.py"]').waitFor({ timeout: 15000 });
  vs.currentFile = 'missing-number.py';

  // a wrong answer, tested from the CodeLens above the function
  await vs.replaceText('    pass', '    return 0');
  const runLens = vs.codeLenses().filter({ hasText: 'Run Tests' }).first();
  await runLens.click();
  const failed = await eventually(async () => {
    const texts = await vs.codeLenses().allTextContents();
    return texts.find((t) => /Failed/.test(t));
  }, { timeout: 60000, what: 'a Failed CodeLens' });
  assert.match(failed, /test case \d+: expected \d+, got 0/);
  // the failure is also a diagnostic on the function's line
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 15000 });
  await shot('wrong');

  // the right answer, tested from the palette
  await vs.replaceText('return 0', 'return len(nums) * (len(nums) + 1) // 2 - sum(nums)');
  await vs.runCommand('Reasoning Lab: Run Tests');
  const passed = await eventually(async () => (await vs.codeLenses().allTextContents()).find((t) => /Passed/.test(t)), { timeout: 60000, what: 'a Passed CodeLens' });
  assert.match(passed, /all \d+ test cases passed/);
  await eventually(async () => (await page.locator('.monaco-editor .squiggly-error').count()) === 0, { what: 'the diagnostic to go away' });
  assert.match(readFileSync(file, 'utf8'), /return len\(nums\)/, 'Run Tests saved the file');
  await shot('right');
}, { timeoutMs: 180000 });
