// The one launcher for code-server (a real VS Code 1.100.3 server + web workbench) and the headless
// Chromium that drives it. Used by the e2e runner (test/e2e/run.mjs), the extension-host test shim
// (test/e2e/code-server-shim.js) and the demo (scripts/start-demo.mjs).
//
// Every run gets its own throw-away profile (user data, XDG config/data) so nothing from a developer's
// own VS Code or from an earlier run leaks in; code-server's whole process group is killed on stop.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = process.env.REASONING_LAB_CACHE || path.join(homedir(), '.cache', 'reasoning-lab');
export const INSTALL_COMMAND = 'bash scripts/install-code-server.sh';
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
// From the measured recipe: no sandbox (root in containers), no GPU, nothing that phones home.
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** User settings every profile starts with; without startupEditor none the welcome page takes focus and F1 does nothing. */
export const BASE_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
};

/** code-server's entry.js (run with this Node), or null when it is not installed. */
export function findCodeServer() {
  const candidates = [
    process.env.CODE_SERVER_BIN,
    path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  ].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}

/**
 * code-server's entry.js, installed first when it is missing (`npm start` and `npm test` on a fresh
 * clone): runs the install script with its output on this terminal, so the newcomer sees each step.
 * `install` is the command to run (tests pass their own); throws with the way to retry when it fails.
 */
export function ensureCodeServer({ log = (m) => console.error(m), install = ['bash', [path.join(REPO_ROOT, 'scripts', 'install-code-server.sh')]] } = {}) {
  const found = findCodeServer();
  if (found) return found;
  log(`code-server ${CODE_SERVER_VERSION} is not installed yet: installing it into ${CACHE_DIR} (once, about 1 minute; apt and the npm registry)`);
  const [command, args] = install;
  const r = spawnSync(command, args, { stdio: 'inherit', env: installEnv() });
  const entry = findCodeServer();
  if (r.status !== 0 || !entry) {
    throw new Error(`installing code-server failed (${r.error ? r.error.message : `exit code ${r.status}`}${r.status === 0 ? ', and it is still missing' : ''}); fix what it printed above and run:\n  ${INSTALL_COMMAND}`);
  }
  return entry;
}

/** The environment for the install script: npm's settings for this project (e.g. ignore-scripts) must not reach code-server's own install. */
function installEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));
}

export function requireCodeServer() {
  const entry = findCodeServer();
  if (!entry) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${CACHE_DIR}.\nInstall it (about 1 minute) with:\n  ${INSTALL_COMMAND}`);
  }
  return entry;
}

/**
 * A throw-away profile: user data (with User/settings.json), XDG dirs and, unless given, an extensions dir.
 * `remove()` deletes it all.
 */
export function makeProfile({ settings = {}, extensionsDir, prefix = 'rl-cs-' } = {}) {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const userDataDir = path.join(root, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_USER_SETTINGS, ...settings }, null, 2));
  const profile = {
    root,
    userDataDir,
    extensionsDir: extensionsDir ?? path.join(root, 'extensions'),
    env: { XDG_CONFIG_HOME: path.join(root, 'xdg-config'), XDG_DATA_HOME: path.join(root, 'xdg-data') },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  mkdirSync(profile.extensionsDir, { recursive: true });
  return profile;
}

/** `code-server --install-extension <vsix>` into the profile's extensions dir (also proves the VSIX installs). */
export function installExtension(vsix, profile) {
  const out = execFileSync(process.execPath, [requireCodeServer(), '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir, '--install-extension', vsix],
  { env: { ...process.env, ...profile.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed:\n${out}`);
  return out.trim();
}

/**
 * Starts code-server on 127.0.0.1:<port> (0 = a free port) with the profile.
 * Resolves { host, url(folder, payload), stop(), log() } once the HTTP server listens.
 */
export async function startCodeServer(profile, { port = 0, workspaceTrust = false, timeoutMs = 60000, extraArgs = [], onOutput } = {}) {
  const entry = requireCodeServer();
  const configFile = path.join(profile.root, 'code-server-config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [entry, '--config', configFile, '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir, '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), ...extraArgs];
  const t0 = Date.now();
  // detached: its own process group, so stop() can kill the extension hosts and watchers it forks too.
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...profile.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let log = '';
  const host = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within ${timeoutMs} ms\n${log}`)), timeoutMs);
    const onData = (d) => {
      log += d;
      onOutput?.(String(d));
      const m = /HTTP server listening on http:\/\/([\d.]+:\d+)\//.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited early with ${code}\n${log}`)); });
  });
  proc.removeAllListeners('exit');
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ }
  };
  // The workbench names the server by its "remote authority" (host:port in 4.100, "remote" in newer
  // releases); extensionDevelopmentPath payload URIs must use it.
  const page = await (await fetch(`http://${host}/?ew=true`)).text();
  const authority = (/&quot;remoteAuthority&quot;:&quot;([^&]*)&quot;/.exec(page) || [, host])[1];
  return {
    host,
    authority,
    proc,
    startMs: Date.now() - t0,
    /** Workbench URL opening `folder`; `payload` is VS Code's URL payload, e.g. [['extensionDevelopmentPath', uri]]. */
    url(folder, payload) {
      const q = new URLSearchParams(folder ? { folder } : { ew: 'true' });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `http://${host}/?${q}`;
    },
    /** vscode-remote:// URI of a path on this machine, for payload entries. */
    remoteUri: (p) => `vscode-remote://${authority}${p}`,
    log: () => log,
    stop,
  };
}

/** Headless Debian Chromium through playwright-core. */
export async function launchBrowser({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}; install it with ${INSTALL_COMMAND}`);
  return chromium.launch({ executablePath: CHROMIUM, headless, args: CHROMIUM_ARGS });
}
