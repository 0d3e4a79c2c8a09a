/**
 * reasoning-lab rm-eval <pairs.jsonl[.gz]> --model <dir> [--show-wrong] [--out wrong.jsonl]
 *
 * Scores both sides of each preference pair with a local ONNX reward model (in the model worker,
 * batched) and prints a JSON summary: n, accuracy, per-subset accuracy, margin distribution.
 * Malformed lines are reported on stderr (file:line: reason) and skipped.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ModelError } from '../core/models/errors';
import { ModelHost } from '../core/models/modelHost';
import { describeProviderStatus } from '../core/models/providers';
import { evaluatePairs, readPreferencePairs } from '../core/models/rmEval';
import { commitOutput, openOutput, progressReporter, rate, UsageError, workerScript, type CliCommand, onInterrupt } from './common';
import type { RewardModelOptions } from '../core/models/types';
import { errorMessage } from '../core/shared/errors';
import { MODEL_OPTIONS, MODEL_USAGE, rewardModelOptions } from './modelOptions';

export const rmEvalCommand: CliCommand = {
  name: 'rm-eval',
  usage: `rm-eval <pairs.jsonl[.gz]> --model <dir>   Reward-model accuracy on preference pairs (RewardBench's metric).
${MODEL_USAGE}
    --show-wrong             add the pairs the model gets wrong to the summary ("wrong": [...])
    --out <file>             write the wrong pairs as JSONL here (refuses to replace a file without --force)
    --force                  allow --out to replace an existing file
  Pairs: {"prompt", "chosen", "rejected", "subset"?, "id"?} (strings or chat message lists; lists of answers =
  RewardBench 2, won only when every chosen answer beats every rejected one), or Anthropic HH transcripts.
  Prints {"n", "accuracy", "subsets": {name: {n, accuracy}}, "margins": {mean, min, p10, p50, p90, max}, ...}.
  Exit codes: 0 evaluated, 1 no pair could be read or the model failed, 2 bad usage, 130 interrupted.`,
  run: (args) => runRmEval(parseRmEvalArgs(args)),
};

/** What `rm-eval` runs with, checked from argv. */
export interface RmEvalOptions {
  /** The preference pairs file. */
  input: string;
  /** The reward model folder. */
  model: string;
  rm: RewardModelOptions;
  /** Add the pairs the model gets wrong to the summary. */
  showWrong: boolean;
  /** Write the wrong pairs here as JSONL. */
  out?: string;
  force: boolean;
}

export function parseRmEvalArgs(args: string[]): RmEvalOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...MODEL_OPTIONS, 'show-wrong': { type: 'boolean', default: false }, out: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('rm-eval needs exactly one pairs file');
  if (!values.model) throw new UsageError('rm-eval needs --model <dir>');
  return { input: positionals[0], model: values.model, rm: rewardModelOptions(values), showWrong: values['show-wrong']!, out: values.out, force: values.force! };
}

export async function runRmEval(o: RmEvalOptions): Promise<number> {
  const input = o.input;
  try {
    if (fs.statSync(input).isDirectory()) throw new Error('is a directory');
  } catch (err) {
    process.stderr.write(`error: cannot read ${input}: ${errorMessage(err)}\n`);
    return 1;
  }
  const out = o.out ? openOutput(o.out, input, o.force) : undefined;

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  const releaseInterrupt = onInterrupt(interrupt);
  const host = new ModelHost(workerScript('modelWorker'));
  const progress = progressReporter();
  try {
    const { pairs, errors } = await readPreferencePairs(input, { signal: controller.signal });
    for (const e of errors) process.stderr.write(`${input}:${e.line}: skipped: ${e.message}\n`);
    if (!pairs.length) {
      process.stderr.write(`error: no preference pair could be read from ${input}\n`);
      await out?.abandon();
      return controller.signal.aborted ? 130 : 1;
    }
    const rm = await host.openRewardModel(o.model, o.rm);
    process.stderr.write(`reward model ${rm.info.name} on ${describeProviderStatus(rm.info.provider)}\n`);
    const started = Date.now();
    const result = await evaluatePairs(pairs, rm, {
      signal: controller.signal,
      skipped: errors.length,
      onProgress: (done, total) => progress.tick(() => `scored ${done}/${total} pairs (${rate(done, started)}/s)…`),
    });
    const summary: Record<string, unknown> = { ...result.summary };
    if (o.showWrong) summary.wrong = result.wrong;
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    if (out) {
      for (const w of result.wrong) out.stream.write(JSON.stringify(w) + '\n');
      if (!(await commitOutput(out, progress.done()))) return 1;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    process.stderr.write(
      `${progress.done()}evaluated ${result.summary.n} pairs in ${seconds} s: accuracy ${result.summary.accuracy}; ${result.wrong.length} wrong${errors.length ? `; ${errors.length} malformed line${errors.length === 1 ? '' : 's'} skipped` : ''}${o.out ? ` → ${o.out}` : ''}\n`,
    );
    return 0;
  } catch (err) {
    await out?.abandon();
    if (controller.signal.aborted || (err instanceof ModelError && err.code === 'cancelled')) {
      process.stderr.write(`${progress.done()}interrupted\n`);
      return 130;
    }
    if (err instanceof ModelError) {
      process.stderr.write(`${progress.done()}error: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    releaseInterrupt();
    await host.dispose();
  }
}
