/** Workspaces for the workspace reward function tests: the fixture functions, and a virtual environment. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPython } from '../../../src/core/eval/sandbox/pool';

export const FUNCTIONS = path.join(__dirname, '..', '..', 'fixtures', 'reward_functions');
const REPO = path.join(__dirname, '..', '..', '..');
const SANDBOX_PRIVATE = ['/tmp/', '/dev/shm/', '/run/', '/var/tmp/'];

/**
 * Where test workspaces go: not under /tmp (every sandboxed program gets an empty /tmp of its own, so
 * a virtual environment there would be invisible to it), and reachable by the sandbox's uid.
 */
function testBase(): string {
  const isRoot = process.getuid?.() === 0;
  // root's home is closed to the sandbox's uid; /var/cache is open to it (a checkout under /tmp, as in CI, needs one of these)
  const candidates = [process.env.REASONING_LAB_TEST_TMP, path.join(REPO, 'test-results', 'tmp'), isRoot ? '/var/cache/reasoning-lab-tests' : path.join(os.homedir(), '.cache', 'reasoning-lab-tests')];
  for (const c of candidates) {
    if (!c) continue;
    fs.mkdirSync(c, { recursive: true });
    const real = fs.realpathSync(c) + '/';
    if (!SANDBOX_PRIVATE.some((d) => real.startsWith(d))) return c;
  }
  return os.tmpdir();
}

/**
 * A throw-away workspace holding a copy of the fixture functions (under rewards/), readable by the
 * sandbox's dedicated uid when the tests run as root (mkdtemp makes 0700 folders).
 */
export function makeWorkspace(prefix = 'rl-rewardfn-'): string {
  const ws = fs.mkdtempSync(path.join(testBase(), prefix));
  fs.chmodSync(ws, 0o755);
  fs.cpSync(FUNCTIONS, path.join(ws, 'rewards'), { recursive: true });
  return ws;
}

/**
 * `python -m venv <ws>/.venv` (no pip: there is no PyPI here) with the pure-Python stand-in for
 * math_verify installed into its site-packages, as `pip install math-verify` would.
 */
export function makeVenv(ws: string, name = '.venv'): string {
  const dir = path.join(ws, name);
  const r = spawnSync(defaultPython(), ['-m', 'venv', '--without-pip', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python -m venv failed: ${r.stderr}`);
  const site = spawnSync(path.join(dir, 'bin', 'python'), ['-I', '-c', 'import site; print(site.getsitepackages()[0])'], { encoding: 'utf8' }).stdout.trim();
  fs.cpSync(path.join(FUNCTIONS, 'fake_math_verify', 'math_verify'), path.join(site, 'math_verify'), { recursive: true });
  return dir;
}

export function removeWorkspace(ws: string): void {
  fs.rmSync(ws, { recursive: true, force: true });
}
