// The CLI as a user runs it: `node src/cli.ts <args>` as a real child process (through tsx, so no build
// is needed), with stdin given or closed, and its exit code, stdout and stderr collected.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'src', 'cli.ts');
// tsx by its path, so a command run from a folder outside the checkout (a test workspace) still finds it
const TSX = require.resolve('tsx');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], input?: string, opts: { cwd?: string } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd: opts.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const run = collect(child);
  child.stdin.end(input ?? '');
  return run;
}

/**
 * `reasoning-lab <args> | head -n <lines>` in bash with pipefail, so the exit code is the CLI's: the
 * reader goes away while the command is still writing, as when a user pipes into `head`.
 */
export function runCliIntoHead(args: string[], lines = 1): Promise<CliRun> {
  const script = `set -o pipefail; "$0" --import tsx "$1" "\${@:2}" | head -n ${lines}`;
  return collect(spawn('bash', ['-c', script, process.execPath, CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** The exit code and everything the child wrote, once it has closed. */
function collect(child: ChildProcessByStdio<null | Writable, Readable, Readable>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
