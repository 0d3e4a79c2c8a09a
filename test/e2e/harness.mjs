// The tiny test API the scenario files use: `test(name, fn, options)` registers a scenario; the runner
// (run.mjs) gives each one a fresh workspace (a copy of examples/), a fresh code-server and a fresh page.
//
//   options.settings      workspace settings written to .vscode/settings.json
//   options.prepare(ws)   changes the workspace copy before VS Code opens it (add or edit files)
//   options.timeoutMs     per-test limit (default 120 s)
//
// fn receives { vs: Workbench, page, ws (workspace path), panel: BreakdownPanel, shot(label) }.
export const registry = [];
let currentFile = '';

export function setCurrentFile(file) {
  currentFile = file;
}

export function test(name, fn, options = {}) {
  registry.push({ name, fn, options, file: currentFile });
}

/** Polls `fn` until it returns a truthy value (returned) or `timeout` passes (throws with `what`). */
export async function eventually(fn, { timeout = 15000, interval = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** Opens `relPath` in the editor, runs "Reasoning Lab: Score File" and waits for the panel's total. */
export async function scoreFile({ vs, panel }, relPath) {
  await vs.openFile(relPath);
  await vs.runCommand('Reasoning Lab: Score File');
  await panel.waitForScore();
}

/** A component's value cell as a number (null for "n/a"). */
export function asNumber(text) {
  return /^n\/a$/i.test(text.trim()) ? null : Number.parseFloat(text);
}
