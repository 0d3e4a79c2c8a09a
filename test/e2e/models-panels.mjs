// Page objects for the model features in the editor: the models part of the Reward Breakdown (reward model,
// generative judge), the RM status bar item, and the Evaluate Reward Model panel.
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { eventually } from './harness.mjs';
import { TracePanel } from './trace-explorer.mjs';

/** The status bar item "$(chip) RM: CPU" (its codicon renders as an empty span: the text is the words). */
export function rmStatusItem(vs) {
  return vs.page.locator('.statusbar-item', { hasText: /\bRM\b/ }).first();
}

export async function rmStatusText(vs) {
  return ((await rmStatusItem(vs).textContent({ timeout: 10000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
}

/** Merges `settings` into the workspace copy's .vscode/settings.json (for values known only at run time, like a server's port). */
export function addSettings(ws, settings) {
  const file = path.join(ws, '.vscode', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  let current = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {}
  writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2));
}

/** An SPCT judgement in the format the judge is asked for (principles, critique, boxed score). */
export function judgement(score, critique) {
  return [
    'Principles:',
    '1. Correctness of the final answer (weight: 60%)',
    '2. Clarity of the reasoning (weight: 40%)',
    'Critique:',
    critique,
    `Scores: \\boxed{${score}}`,
  ].join('\n');
}

/** The models section of the Reward Breakdown webview. */
export class ModelsSection {
  /** @param {import('./breakdown-panel.mjs').BreakdownPanel} panel */
  constructor(panel) {
    this.panel = panel;
  }

  $(selector) {
    return this.panel.$(selector);
  }

  text(selector) {
    return this.panel.text(selector);
  }

  judgements() {
    return this.$('#grm .judgement');
  }

  async waitFor(selector, timeout = 60000) {
    await this.$(selector).first().waitFor({ state: 'visible', timeout });
  }

  /** Waits until no model is running any more (the banner is gone). */
  async waitForIdle(timeout = 60000) {
    await eventually(async () => (await this.$('#models-running').count()) === 0, { timeout, what: 'the models to finish' });
  }
}

export class RmEvalPanel extends TracePanel {
  constructor(vs) {
    super(vs, 'rmEval', 'Reward Model Eval');
  }

  async waitForDone(timeout = 90000) {
    await this.waitForOpen(timeout);
    await this.$('#accuracy').waitFor({ state: 'visible', timeout });
  }

  wrongRows() {
    return this.$('#wrong-list .wrong-row[data-line]');
  }
}
