/**
 * Checkpoint comparison: two or more rollout files (or eval runs) of the same prompts, in training
 * order. Each file is read once into per-prompt aggregates (fileAggregates.ts); prompts are joined by
 * id or prompt text; only the prompts every file has are compared (the others are counted). Per
 * prompt: mean reward, pass rate, advantage spread, CoT length and reflections in each file, their
 * changes file to file and first to last; the prompts whose chosen metric fell and rose most; and the
 * aggregate curve over the files in order.
 *
 *   const c = await compareCheckpoints(['step100.jsonl', 'step200.jsonl.gz'], { by: 'pass', top: 10 });
 */
import { errorMessage } from '../shared/errors';
import { abortError } from '../traces/source';
import type { JobControl } from '../traces/types';
import { aggregateFile, type AggregateOptions, type FileAggregates } from './fileAggregates';
import { PromptAggregate } from './promptAggregate';
import type { CheckpointComparison, CompareMetric, ComparedFile, CurvePoint, JoinBy, MetricDeltas, PromptComparison, PromptMetrics } from './types';

export const DEFAULT_TOP = 10;
/** Malformed entries listed per file (all are counted). */
export const MAX_MALFORMED_SHOWN = 20;

export interface CompareOptions extends AggregateOptions {
  join?: JoinBy;
  by?: CompareMetric;
  /** Rows in each of the regression and improvement tables. */
  top?: number;
}

export interface CompareControl extends JobControl {
  /** A file was read: `index`, and the comparison over the files read so far (from the second file on). */
  onFile?: (index: number, partial: CheckpointComparison | undefined) => void;
  /** A file could not be read at all: the comparison goes on without it when at least two remain. */
  onFileError?: (file: string, message: string) => void;
}

const metricValue = (m: PromptMetrics, by: CompareMetric): number | null =>
  by === 'reward' ? m.meanReward : by === 'pass' ? m.passRate : by === 'length' ? m.meanCotTokens : m.meanReflections;

const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);

function deltas(a: PromptMetrics | CurvePoint, b: PromptMetrics | CurvePoint): MetricDeltas {
  const spread = (x: PromptMetrics | CurvePoint) => ('advantageSpread' in x ? x.advantageSpread : x.meanSpread);
  return {
    reward: diff(a.meanReward, b.meanReward),
    pass: diff(a.passRate, b.passRate),
    length: diff(a.meanCotTokens, b.meanCotTokens),
    reflections: diff(a.meanReflections, b.meanReflections),
    spread: diff(spread(a), spread(b)),
  };
}

/** Prompts keyed for the join: as read (ids), or re-keyed by prompt text (aggregates of one text merged). */
function keyed(f: FileAggregates, by: 'id' | 'prompt'): Map<string, PromptAggregate> {
  if (by === 'id') return f.prompts;
  const out = new Map<string, PromptAggregate>();
  for (const a of f.prompts.values()) {
    const k = a.textKey ?? a.key;
    const have = out.get(k);
    if (!have) {
      const merged = new PromptAggregate(k, a.prompt, a.textKey);
      merged.merge(a);
      out.set(k, merged);
    } else have.merge(a);
  }
  return out;
}

function chooseJoin(files: FileAggregates[], join: JoinBy): CheckpointComparison['join'] {
  if (join === 'id') return { by: 'id', reason: 'by prompt id, as asked' };
  if (join === 'prompt') return { by: 'prompt', reason: 'by prompt text, as asked' };
  const noIds = files.filter((f) => !f.allIds);
  if (!noIds.length) return { by: 'id', reason: 'by prompt id: every file names its prompts' };
  if (files.some((f) => f.format === 'eval-run')) return { by: 'id', reason: 'by prompt id: an eval run has no prompt text' };
  return { by: 'prompt', reason: `by prompt text: ${noIds.map((f) => f.file).join(', ')} ${noIds.length === 1 ? 'has' : 'have'} prompts without an id` };
}

/** Join aggregates already read (the files in training order) into the comparison. */
export function buildComparison(files: FileAggregates[], options: CompareOptions = {}, cancelled = false): CheckpointComparison {
  const by = options.by ?? 'reward';
  const top = Math.max(0, options.top ?? DEFAULT_TOP);
  const join = chooseJoin(files, options.join ?? 'auto');
  const maps = files.map((f) => keyed(f, join.by));
  const all = new Set<string>();
  for (const m of maps) for (const k of m.keys()) all.add(k);
  const common: string[] = [];
  for (const k of all) if (maps.every((m) => m.has(k))) common.push(k);
  common.sort();
  const commonSet = new Set(common);

  const metricsOf = maps.map((m, i) => (k: string) => {
    const a = m.get(k);
    return a ? a.metrics(files[i].binaryRewards) : null;
  });

  const curve: CurvePoint[] = files.map((_, i) => {
    let rewardSum = 0, rewardN = 0, correct = 0, judged = 0, spreadSum = 0, spreadN = 0, cotSum = 0, cotN = 0, reflSum = 0, reflN = 0, zero = 0;
    for (const k of common) {
      const m = metricsOf[i](k)!;
      if (m.meanReward !== null) (rewardSum += m.meanReward), rewardN++;
      correct += m.correct;
      judged += m.judged;
      if (m.advantageSpread !== null) {
        spreadSum += m.advantageSpread;
        spreadN++;
        if (m.advantageSpread === 0 && m.samples >= 2) zero++;
      }
      if (m.meanCotTokens !== null) (cotSum += m.meanCotTokens), cotN++;
      if (m.meanReflections !== null) (reflSum += m.meanReflections), reflN++;
    }
    const avg = (s: number, n: number) => (n ? s / n : null);
    return {
      file: i,
      meanReward: avg(rewardSum, rewardN),
      passRate: judged ? correct / judged : null,
      judged,
      meanSpread: avg(spreadSum, spreadN),
      meanCotTokens: avg(cotSum, cotN),
      meanReflections: avg(reflSum, reflN),
      zeroSpreadPrompts: zero,
    };
  });

  // rank on one number per prompt; whole rows are built for the shown ones only
  const ranked: Array<{ key: string; delta: number }> = [];
  let unranked = 0;
  const last = files.length - 1;
  for (const k of common) {
    const d = diff(metricValue(metricsOf[0](k)!, by), metricValue(metricsOf[last](k)!, by));
    if (d === null) unranked++;
    else ranked.push({ key: k, delta: d });
  }
  const row = (key: string): PromptComparison => {
    const perFile = metricsOf.map((f) => {
      const m = f(key);
      if (!m) return null;
      const { correct: _c, ...rest } = m;
      return rest;
    });
    const steps: MetricDeltas[] = [];
    for (let i = 0; i < last; i++) steps.push(deltas(perFile[i]!, perFile[i + 1]!));
    const first = maps.find((m) => m.has(key))!.get(key)!;
    return { key, prompt: first.prompt, perFile, steps, total: deltas(perFile[0]!, perFile[last]!), refs: maps.map((m) => m.get(key)?.refs.slice() ?? null) };
  };
  const regressions = ranked.filter((r) => r.delta < 0).sort((a, b) => a.delta - b.delta || (a.key < b.key ? -1 : 1)).slice(0, top).map((r) => row(r.key));
  const improvements = ranked.filter((r) => r.delta > 0).sort((a, b) => b.delta - a.delta || (a.key < b.key ? -1 : 1)).slice(0, top).map((r) => row(r.key));

  const compared: ComparedFile[] = files.map((f, i) => {
    let notInAll = 0;
    for (const k of maps[i].keys()) if (!commonSet.has(k)) notInAll++;
    return {
      file: f.file,
      format: f.format,
      samples: f.samples,
      prompts: maps[i].size,
      notInAll,
      malformed: f.malformed.slice(0, MAX_MALFORMED_SHOWN),
      malformedCount: f.malformed.length,
      binaryRewards: f.binaryRewards,
    };
  });
  const curveSteps: MetricDeltas[] = [];
  for (let i = 0; i < last; i++) curveSteps.push(deltas(curve[i], curve[i + 1]));
  return { files: compared, join, common: common.length, partial: all.size - common.length, curve, curveSteps, by, regressions, improvements, unranked, cancelled };
}

/**
 * Read the files in order and compare them. A file that cannot be opened is reported through
 * `onFileError` (or thrown when there is no such callback) and left out; fewer than two readable files
 * is an error. Cancelled: the comparison of the files read so far, `cancelled: true`.
 */
export async function compareCheckpoints(files: string[], options: CompareOptions = {}, control: CompareControl = {}): Promise<{ comparison: CheckpointComparison; aggregates: FileAggregates[] }> {
  if (files.length < 2) throw new Error(`compare needs at least two files (got ${files.length})`);
  const read: FileAggregates[] = [];
  for (const file of files) {
    if (control.signal?.aborted) break;
    try {
      read.push(await aggregateFile(file, options, control));
    } catch (e) {
      if ((e as Error).name === 'AbortError') break;
      if (!control.onFileError) throw e;
      control.onFileError(file, errorMessage(e));
      continue;
    }
    control.onFile?.(read.length - 1, read.length >= 2 ? buildComparison(read, options) : undefined);
  }
  const cancelled = !!control.signal?.aborted;
  if (read.length < 2) {
    if (cancelled) throw abortError();
    throw new Error(`compare needs at least two readable files (${read.length} of ${files.length} could be read)`);
  }
  return { comparison: buildComparison(read, options, cancelled), aggregates: read };
}
