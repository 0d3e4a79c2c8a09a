/**
 * reasoning-lab compare <a> <b> [...] [--top N] [--by reward|pass|length|reflections] [--join auto|id|prompt] [--json]
 *
 * Compares rollout files (any format `traces` reads, or eval run files) of the same prompts, in the
 * order given (training steps, checkpoints): the aggregate curve over the files and the prompts that
 * regressed and improved most. Each file is read once through its offset index into a few numbers
 * per prompt, so 1 GB files are fine. Entries that cannot be read are named on stderr as
 * file:line: reason, and the rest is compared; a file that cannot be read at all is named and left out.
 */
import { parseArgs } from 'node:util';
import { COMPARE_METRICS, compareCheckpoints, DEFAULT_TOP, type CheckpointComparison, type CompareMetric, type CurvePoint, type JoinBy, type MetricDeltas, type PromptComparison } from '../core/compare';
import { errorMessage } from '../core/shared/errors';
import type { FieldMapping, TraceProgress } from '../core/traces';
import { integerFlag, joinNegativeNumbers, onInterrupt, progressReporter, terminalSafe, UsageError, writeStdout, type CliCommand } from './common';
import { parseFields } from './traces';

const JOINS: JoinBy[] = ['auto', 'id', 'prompt'];

export interface CompareCliOptions {
  files: string[];
  top: number;
  by: CompareMetric;
  join: JoinBy;
  json: boolean;
  fields: FieldMapping;
}

export const compareCommand: CliCommand = {
  name: 'compare',
  usage: `compare <a> <b> [...]      Compare rollout files or eval runs of the same prompts, in training order: per prompt the change in
                             mean reward, pass rate, advantage spread, CoT length and reflections; the aggregate curve; the top
                             regressions and improvements. Only prompts present in every file are compared (the others are counted).
    --by <metric>            rank prompts by ${COMPARE_METRICS.join(' | ')} (default reward), first file to last
    --top N                  rows in each of the regression and improvement tables (default ${DEFAULT_TOP})
    --join <how>             match prompts ${JOINS.join(' | ')} (default auto: by id when every file names its prompts, else by prompt text)
    --field name=path        map a field when detection guesses wrong (as in traces); repeatable
    --json                   print one JSON object (files, join, common, curve, curveSteps, regressions, improvements) instead of tables
  Bad entries are named on stderr as file:line: reason. Exit codes: 0 compared, 1 fewer than two readable files, 2 bad usage, 130 cancelled.`,
  run: (args) => runCompare(parseCompareArgs(args)),
};

export function parseCompareArgs(args: string[]): CompareCliOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeNumbers(args, ['top']),
    allowPositionals: true,
    options: {
      top: { type: 'string' },
      by: { type: 'string', default: 'reward' },
      join: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      field: { type: 'string', multiple: true },
    },
  });
  if (positionals.length < 2) throw new UsageError(`compare needs at least two files, in training order (got ${positionals.length})`);
  if (!COMPARE_METRICS.includes(values.by as CompareMetric)) throw new UsageError(`--by must be one of ${COMPARE_METRICS.join(', ')}; got "${values.by}"`);
  if (!JOINS.includes(values.join as JoinBy)) throw new UsageError(`--join must be one of ${JOINS.join(', ')}; got "${values.join}"`);
  return {
    files: positionals,
    top: integerFlag(values.top, 'top', 0) ?? DEFAULT_TOP,
    by: values.by as CompareMetric,
    join: values.join as JoinBy,
    json: values.json,
    fields: parseFields(values.field),
  };
}

const num = (v: number | null, digits = 3) => (v === null ? '?' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '?' : `${(100 * v).toFixed(1)}%`);
const signed = (v: number | null, f: (x: number | null) => string) => (v === null ? '' : ` (${v >= 0 ? '+' : ''}${f(v)})`);

function metricText(by: CompareMetric, v: number | null): string {
  return by === 'pass' ? pct(v) : by === 'reward' ? num(v) : num(v, 1);
}

function curveLines(c: CheckpointComparison): string[] {
  const lines = [`aggregate curve over the ${c.common} prompts in every file (mean per prompt; pass = correct / judged samples):`];
  lines.push('  file  reward            pass              spread   CoT tokens       reflections');
  c.curve.forEach((p: CurvePoint, i) => {
    const d: MetricDeltas | undefined = i ? c.curveSteps[i - 1] : undefined;
    lines.push(
      `  [${i + 1}]   ${(num(p.meanReward) + signed(d?.reward ?? null, num)).padEnd(18)}${(pct(p.passRate) + signed(d?.pass ?? null, pct)).padEnd(18)}${num(p.meanSpread).padEnd(9)}${(num(p.meanCotTokens, 1) + signed(d?.length ?? null, (x) => num(x, 1))).padEnd(17)}${num(p.meanReflections, 2)}${signed(d?.reflections ?? null, (x) => num(x, 2))}`,
    );
  });
  return lines;
}

function promptLine(r: PromptComparison, by: CompareMetric): string {
  const value = (m: PromptComparison['perFile'][number]) =>
    m === null ? '-' : metricText(by, by === 'reward' ? m.meanReward : by === 'pass' ? m.passRate : by === 'length' ? m.meanCotTokens : m.meanReflections);
  const d = r.total[by === 'length' ? 'length' : by];
  const prompt = terminalSafe(r.prompt.replace(/\s+/g, ' ').slice(0, 70));
  return `  ${(d === null ? '?' : (d >= 0 ? '+' : '') + metricText(by, d)).padEnd(9)} ${r.perFile.map(value).join(' → ').padEnd(24)} ${terminalSafe(r.key.slice(0, 40)).padEnd(24)} ${prompt}`;
}

export function formatComparison(c: CheckpointComparison): string {
  const lines: string[] = [];
  lines.push(`compare: ${c.files.length} files, joined ${c.join.reason}; ${c.common} prompts in every file, ${c.partial} only in some (left out)`);
  c.files.forEach((f, i) => {
    lines.push(`  [${i + 1}] ${terminalSafe(f.file)}  ${f.format}, ${f.samples} samples, ${f.prompts} prompts${f.notInAll ? ` (${f.notInAll} not in every file)` : ''}${f.malformedCount ? `, ${f.malformedCount} unreadable entries` : ''}`);
  });
  lines.push('', ...curveLines(c), '');
  const what = c.by === 'length' ? 'CoT tokens' : c.by;
  lines.push(`${c.regressions.length ? `top ${c.regressions.length} regressions` : 'no regressions'} by ${what}, first file → last:`);
  for (const r of c.regressions) lines.push(promptLine(r, c.by));
  lines.push(`${c.improvements.length ? `top ${c.improvements.length} improvements` : 'no improvements'} by ${what}, first file → last:`);
  for (const r of c.improvements) lines.push(promptLine(r, c.by));
  if (c.unranked) lines.push(`${c.unranked} prompts not ranked: their ${what} is unknown in the first or the last file`);
  if (c.cancelled) lines.push('cancelled: the files read before are compared');
  return lines.join('\n') + '\n';
}

export async function runCompare(o: CompareCliOptions): Promise<number> {
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  const progress = progressReporter();
  let current = '';
  const describe = (p: TraceProgress) => `${current}: ${p.phase} ${p.total ? Math.floor((100 * p.done) / p.total) : 0}%…`;
  let fileIndex = 0;
  try {
    current = o.files[0];
    const { comparison } = await compareCheckpoints(
      o.files,
      { by: o.by, top: o.top, join: o.join, fields: o.fields },
      {
        signal: controller.signal,
        onProgress: (p) => progress.tick(() => describe(p)),
        onFile: () => {
          current = o.files[++fileIndex] ?? '';
        },
        onFileError: (file, message) => {
          process.stderr.write(`${progress.done()}${file}: cannot be compared: ${terminalSafe(message.startsWith(file) ? message.slice(file.length).replace(/^:?\s*/, '') : message)}\n`);
          current = o.files[++fileIndex] ?? '';
        },
      },
    );
    process.stderr.write(progress.done());
    for (const f of comparison.files) {
      for (const m of f.malformed) process.stderr.write(`${f.file}:${m.line}: ${terminalSafe(m.reason)}\n`);
      if (f.malformedCount > f.malformed.length) process.stderr.write(`${f.file}: … and ${f.malformedCount - f.malformed.length} more unreadable entries\n`);
    }
    await writeStdout(o.json ? JSON.stringify(comparison) + '\n' : formatComparison(comparison));
    return comparison.cancelled ? 130 : 0;
  } catch (e) {
    process.stderr.write(progress.done());
    if ((e as Error).name === 'AbortError') {
      process.stderr.write('cancelled before two files were read\n');
      return 130;
    }
    process.stderr.write(`error: ${errorMessage(e)}\n`);
    return 1;
  } finally {
    release();
  }
}
