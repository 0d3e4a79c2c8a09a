/**
 * reasoning-lab runs [<folder>]
 *
 * Lists the stored evaluation runs of a folder (default .reasoning-lab/runs, where the editor and
 * `eval --out` keep them), newest first, as the Eval Dashboard does: one JSON line per run. Every
 * `.jsonl` file there that is not a readable run is named on stderr with the reason.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { RunCatalog, RunStore } from '../core/eval';
import { UsageError, type CliCommand } from './common';

export interface RunsOptions {
  folder: string;
}

export const runsCommand: CliCommand = {
  name: 'runs',
  usage: `runs [<folder>]            List stored evaluation runs, newest first, one JSON line each (default folder .reasoning-lab/runs).
  Each line: {"id" (the run file), "label", "createdAt", "problemSet", "samples", "problems", "judged", "total",
  "complete", "passAtK", "verdicts", "msPerProblem", "protections"}. Files that are not readable runs are named
  on stderr as file: reason. Exit codes: 0 listed (maybe none), 1 nothing but unreadable files, 2 bad usage.`,
  run: (args) => listRuns(parseRunsArgs(args)),
};

export function parseRunsArgs(args: string[]): RunsOptions {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError('runs takes at most one folder');
  return { folder: positionals[0] ?? path.join('.reasoning-lab', 'runs') };
}

export async function listRuns(options: RunsOptions): Promise<number> {
  const { runs, unreadable } = new RunCatalog(() => new RunStore(options.folder)).list();
  for (const run of runs) process.stdout.write(JSON.stringify(run) + '\n');
  for (const u of unreadable) process.stderr.write(`${u.file}: ${u.reason}\n`);
  if (!runs.length && !unreadable.length) process.stderr.write(`no runs in ${options.folder}\n`);
  return !runs.length && unreadable.length ? 1 : 0;
}
