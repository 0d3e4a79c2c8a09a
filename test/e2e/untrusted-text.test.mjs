// Completion text is model output: the panel must show HTML in it as text, never render or run it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scoreFile, test } from './harness.mjs';

const HOSTILE = `---
answer: 4
language: en
---
<think>
The user wrote <img src=x onerror=alert(1)> and <script>alert(2)</script> in the prompt; 2 + 2 = 4.
</think>
The answer is \\boxed{4}. <b>bold?</b>
`;

test('HTML in a completion is shown as text, not rendered', async ({ vs, panel, dialogs }) => {
  await scoreFile({ vs, panel }, 'completions/hostile.md');
  const completion = panel.$('#completion');
  const text = (await completion.textContent()) ?? '';
  assert.ok(text.includes('<img src=x onerror=alert(1)>'), 'the img tag is visible as text');
  assert.ok(text.includes('<script>alert(2)</script>'), 'the script tag is visible as text');
  assert.equal(await completion.locator('img').count(), 0, 'no img element');
  assert.equal(await completion.locator('script').count(), 0, 'no script element');
  assert.equal(await completion.locator('b').count(), 0, 'no b element');
  assert.equal(await panel.$('img[src="x"]').count(), 0, 'no injected img anywhere in the panel');
  assert.deepEqual(dialogs, [], 'no alert ran');
}, { prepare: (ws) => writeFileSync(path.join(ws, 'completions', 'hostile.md'), HOSTILE) });
