#!/usr/bin/env node
// End-to-end tests in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven by headless Chromium.
//
//   node test/e2e/run.mjs [--grep <text>] [--no-suite] [--keep] [--jobs N]
//
// 1. packages the linux-x64 VSIX (scripts/package.mjs) and installs it with `code-server --install-extension`
//    (so the VSIX itself is under test);
// 2. runs every test/e2e/*.test.mjs scenario, each with a fresh copy of examples/, a fresh code-server
//    profile (started in ~1 s, so nothing leaks between tests) and a fresh browser page; one Chromium is
//    shared. `--jobs N` (E2E_JOBS) runs N scenarios at once (a scenario keeps its state by workspace,
//    never in a module variable); the default is 1: on 2 cores two lanes saved about a tenth of the time
//    and made scenarios that wait on sandbox runs miss their timeouts.
//    Screenshots go to test-results/screenshots/<test>.png, pass or fail;
// 3. runs the extension-host mocha suite (test/suite) through the code-server shim, counted in the total;
// 4. prints "N passed, N failed" alone on the last line and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, ensureCodeServer, installExtension, launchBrowser, makeProfile, startCodeServer } from '../../scripts/code-server.mjs';
import { packageTarget } from '../../scripts/package.mjs';
import { BreakdownPanel } from './breakdown-panel.mjs';
import { registry, setCurrentFile } from './harness.mjs';
import { Workbench } from './vscode.mjs';

const argv = process.argv.slice(2);
const grep = argv.includes('--grep') ? argv[argv.indexOf('--grep') + 1] : process.env.E2E_GREP;
const runSuite = !argv.includes('--no-suite') && process.env.E2E_NO_SUITE !== '1';
const keep = argv.includes('--keep');
const jobs = Math.max(1, Number(argv.includes('--jobs') ? argv[argv.indexOf('--jobs') + 1] : process.env.E2E_JOBS ?? 1) || 1);
const RESULTS = path.join(REPO_ROOT, 'test-results');
const SHOTS = path.join(RESULTS, 'screenshots');
const LOGS = path.join(RESULTS, 'logs');
const DEFAULT_TIMEOUT_MS = 120000;

const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const secs = (ms) => (ms / 1000).toFixed(1) + ' s';

async function main() {
  const t0 = Date.now();
  try {
    ensureCodeServer({ log: (m) => console.log(`e2e: ${m}`) });
  } catch (e) {
    console.error(`e2e: ${e.message}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(LOGS, { recursive: true });

  // --- the VSIX, installed into an extensions dir every test's code-server shares ------------------
  const work = mkdtempSync(path.join(tmpdir(), 'rl-e2e-'));
  const shared = makeProfile({ prefix: 'rl-e2e-ext-' });
  let tPackage = Date.now();
  const vsix = await packageTarget('linux-x64', { outDir: path.join(work, 'vsix'), log: (m) => console.log(`e2e: ${m}`) });
  tPackage = Date.now() - tPackage;
  const tInstall = Date.now();
  console.log(`e2e: ${installExtension(vsix, shared).split('\n').pop()} (${secs(Date.now() - tInstall)})`);

  // --- discover scenarios ---------------------------------------------------------------------------
  const dir = path.join(REPO_ROOT, 'test', 'e2e');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort()) {
    setCurrentFile(f);
    await import(pathToFileURL(path.join(dir, f)).href);
  }
  const tests = registry.filter((t) => !grep || t.name.includes(grep) || t.file.includes(grep));
  console.log(`e2e: ${tests.length} scenario(s), VSIX ${path.basename(vsix)} packaged in ${secs(tPackage)}`);

  const browser = await launchBrowser();
  let passed = 0;
  let failed = 0;
  const startTimes = [];
  const queue = [...tests];
  const lane = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      const r = await runOne(t, { browser, shared, work });
      startTimes.push(r.startMs);
      if (r.ok) passed++; else failed++;
    }
  };
  if (jobs > 1) console.log(`e2e: ${jobs} scenarios at a time`);
  await Promise.all(Array.from({ length: Math.min(jobs, tests.length) }, lane));
  await browser.close().catch(() => {});
  shared.remove();
  if (!keep) rmSync(work, { recursive: true, force: true });
  if (startTimes.length) {
    const avg = startTimes.reduce((a, b) => a + b, 0) / startTimes.length;
    console.log(`e2e: code-server start ${(avg / 1000).toFixed(2)} s on average; scenarios took ${secs(Date.now() - t0)} in all`);
  }

  // --- the extension-host suite (mocha inside VS Code's extension host) -----------------------------
  if (runSuite) {
    const s = runExtensionHostSuite();
    passed += s.passed;
    failed += s.failed;
  }
  console.log(`e2e: total ${secs(Date.now() - t0)}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

async function runOne(t, { browser, shared, work }) {
  const started = Date.now();
  const name = slug(t.name);
  const ws = path.join(work, 'ws', name);
  // A fresh copy of the demo workspace, so the repository's examples/ are never modified.
  cpSync(path.join(REPO_ROOT, 'examples'), ws, { recursive: true });
  if (t.options.settings) {
    mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify(t.options.settings, null, 2));
  }
  if (t.options.prepare) await t.options.prepare(ws);
  const profile = makeProfile({ prefix: 'rl-e2e-', extensionsDir: shared.extensionsDir });
  let server;
  let context;
  let vs;
  let ok = false;
  let error;
  const consoleErrors = [];
  const dialogs = [];
  try {
    server = await startCodeServer(profile);
    context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300)); });
    page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
    vs = new Workbench(page, server);
    await vs.open(ws);
    const ctx = {
      vs, page, ws, dialogs,
      panel: new BreakdownPanel(vs),
      shot: (label) => vs.screenshot(path.join(SHOTS, `${name}-${slug(label)}.png`)),
    };
    const limit = t.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer;
    await Promise.race([
      t.fn(ctx),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${secs(limit)}`)), limit); }),
    ]).finally(() => clearTimeout(timer));
    ok = true;
  } catch (e) {
    error = e;
  }
  // Let toasts and panel transitions finish animating so the screenshot shows them settled.
  if (vs) await vs.page.waitForTimeout(500).then(() => vs.screenshot(path.join(SHOTS, `${name}.png`))).catch(() => {});
  await context?.close().catch(() => {});
  server?.stop();
  const ms = Date.now() - started;
  if (ok) {
    console.log(`  ✓ ${t.name} (${secs(ms)})`);
  } else {
    console.log(`  ✗ ${t.name} (${secs(ms)})`);
    console.log(indent(String(error?.stack ?? error).split('\n').slice(0, 8).join('\n'), 6));
    const log = path.join(LOGS, `${name}.log`);
    writeFileSync(log, [`workspace: ${ws}`, `error: ${error?.stack ?? error}`, '', '--- page console errors', ...consoleErrors,
      '', '--- dialogs', ...dialogs, '', '--- code-server', server?.log() ?? ''].join('\n'));
    console.log(`      screenshot: ${path.relative(REPO_ROOT, path.join(SHOTS, `${name}.png`))}, log: ${path.relative(REPO_ROOT, log)}`);
  }
  if (!keep) profile.remove();
  return { ok, ms, startMs: server?.startMs ?? 0 };
}

/** Runs test/suite through test/suite/runTest.mjs with the code-server shim; counts its mocha results. */
function runExtensionHostSuite() {
  const t0 = Date.now();
  const resultsFile = path.join(RESULTS, 'extension-host-suite.json');
  rmSync(resultsFile, { force: true });
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'test', 'suite', 'runTest.mjs')], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, REASONING_LAB_OFFLINE: '1', REASONING_LAB_SUITE_RESULTS: resultsFile },
  });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  let passed = 0;
  let failed = 0;
  if (existsSync(resultsFile)) {
    ({ passed, failed } = JSON.parse(readFileSync(resultsFile, 'utf8')));
  } else {
    passed = +(/(\d+) passing/.exec(out)?.[1] ?? 0);
    failed = +(/(\d+) failing/.exec(out)?.[1] ?? 0);
  }
  if (r.status !== 0 && failed === 0) failed = 1; // the suite could not even start: count that as a failure
  console.log(`extension-host suite (${secs(Date.now() - t0)}):`);
  console.log(indent(out.trim().split('\n').filter((l) => !/^\s*$/.test(l) && !/^\s*extension-host suite: \d+ passed/.test(l)).join('\n'), 2));
  console.log(`  extension-host suite: ${passed} passed, ${failed} failed`);
  return { passed, failed };
}

function indent(s, n) {
  return s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
}

main().then((code) => process.exit(code), (e) => {
  console.error('e2e:', e?.stack ?? e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
