/**
 * TraceFile: a rollout log opened for exploration. `openTraceFile` indexes the file in one pass (byte
 * offsets only, with progress and cancellation), detects the shape from the first entries, and then
 * reads entries on demand: `read(i)`, `readRange(from, to)` for a page, `detail()` for the stepper,
 * `analyze()` for groups and statistics (one more pass that parses everything, also cancellable).
 *
 *   const tf = await openTraceFile('rollouts.jsonl', {}, { onProgress, signal });
 *   const page = await tf.readRange(0, 50);
 *   const { groupStats } = await tf.analyze({ rewards: PRESETS.r1 });
 *   await tf.close();
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { scoreRecord } from '../rewards/composite';
import { approxTokenCounts, splitThink } from '../rewards/text';
import { countSteps, reasoningSteps } from '../rewards/reasoningSteps';
import type { FunctionScore, RewardSpec } from '../rewards/types';
import { functionSample } from '../rewards/workspace/inputs';
import { FUNCTION_BATCH, WorkspaceFunctionPass } from './workspaceFunctions';
import { detectShape, toSamples } from './detect';
import { groupStats, type GroupMember } from './groups';
import { InspectEvalSource } from './inspectEval';
import { ParquetSource } from './parquet';
import { abortError, ByteSource, type EntrySource, type RawEntry } from './source';
import { TrainingStepCurve } from './trainingSteps';
import { statInputFile } from '../shared/inputFile';
import { DEFAULT_READ_LIMITS } from '../shared/readLimits';
import { buildReasoningTree } from './tree';
import type {
  AnalyzeOptions,
  FileChange,
  JobControl,
  MalformedEntry,
  OpenOptions,
  SampleSummary,
  TraceAnalysis,
  TraceDetail,
  TraceEntry,
  TraceSample,
  TraceShape,
} from './types';

const SNIFF_BYTES = 64 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const PAGE = 256;

/** The first bytes of the content (decompressed when the file is gzipped). */
async function sniff(file: string): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) return head;
  // gzip: inflate just enough
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const src = createReadStream(file);
    const gz = createGunzip();
    const done = () => {
      src.destroy();
      gz.destroy();
      resolve(Buffer.concat(chunks));
    };
    gz.on('data', (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      if (n >= SNIFF_BYTES) done();
    });
    gz.on('end', done);
    gz.on('error', done);
    src.pipe(gz);
  });
}

type Container = 'jsonl' | 'json-array' | 'parquet' | 'inspect-eval';

/** Decide how the bytes are stored, from the name and the first bytes. */
export function detectContainer(file: string, head: Buffer): Container {
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'inspect-eval';
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  if (head[i] === 0x5b) return 'json-array';
  const ext = path.extname(file.replace(/\.gz$/i, '')).toLowerCase();
  if (ext !== '.json') return 'jsonl';
  // a .json file: JSONL in disguise when its first line is a whole object and another object follows
  const nl = head.indexOf(10, i);
  if (nl === -1) return 'json-array';
  try {
    JSON.parse(head.subarray(i, nl).toString('utf8'));
  } catch {
    return 'json-array';
  }
  let j = nl + 1;
  while (j < head.length && (head[j] === 32 || head[j] === 9 || head[j] === 10 || head[j] === 13)) j++;
  return head[j] === 0x7b ? 'jsonl' : 'json-array';
}

export class TraceFile {
  private discovered: MalformedEntry[] = [];
  private discoveredEntries = new Set<number>();

  private constructor(
    /** The path as given. */
    readonly path: string,
    private source: EntrySource,
    /** The detected (or mapped) shape. */
    readonly shape: TraceShape,
    /** How long the index pass took. */
    readonly indexMs: number,
  ) {}

  /** @internal use openTraceFile */
  static async create(file: string, options: OpenOptions, control: JobControl): Promise<TraceFile> {
    const started = Date.now();
    // a folder, a named pipe, /dev/zero: refused before a read that would block or never end
    await statInputFile(file);
    const limits = options.limits ?? DEFAULT_READ_LIMITS;
    const head = await sniff(file);
    const container = detectContainer(file, head);
    let source: EntrySource;
    if (container === 'parquet') source = await ParquetSource.open(file, limits);
    else if (container === 'inspect-eval') source = await InspectEvalSource.open(file, limits);
    else source = await ByteSource.open(file, container, control, !!options.follow, limits);
    try {
      const first = await source.readRange(0, options.detectEntries ?? 20);
      const values = first.filter((e) => e.error === undefined).map((e) => e.value);
      const shape = detectShape(values, container, options.fields, options.format);
      if (source.arrayKey !== undefined) {
        shape.arrayKey = source.arrayKey;
        shape.reason += `; entries are the objects in "${source.arrayKey}"`;
      }
      const tf = new TraceFile(file, source, shape, Date.now() - started);
      control.onProgress?.({ phase: 'index', done: 1, total: 1, unit: 'bytes', entries: source.count });
      return tf;
    } catch (e) {
      await source.close();
      throw e;
    }
  }

  /** Number of entries (lines, array elements, rows, Inspect samples). */
  get count(): number {
    return this.source.count;
  }

  /** Entries that could not be used: found by the index pass, and by reads so far (analyze() reads them all). Sorted by line. */
  get malformed(): MalformedEntry[] {
    return [...this.source.malformed, ...this.discovered].sort((a, b) => a.line - b.line);
  }

  /** Bytes held by the offset index. */
  get indexBytes(): number {
    return this.source.memoryBytes;
  }

  /** Take in what a pass over this file in another thread found malformed (the traces worker's analysis). */
  adoptMalformed(found: readonly MalformedEntry[]): void {
    for (const m of found) if (m.entry !== undefined) this.note(m.entry, m.line, m.reason);
  }

  private note(entry: number, line: number, reason: string): void {
    if (this.discoveredEntries.has(entry)) return;
    this.discoveredEntries.add(entry);
    this.discovered.push({ line, reason, entry });
  }

  private toEntry(raw: RawEntry): TraceEntry {
    if (raw.error !== undefined) {
      this.note(raw.index, raw.line, raw.error);
      return { index: raw.index, line: raw.line, bytes: raw.bytes, samples: [], error: raw.error };
    }
    const r = toSamples(raw.value, this.shape, raw.index, raw.line);
    if (!r.samples) {
      this.note(raw.index, raw.line, r.error ?? 'no samples');
      return { index: raw.index, line: raw.line, bytes: raw.bytes, samples: [], error: r.error };
    }
    return { index: raw.index, line: raw.line, bytes: raw.bytes, samples: r.samples, value: raw.value };
  }

  /** Entry i (0-based), parsed into samples; `error` set when it is malformed. */
  async read(i: number): Promise<TraceEntry> {
    return this.toEntry(await this.source.read(i));
  }

  /** Entry i as written in the file (the parsed JSON value of its line, array element, row or zip member). */
  async record(i: number): Promise<{ line: number; value: unknown }> {
    const raw = await this.source.read(i);
    if (raw.error !== undefined) throw new Error(`line ${raw.line}: ${raw.error}`);
    return { line: raw.line, value: raw.value };
  }

  /**
   * The spec's workspace reward functions on one sample (entry, sub), run by `functions.runner` with the
   * record's other fields as the dataset columns, as the analysis runs them: the Trace Stepper's breakdown.
   * A function the runner returned nothing for is an error, never a 0.
   */
  async sampleFunctionScores(entry: number, sub: number, spec: RewardSpec, functions: NonNullable<AnalyzeOptions['functions']>, signal?: AbortSignal): Promise<Record<string, FunctionScore>> {
    const e = await this.read(entry);
    if (e.error !== undefined) throw new Error(`line ${e.line}: ${e.error}`);
    const s = e.samples.find((x) => x.sub === sub);
    if (!s) throw new Error(`line ${e.line}: no sample ${sub} in this record`);
    const fns = spec.functions ?? [];
    if (!fns.length) return {};
    const runs = await functions.runner.score({ functions: fns, venv: spec.venv, root: functions.root, samples: [functionSample(s, isRecord(e.value) ? e.value : undefined, s.step)], signal });
    const message = 'not run: the sandbox returned no score';
    return Object.fromEntries(fns.map((f) => [f.name, runs.get(f.name)?.scores[0] ?? { value: null, detail: message, error: { kind: 'not-run' as const, message } }]));
  }

  /** The document around the entries (Inspect's eval header), when the file has one. */
  async header(): Promise<unknown> {
    return this.source.header ? this.source.header() : undefined;
  }

  /** Entries [from, to), clamped to the file (one read per run of entries for byte sources). */
  async readRange(from: number, to: number): Promise<TraceEntry[]> {
    return (await this.source.readRange(from, to)).map((r) => this.toEntry(r));
  }

  /** Every entry in order, a page at a time (progress in entries; stops when the signal aborts). */
  async *entries(control: JobControl & { phase?: 'analyze' | 'export'; from?: number } = {}): AsyncGenerator<TraceEntry> {
    let last = 0;
    for (let i = control.from ?? 0; i < this.count; i += PAGE) {
      if (control.signal?.aborted) return;
      for (const e of await this.readRange(i, i + PAGE)) yield e;
      if (control.onProgress && Date.now() - last > 200) {
        last = Date.now();
        control.onProgress({ phase: control.phase ?? 'analyze', done: Math.min(this.count, i + PAGE), total: this.count, unit: 'entries', entries: this.count });
      }
    }
  }

  /**
   * Every entry in order, as `entries()` gives it, with the parsed record beside it: for readers of
   * fields a sample does not carry (reward-model scores, per-function reward columns).
   */
  async *entriesWithValues(control: JobControl & { phase?: 'analyze' | 'export' } = {}): AsyncGenerator<{ entry: TraceEntry; value: unknown }> {
    let last = 0;
    for (let i = 0; i < this.count; i += PAGE) {
      if (control.signal?.aborted) return;
      for (const raw of await this.source.readRange(i, i + PAGE)) yield { entry: this.toEntry(raw), value: raw.value };
      if (control.onProgress && Date.now() - last > 200) {
        last = Date.now();
        control.onProgress({ phase: control.phase ?? 'analyze', done: Math.min(this.count, i + PAGE), total: this.count, unit: 'entries', entries: this.count });
      }
    }
  }

  /** One sample with its steps, reasoning path tree and (when `rewards` is given) the reward breakdown. */
  async detail(entry: number, sub = 0, options: { rewards?: RewardSpec; thinkTag?: string } = {}): Promise<TraceDetail> {
    const e = await this.read(entry);
    if (e.error !== undefined) throw new Error(`line ${e.line}: ${e.error}`);
    const sample = e.samples[sub];
    if (!sample) throw new RangeError(`entry ${entry} has ${e.samples.length} samples; no sample ${sub}`);
    return sampleDetail(sample, options);
  }

  /**
   * One pass over every entry: per-sample steps, reflections and rewards (from the file, or scored
   * with `rewards`), GRPO groups, the training-step curve, and the full malformed list.
   */
  async analyze(options: AnalyzeOptions = {}): Promise<TraceAnalysis> {
    const started = Date.now();
    const spec = options.rewards;
    const keep = options.keepSamples ?? true;
    const groups = new Map<string, { prompt: string; step?: number; members: GroupMember[] }>();
    const curve = new TrainingStepCurve();
    const summaries: SampleSummary[] = [];
    let records = 0;
    let samples = 0;
    let steps = 0;
    let reflections = 0;
    let fromFile = 0;
    let scored = 0;
    let none = 0;
    let rewardSum = 0;
    const summaryIndex = new Map<string, SampleSummary>();

    const functions = new WorkspaceFunctionPass(spec, options);
    const pending: Array<{ sample: TraceSample; record: unknown }> = [];
    const add = (s: TraceSample) => {
      samples++;
      const sum = summarizeTraceSample(s, spec, !!options.rescore, options.judge);
      steps += sum.steps;
      reflections += sum.reflections;
      if (sum.rewardSource === 'file') fromFile++;
      else if (sum.rewardSource === 'scored') scored++;
      else none++;
      if (sum.reward !== null) rewardSum += sum.reward;
      curve.add(s.step, sum.reward, sum.cotTokens);
      let g = groups.get(s.group);
      if (!g) groups.set(s.group, (g = { prompt: s.prompt.slice(0, 200), step: s.step, members: [] }));
      g.members.push({ entry: s.entry, sub: s.sub, id: s.id, reward: sum.reward });
      if (keep) {
        summaries.push(sum);
        summaryIndex.set(`${s.entry}/${s.sub}`, sum);
      }
    };
    // workspace reward functions run in the sandbox a batch of samples at a time, before those samples are scored
    const flush = async () => {
      await functions.score(pending);
      for (const p of pending) add(p.sample);
      pending.length = 0;
    };
    for await (const e of this.entries({ ...options, phase: 'analyze' })) {
      if (e.error !== undefined) continue;
      records++;
      for (const sample of e.samples) pending.push({ sample, record: e.value });
      if (pending.length >= FUNCTION_BATCH) await flush();
    }
    await flush();
    const groupList = [...groups.entries()].map(([key, g]) => groupStats(key, g.prompt, g.members, g.step));
    if (keep) for (const g of groupList) for (const m of g.members) {
      const s = summaryIndex.get(`${m.entry}/${m.sub}`);
      if (s) s.advantage = m.advantage;
    }
    const rewarded = fromFile + scored;
    return {
      records,
      samples,
      groups: groupList.length,
      malformed: this.malformed,
      steps: { total: steps, meanPerRecord: samples ? steps / samples : 0 },
      reflections,
      zeroAdvantageGroups: groupList.filter((g) => g.zeroAdvantage).length,
      rewards: { fromFile, scored, none, mean: rewarded ? rewardSum / rewarded : null, ...(spec && scored ? { spec: spec.name } : {}) },
      groupStats: groupList,
      trainingSteps: curve.points(),
      sampleSummaries: summaries,
      ...(functions.failures ? { functionFailures: functions.failures } : {}),
      timing: { indexMs: this.indexMs, analyzeMs: Date.now() - started },
      cancelled: !!options.signal?.aborted,
    };
  }

  /** How the file on disk differs from what was indexed. */
  checkChanged(): Promise<FileChange> {
    return this.source.checkChanged();
  }

  /**
   * Pick up changes: appended entries are indexed (follow); a truncated or rewritten file is indexed
   * again, with a message saying so (what reads found malformed before is dropped).
   */
  async refresh(control: JobControl & { follow?: boolean } = {}): Promise<{ change: FileChange; added: number; message?: string }> {
    const r = await this.source.refresh(control);
    if (r.change === 'truncated' || r.change === 'rewritten') {
      this.discovered = [];
      this.discoveredEntries.clear();
    }
    return r;
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}

/** Open a trace file: index it (progress, cancellation through control.signal) and detect its shape. */
export async function openTraceFile(file: string, options: OpenOptions = {}, control: JobControl = {}): Promise<TraceFile> {
  if (control.signal?.aborted) throw abortError();
  return TraceFile.create(file, options, control);
}

/** Steps, reflections, lengths and reward of one sample. */
export function summarizeTraceSample(s: TraceSample, spec: RewardSpec | undefined, rescore: boolean, judge?: RewardSpec): SampleSummary {
  const sp = splitThink(s.completion);
  const counted = countSteps(s.completion);
  const tokens = approxTokenCounts(s.completion, sp.thinkStart, sp.thinkEnd);
  let reward: number | null = null;
  let source: SampleSummary['rewardSource'] = 'none';
  let format: number | null = null;
  let accuracy: number | null = null;
  if (s.reward !== undefined && !(rescore && spec)) {
    reward = s.reward;
    source = 'file';
  } else if (spec && s.completion) {
    const sc = scoreRecord(s, spec);
    reward = sc.total;
    source = 'scored';
    format = sc.components.format?.value ?? null;
    accuracy = sc.components.accuracy?.value ?? null;
  }
  if (judge && s.completion) {
    const sc = scoreRecord(s, judge);
    format = sc.components.format?.value ?? null;
    accuracy = sc.components.accuracy?.value ?? null;
  }
  const sum: SampleSummary = {
    entry: s.entry,
    sub: s.sub,
    id: s.id,
    group: s.group,
    reward,
    rewardSource: source,
    advantage: null,
    steps: counted.steps,
    reflections: counted.reflections,
    tokens: tokens.total,
    cotTokens: tokens.part,
    format,
    accuracy,
    think: sp.state,
  };
  if (s.step !== undefined) sum.step = s.step;
  if (s.verdict) sum.verdict = s.verdict;
  if (s.verdictScorer) sum.verdictScorer = s.verdictScorer;
  return sum;
}

/** The stepper's view of one sample. */
export function sampleDetail(sample: TraceSample, options: { rewards?: RewardSpec; thinkTag?: string } = {}): TraceDetail {
  const tag = options.thinkTag ?? 'think';
  const sp = splitThink(sample.completion, tag);
  const list = reasoningSteps(sample.completion, tag);
  const detail: TraceDetail = {
    sample,
    steps: list.map((s) => ({ index: s.index, start: s.start, end: s.end, text: s.text, kind: s.kind, chars: s.chars, tokens: s.tokens })),
    tree: buildReasoningTree(sample.completion, list, tag),
    think: { state: sp.state, thinkStart: sp.thinkStart, thinkEnd: sp.thinkEnd, answerStart: sp.answerStart, answerEnd: sp.answerEnd },
  };
  if (options.rewards) detail.score = scoreRecord(sample, options.rewards);
  return detail;
}
