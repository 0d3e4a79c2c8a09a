// Page object for the Reward Breakdown webview: the element ids and classes of the panel's contract.
import { eventually } from './harness.mjs';

export class BreakdownPanel {
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

  /** Waits until the panel shows a score (a non-empty #total). */
  async waitForScore(timeout = 30000) {
    await this.vs.tab('Reward Breakdown').first().waitFor({ timeout });
    await this.$('#total').waitFor({ state: 'visible', timeout });
    await eventually(async () => /\d/.test((await this.text('#total')) ?? ''), { timeout, what: '#total to show a number' });
  }

  async text(selector) {
    return ((await this.$(selector).first().textContent({ timeout: 10000 })) ?? '').trim();
  }

  total() { return this.text('#total'); }
  totalRange() { return this.text('#total-range'); }
  specName() { return this.text('#spec-name'); }
  docLabel() { return this.text('#doc-label'); }

  row(name) {
    return this.$(`table#components tr.component[data-name="${name}"]`);
  }

  async componentNames() {
    return this.$('table#components tr.component').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
  }

  value(name) { return this.cell(name, 'value'); }
  weight(name) { return this.cell(name, 'weight'); }
  contribution(name) { return this.cell(name, 'contribution'); }
  detail(name) { return this.cell(name, 'detail'); }

  async cell(name, cls) {
    return ((await this.row(name).locator(`td.${cls}`).textContent({ timeout: 10000 })) ?? '').trim();
  }

  /** Waits until component `name`'s value cell satisfies `predicate` and returns the text. */
  async waitForValue(name, predicate, timeout = 20000) {
    return eventually(async () => {
      const v = await this.value(name);
      return predicate(v) ? v : null;
    }, { timeout, what: `component ${name}'s value to change` });
  }

  items(name) {
    return this.$(`tr.component-items[data-name="${name}"]`);
  }

  marks(kind) {
    return this.$(kind ? `#completion mark.hl[data-kind="${kind}"]` : '#completion mark.hl');
  }

  /**
   * How many marks of `kind` are drawn as highlights. Hiding a kind may remove its marks, hide them, or
   * just drop their styling (the text itself stays readable): all count as "not highlighted".
   */
  async highlightedMarkCount(kind) {
    return this.marks(kind).evaluateAll((els) => els.filter((e) => {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || e.getClientRects().length === 0) return false;
      const background = !/^(transparent|rgba\(0, 0, 0, 0\))$/.test(s.backgroundColor);
      const decorated = s.textDecorationLine !== 'none' || s.outlineStyle !== 'none'
        || ['Top', 'Right', 'Bottom', 'Left'].some((side) => s[`border${side}Style`] !== 'none' && parseFloat(s[`border${side}Width`]) > 0);
      return background || decorated;
    }).length);
  }

  toggle(kind) {
    return this.$(`input.hl-toggle[data-kind="${kind}"]`);
  }

  error() {
    return this.$('#error');
  }
}
