// Page objects for the Trace Explorer: the sidebar tree (prompts → samples) and the three webviews
// (Trace Stepper, Group View, Training Steps). Element ids and classes here are the panels' contract.
import { eventually } from './harness.mjs';

const SIDEBAR = '.part.sidebar';

export class TraceTree {
  /** @param {import('./vscode.mjs').Workbench} vs */
  constructor(vs) {
    this.vs = vs;
    this.page = vs.page;
  }

  rows() {
    return this.page.locator(`${SIDEBAR} .monaco-list-row`);
  }

  /** Tree row whose label (or description) matches `text`. */
  row(text) {
    return this.page.locator(`${SIDEBAR} .monaco-list-row`, { hasText: text }).first();
  }

  /** The view's message line (file, counts, filter). */
  async message() {
    return ((await this.page.locator(`${SIDEBAR} .message`).first().textContent({ timeout: 10000 }).catch(() => '')) ?? '').trim();
  }

  async waitForMessage(re, timeout = 30000) {
    return eventually(async () => {
      const m = await this.message();
      return re.test(m) ? m : null;
    }, { timeout, what: `the Trace Explorer message to match ${re}` });
  }

  /** The row of a sample by its exact id. */
  sample(id) {
    return this.page.locator(`${SIDEBAR} .monaco-list-row`, { has: this.page.locator('.label-name', { hasText: new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  }

  /** Clicks a sample and waits for the stepper; retries once, as a tree refresh can swallow a click. */
  async openSample(id, stepper) {
    for (let i = 0; ; i++) {
      await this.sample(id).click();
      try {
        await stepper.waitForSample(id, 8000);
        return;
      } catch (e) {
        if (i >= 2) throw e;
      }
    }
  }

  /** Labels of the rows at the top level (aria-level 1). */
  async topLabels() {
    return this.page.locator(`${SIDEBAR} .monaco-list-row[aria-level="1"] .label-name`).allTextContents();
  }

  async labels() {
    return this.page.locator(`${SIDEBAR} .monaco-list-row .label-name`).allTextContents();
  }

  /** Expands a collapsed row (click toggles it) and waits for a child to show. */
  async expand(text) {
    const row = this.row(text);
    await row.waitFor({ timeout: 15000 });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await eventually(async () => (await row.getAttribute('aria-expanded')) === 'true', { what: `row "${text}" to expand` });
  }

  /** Opens the trace file through the palette and the workspace quick pick. */
  async open(relPath) {
    await this.vs.runCommand('Reasoning Lab: Open Trace File');
    // typed, as a person does in a long list (examples/models/ adds many JSON files to it)
    await (await this.vs.waitForInputBox()).fill(relPath);
    await this.vs.chooseQuickPickItem(relPath);
    await this.waitForMessage(/samples? in \d+ groups?/);
  }
}

/** A webview panel by the data-panel of its #app root: the webview of the active tab, two iframes deep. */
export class TracePanel {
  constructor(vs, panel, tabTitle) {
    this.vs = vs;
    this.panelName = panel;
    this.tabTitle = tabTitle;
  }

  get frame() {
    // several webviews may exist; only the visible one belongs to the active editor
    return this.vs.page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
  }

  $(selector) {
    return this.frame.locator(selector);
  }

  async waitForOpen(timeout = 30000) {
    await this.vs.page.locator(`.tabs-container .tab[aria-label^="${this.tabTitle}"]`).first().waitFor({ timeout });
    await this.$(`#app[data-panel="${this.panelName}"]`).waitFor({ state: 'attached', timeout });
  }

  async text(selector) {
    return ((await this.$(selector).first().textContent({ timeout: 10000 })) ?? '').trim();
  }

  /** Clicks inside the panel so its document has the keyboard focus. */
  async focus(selector = 'h3') {
    await this.$(selector).first().click();
  }
}

export class StepperPanel extends TracePanel {
  constructor(vs) {
    super(vs, 'traceStepper', 'Trace: ');
  }

  async waitForSample(id, timeout = 30000) {
    await this.waitForOpen(timeout);
    await eventually(async () => (await this.text('#sample-id')) === id, { timeout, what: `the stepper to show ${id}` });
    await this.$('#current-text, #text').first().waitFor({ timeout });
  }

  currentStep() { return this.text('#current-step'); }
  currentKind() { return this.text('#current-kind'); }
}

export class GroupPanel extends TracePanel {
  constructor(vs) {
    super(vs, 'traceGroup', 'Group: ');
  }

  rows() { return this.$('#rows .vlist-row[data-id]'); }
}

export class TrainingStepsPanel extends TracePanel {
  constructor(vs) {
    super(vs, 'trainingSteps', 'Training Steps');
  }
}

export class HacksPanel extends TracePanel {
  constructor(vs) {
    super(vs, 'hacks', 'Reward Hacks');
  }

  findings() { return this.$('#findings li.finding'); }

  /** Waits until the scan is over (done or stopped) and returns the status line. */
  async waitForDone(timeout = 60000) {
    await this.waitForOpen(timeout);
    return eventually(async () => {
      const state = await this.$('#hacks-status').getAttribute('data-state', { timeout: 2000 });
      return state === 'done' || state === 'cancelled' || state === 'error' ? this.text('#hacks-status') : null;
    }, { timeout, what: 'the reward-hacks scan to finish' });
  }
}
