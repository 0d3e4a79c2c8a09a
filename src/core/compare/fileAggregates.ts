/**
 * One pass over one file into per-prompt aggregates. A rollout file (any format the trace reader
 * opens: JSONL, JSON, Parquet, Inspect, gzipped) is read through its offset index a page at a time;
 * each sample is summarized by the trace reader (reward, verdict, CoT tokens, reflection steps) and
 * folded into its prompt's totals, then dropped. An eval run file is read by the eval run catalog,
 * as the Eval Dashboard's Compare does, one judged sample per line.
 */
import * as fsp from 'node:fs/promises';
import { RunCatalog } from '../eval/runCatalog';
import { RunStore } from '../eval/runStore';
import type { RewardSpec } from '../rewards/types';
import { promptKey } from '../traces/detect';
import { abortError } from '../traces/source';
import { openTraceFile, summarizeTraceSample } from '../traces/traceFile';
import type { FieldMapping, JobControl, MalformedEntry } from '../traces/types';
import { correctness } from '../traces/verdict';
import { PromptAggregate } from './promptAggregate';

export interface FileAggregates {
  file: string;
  format: string;
  samples: number;
  prompts: Map<string, PromptAggregate>;
  malformed: MalformedEntry[];
  binaryRewards: boolean;
  /** Every prompt has an id (rather than only its text). */
  allIds: boolean;
}

export interface AggregateOptions {
  fields?: FieldMapping;
  /** Judge samples without a verdict in the file against their reference answer with this spec (pass rate). */
  judge?: RewardSpec;
}

/** A step prefix (`step:40/`) is the file's training step, not the prompt: the same prompt at another step is the same prompt. */
const withoutStep = (group: string) => group.replace(/^step:\d+\//, '');

/** True when the file's first line is an eval run's header (what `eval --out` and Run Evaluation write). */
export async function isEvalRunFile(file: string): Promise<boolean> {
  const fh = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8');
    const nl = text.indexOf('\n');
    if (nl < 0) return false;
    const first: unknown = JSON.parse(text.slice(0, nl));
    return !!first && typeof first === 'object' && (first as Record<string, unknown>).type === 'header' && typeof (first as Record<string, unknown>).runId === 'string';
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}

function evalRunAggregates(file: string): FileAggregates {
  const found = new RunCatalog(() => new RunStore('.')).problemRows(file);
  if ('reason' in found) throw new Error(`${file}: ${found.reason}`);
  const prompts = new Map<string, PromptAggregate>();
  let samples = 0;
  for (const row of found.rows) {
    const key = `id:${row.problemId}`;
    const agg = new PromptAggregate(key, row.title ? `${row.problemId}: ${row.title}` : row.problemId, undefined);
    agg.addJudged(true, row.passed);
    agg.addJudged(false, row.n - row.passed);
    samples += row.n;
    prompts.set(key, agg);
  }
  return { file, format: 'eval-run', samples, prompts, malformed: [], binaryRewards: true, allIds: true };
}

/** Read one file into per-prompt aggregates (progress and cancellation through `control`). */
export async function aggregateFile(file: string, options: AggregateOptions = {}, control: JobControl = {}): Promise<FileAggregates> {
  if (control.signal?.aborted) throw abortError();
  if (await isEvalRunFile(file)) return evalRunAggregates(file);
  const tf = await openTraceFile(file, { fields: options.fields }, control);
  try {
    const prompts = new Map<string, PromptAggregate>();
    let samples = 0;
    let fileRewards = 0;
    let binary = true;
    let allIds = true;
    for await (const e of tf.entries({ ...control, phase: 'analyze' })) {
      for (const s of e.samples) {
        samples++;
        const sum = summarizeTraceSample(s, undefined, false, options.judge);
        if (sum.rewardSource === 'file') {
          fileRewards++;
          if (sum.reward !== 0 && sum.reward !== 1) binary = false;
        }
        const key = withoutStep(s.group);
        let agg = prompts.get(key);
        if (!agg) {
          if (!key.startsWith('id:')) allIds = false;
          prompts.set(key, (agg = new PromptAggregate(key, (s.prompt || key.replace(/^id:/, '')).slice(0, 200), s.prompt ? promptKey(s.prompt) : undefined)));
        }
        // the file-wide 0/1 question is settled at the end: here a sample is judged only by a verdict
        agg.addSample(sum, correctness(sum, false));
      }
    }
    if (control.signal?.aborted) throw abortError();
    if (!samples) {
      const bad = tf.malformed;
      throw new Error(bad.length ? `${file}: no readable samples (${bad.length} unreadable entries; line ${bad[0].line}: ${bad[0].reason})` : `${file}: no samples (the file is empty)`);
    }
    return { file, format: tf.shape.format, samples, prompts, malformed: tf.malformed, binaryRewards: binary && fileRewards > 0, allIds };
  } finally {
    await tf.close();
  }
}
