#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }): takes the
// flags test-electron passes to VS Code (--extensionDevelopmentPath, --extensionTestsPath, --user-data-dir,
// --extensions-dir, [folder]), runs the suite in code-server's extension host (the same extension host as
// desktop) through headless Chromium, and exits with the suite's code. Used where desktop VS Code cannot be
// downloaded (CI, this machine). Adapted from /work/shared/vscode-testing/code-server-test-shim.js; the
// code-server and browser launch live in scripts/code-server.mjs.
const fs = require('fs');
const path = require('path');
const util = require('util');

const TIMEOUT_MS = +(process.env.VSCODE_TEST_TIMEOUT_MS || 300000);

function parseArgs(argv) {
  const a = { dev: [], tests: undefined, userDataDir: undefined, extensionsDir: undefined, folder: undefined };
  for (const arg of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) { a.folder = path.resolve(arg); continue; }
    if (m[1] === 'extensionDevelopmentPath') a.dev.push(path.resolve(m[2]));
    else if (m[1] === 'extensionTestsPath') a.tests = path.resolve(m[2]);
    else if (m[1] === 'user-data-dir') a.userDataDir = path.resolve(m[2]);
    else if (m[1] === 'extensions-dir') a.extensionsDir = path.resolve(m[2]);
    // desktop-only flags (--no-sandbox, --disable-gpu-sandbox, --skip-welcome, --disable-updates...) are ignored
  }
  return a;
}

// VS Code web hands every log line to window.codeAutomationLog while running extension tests; the
// workbench's own offline chatter is dropped unless VSCODE_TEST_VERBOSE is set.
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore|\[reconnection-grace-time\]|\[AgentHost|\[ChatModelSelection\]|\[AccountPolicyGate\]|Timed out waiting for authentication provider)|ENOTFOUND|ERR_NAME_NOT_RESOLVED/;

async function main() {
  if (process.argv.includes('--version')) { console.log('1.100.3'); return 0; }
  const a = parseArgs(process.argv.slice(2));
  if (!a.tests) { console.error('shim: --extensionTestsPath is required'); return 2; }
  const cs = await import('../../scripts/code-server.mjs');
  // test-electron's user-data-dir lives in .vscode-test/; our profile keeps XDG dirs and config beside it.
  const profile = cs.makeProfile({ prefix: 'rl-suite-', extensionsDir: a.extensionsDir });
  const server = await cs.startCodeServer(profile);
  const verbose = !!process.env.VSCODE_TEST_VERBOSE;
  if (verbose) console.log(`shim: code-server on ${server.host} after ${server.startMs} ms`);
  const browser = await cs.launchBrowser();
  const cleanup = () => { server.stop(); if (!process.env.VSCODE_TEST_KEEP) profile.remove(); };
  process.on('SIGINT', () => { cleanup(); process.exit(130); });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let finish;
    const exited = new Promise((r) => (finish = r));
    await page.exposeFunction('codeAutomationExit', (code) => finish(code)); // called when run() settles
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...args);
      if (!verbose && NOISE.test(line)) return;
      (type === 'error' ? process.stderr : process.stdout).write(line + '\n');
    });
    const payload = [...a.dev.map((d) => ['extensionDevelopmentPath', server.remoteUri(d)]),
      ['extensionTestsPath', server.remoteUri(a.tests)]];
    await page.goto(server.url(a.folder, payload));
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT_MS))]);
    if (process.env.VSCODE_TEST_SCREENSHOT) {
      fs.mkdirSync(path.dirname(process.env.VSCODE_TEST_SCREENSHOT), { recursive: true });
      await page.screenshot({ path: process.env.VSCODE_TEST_SCREENSHOT }).catch(() => {});
    }
    if (code === 'timeout') console.error(`shim: tests did not finish within ${TIMEOUT_MS} ms`);
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close().catch(() => {});
    cleanup();
  }
}

main().then((code) => process.exit(code), (e) => { console.error('shim:', e.message || e); process.exit(1); });
