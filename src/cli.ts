/**
 * Reasoning Lab's headless entry point: the same engine as the extension, for terminals and CI.
 * Each command lives in src/cli/<command>.ts; this file only dispatches.
 */
import { presetsCommand, scoreCommand } from './cli/score';
import { evalCommand } from './cli/eval';
import { UsageError, type CliCommand } from './cli/common';
import { OutputExistsError } from './core/shared/safeOutput';
import { tracesCommand } from './cli/traces';
import { judgeCommand } from './cli/judge';
import { rmEvalCommand } from './cli/rmEval';
import { runsCommand } from './cli/runs';
import { solveCommand } from './cli/solve';
import { trainCommand } from './cli/train';

const COMMANDS: CliCommand[] = [scoreCommand, tracesCommand, evalCommand, runsCommand, judgeCommand, rmEvalCommand, solveCommand, trainCommand, presetsCommand];

const USAGE = `Usage: reasoning-lab <command> [options]

Commands:
${COMMANDS.map((c) => '  ' + c.usage.split('\n').join('\n  ')).join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  if (rest.includes('--help')) {
    process.stdout.write(`Usage: reasoning-lab ${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(err as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (err instanceof OutputExistsError) {
      process.stderr.write(`error: ${err.message} (pass --force to replace it)\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`error: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    }
  },
);
