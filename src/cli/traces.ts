/**
 * reasoning-lab traces <file> [--stats] | --export-best --k N --out sft.jsonl | --follow | --samples
 *
 * --stats (the default) prints ONE JSON object: records, samples, groups, malformed [{line, reason}],
 * steps {total, meanPerRecord}, reflections, zeroAdvantageGroups, rewards, timing. --export-best writes
 * the top-k samples per group as SFT chat JSONL (never over an existing file). --follow prints one JSON
 * line per batch of new records with the per-training-step curve, until Ctrl+C. --samples prints one
 * JSON line per sample that passes the Trace Explorer's filters, in its order (groups, then samples).
 * Progress goes to stderr on a terminal; Ctrl+C cancels (exit 130, partial numbers marked cancelled).
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveRewardSpec, type RewardSpec } from '../core/rewards';
import { formatSpecErrors } from '../core/rewards/formatSpecErrors';
import {
  describeExport,
  describeFilter,
  exportBestOfN,
  followTraceFile,
  openTraceFile,
  parseRange,
  SAMPLE_SORTS,
  SampleSet,
  type FieldMapping,
  type SampleFilter,
  type SampleSort,
  type TraceFile,
  type TraceFormat,
  type TraceProgress,
} from '../core/traces';
import { commitOutput, openOutput, progressReporter, UsageError, type CliCommand, onInterrupt, terminalSafe, writeStdout } from './common';
import { RewardFunctionRunner } from '../core/rewards/workspace/runner';
import { errorMessage } from '../core/shared/errors';
import { readTextBounded, statInputFileSync } from '../core/shared/inputFile';
import { LIMIT_NAMES, parseLimit, readLimits, type ReadLimits } from '../core/shared/readLimits';

export const FIELD_NAMES = ['prompt', 'completion', 'reward', 'id', 'group', 'answer', 'step'];
export const FORMATS: TraceFormat[] = ['plain', 'chat', 'multi', 'verl', 'trl', 'inspect', 'score-output'];

export const tracesCommand: CliCommand = {
  name: 'traces',
  usage: `traces <file> [--stats]    Index a rollout log (JSONL, JSON, .gz, Parquet, Inspect .eval) and print one JSON object of statistics.
    --export-best --k N --out <file>   write the top N samples per prompt group as SFT chat JSONL (never replaces a file)
    --correct-only           with --export-best: only correct samples (the file's own verdict or 0/1 reward, else accuracy
                             against the reference; unknown when neither), well-formatted when the file uses <think>
    --follow                 print a JSON line per batch of new records (per-step reward and CoT length) until Ctrl+C
    --rewards <preset|file>  score samples that have no reward in the file (default r1); --rescore scores all. A spec's
                             workspace reward functions run in the sandbox; each failure is named on stderr per sample
    --field name=path        map a field when detection guesses wrong (${FIELD_NAMES.join(', ')}); repeatable
    --format <name>          force the format: ${FORMATS.join(' | ')}
    --limit name=value       raise or lower a read limit (${Object.keys(LIMIT_NAMES).join(', ')}), e.g. record=256MB; repeatable
    --samples                print a JSON line per sample, filtered and sorted as in the Trace Explorer:
      --reward <min..max>    reward in a range (either end may be empty)
      --reflection           has a reflection or backtrack step
      --format-failed        R1's strict <think> template fails, or <think> is never closed
      --language-mixed       under 90% of the reasoning in the target language
      --text <text>          the prompt or the completion contains this text (case-insensitive)
      --sort <order>         ${SAMPLE_SORTS.join(' | ')} (default file)`,
  run: async (args) => runTraces(parseTracesArgs(args)),
};

/** What `traces` was asked to do, checked: one of four modes over one input file. */
interface TracesOptions {
  input: string;
  fields: FieldMapping;
  format?: TraceFormat;
  /** A preset name or a spec file (read when the command runs). */
  rewards: string;
  /** Read limits changed with --limit. */
  limits: ReadLimits;
  mode:
    | { kind: 'stats'; rescore: boolean }
    | { kind: 'export-best'; k: number; out: string; correctOnly: boolean; system?: string }
    | { kind: 'follow' }
    | { kind: 'samples'; filter: SampleFilter; sort: SampleSort };
}

export function parseFields(list: string[] | undefined): FieldMapping {
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

/** Read the command line into options; every mistake in it is a UsageError (exit 2). */
function parseTracesArgs(args: string[]): TracesOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      stats: { type: 'boolean', default: false },
      'export-best': { type: 'boolean', default: false },
      follow: { type: 'boolean', default: false },
      samples: { type: 'boolean', default: false },
      k: { type: 'string' },
      out: { type: 'string' },
      'correct-only': { type: 'boolean', default: false },
      system: { type: 'string' },
      rewards: { type: 'string', default: 'r1' },
      rescore: { type: 'boolean', default: false },
      field: { type: 'string', multiple: true },
      format: { type: 'string' },
      reward: { type: 'string' },
      reflection: { type: 'boolean', default: false },
      'format-failed': { type: 'boolean', default: false },
      'language-mixed': { type: 'boolean', default: false },
      text: { type: 'string' },
      sort: { type: 'string' },
      limit: { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 1) throw new UsageError('traces needs exactly one input file');
  const modes = [values['export-best'], values.follow, values.stats, values.samples].filter(Boolean).length;
  if (modes > 1) throw new UsageError('choose one of --stats, --export-best, --follow, --samples');
  if (values.format && !FORMATS.includes(values.format as TraceFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  let mode: TracesOptions['mode'] = { kind: 'stats', rescore: values.rescore };
  if (values['export-best']) {
    const k = Number(values.k ?? '1');
    if (!Number.isInteger(k) || k < 1) throw new UsageError('--k must be a whole number ≥ 1');
    if (!values.out) throw new UsageError('--export-best needs --out <file>');
    mode = { kind: 'export-best', k, out: values.out, correctOnly: values['correct-only'], system: values.system };
  } else if (values.follow) {
    mode = { kind: 'follow' };
  }
  const sampleOptions = ['reward', 'reflection', 'format-failed', 'language-mixed', 'text', 'sort'] as const;
  if (values.samples) {
    mode = { kind: 'samples', filter: parseFilter(values), sort: parseSort(values.sort) };
  } else {
    const stray = sampleOptions.find((o) => values[o] !== undefined && values[o] !== false);
    if (stray) throw new UsageError(`--${stray} filters the list of --samples; add --samples`);
  }
  return { input: positionals[0], fields: parseFields(values.field), format: values.format as TraceFormat | undefined, rewards: values.rewards!, limits: parseLimits(values.limit), mode };
}

function parseLimits(list: string[] | undefined): ReadLimits {
  let overrides: Partial<ReadLimits> = {};
  for (const item of list ?? []) {
    try {
      overrides = { ...overrides, ...parseLimit(item) };
    } catch (err) {
      throw new UsageError(`--limit ${errorMessage(err)}`);
    }
  }
  return readLimits(overrides);
}

function parseFilter(values: { reward?: string; reflection?: boolean; 'format-failed'?: boolean; 'language-mixed'?: boolean; text?: string }): SampleFilter {
  const filter: SampleFilter = {};
  if (values.reward !== undefined) {
    const r = parseRange(values.reward);
    if (!r) throw new UsageError(`--reward expects min..max (either may be empty, e.g. 0.5..  or  ..0); got "${values.reward}"`);
    if (r.min !== undefined) filter.rewardMin = r.min;
    if (r.max !== undefined) filter.rewardMax = r.max;
  }
  if (values.reflection) filter.hasReflection = true;
  if (values['format-failed']) filter.formatFailed = true;
  if (values['language-mixed']) filter.languageMixed = true;
  if (values.text !== undefined) {
    if (!values.text.trim()) throw new UsageError('--text needs some text to look for');
    filter.text = values.text.trim();
  }
  return filter;
}

function parseSort(sort: string | undefined): SampleSort {
  if (sort === undefined) return 'file';
  if (!SAMPLE_SORTS.includes(sort as SampleSort)) throw new UsageError(`--sort must be one of ${SAMPLE_SORTS.join(', ')}; got "${sort}"`);
  return sort as SampleSort;
}

/** Run `traces` with checked options: the exit code. */
async function runTraces(o: TracesOptions): Promise<number> {
  const input = o.input;
  const resolved = resolveRewardSpec(o.rewards, (file) => readTextBounded(file, 'a reward spec'));
  if (!resolved.spec) {
    process.stderr.write(`error: invalid reward spec\n${formatSpecErrors(resolved.errors)}\n`);
    return 2;
  }
  const spec = resolved.spec;
  if (spec.functions?.length) {
    process.stderr.write(`note: traces does not run workspace reward functions yet: ${spec.functions.map((f) => f.name).join(', ')} ${spec.functions.length === 1 ? 'is' : 'are'} left out of the rewards it computes (use score for them)\n`);
  }
  try {
    statInputFileSync(input);
  } catch (err) {
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  }
  // fail on an existing --out before the long work starts
  let out: ReturnType<typeof openOutput> | undefined;
  if (o.mode.kind === 'export-best') {
    if (fs.existsSync(o.mode.out)) throw new UsageError(`${o.mode.out} exists; traces --export-best never replaces a file: choose another --out`);
    out = openOutput(o.mode.out, input, false);
  }

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  const releaseInterrupt = onInterrupt(interrupt);
  const progress = progressReporter();
  const onProgress = (p: TraceProgress) => progress.tick(() => describe(p));
  const started = Date.now();
  let runner: RewardFunctionRunner | undefined;
  let tf;
  try {
    tf = await openTraceFile(input, { fields: o.fields, format: o.format, follow: o.mode.kind === 'follow', limits: o.limits }, { onProgress, signal: controller.signal });
  } catch (err) {
    releaseInterrupt();
    await out?.abandon();
    if (controller.signal.aborted) {
      process.stderr.write(`${progress.done()}interrupted while indexing ${input}\n`);
      return 130;
    }
    const message = errorMessage(err);
    process.stderr.write(`${progress.done()}error: ${message.startsWith(input) ? message : `${input}: ${message}`}\n`);
    return 1;
  }
  try {
    if (o.mode.kind === 'follow') {
      process.stderr.write(`following ${input} (${tf.shape.format}); Ctrl+C stops\n`);
      for await (const b of followTraceFile(tf, { signal: controller.signal })) {
        const last = b.trainingSteps[b.trainingSteps.length - 1];
        process.stdout.write(JSON.stringify({ change: b.change, newRecords: b.entries.length, records: b.count, reset: b.reset, message: b.message, lastStep: last ?? null, steps: b.trainingSteps.length }) + '\n');
      }
      return 0;
    }
    if (out && o.mode.kind === 'export-best') {
      const { k, correctOnly, system } = o.mode;
      const summary = await exportBestOfN(tf, out.stream, { k, correctOnly, rewards: spec, system, onProgress, signal: controller.signal });
      if (summary.cancelled) {
        await out.abandon();
        process.stderr.write(`${progress.done()}interrupted: nothing written\n`);
        return 130;
      }
      if (!(await commitOutput(out, progress.done()))) return 1;
      process.stderr.write(
        `${progress.done()}wrote ${summary.written} sample${summary.written === 1 ? '' : 's'} from ${summary.groupsKept} of ${summary.groups} groups (best ${k} by reward${correctOnly ? ', correct and well-formatted only' : ''}) → ${o.mode.out}; ${describeExport(summary)}\n`,
      );
      process.stdout.write(JSON.stringify({ out: o.mode.out, k, ...summary, malformed: tf.malformed.map(({ line, reason }) => ({ line, reason })) }) + '\n');
      return summary.written > 0 ? 0 : 1;
    }
    if (o.mode.kind === 'samples') return await listSamples(tf, spec, o.mode, { onProgress, signal: controller.signal }, progress);
    // the spec's workspace reward functions run in the sandbox, as in `score` (modules relative to the working folder)
    runner = spec.functions?.length ? new RewardFunctionRunner() : undefined;
    if (runner) process.stderr.write(`reward functions ${spec.functions!.map((f) => f.name).join(', ')} run in the sandbox (modules relative to ${process.cwd()})\n`);
    const a = await tf.analyze({ rewards: spec, rescore: o.mode.kind === 'stats' && o.mode.rescore, keepSamples: false, onProgress, signal: controller.signal, functions: runner && { runner, root: process.cwd() } });
    if (a.functionFailures) {
      for (const f of a.functionFailures.shown) process.stderr.write(terminalSafe(`${progress.done()}${input}:${f.line}: reward function "${f.function}" failed on sample "${f.id}": ${f.message}`) + '\n');
      const more = a.functionFailures.count - a.functionFailures.shown.length;
      if (more > 0) process.stderr.write(`${input}: ${more} more failures of reward functions (counted, not shown)\n`);
    }
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
      ...(a.functionFailures ? { functionFailures: a.functionFailures.count } : {}),
      trainingSteps: a.trainingSteps.length ? a.trainingSteps : undefined,
      timing: { indexMs: a.timing.indexMs, analyzeMs: a.timing.analyzeMs, totalMs: Date.now() - started },
      ...(a.cancelled ? { cancelled: true } : {}),
    };
    process.stderr.write(progress.done());
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (a.cancelled) return 130;
    return a.records > 0 ? 0 : 1;
  } finally {
    await runner?.close();
    releaseInterrupt();
    await out?.abandon(); // an export that failed midway leaves nothing behind (a no-op after a commit)
    await tf.close();
  }
}

/** --samples: the samples that pass the filter, a JSON line each, grouped and ordered as the Trace Explorer's tree. */
async function listSamples(
  tf: TraceFile,
  spec: RewardSpec,
  mode: { filter: SampleFilter; sort: SampleSort },
  control: { onProgress: (p: TraceProgress) => void; signal: AbortSignal },
  progress: ReturnType<typeof progressReporter>,
): Promise<number> {
  const samples = await SampleSet.analyze(tf, spec, control);
  const ready =
    samples &&
    (await samples.prepare(tf, mode.filter, { signal: control.signal, onProgress: (fraction) => progress.tick(() => `filtering: ${Math.floor(fraction * 100)}%…`) }));
  if (!samples || !ready) {
    process.stderr.write(`${progress.done()}interrupted: no samples listed\n`);
    return 130;
  }
  let shown = 0;
  let groups = 0;
  for (const g of samples.visibleGroups(mode.filter, mode.sort)) {
    groups++;
    for (const s of g.samples) {
      shown++;
      const language = samples.languageOf(s);
      if (!(await writeStdout(JSON.stringify({ ...s, ...(language !== undefined ? { language } : {}) }) + '\n'))) return 0;
    }
  }
  const filter = describeFilter(mode.filter);
  process.stderr.write(
    `${progress.done()}${shown} of ${samples.sampleCount} samples in ${groups} of ${samples.groupCount} groups` +
      (filter ? ` (filter: ${filter})` : '') +
      (mode.sort !== 'file' ? ` sorted by ${mode.sort}` : '') +
      `; ${tf.malformed.length} malformed\n`,
  );
  return shown > 0 ? 0 : 1;
}
