/**
 * reasoning-lab score <records.jsonl|-> [--rewards <preset|spec.json>] [--out <file>] [--force]
 *
 * Streams JSONL records through the reward engine: one JSON line out per record, malformed lines
 * reported on stderr (file:line: reason) and skipped, memory flat in the file size.
 */
import * as fs from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { PRESETS, resolveRewardSpec, scoreRecord, withConfiguredModels } from '../core/rewards';
import { toScoreLine } from '../core/rewards/scoreLine';
import { readJsonl } from '../core/records/jsonl';
import { toRewardRecord } from '../core/records/record';
import { formatSpecErrors } from '../core/rewards/formatSpecErrors';
import { commitOutput, openOutput, progressReporter, rate, UsageError, type CliCommand } from './common';
import { judgeRecords, type GrmJudgeOptions } from '../core/models/grm/judge';
import { JUDGE_OPTIONS, JUDGE_USAGE, judgeConfigured, openJudge, refuseKeyInArgv } from './judgeOptions';
import { ModelError } from '../core/models/errors';
import { ModelHost } from '../core/models/modelHost';
import { describeProviderStatus } from '../core/models/providers';
import type { RewardScorer } from '../core/models/types';
import { MODEL_OPTIONS, MODEL_USAGE, rewardModelOptions } from './modelOptions';
import { scoreAhead, type ItemWithRm } from './scoreAhead';

export const scoreCommand: CliCommand = {
  name: 'score',
  usage: `score <records.jsonl|->   Score each JSONL record; write one JSON line per record.
    --rewards <preset|file>  ${Object.keys(PRESETS).join(' | ')} | a spec .json file (default r1)
    --out <file>             write results here instead of stdout (refuses to replace a file without --force)
    --force                  allow --out to replace an existing file
  Generative reward model (the grm component; added with weight 1 when the spec has none; --k wins over the spec's k):
${JUDGE_USAGE}
  Local ONNX reward model (the rm component, sigmoid of its logit; added with weight 1 when the spec has none):
${MODEL_USAGE}
  Records: {"id", "prompt", "completion", "answer"?, "language"?, "reference"?}, or chat messages
  ({"messages": [{"role", "content"}, ...]}). Exit codes: 0 scored something, 1 nothing could be read,
  2 bad usage or an invalid spec, 130 interrupted.`,
  run: score,
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

async function score(args: string[]): Promise<number> {
  refuseKeyInArgv(args);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { rewards: { type: 'string', default: 'r1' }, out: { type: 'string' }, force: { type: 'boolean', default: false }, ...JUDGE_OPTIONS, ...MODEL_OPTIONS },
  });
  if (positionals.length !== 1) throw new UsageError('score needs exactly one input file (or - for stdin)');
  const input = positionals[0];

  const resolved = resolveRewardSpec(values.rewards!, (file) => fs.readFileSync(file, 'utf8'));
  if (!resolved.spec) {
    process.stderr.write(`error: invalid reward spec\n${formatSpecErrors(resolved.errors)}\n`);
    return 2;
  }
  // the spec's rm.model (relative to the current folder) when --model is not given
  const specModel = resolved.spec.components.rm?.options?.model;
  const modelDir = values.model ?? (typeof specModel === 'string' ? specModel : undefined);
  const { spec, added } = withConfiguredModels(resolved.spec, { grm: judgeConfigured(values), rm: !!modelDir });
  let judge: GrmJudgeOptions | undefined;
  let closeJudge: (() => Promise<void>) | undefined;
  if (judgeConfigured(values)) {
    const specK = spec.components.grm?.options?.k;
    ({ options: judge, dispose: closeJudge } = await openJudge(values, typeof specK === 'number' ? specK : undefined));
  }
  for (const name of added) process.stderr.write(`note: ${spec.name} has no ${name} component; added with weight 1\n`);
  // --model: the reward model runs in the model worker; records are read ahead so it can batch them
  let host: ModelHost | undefined;
  let rm: RewardScorer | undefined;
  if (modelDir) {
    const rmOptions = rewardModelOptions(values);
    host = new ModelHost();
    try {
      rm = await host.openRewardModel(modelDir, rmOptions);
    } catch (err) {
      await host.dispose();
      if (!(err instanceof ModelError)) throw err;
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`reward model ${rm.info.name} on ${describeProviderStatus(rm.info.provider)}\n`);
  }

  let source: NodeJS.ReadableStream;
  if (input === '-') source = process.stdin;
  else {
    try {
      if (fs.statSync(input).isDirectory()) throw new Error('is a directory');
    } catch (err) {
      process.stderr.write(`error: cannot read ${input}: ${(err as Error).message}\n`);
      return 1;
    }
    source = fs.createReadStream(input);
  }

  const out = values.out ? openOutput(values.out, input, values.force!) : undefined;
  const sink: NodeJS.WritableStream = out?.stream ?? process.stdout;

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);

  const started = Date.now();
  let scored = 0;
  let malformed = 0;
  let sum = 0;
  const progress = progressReporter();
  try {
    const items: AsyncIterable<ItemWithRm> = rm
      ? scoreAhead(readJsonl(source, { signal: controller.signal }), rm, 64, controller.signal)
      : readJsonl(source, { signal: controller.signal });
    for await (const item of items) {
      const label = `${input === '-' ? 'stdin' : input}:${item.line}`;
      if (item.error !== undefined) {
        malformed++;
        process.stderr.write(`${progress.done()}${label}: skipped: ${item.error}\n`);
        continue;
      }
      const { record, error } = toRewardRecord(item.value, `line-${item.line}`);
      if (!record) {
        malformed++;
        process.stderr.write(`${progress.done()}${label}: skipped: ${error}\n`);
        continue;
      }
      if (item.rm) record.modelScores = { ...record.modelScores, rm: item.rm };
      if (judge) {
        await judgeRecords([record], { ...judge, signal: controller.signal });
        if (controller.signal.aborted) break;
      }
      const result = scoreRecord(record, spec);
      sum += result.total;
      scored++;
      if (!sink.write(JSON.stringify(toScoreLine(result)) + '\n')) await once(sink, 'drain');
      progress.tick(() => `scored ${scored} records (${rate(scored, started)}/s)…`);
    }
  } catch (err) {
    if (!controller.signal.aborted) {
      process.stderr.write(`${progress.done()}error: reading ${input} failed: ${(err as Error).message}\n`);
      if (scored === 0) {
        await out?.abandon();
        return 1;
      }
    }
  } finally {
    process.off('SIGINT', interrupt);
    await host?.dispose();
    await closeJudge?.();
  }
  if (out && !(await commitOutput(out, progress.done()))) return 1;

  const seconds = ((Date.now() - started) / 1000).toFixed(2);
  const parts = [`scored ${scored} record${scored === 1 ? '' : 's'} with ${spec.name} in ${seconds} s`];
  if (malformed) parts.push(`${malformed} malformed line${malformed === 1 ? '' : 's'} skipped`);
  if (scored) parts.push(`mean total ${(sum / scored).toFixed(3)}`);
  if (controller.signal.aborted) parts.push('interrupted: the output holds the records scored so far');
  process.stderr.write(`${progress.done()}${parts.join('; ')}${values.out ? ` → ${values.out}` : ''}\n`);
  if (controller.signal.aborted) return 130;
  if (scored === 0) {
    process.stderr.write(`error: no record could be read from ${input}\n`);
    return 1;
  }
  return 0;
}

