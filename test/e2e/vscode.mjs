// Drives the VS Code workbench (code-server in Chromium) the way a person does: the command palette,
// Quick Open, notifications, input boxes, the editor and webviews. Selectors are VS Code 1.100's DOM.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';
const QUICK_ROW = '.quick-input-widget .quick-input-list .monaco-list-row';

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page, server) {
    this.page = page;
    this.server = server;
  }

  /** Opens the workbench on `folder` and waits until it can take commands. */
  async open(folder, payload) {
    await this.page.goto(this.server.url(folder, payload));
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    // The explorer lists the folder once the remote file system answers: a sign the server side is up.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 30000 }).catch(() => {});
  }

  /**
   * Opens the quick input in `prefix` mode ('>' = commands, '' = files) and picks the row matching `rowText`.
   * Retries: focus moves while the workbench restores, and an open palette never lists commands
   * contributed after it opened.
   */
  async pick(query, rowText, { attempts = 40 } = {}) {
    const input = this.page.locator(QUICK_INPUT_BOX);
    const row = this.page.locator(QUICK_ROW, { hasText: rowText });
    for (let i = 0; ; i++) {
      if (!(await input.isVisible().catch(() => false))) {
        await this.page.keyboard.press('F1');
      }
      if (await input.isVisible().catch(() => false)) {
        await input.fill(query);
        if (await row.first().waitFor({ timeout: 2000 }).then(() => true, () => false)) break;
        await this.page.keyboard.press('Escape');
      }
      if (i >= attempts) throw new Error(`"${rowText}" never showed up in the quick input for "${query}"`);
      await this.page.locator('.monaco-workbench .part.editor').click({ position: { x: 400, y: 300 } }).catch(() => {});
      await this.page.waitForTimeout(250);
    }
    await row.first().click();
    await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }

  /** Runs a command palette command by its full title, e.g. "Reasoning Lab: Score File". */
  async runCommand(title) {
    await this.pick(`>${title}`, new RegExp(`^\\s*${escapeRe(title)}`));
  }

  /** Opens a workspace file with Quick Open (the palette with no '>' prefix) and waits for its editor. */
  async openFile(relPath) {
    const name = path.basename(relPath);
    await this.pick(relPath, name);
    this.currentFile = name;
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ timeout: 15000 });
    await this.editorText().waitFor({ timeout: 15000 });
    await this.focusEditor();
  }

  /** The active text editor's rendered lines. */
  editorText() {
    return this.page.locator('.editor-group-container .monaco-editor .view-lines').first();
  }

  /**
   * Focuses the text editor of the last opened file by clicking its tab: clicking into the text could hit
   * a CodeLens or move the cursor.
   */
  async focusEditor() {
    if (this.currentFile) {
      await this.page.locator(`.tabs-container .tab[aria-label^="${this.currentFile}"]`).first().click();
      await this.page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor({ timeout: 5000 }).catch(() => {});
    } else {
      await this.editorText().click();
    }
  }

  /** Moves the cursor to a 1-based line (Go to Line, Ctrl+G). */
  async goToLine(line) {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ timeout: 5000 });
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }

  /** Selects the first match of `text` in the active editor (Find, then Escape keeps the match selected). */
  async selectText(text) {
    await this.focusEditor();
    await this.page.keyboard.press('Control+Home');
    await this.page.keyboard.press('Control+F');
    const find = this.page.locator('.editor-group-container.active .find-widget textarea, .editor-group-container.active .find-widget input').first();
    await find.waitFor({ timeout: 5000 });
    await find.fill(text);
    await this.page.waitForTimeout(300);
    await this.page.keyboard.press('Enter');
    await this.page.keyboard.press('Escape');
    await this.waitForSelectionStatus(new RegExp(`\\(${text.length} selected\\)`));
  }

  /** Replaces the first match of `from` with `to` by typing over the selection, as a person would. */
  async replaceText(from, to) {
    await this.selectText(from);
    await this.page.keyboard.type(to, { delay: 10 });
  }

  /** The status bar's "Ln x, Col y (n selected)" text. */
  async selectionStatus() {
    return (await this.page.locator('[id="status.editor.selection"]').textContent({ timeout: 5000 }))?.trim() ?? '';
  }

  async waitForSelectionStatus(re, timeout = 10000) {
    const deadline = Date.now() + timeout;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.selectionStatus().catch(() => '');
      if (re.test(last)) return last;
      await this.page.waitForTimeout(150);
    }
    throw new Error(`editor selection status is "${last}", expected ${re}`);
  }

  /** Waits for a notification toast whose text matches `re` and returns its text. */
  async waitForNotification(re, timeout = 20000) {
    const toasts = this.page.locator('.notifications-toasts .notification-list-item');
    const deadline = Date.now() + timeout;
    let seen = [];
    while (Date.now() < deadline) {
      seen = await toasts.locator('.notification-list-item-message').allTextContents().catch(() => []);
      const hit = seen.find((t) => re.test(t));
      if (hit) return hit;
      await this.page.waitForTimeout(200);
    }
    // toasts hide after a while (sooner on a busy machine than a poll may catch): the notification
    // centre keeps every notification that is not a finished progress
    const kept = await this.notificationCentreTexts();
    const late = kept.find((t) => re.test(t));
    if (late) return late;
    throw new Error(`no notification matching ${re}; saw: ${JSON.stringify(seen)}; in the notification centre: ${JSON.stringify(kept)}`);
  }

  /** The notification centre's messages (opened, read and closed again). */
  async notificationCentreTexts() {
    try {
      await this.runCommand('Notifications: Show Notifications');
      const items = this.page.locator('.notifications-center .notification-list-item-message');
      await items.first().waitFor({ timeout: 3000 }).catch(() => {});
      const texts = await items.allTextContents();
      await this.runCommand('Notifications: Hide Notifications');
      return texts;
    } catch {
      return [];
    }
  }

  async notificationTexts() {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
  }

  /** Waits for an input box (showInputBox) and answers it; `null` presses Escape instead. */
  async answerInputBox(text, { timeout = 15000 } = {}) {
    const input = await this.waitForInputBox(timeout);
    if (text === null) {
      await this.page.keyboard.press('Escape');
    } else {
      await input.fill(text);
      await this.page.keyboard.press('Enter');
    }
    await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }

  async waitForInputBox(timeout = 15000) {
    const input = this.page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout });
    return input;
  }

  async isInputBoxVisible() {
    return this.page.locator(QUICK_INPUT).isVisible().catch(() => false);
  }

  /** Picks a row of an open quick pick (showQuickPick) by its text. */
  async chooseQuickPickItem(rowText, timeout = 15000) {
    const row = this.page.locator(QUICK_ROW, { hasText: rowText }).first();
    await row.waitFor({ timeout });
    // a row's hover (its detail) can open under a resting mouse and take the click: move away, retry
    for (let attempt = 0; ; attempt++) {
      await this.page.mouse.move(0, 0);
      try {
        await row.click({ timeout: 5000 });
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  }

  /** The content frame of the (single) webview: the webview is two iframes deep. */
  webview() {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** The editor tab of a webview panel, e.g. "Reward Breakdown". */
  tab(title) {
    return this.page.locator(`.tabs-container .tab[aria-label^="${title}"]`);
  }

  async closeTab(title) {
    const tab = this.tab(title).first();
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await tab.waitFor({ state: 'detached', timeout: 10000 });
  }

  /**
   * CodeLens entries of the visible text editors (not only the active group: the breakdown panel takes
   * the active group when it opens beside the editor).
   */
  codeLenses() {
    return this.page.locator('.monaco-editor .codelens-decoration a');
  }

  /** A CodeLens's visible text: its $(icon) renders as an empty codicon span, so this is the title's words. */
  async codeLensText(lens) {
    return ((await lens.textContent({ timeout: 10000 })) ?? '').replace(/\s+/g, ' ').trim();
  }

  async screenshot(file) {
    mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
  }
}

export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
