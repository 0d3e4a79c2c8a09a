// The Reward Breakdown shows a reward function's error with its control characters as visible text
// (\x1b, \x07 …), exactly as the CLI prints it (one helper for both), never as boxes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalSafe } from '../../src/cli/common';
import type { BreakdownView } from '../../src/contracts/breakdown';
import { PRESETS, scoreRecord } from '../../src/core/rewards';
import { withVisibleControlChars } from '../../src/vscode/rewards/breakdownText';

test("a reward function's error message, traceback and output: control characters shown as \\xNN, as the CLI does; the completion untouched", () => {
  const completion = '<think>\nkeep \u0007 this\n</think>\n\n42';
  const score = scoreRecord({ id: 'r', prompt: 'p', completion }, PRESETS.r1);
  const message = 'ValueError: bad \u001b[31mred\u001b[0m\u0007 value\r';
  score.components.mine = {
    value: null,
    detail: `error: ${message}`,
    weight: 1,
    contribution: 0,
    range: [0, 1],
    error: { kind: 'exception', message, traceback: 'Traceback (most recent call last):\n  File "r.py", line 3\n\u001b]0;title\u0007' },
    output: 'printed \u001b[2J\tthen\n',
  };
  const view: BreakdownView = { score, document: { label: 'a.md', uri: 'file:///a.md', version: 1 }, completion, fromSelection: false, answerSource: 'none', scoredAt: '2026-01-01T00:00:00.000Z' };
  const shown = withVisibleControlChars(view);
  const c = shown.score.components.mine!;
  assert.equal(c.detail, 'error: ValueError: bad \\x1b[31mred\\x1b[0m\\x07 value\\x0d');
  assert.equal(c.detail, terminalSafe(`error: ${message}`), 'the same text as the CLI prints');
  assert.equal(c.error!.message, terminalSafe(message));
  assert.equal(c.error!.traceback, 'Traceback (most recent call last):\n  File "r.py", line 3\n\\x1b]0;title\\x07', 'newlines kept');
  assert.equal(c.output, 'printed \\x1b[2J\tthen\n', 'tabs and newlines kept');
  assert.equal(shown.completion, completion);
  assert.equal(view.score.components.mine!.detail, `error: ${message}`, 'the scored view itself is not changed');
  assert.deepEqual(shown.score.components.format, view.score.components.format);
});
