/**
 * Reasoning Lab's headless entry point: the same engine as the extension, for terminals and CI.
 * Each command lives in src/cli/<command>.ts; this file only dispatches.
 */
import { version } from '../package.json';
import { presetsCommand, scoreCommand } from './cli/score';
import { evalCommand } from './cli/eval';
import { endQuietlyWhenStdoutCloses, stdoutClosed, UsageError, type CliCommand } from './cli/common';
import { OutputExistsError } from './core/shared/safeOutput';
import { tracesCommand } from './cli/traces';
import { hacksCommand } from './cli/hacks';
import { compareCommand } from './cli/compare';
import { judgeCommand } from './cli/judge';
import { rmEvalCommand } from './cli/rmEval';
import { runsCommand } from './cli/runs';
import { solveCommand } from './cli/solve';
import { trainCommand } from './cli/train';

const COMMANDS: CliCommand[] = [scoreCommand, tracesCommand, hacksCommand, compareCommand, evalCommand, runsCommand, judgeCommand, rmEvalCommand, solveCommand, trainCommand, presetsCommand];

const USAGE = `Usage: reasoning-lab <command> [options]
       reasoning-lab <command> --help     one command's options
       reasoning-lab --version

Commands:
${COMMANDS.map((c) => '  ' + c.usage.split('\n').join('\n  ')).join('\n')}`;

const isHelp = (a: string) => a === '--help' || a === '-h';

/** The command being run, for a usage error's text (its own usage, not every command's). */
let current: CliCommand | undefined;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || isHelp(name) || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`reasoning-lab ${version}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  current = command;
  // options after "--" are positionals (a file named --help)
  const end = rest.indexOf('--');
  if ((end < 0 ? rest : rest.slice(0, end)).some(isHelp)) {
    process.stdout.write(`Usage: reasoning-lab ${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
}

endQuietlyWhenStdoutCloses();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = stdoutClosed() ? 0 : code;
  },
  (err) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      const usage = current ? `Usage: reasoning-lab ${current.usage}\n\n(reasoning-lab --help lists every command)` : USAGE;
      process.stderr.write(`error: ${(err as Error).message}\n\n${usage}\n`);
      process.exitCode = 2;
    } else if (err instanceof OutputExistsError) {
      process.stderr.write(`error: ${err.message} (pass --force to replace it)\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`error: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    }
    if (stdoutClosed()) process.exitCode = 0;
  },
);
