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

export async function* followTraceFile(tf: TraceFile, options: FollowOptions = {}): AsyncGenerator<FollowBatch> {
  const signal = options.signal;
  const pollMs = options.pollMs ?? 1000;
  const curve = new TrainingStepCurve();
  const feed = (entries: TraceEntry[]) => {
    for (const e of entries) for (const s of e.samples) {
      const sum = summarizeTraceSample(s, undefined, false);
      curve.add(s.step, sum.reward, sum.cotTokens);
    }
  };
  async function* range(from: number, to: number, change: FollowBatch['change'], reset: boolean, message?: string): AsyncGenerator<FollowBatch> {
    if (from >= to) {
      if (reset || message) yield { change, entries: [], reset, message, trainingSteps: curve.points(), count: tf.count };
      return;
    }
    for (let i = from; i < to; i += BATCH) {
      const entries = await tf.readRange(i, Math.min(to, i + BATCH));
      feed(entries);
      yield { change, entries, reset: reset && i === from, message: i === from ? message : undefined, trainingSteps: curve.points(), count: tf.count };
    }
  }

  let seen = options.fromStart === false ? tf.count : 0;
  if (seen < tf.count || options.fromStart !== false) yield* range(0, tf.count, 'initial', false);
  seen = tf.count;

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
        yield { change: r.change, entries: [], reset: false, message: r.message ?? `${tf.path} was deleted`, trainingSteps: curve.points(), count: tf.count };
        continue;
      }
      if (r.change === 'truncated' || r.change === 'rewritten') {
        curve.clear();
        seen = 0;
        yield* range(0, tf.count, r.change, true, r.message);
        seen = tf.count;
      } else if (tf.count > seen) {
        yield* range(seen, tf.count, r.change, false);
        seen = tf.count;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    watcher?.close();
  }
}
