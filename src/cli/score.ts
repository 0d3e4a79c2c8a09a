/**
 * reasoning-lab score <records.jsonl|-> [--rewards <preset|spec.json>] [--out <file>] [--force]
 *
 * Streams JSONL records through the reward engine: one JSON line out per record, malformed lines
 * reported on stderr (file:line: reason) and skipped, memory flat in the file size.
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { PRESETS, resolveRewardSpec, scoreRecord, withConfiguredModels, type RewardSpec } from '../core/rewards';
import { toScoreLine } from '../core/rewards/scoreLine';
import { openRecordFile, openRecordStream, type RecordItem, type RecordSource } from '../core/traces/recordSource';
import { formatSpecErrors } from '../core/rewards/formatSpecErrors';
import { commitOutput, openOutput, progressReporter, rate, UsageError, workerScript, type CliCommand, onInterrupt } from './common';
import { judgeRecords, type GrmJudgeOptions } from '../core/models/grm/judge';
import { JUDGE_OPTIONS, JUDGE_USAGE, judgeConfigured, openJudge, parseJudgeFlags, refuseKeyInArgv, type JudgeFlags } from './judgeOptions';
import { ModelError } from '../core/models/errors';
import { ModelHost } from '../core/models/modelHost';
import { describeProviderStatus } from '../core/models/providers';
import type { RewardModelOptions, RewardScorer } from '../core/models/types';
import { errorMessage } from '../core/shared/errors';
import { openInputStream, readTextBounded, statInputFileSync } from '../core/shared/inputFile';
import type { SafeOutput } from '../core/shared/safeOutput';
import { MODEL_OPTIONS, MODEL_USAGE, rewardModelOptions } from './modelOptions';
import { scoreAhead, type ItemWithRm } from './scoreAhead';
import { FunctionErrorLog, functionsAhead, type WithFunctions } from './functionsAhead';
import { RewardFunctionRunner } from '../core/rewards/workspace/runner';

export const scoreCommand: CliCommand = {
  name: 'score',
  usage: `score <records|->         Score each record; write one JSON line per record.
    --rewards <preset|file>  ${Object.keys(PRESETS).join(' | ')} | a spec .json file (default r1)
    --out <file>             write results here instead of stdout (refuses to replace a file without --force)
    --force                  allow --out to replace an existing file
  Generative reward model (the grm component; added with weight 1 when the spec has none; --k wins over the spec's k):
${JUDGE_USAGE}
  Local ONNX reward model (the rm component, sigmoid of its logit; added with weight 1 when the spec has none):
${MODEL_USAGE}
  Workspace reward functions (spec components with "module", "function", "style"): run in the
  evaluation sandbox, module paths and "venv" relative to the current folder; a failure is reported
  per function and record and marks the total incomplete, it is never a 0.
  Records: {"id", "prompt", "completion", "answer"?, "language"?, "reference"?}, or chat messages
  ({"messages": [{"role", "content"}, ...]}), in any file \`traces\` reads (JSONL, JSON documents, .gz,
  Parquet, Inspect logs, several completions per entry); stdin is read as JSONL. A record's other fields
  are the dataset columns reward functions get. Exit codes: 0 scored something, 1 nothing could be read,
  2 bad usage or an invalid spec, 130 interrupted.`,
  run: (args) => runScore(parseScoreArgs(args)),
};

export const presetsCommand: CliCommand = {
  name: 'presets',
  usage: 'presets                   List the reward presets and their components.',
  async run() {
    for (const [name, spec] of Object.entries(PRESETS)) {
      const parts = Object.entries(spec.components).map(([c, s]) => `${c} ${s?.weight}`);
      process.stdout.write(`${name}: ${parts.join(', ')}${spec.description ? ` — ${spec.description}` : ''}\n`);
    }
    return 0;
  },
};

/** What `score` runs with, checked from argv. */
export interface ScoreOptions {
  /** A records file (any format `traces` reads), or '-' for JSONL on stdin. */
  input: string;
  /** A preset name or a spec file. */
  rewards: string;
  out?: string;
  force: boolean;
  /** The judge (the grm component), when --judge-url or --judge-local is given. */
  judge?: JudgeFlags;
  /** The reward model folder (--model); the spec's rm.model when absent. */
  model?: string;
  rm: RewardModelOptions;
}

export function parseScoreArgs(args: string[]): ScoreOptions {
  refuseKeyInArgv(args);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { rewards: { type: 'string', default: 'r1' }, out: { type: 'string' }, force: { type: 'boolean', default: false }, ...JUDGE_OPTIONS, ...MODEL_OPTIONS },
  });
  if (positionals.length !== 1) throw new UsageError('score needs exactly one input file (or - for stdin)');
  return {
    input: positionals[0],
    rewards: values.rewards!,
    out: values.out,
    force: values.force!,
    judge: judgeConfigured(values) ? parseJudgeFlags(values) : undefined,
    model: values.model,
    rm: rewardModelOptions(values),
  };
}

/** The models a score runs with, opened; `close` stops them. */
interface OpenedModels {
  judge?: GrmJudgeOptions;
  rm?: RewardScorer;
  /** Runs the spec's workspace reward functions in the sandbox, when it has some. */
  functions?: RewardFunctionRunner;
  close(): Promise<void>;
}

export async function runScore(o: ScoreOptions): Promise<number> {
  const resolved = resolveRewardSpec(o.rewards, (file) => readTextBounded(file, 'a reward spec'));
  if (!resolved.spec) {
    process.stderr.write(`error: invalid reward spec\n${formatSpecErrors(resolved.errors)}\n`);
    return 2;
  }
  // the spec's rm.model (relative to the current folder) when --model is not given
  const specModel = resolved.spec.components.rm?.options?.model;
  const modelDir = o.model ?? (typeof specModel === 'string' ? specModel : undefined);
  const { spec, added } = withConfiguredModels(resolved.spec, { grm: !!o.judge, rm: !!modelDir });
  for (const name of added) process.stderr.write(`note: ${spec.name} has no ${name} component; added with weight 1\n`);

  if (o.input !== '-') {
    try {
      statInputFileSync(o.input, true); // a named pipe is read as stdin is; a folder or a device is not
    } catch (err) {
      process.stderr.write(`error: cannot read ${errorMessage(err)}\n`);
      return 1;
    }
  }
  const out = o.out ? openOutput(o.out, o.input, o.force) : undefined;
  let models: OpenedModels | undefined;
  try {
    models = await openModels(o, spec, modelDir);
  } finally {
    if (!models) await out?.abandon();
  }
  if (!models) return 1;

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  const releaseInterrupt = onInterrupt(interrupt);
  let counts: ScoreCounts | undefined;
  try {
    const source = await openRecords(o.input, controller.signal);
    if (source) {
      try {
        counts = await scoreRecords(o.input, source.items, spec, models, out, controller.signal);
      } finally {
        await source.close();
      }
    }
  } finally {
    releaseInterrupt();
    await models.close();
  }
  if (!counts) {
    await out?.abandon();
    return controller.signal.aborted ? 130 : 1;
  }
  return finish(o, spec, counts, out, controller.signal.aborted);
}

/**
 * The input's records through the trace explorer's reader (every format `traces` reads; stdin as JSONL),
 * with a note when it is not plain records; undefined, with the reason on stderr, when it cannot be read.
 */
async function openRecords(input: string, signal: AbortSignal): Promise<RecordSource | undefined> {
  let source: RecordSource;
  try {
    source = input === '-' ? await openRecordStream(process.stdin, 'stdin', signal) : await openRecordFile(input, signal);
  } catch (err) {
    if (!signal.aborted) process.stderr.write(`error: cannot read ${input === '-' ? 'stdin' : input}: ${errorMessage(err)}\n`);
    return undefined;
  }
  const { format, container, reason } = source.shape;
  if (format !== 'plain' || container !== 'jsonl') process.stderr.write(`note: reading ${input === '-' ? 'stdin' : input} as ${format} records (${reason})\n`);
  return source;
}

/**
 * Opens the judge, the reward model and the runner of workspace reward functions the options and the spec ask for;
 * undefined, with the reason on stderr, when the reward model cannot be opened.
 */
async function openModels(o: ScoreOptions, spec: RewardSpec, modelDir: string | undefined): Promise<OpenedModels | undefined> {
  let judge: GrmJudgeOptions | undefined;
  let closeJudge: (() => Promise<void>) | undefined;
  if (o.judge) {
    const specK = spec.components.grm?.options?.k;
    ({ options: judge, dispose: closeJudge } = await openJudge(o.judge, typeof specK === 'number' ? specK : undefined));
  }
  const functions = spec.functions?.length ? new RewardFunctionRunner() : undefined;
  if (functions) process.stderr.write(`reward functions ${spec.functions!.map((f) => f.name).join(', ')} run in the sandbox (modules relative to ${process.cwd()})\n`);
  const close = async (host?: ModelHost) => {
    await functions?.close();
    await host?.dispose();
    await closeJudge?.();
  };
  if (!modelDir) return { judge, functions, close };
  // the reward model runs in the model worker; records are read ahead so it can batch them
  const host = new ModelHost(workerScript('modelWorker'));
  let rm: RewardScorer;
  try {
    rm = await host.openRewardModel(modelDir, o.rm);
  } catch (err) {
    await close(host);
    if (!(err instanceof ModelError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return undefined;
  }
  process.stderr.write(`reward model ${rm.info.name} on ${describeProviderStatus(rm.info.provider)}\n`);
  return { judge, rm, functions, close: () => close(host) };
}

interface ScoreCounts {
  scored: number;
  malformed: number;
  sum: number;
  started: number;
  /** A read error ended the input early (reported); with nothing scored the run failed. */
  failed: boolean;
  progress: ReturnType<typeof progressReporter>;
  functionErrors: FunctionErrorLog;
}

/** Scores each record of `source` into `out` (or stdout); malformed lines are reported and skipped. */
async function scoreRecords(input: string, records: AsyncIterable<RecordItem>, spec: RewardSpec, models: OpenedModels, out: SafeOutput | undefined, signal: AbortSignal): Promise<ScoreCounts> {
  const sink: NodeJS.WritableStream = out?.stream ?? process.stdout;
  const counts: ScoreCounts = { scored: 0, malformed: 0, sum: 0, started: Date.now(), failed: false, progress: progressReporter(), functionErrors: new FunctionErrorLog() };
  const { progress } = counts;
  try {
    const read: AsyncIterable<ItemWithRm> = models.rm ? scoreAhead(records, models.rm, 64, signal) : records;
    const items: AsyncIterable<WithFunctions<ItemWithRm>> = models.functions ? functionsAhead(read, models.functions, spec, process.cwd(), 256, signal) : read;
    for await (const item of items) {
      const { record } = item;
      const label = `${input === '-' ? 'stdin' : input}:${item.line}`;
      if (!record) {
        counts.malformed++;
        process.stderr.write(`${progress.done()}${label}: skipped: ${item.error}\n`);
        continue;
      }
      if (item.rm) record.modelScores = { ...record.modelScores, rm: item.rm };
      if (item.functions) record.functionScores = item.functions;
      if (models.judge) {
        await judgeRecords([record], { ...models.judge, signal });
        if (signal.aborted) break;
      }
      const result = scoreRecord(record, spec);
      const failures = counts.functionErrors.report(label, record.id, result.components, result.incomplete);
      if (failures) process.stderr.write(progress.done() + failures);
      counts.sum += result.total;
      counts.scored++;
      if (!sink.write(JSON.stringify(toScoreLine(result)) + '\n')) await once(sink, 'drain');
      progress.tick(() => `scored ${counts.scored} records (${rate(counts.scored, counts.started)}/s)…`);
    }
  } catch (err) {
    if (!signal.aborted) {
      process.stderr.write(`${progress.done()}error: reading ${input} failed: ${errorMessage(err)}\n`);
      counts.failed = true;
    }
  }
  return counts;
}

/** Puts the output in place (or drops it when nothing was scored after a read error), prints the summary, returns the exit code. */
async function finish(o: ScoreOptions, spec: RewardSpec, c: ScoreCounts, out: SafeOutput | undefined, interrupted: boolean): Promise<number> {
  if (c.failed && c.scored === 0) {
    await out?.abandon();
    return 1;
  }
  if (out && !(await commitOutput(out, c.progress.done()))) return 1;
  const seconds = ((Date.now() - c.started) / 1000).toFixed(2);
  const parts = [`scored ${c.scored} record${c.scored === 1 ? '' : 's'} with ${spec.name} in ${seconds} s`];
  if (c.malformed) parts.push(`${c.malformed} malformed line${c.malformed === 1 ? '' : 's'} skipped`);
  if (c.scored) parts.push(`mean total ${(c.sum / c.scored).toFixed(3)}`);
  if (interrupted) parts.push('interrupted: the output holds the records scored so far');
  process.stderr.write(`${c.progress.done()}${c.functionErrors.summary(c.scored)}${parts.join('; ')}${o.out ? ` → ${o.out}` : ''}\n`);
  if (interrupted) return 130;
  if (c.scored === 0) {
    process.stderr.write(`error: no record could be read from ${o.input}\n`);
    return 1;
  }
  return 0;
}
