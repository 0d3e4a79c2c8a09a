/**
 * reasoning-lab traces <file> [--stats] | --export-best --k N --out sft.jsonl | --follow
 *
 * --stats (the default) prints ONE JSON object: records, samples, groups, malformed [{line, reason}],
 * steps {total, meanPerRecord}, reflections, zeroAdvantageGroups, rewards, timing. --export-best writes
 * the top-k samples per group as SFT chat JSONL (never over an existing file). --follow prints one JSON
 * line per batch of new records with the per-training-step curve, until Ctrl+C.
 * Progress goes to stderr on a terminal; Ctrl+C cancels (exit 130, partial numbers marked cancelled).
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { PRESETS, resolveRewardSpec } from '../core/rewards';
import { formatSpecErrors } from '../core/rewards/formatSpecErrors';
import { exportBestOfN, followTraceFile, openTraceFile, type FieldMapping, type TraceFormat, type TraceProgress } from '../core/traces';
import { commitOutput, openOutput, progressReporter, UsageError, type CliCommand } from './common';

const FIELD_NAMES = ['prompt', 'completion', 'reward', 'id', 'group', 'answer', 'step'];
const FORMATS: TraceFormat[] = ['plain', 'chat', 'multi', 'verl', 'trl', 'inspect', 'score-output'];

export const tracesCommand: CliCommand = {
  name: 'traces',
  usage: `traces <file> [--stats]    Index a rollout log (JSONL, JSON, .gz, Parquet, Inspect .eval) and print one JSON object of statistics.
    --export-best --k N --out <file>   write the top N samples per prompt group as SFT chat JSONL (never replaces a file)
    --correct-only           with --export-best: only samples with accuracy = 1 and format = 1
    --follow                 print a JSON line per batch of new records (per-step reward and CoT length) until Ctrl+C
    --rewards <preset|file>  score samples that have no reward in the file (default r1); --rescore scores all
    --field name=path        map a field when detection guesses wrong (${FIELD_NAMES.join(', ')}); repeatable
    --format <name>          force the format: ${FORMATS.join(' | ')}`,
  run: traces,
};

function parseFields(list: string[] | undefined): FieldMapping {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    const k = item.slice(0, eq);
    if (eq <= 0 || !FIELD_NAMES.includes(k) || !item.slice(eq + 1)) throw new UsageError(`--field expects name=path with name one of ${FIELD_NAMES.join(', ')}; got "${item}"`);
    out[k] = item.slice(eq + 1);
  }
  return out as FieldMapping;
}

function describe(p: TraceProgress): string {
  const pct = p.total ? Math.floor((100 * p.done) / p.total) : 0;
  return p.unit === 'bytes'
    ? `${p.phase === 'index' ? 'indexing' : p.phase}: ${pct}% (${(p.done / 1048576).toFixed(0)} of ${(p.total / 1048576).toFixed(0)} MB, ${p.entries} records)…`
    : `${p.phase === 'analyze' ? 'analyzing' : 'exporting'}: ${pct}% (${p.done} of ${p.total} records)…`;
}

async function traces(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      stats: { type: 'boolean', default: false },
      'export-best': { type: 'boolean', default: false },
      follow: { type: 'boolean', default: false },
      k: { type: 'string' },
      out: { type: 'string' },
      'correct-only': { type: 'boolean', default: false },
      system: { type: 'string' },
      rewards: { type: 'string', default: 'r1' },
      rescore: { type: 'boolean', default: false },
      field: { type: 'string', multiple: true },
      format: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('traces needs exactly one input file');
  const input = positionals[0];
  const modes = [values['export-best'], values.follow, values.stats].filter(Boolean).length;
  if (modes > 1) throw new UsageError('choose one of --stats, --export-best, --follow');
  if (values.format && !FORMATS.includes(values.format as TraceFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  let k = 0;
  if (values['export-best']) {
    k = Number(values.k ?? '1');
    if (!Number.isInteger(k) || k < 1) throw new UsageError('--k must be a whole number ≥ 1');
    if (!values.out) throw new UsageError('--export-best needs --out <file>');
  }
  const fields = parseFields(values.field);
  const resolved = resolveRewardSpec(values.rewards!, (file) => fs.readFileSync(file, 'utf8'));
  if (!resolved.spec) {
    process.stderr.write(`error: invalid reward spec\n${formatSpecErrors(resolved.errors)}\n`);
    return 2;
  }
  const spec = resolved.spec;
  try {
    const st = fs.statSync(input);
    if (st.isDirectory()) throw new Error('is a directory');
  } catch (err) {
    process.stderr.write(`error: cannot read ${input}: ${(err as Error).message}\n`);
    return 1;
  }
  // fail on an existing --out before the long work starts
  let out: ReturnType<typeof openOutput> | undefined;
  if (values['export-best']) {
    if (fs.existsSync(values.out!)) throw new UsageError(`${values.out} exists; traces --export-best never replaces a file: choose another --out`);
    out = openOutput(values.out!, input, false);
  }

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  const progress = progressReporter();
  const onProgress = (p: TraceProgress) => progress.tick(() => describe(p));
  const started = Date.now();
  let tf;
  try {
    tf = await openTraceFile(input, { fields, format: values.format as TraceFormat | undefined, follow: values.follow }, { onProgress, signal: controller.signal });
  } catch (err) {
    process.off('SIGINT', interrupt);
    await out?.abandon();
    if (controller.signal.aborted) {
      process.stderr.write(`${progress.done()}interrupted while indexing ${input}\n`);
      return 130;
    }
    process.stderr.write(`${progress.done()}error: ${input}: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (values.follow) {
      process.stderr.write(`following ${input} (${tf.shape.format}); Ctrl+C stops\n`);
      for await (const b of followTraceFile(tf, { signal: controller.signal })) {
        const last = b.trainingSteps[b.trainingSteps.length - 1];
        process.stdout.write(JSON.stringify({ change: b.change, newRecords: b.entries.length, records: b.count, reset: b.reset, message: b.message, lastStep: last ?? null, steps: b.trainingSteps.length }) + '\n');
      }
      return 0;
    }
    if (out) {
      const summary = await exportBestOfN(tf, out.stream, { k, correctOnly: values['correct-only'], rewards: spec, system: values.system, onProgress, signal: controller.signal });
      if (summary.cancelled) {
        await out.abandon();
        process.stderr.write(`${progress.done()}interrupted: nothing written\n`);
        return 130;
      }
      if (!(await commitOutput(out, progress.done()))) return 1;
      process.stderr.write(
        `${progress.done()}wrote ${summary.written} sample${summary.written === 1 ? '' : 's'} from ${summary.groupsKept} of ${summary.groups} groups (best ${k} by reward${values['correct-only'] ? ', correct and well-formatted only' : ''}) → ${values.out}\n`,
      );
      process.stdout.write(JSON.stringify({ out: values.out, k, ...summary, malformed: tf.malformed.map(({ line, reason }) => ({ line, reason })) }) + '\n');
      return summary.written > 0 ? 0 : 1;
    }
    const a = await tf.analyze({ rewards: spec, rescore: values.rescore, keepSamples: false, onProgress, signal: controller.signal });
    const result = {
      file: input,
      format: tf.shape.format,
      container: tf.shape.container,
      detected: tf.shape.reason,
      records: a.records,
      samples: a.samples,
      groups: a.groups,
      malformed: a.malformed.map(({ line, reason }) => ({ line, reason })),
      steps: a.steps,
      reflections: a.reflections,
      zeroAdvantageGroups: a.zeroAdvantageGroups,
      rewards: a.rewards,
      trainingSteps: a.trainingSteps.length ? a.trainingSteps : undefined,
      timing: { indexMs: a.timing.indexMs, analyzeMs: a.timing.analyzeMs, totalMs: Date.now() - started },
      ...(a.cancelled ? { cancelled: true } : {}),
    };
    process.stderr.write(progress.done());
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (a.cancelled) return 130;
    return a.records > 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupt);
    await out?.abandon(); // an export that failed midway leaves nothing behind (a no-op after a commit)
    await tf.close();
  }
}
