/** What every CLI command shares: usage errors, progress on a terminal, and safe output files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../core/shared/errors';
import { OutputExistsError, SafeOutput } from '../core/shared/safeOutput';

/** A mistake in how the command was called: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

export interface CliCommand {
  name: string;
  /** Usage lines shown by `reasoning-lab --help` (first line: `name <args>  summary`). */
  usage: string;
  run(args: string[]): Promise<number>;
}

/**
 * An --out file, written through the core's safe output (src/core/shared/safeOutput.ts) with the CLI's
 * messages: the output is never the input, and an existing file is replaced only with --force.
 */
export function openOutput(file: string, input: string, force: boolean): SafeOutput {
  if (input !== '-' && path.resolve(file) === path.resolve(input)) throw new UsageError('--out must not be the input file');
  try {
    return SafeOutput.open(file, { replace: force });
  } catch (err) {
    if (err instanceof OutputExistsError) throw new UsageError(`${file} exists; pass --force to replace it`);
    throw err;
  }
}

/** Puts an --out file in place; false, with the reason on stderr, when it cannot be (a file appeared there meanwhile). */
export async function commitOutput(out: SafeOutput, linePrefix = ''): Promise<boolean> {
  try {
    await out.commit();
    return true;
  } catch (err) {
    process.stderr.write(`${linePrefix}error: ${errorMessage(err)}${err instanceof OutputExistsError ? ' (pass --force to replace it)' : ''}\n`);
    return false;
  }
}

/** Stop callbacks of the commands running now (onInterrupt), called when stdout's reader goes away. */
const stoppers = new Set<() => void>();
let stdoutGone = false;

/**
 * Calls `stop` on Ctrl+C (SIGINT) and when whoever reads stdout has gone (`… | head -1` closes the pipe),
 * so a long command stops at its next clean point instead of working for nobody. Returns the function
 * that removes it (call it when the work is over).
 */
export function onInterrupt(stop: () => void): () => void {
  const once = () => {
    release();
    stop();
  };
  const release = () => {
    process.off('SIGINT', once);
    stoppers.delete(once);
  };
  process.once('SIGINT', once);
  stoppers.add(once);
  if (stdoutGone) once();
  return release;
}

/** True once stdout's reader has gone: the command ends quietly, with exit code 0. */
export const stdoutClosed = () => stdoutGone;

/**
 * A closed stdout (EPIPE) ends the command quietly, as it ends `cat` or `grep`: the running command is
 * stopped as on Ctrl+C (so the model worker finishes its batch and files are cleaned up), and nothing
 * more is printed — whoever would have read it is gone, and the interruption is no error. Installed
 * once by the entry point.
 */
export function endQuietlyWhenStdoutCloses(): void {
  const closed = (err: NodeJS.ErrnoException) => {
    if (stdoutGone) return; // later writes fail the same way
    if (err.code !== 'EPIPE') throw err;
    stdoutGone = true;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    for (const stop of [...stoppers]) stop();
  };
  process.stdout.on('error', closed);
  process.stderr.on('error', closed);
}

/**
 * Writes to stdout and waits while its buffer is full (a slow reader), so a loop that prints many lines
 * neither piles them up in memory nor misses that the reader has gone. False once it has gone.
 */
export async function writeStdout(text: string): Promise<boolean> {
  if (stdoutGone) return false;
  if (!process.stdout.write(text)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        process.stdout.off('drain', done);
        process.stdout.off('error', done);
        resolve();
      };
      process.stdout.on('drain', done);
      process.stdout.on('error', done);
    });
  }
  return !stdoutGone;
}

/** Records per second since `since` (ms), for progress lines. */
export const rate = (n: number, since: number) => Math.round(n / Math.max(0.001, (Date.now() - since) / 1000));

/** A progress line on stderr that rewrites itself, only when stderr is a terminal, at most twice a second. */
export function progressReporter(): { tick(message: () => string): void; done(): string } {
  const tty = !!process.stderr.isTTY;
  let last = Date.now();
  let shown = false;
  return {
    tick(message) {
      if (!tty || Date.now() - last < 500) return;
      last = Date.now();
      shown = true;
      process.stderr.write(`\r${message()}\u001b[K`);
    },
    /** The prefix a final summary line needs to replace the progress line. */
    done: () => (shown ? '\r\u001b[K' : ''),
  };
}

/** An integer flag's value (undefined when absent); anything else than an integer ≥ min is a UsageError naming the flag. */
export function integerFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag}: expected an integer ≥ ${min}, got ${value}`);
  return n;
}

/**
 * "--steps -5" as "--steps=-5" for these number flags, so a negative number reaches the command's
 * own check ("expected an integer ≥ 1") instead of parseArgs' "ambiguous option".
 */
export function joinNegativeNumbers(args: string[], flags: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const previous = out[out.length - 1];
    if (/^-\d/.test(a) && previous !== undefined && flags.some((f) => previous === `--${f}`)) out[out.length - 1] = `${previous}=${a}`;
    else out.push(a);
  }
  return out;
}

/**
 * A worker thread's script for the CLI: beside the bundle (dist/cli.js starts dist/modelWorker.js),
 * else its TypeScript source (the CLI run from source through tsx).
 */
export function workerScript(name: 'modelWorker'): string {
  const bundled = path.join(__dirname, `${name}.js`);
  return fs.existsSync(bundled) ? bundled : path.join(__dirname, '..', 'workers', `${name}.ts`);
}

/** Text from programs or data files, made safe for a terminal (control characters shown as \xNN). */
export { showControlChars as terminalSafe } from '../core/shared/controlChars';
