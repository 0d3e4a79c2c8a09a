// `npm start` and `npm test` on a fresh clone install code-server on first use (scripts/code-server.mjs,
// ensureCodeServer, which runs scripts/install-code-server.sh). The real script runs here, with a stand-in
// `npm` first on PATH: no download, but every step of the script and of the first-use install is real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers/runCli';

// What `npm install code-server@…` leaves behind, as far as the script and the launcher look: the entry
// point, and a code-server that (like the real one) logs a line when it writes its default config on first run.
const FAKE_NPM = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_NPM_LOG"
[ -n "\${FAKE_NPM_FAIL:-}" ] && { echo "npm ERR! network unreachable" >&2; exit 1; }
mkdir -p node_modules/code-server/out/node node_modules/.bin
echo '// code-server' > node_modules/code-server/out/node/entry.js
cat > node_modules/.bin/code-server <<'EOS'
#!/usr/bin/env bash
cfg="\${XDG_CONFIG_HOME:-$HOME/.config}/code-server/config.yaml"
if [ ! -f "$cfg" ]; then mkdir -p "$(dirname "$cfg")"; echo "bind-addr: 127.0.0.1:8080" > "$cfg"; echo "[2026-12-07T16:52:55.572Z] info  Wrote default config file to $cfg"; fi
echo "4.100.3 409c64e0df4d53530e59c16acc2b5d5766f717b0 with Code 1.100.3"
EOS
chmod +x node_modules/.bin/code-server
`;

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-install-cs-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'npm'), FAKE_NPM, { mode: 0o755 });
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    REASONING_LAB_CACHE: path.join(dir, 'cache'),
    FAKE_NPM_LOG: path.join(dir, 'npm.log'),
    // as under `npm start`: the project's npm settings are in the environment
    npm_config_ignore_scripts: 'true',
  };
  return { dir, env, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** ensureCodeServer() in a fresh Node process, as `npm start` calls it. */
function ensure(env: NodeJS.ProcessEnv) {
  const script = `const m = await import(${JSON.stringify(path.join(ROOT, 'scripts', 'code-server.mjs'))});
try { console.log('entry: ' + m.ensureCodeServer()); } catch (e) { console.log('error: ' + e.message); process.exitCode = 1; }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('first use installs code-server with each step shown and its version (not its log line); later uses find it', () => {
  const { dir, env, cleanup } = setup();
  try {
    const first = ensure(env);
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /code-server 4\.100\.3 is not installed yet: installing it into .*cache/);
    assert.match(first.out, /\[2\/2\] installing code-server 4\.100\.3/);
    assert.match(first.out, /installed code-server 4\.100\.3 409c64e0df4d53530e59c16acc2b5d5766f717b0 with Code 1\.100\.3\n/);
    assert.doesNotMatch(first.out, /Wrote default config/);
    assert.match(first.out, /entry: .*code-server-4\.100\.3\/node_modules\/code-server\/out\/node\/entry\.js/);
    // code-server's own install scripts run although the project's npm settings skip them
    assert.match(fs.readFileSync(env.FAKE_NPM_LOG!, 'utf8'), /^install .*--ignore-scripts=false .*code-server@4\.100\.3$/m);
    assert.equal(fs.existsSync(path.join(env.HOME!, '.config', 'code-server')), false, 'checking the version leaves ~/.config alone');

    const again = ensure(env);
    assert.equal(again.code, 0, again.out);
    assert.doesNotMatch(again.out, /installing/);
    assert.equal(fs.readFileSync(env.FAKE_NPM_LOG!, 'utf8').trim().split('\n').length, 1, 'npm ran once');
  } finally {
    cleanup();
  }
});

test('a failed first-use install says so and how to retry; nothing half-installed is taken for code-server', () => {
  const { env, cleanup } = setup();
  try {
    const r = ensure({ ...env, FAKE_NPM_FAIL: '1' });
    assert.equal(r.code, 1);
    assert.match(r.out, /npm ERR! network unreachable/);
    assert.match(r.out, /error: installing code-server failed \(exit code 1\); fix what it printed above and run:\n\s+bash scripts\/install-code-server\.sh/);
  } finally {
    cleanup();
  }
});

test('npm start -- <folder>: a relative folder is taken from where the command was typed; one that is not a folder is refused first', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-start-'));
  try {
    const file = path.join(dir, 'runs.jsonl');
    fs.writeFileSync(file, '');
    for (const [arg, shown] of [['my-runs', path.join(dir, 'my-runs')], ['runs.jsonl', file]]) {
      // REASONING_LAB_CACHE points at an empty folder: the folder is checked before anything is installed
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'start-demo.mjs'), arg], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir, REASONING_LAB_CACHE: path.join(dir, 'cache') } });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr, `${shown} is not a folder: give the folder to open, e.g. npm start -- ~/my-runs\n`);
      assert.equal(fs.existsSync(path.join(dir, 'cache')), false);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
