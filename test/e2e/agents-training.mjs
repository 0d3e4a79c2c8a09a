// Page object for the agent Training webview (media/training/main.ts) and the Train Agent / Solve with
// Agent flows: the element ids of the panel's contract.
import { eventually } from './harness.mjs';

export class TrainingPanel {
  /** @param {import('./vscode.mjs').Workbench} vs */
  constructor(vs) {
    this.vs = vs;
  }

  get frame() {
    return this.vs.webview();
  }

  $(selector) {
    return this.frame.locator(selector);
  }

  async text(selector) {
    return ((await this.$(selector).first().textContent({ timeout: 10000 })) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Train Agent… from the palette: the agent, the problems (if asked), steps and seed. */
  async train({ agent = 'Hierarchical synthesis agent', problems = 'Built-in generator', steps, seed = '1' }) {
    await this.vs.runCommand('Reasoning Lab: Train Agent…');
    await this.vs.chooseQuickPickItem(agent);
    if (problems) await this.vs.chooseQuickPickItem(problems);
    await this.vs.answerInputBox(String(steps));
    await this.vs.answerInputBox(String(seed));
    await this.vs.tab('Training').first().waitFor({ timeout: 30000 });
  }

  async status() {
    return this.$('#status').first().getAttribute('data-status', { timeout: 10000 });
  }

  async waitForStatus(re, timeout = 60000) {
    return eventually(async () => {
      const s = await this.status();
      return re.test(s ?? '') ? s : null;
    }, { timeout, what: `the training status to match ${re}` });
  }

  async pointCount() {
    return Number(await this.text('#point-count').catch(() => '0')) || 0;
  }

  async waitForPoints(n, timeout = 90000) {
    return eventually(async () => {
      const c = await this.pointCount();
      return c >= n ? c : null;
    }, { timeout, what: `at least ${n} curve points` });
  }

  /** Points drawn on a chart's polyline of class `series`. */
  async polylinePoints(chartId, series) {
    const pts = await this.$(`#${chartId} polyline.series.${series}`).first().getAttribute('points', { timeout: 10000 });
    return (pts ?? '').trim().split(/\s+/).filter(Boolean).length;
  }

  async click(id) {
    await this.$(`#${id}`).click();
  }
}
