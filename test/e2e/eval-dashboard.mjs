// Page object for the Eval Dashboard webview and the Run Evaluation flow: the element ids and classes of
// the panel's contract (media/evalDashboard/main.ts).
import { eventually } from './harness.mjs';

export class EvalDashboard {
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

  /**
   * Runs "Reasoning Lab: Run Evaluation" from the palette, picks the problem set and the samples by the
   * text of their quick-pick rows, and waits for the "Evaluation done" notification.
   */
  async runEvaluation(problemSetRow, samplesRow, { timeout = 150000 } = {}) {
    await this.vs.runCommand('Reasoning Lab: Run Evaluation');
    await this.vs.chooseQuickPickItem(problemSetRow);
    await this.vs.chooseQuickPickItem(samplesRow);
    return this.vs.waitForNotification(/Evaluation done/, timeout);
  }

  /** Waits until the dashboard shows a run whose judged count is complete. */
  async waitForRun(timeout = 30000) {
    await this.vs.tab('Eval Dashboard').first().waitFor({ timeout });
    await this.$('#pass-at-k .card-value').first().waitFor({ state: 'visible', timeout });
    await eventually(async () => (await this.$('#run-progress').count()) === 0, { timeout, what: 'the run to be complete in the dashboard' });
  }

  passAt(k) {
    return this.text(`#pass-at-k [data-k="${k}"] .card-value`);
  }

  rows() {
    return this.$('table#problems tbody tr.problem');
  }

  row(id) {
    return this.$(`table#problems tr.problem[data-id="${id}"]`);
  }

  async rowIds() {
    return this.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  }

  async rowVerdicts() {
    return this.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-verdict')));
  }

  /** Waits until the table's rows satisfy `predicate(ids)` (it redraws after each request). */
  async waitForRows(predicate, what, timeout = 15000) {
    return eventually(async () => {
      const ids = await this.rowIds();
      return predicate(ids) ? ids : null;
    }, { timeout, what });
  }

  async filterVerdict(value) {
    await this.$('#verdict-filter').selectOption(value);
  }

  async sortBy(key) {
    await this.$(`button.sort[data-sort="${key}"]`).click();
  }

  async openProblem(id) {
    await this.row(id).click();
    await this.$(`#detail[data-id="${id}"]`).waitFor({ timeout: 15000 });
  }

  /** The failing sample's expected and actual values in the detail pane. */
  async expectedActual() {
    const sample = this.$('#detail article.sample:not([data-verdict="passed"])').first();
    return {
      expected: ((await sample.locator('pre[data-role="expected"]').textContent({ timeout: 10000 })) ?? '').trim(),
      actual: ((await sample.locator('pre[data-role="actual"]').textContent({ timeout: 10000 })) ?? '').trim(),
    };
  }

  async tab(name) {
    await this.$(`#tab-${name}`).click();
  }
}
