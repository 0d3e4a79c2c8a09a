/**
 * `score` with workspace reward functions in the spec: records are read in windows, each window's
 * samples go to the sandbox at once (the runner makes the trainer's batches of them, per function),
 * and the items come out in input order, each valid record's with the functions' scores for it.
 * What went wrong is reported per function and record by FunctionErrorLog.
 */
import type { RecordItem } from '../core/traces/recordSource';
import type { ComponentScore, FunctionScore, RewardSpec } from '../core/rewards/types';
import { functionSample, type FunctionSample } from '../core/rewards/workspace/inputs';
import type { RewardFunctionRunner } from '../core/rewards/workspace/runner';
import { terminalSafe } from './common';

export type WithFunctions<T extends RecordItem> = T & { functions?: Record<string, FunctionScore> };

export async function* functionsAhead<T extends RecordItem>(
  items: AsyncIterable<T>,
  runner: RewardFunctionRunner,
  spec: RewardSpec,
  root: string,
  window = 256,
  signal?: AbortSignal,
): AsyncGenerator<WithFunctions<T>> {
  let batch: Array<{ item: T; sample?: FunctionSample }> = [];
  const flush = async (): Promise<WithFunctions<T>[]> => {
    const scored = batch.filter((b) => b.sample);
    const runs = scored.length
      ? await runner.score({ functions: spec.functions ?? [], venv: spec.venv, root, samples: scored.map((b) => b.sample!), signal })
      : new Map();
    let k = -1;
    const out = batch.map((b) => {
      if (!b.sample) return b.item;
      k++;
      const functions: Record<string, FunctionScore> = {};
      for (const [name, run] of runs) functions[name] = run.scores[k];
      return { ...b.item, functions };
    });
    batch = [];
    return out;
  };
  for await (const item of items) {
    let sample: FunctionSample | undefined;
    if (item.record) sample = functionSample(item.record, item.raw);
    batch.push({ item, sample });
    if (batch.length >= window) yield* await flush();
  }
  if (batch.length) yield* await flush();
}

/** How many errors of one function are printed before the rest are only counted. */
const SHOWN_PER_FUNCTION = 10;

/** The failures of workspace reward functions, on stderr: each names the function and the record. */
export class FunctionErrorLog {
  private readonly counts = new Map<string, number>();

  /** Reports the failed components of a record; returns the lines to print (empty when none). */
  report(label: string, id: string, components: Partial<Record<string, ComponentScore>>, incomplete: string[] | undefined): string {
    let text = '';
    for (const name of incomplete ?? []) {
      const c = components[name];
      if (!c?.error) continue;
      const n = (this.counts.get(name) ?? 0) + 1;
      this.counts.set(name, n);
      if (n > SHOWN_PER_FUNCTION) continue;
      const where = c.source ? `reward function "${name}" (${c.source})` : `component "${name}"`;
      text += terminalSafe(`${label}: ${where} failed on record "${id}": ${c.error.message}`) + '\n';
      if (n === SHOWN_PER_FUNCTION) text += `${label}: further failures of "${name}" are counted, not shown (each score line holds its error)\n`;
    }
    return text;
  }

  /** One line per function that failed: on how many records. */
  summary(scored: number): string {
    return [...this.counts].map(([name, n]) => `"${name}" failed on ${n} of ${scored} record${scored === 1 ? '' : 's'}: their totals leave it out and are marked incomplete\n`).join('');
  }
}
