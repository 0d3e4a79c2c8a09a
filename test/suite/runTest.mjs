#!/usr/bin/env node
// Runs the extension-host suite (test/suite/*.test.ts, bundled by esbuild into out/test/suite/).
//
// On a desktop with internet, @vscode/test-electron downloads VS Code and runs the suite in it, as usual.
// Where that is impossible (CI, machines without internet) set REASONING_LAB_OFFLINE=1 (CI=true does too):
// the same suite runs in code-server's extension host through test/e2e/code-server-shim.js, a stand-in
// "VS Code executable". If the download fails, the shim is used as a fallback.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUITE_SRC = path.join(ROOT, 'test', 'suite');
const OUT = path.join(ROOT, 'out', 'test', 'suite');
const SHIM = path.join(ROOT, 'test', 'e2e', 'code-server-shim.js');

async function buildSuite() {
  rmSync(OUT, { recursive: true, force: true });
  const entries = readdirSync(SUITE_SRC).filter((f) => f === 'index.ts' || /\.test\.ts$/.test(f));
  await esbuild.build({
    entryPoints: entries.map((f) => path.join(SUITE_SRC, f)),
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'], // vscode is the host's; mocha is required from node_modules at run time
    logLevel: 'warning',
  });
}

async function chooseExecutable() {
  const offline = process.env.REASONING_LAB_OFFLINE === '1' || !!process.env.CI;
  // test-electron spawns the executable directly: make sure the shim is executable even if a checkout lost the bit.
  chmodSync(SHIM, 0o755);
  if (offline) return SHIM;
  try {
    return await downloadAndUnzipVSCode({ timeout: 30000 });
  } catch (e) {
    console.warn(`runTest: cannot download VS Code (${e.message ?? e}); running the suite in code-server instead`);
    chmodSync(SHIM, 0o755);
    return SHIM;
  }
}

async function main() {
  await buildSuite();
  const workspace = mkdtempSync(path.join(tmpdir(), 'rl-suite-ws-'));
  cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true }); // never touch the repository's examples/
  const vscodeExecutablePath = await chooseExecutable();
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(OUT, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: process.env.REASONING_LAB_SUITE_RESULTS ? { REASONING_LAB_SUITE_RESULTS: process.env.REASONING_LAB_SUITE_RESULTS } : {},
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`runTest: ${e.message ?? e}`);
  process.exit(1);
});
