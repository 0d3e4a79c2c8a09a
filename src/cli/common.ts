/** What every CLI command shares: usage errors, progress on a terminal, and safe output files. */
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
