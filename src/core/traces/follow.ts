/**
 * Follow a rollout file that a training run is still writing. New entries are yielded as they land
 * (fs.watch wakes us; a poll every `pollMs` is the fallback for file systems where watch is silent,
 * such as network mounts), with the per-training-step curve updated. A last line still being written
 * stays pending until its newline arrives. A truncated or rewritten file is indexed again and the
 * batch says so (`reset: true`, `message`); the curve then starts over from the new content.
 *
 *   const tf = await openTraceFile(file, { follow: true });
 *   for await (const batch of followTraceFile(tf, { signal })) render(batch.entries, batch.trainingSteps);
 */
import * as fs from 'node:fs';
import { summarizeTraceSample, type TraceFile } from './traceFile';
import { TrainingStepCurve } from './trainingSteps';
import type { FileChange, TraceEntry, TrainingStepPoint } from './types';

export interface FollowOptions {
  signal?: AbortSignal;
  /** Poll interval in ms (default 1000). */
  pollMs?: number;
  /** Yield the entries already in the file first (default true). */
  fromStart?: boolean;
}

export interface FollowBatch {
  change: FileChange | 'initial';
  /** The new entries (all entries again after a reset). */
  entries: TraceEntry[];
  /** Entries were re-indexed from scratch (file truncated or rewritten): drop what was shown. */
  reset: boolean;
  message?: string;
  /** Mean reward and mean CoT tokens per training step, over everything seen so far. */
  trainingSteps: TrainingStepPoint[];
  count: number;
}

const BATCH = 1000;

/**
 * What changed in a followed file, without reading it: records [from, to) are new (after a reset,
 * every record). The Trace Explorer reads and summarizes them in its worker; followTraceFile reads
 * them here.
 */
export interface FileGrowth {
  change: FileChange | 'initial';
  from: number;
  to: number;
  /** Entries were re-indexed from scratch (file truncated or rewritten): drop what was shown. */
  reset: boolean;
  message?: string;
}

/** Watches `tf` and refreshes its index as it grows; yields each change (records are not read). */
export async function* watchTraceFile(tf: TraceFile, options: FollowOptions = {}): AsyncGenerator<FileGrowth> {
  const signal = options.signal;
  const pollMs = options.pollMs ?? 1000;
  if (options.fromStart !== false) yield { change: 'initial', from: 0, to: tf.count, reset: false };
  let seen = tf.count;

  let wake: (() => void) | undefined;
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(tf.path, { persistent: false }, () => wake?.());
    watcher.on('error', () => {
      watcher?.close();
      watcher = undefined;
    });
  } catch {
    watcher = undefined; // polling only
  }
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
      if (signal?.aborted) break;
      const r = await tf.refresh({ follow: true, signal });
      if (r.change === 'deleted') {
        yield { change: r.change, from: seen, to: seen, reset: false, message: r.message ?? `${tf.path} was deleted` };
      } else if (r.change === 'truncated' || r.change === 'rewritten') {
        yield { change: r.change, from: 0, to: tf.count, reset: true, message: r.message };
        seen = tf.count;
      } else if (tf.count > seen) {
        yield { change: r.change, from: seen, to: tf.count, reset: false };
        seen = tf.count;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    watcher?.close();
  }
}

export async function* followTraceFile(tf: TraceFile, options: FollowOptions = {}): AsyncGenerator<FollowBatch> {
  const curve = new TrainingStepCurve();
  const feed = (entries: TraceEntry[]) => {
    for (const e of entries) for (const s of e.samples) {
      const sum = summarizeTraceSample(s, undefined, false);
      curve.add(s.step, sum.reward, sum.cotTokens);
    }
  };
  for await (const g of watchTraceFile(tf, options)) {
    if (g.reset) curve.clear();
    if (g.from >= g.to) {
      if (g.reset || g.message) yield { change: g.change, entries: [], reset: g.reset, message: g.message, trainingSteps: curve.points(), count: tf.count };
      continue;
    }
    for (let i = g.from; i < g.to; i += BATCH) {
      const entries = await tf.readRange(i, Math.min(g.to, i + BATCH));
      feed(entries);
      yield { change: g.change, entries, reset: g.reset && i === g.from, message: i === g.from ? g.message : undefined, trainingSteps: curve.points(), count: tf.count };
    }
  }
}
