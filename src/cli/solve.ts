/**
 * reasoning-lab solve <problems.jsonl|dir> --agent <checkpoint> [--budget N] [--write] [--force] [--traces <file>]
 *
 * Solves synthesis problems with a trained agent: it searches programs in order of its policies' probability until one
 * matches the shown examples or the budget of program executions is spent, then checks the held-back
 * examples. One JSON line per problem, then a final line {"solved", "total", "solveRate",
 * "programsExecuted", …}; solved means the held-back examples pass too.
 * --write puts the solution next to a workspace problem as solution.py and solution.js (the
 * evaluation format's reference files); an existing file is kept unless --force.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { toJavaScript, toPython } from '../core/agents/synth/compile';
import { formatProgram } from '../core/agents/synth/dsl';
import { loadSynthProblems } from '../core/agents/synth/problems';
import { solveWithAgent } from '../core/agents/synth/search';
import { episodeTrace, TraceWriter } from '../core/agents/synth/traces';
import { loadCheckpoint } from '../core/agents/synth/train';
import { errorMessage } from '../core/shared/errors';
import { OutputExistsError, writeFileSafely } from '../core/shared/safeOutput';
import { integerFlag, joinNegativeNumbers, UsageError, type CliCommand, onInterrupt, writeStdout } from './common';
import { parseSolveCodeArgs, runSolveCode, SOLVE_CODE_USAGE } from './codeAgent';

export const solveCommand: CliCommand = {
  name: 'solve',
  usage: `solve <problems.jsonl|dir> --agent <checkpoint>   Solve synthesis problems with a trained agent; print the solve rate.
    --budget N               program executions per problem (default 1000)
    --write                  write solution.py / solution.js next to each solved workspace problem (--force replaces existing ones)
    --traces <file.jsonl>    append every episode as a trace record (opens in the trace explorer)
  Exit codes: 0 done, 1 unreadable problems or checkpoint, 2 bad usage, 130 interrupted.
${SOLVE_CODE_USAGE}`,
  // --generator: the code agent (a language model proposes, the agent decides); without it the synthesis agent
  run: (args) => (args.some((a) => a === '--generator' || a.startsWith('--generator=')) ? runSolveCode(parseSolveCodeArgs(args)) : runSolve(parseSolveArgs(args))),
};

export interface SolveOptions {
  /** A problems.jsonl file or a folder of workspace problems. */
  problems: string;
  /** The trained agent's checkpoint. */
  agent: string;
  /** Program executions per problem. */
  budget: number;
  /** Write solution.py / solution.js beside each solved workspace problem; replace existing files only with `force`. */
  write: boolean;
  force: boolean;
  /** Append every episode here as a trace record. */
  traces?: string;
}

export function parseSolveArgs(args: string[]): SolveOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeNumbers(args, ['budget']),
    allowPositionals: true,
    options: { agent: { type: 'string' }, budget: { type: 'string', default: '1000' }, write: { type: 'boolean', default: false }, force: { type: 'boolean', default: false }, traces: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('solve needs exactly one problem set (a problems.jsonl file or a folder)');
  if (!values.agent) throw new UsageError('solve needs --agent <checkpoint> (train one with: train synth --out <checkpoint>)');
  return { problems: positionals[0], agent: values.agent, budget: integerFlag(values.budget, 'budget', 1)!, write: values.write!, force: values.force!, traces: values.traces };
}

export async function runSolve(o: SolveOptions): Promise<number> {
  let loaded;
  try {
    loaded = loadSynthProblems(o.problems);
  } catch (err) {
    process.stderr.write(`error: cannot read ${o.problems}: ${errorMessage(err)}\n`);
    return 1;
  }
  for (const w of loaded.warnings) process.stderr.write(`${w}\n`);
  let agent;
  try {
    agent = loadCheckpoint(o.agent).agent;
  } catch (err) {
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  }
  const traces = o.traces ? new TraceWriter(o.traces) : undefined;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  const releaseInterrupt = onInterrupt(onSigint);
  let solved = 0;
  let executed = 0;
  let n = 0;
  try {
    for (const problem of loaded.problems) {
      if (controller.signal.aborted) break;
      const r = solveWithAgent(problem, agent, {
        budget: o.budget,
        signal: controller.signal,
        onEpisode: traces ? (ep) => traces.write(episodeTrace(ep, { id: `solve-${++n}`, mode: 'solve' })) : undefined,
      });
      executed += r.programsExecuted;
      if (r.solved) solved++;
      const line: Record<string, unknown> = { id: problem.id, solved: r.solved, matchedShown: r.matchedShown, programsExecuted: r.programsExecuted };
      if (r.error) line.error = r.error;
      if (r.program && r.matchedShown) line.program = formatProgram(r.program, problem.signature.python.params);
      if (o.write && r.solved && r.program && problem.source.kind === 'workspace') line.written = writeSolutions(problem.source.dir, r.program, problem, o.force);
      await writeStdout(JSON.stringify(line) + '\n');
    }
  } finally {
    traces?.close();
    releaseInterrupt();
  }
  const total = loaded.problems.length;
  process.stdout.write(JSON.stringify({ solved, total, solveRate: total ? solved / total : 0, programsExecuted: executed, budget: o.budget, skipped: loaded.warnings.length, ...(traces ? { traces: o.traces } : {}) }) + '\n');
  return controller.signal.aborted ? 130 : 0;
}

/** solution.py and solution.js beside problem.md; a user's existing file is kept unless --force. */
function writeSolutions(dir: string, program: Parameters<typeof toPython>[0], problem: Parameters<typeof solveWithAgent>[0], force: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const files: [string, string][] = [
    ['solution.py', toPython(program, problem.signature.python)],
    ['solution.js', toJavaScript(program, problem.signature.javascript)],
  ];
  for (const [name, code] of files) {
    try {
      writeFileSafely(path.join(dir, name), code, { replace: force });
      out[name] = 'written';
    } catch (err) {
      if (!(err instanceof OutputExistsError)) throw err;
      out[name] = 'kept (exists; --force replaces it)';
    }
  }
  return out;
}
