/**
 * The samples of one trace file as the explorer lists them: per-sample summaries and GRPO groups from
 * an analysis, kept up to date while a file is followed, shown through a SampleFilter in a SampleSort
 * order. Two filter conditions need more than the summaries (the share of target-language words, and
 * text in the prompt or completion): `prepare` computes them with one pass over the file, cancellable.
 * The Trace Explorer tree and `traces --samples` both read from here.
 */
import { scoreRecord } from '../rewards/composite';
import { PRESETS } from '../rewards/presets';
import type { RewardSpec } from '../rewards/types';
import { groupStats, type GroupMember } from './groups';
import { compareSamples, formatFailed, LANGUAGE_MIXED_BELOW, type SampleFilter, type SampleSort } from './sampleFilter';
import { summarizeTraceSample, TraceFile } from './traceFile';
import { TrainingStepCurve } from './trainingSteps';
import type { AnalyzeOptions, FunctionFailures, GroupStats, JobControl, MalformedEntry, SampleSummary, TraceAnalysis, TraceEntry, TraceSample, TrainingStepPoint } from './types';
import { addFunctionFailures, FUNCTION_BATCH, WorkspaceFunctionPass } from './workspaceFunctions';

/** Format and accuracy for the badges and the format filter: R1's strict template and answer check, whatever spec gives the reward. */
export const BADGE_JUDGE: RewardSpec = PRESETS.r1;
const LANGUAGE_ONLY: RewardSpec = { name: 'language', components: { language: { weight: 1 } } };

/** Progress (0..1) and cancellation of a pass over the file. */
export interface PassControl {
  onProgress: (fraction: number) => void;
  signal: AbortSignal;
}

export interface VisibleGroup {
  stats: GroupStats;
  /** The group's samples that pass the filter, in the chosen order. */
  samples: SampleSummary[];
}

const key = (entry: number, sub: number) => `${entry}/${sub}`;

/** A new record's sample as SampleSet.addSummaries takes it: its summary and the start of its prompt (for a new group). */
export interface NewSample {
  summary: SampleSummary;
  /** The first 200 characters of the prompt. */
  prompt: string;
}

/**
 * The samples of new records, summarized as the explorer's analysis does: rewards from the file, else
 * scored with `spec` (its workspace functions count only where a pass set the samples' `functionScores`);
 * badges judged by BADGE_JUDGE.
 */
export function summarizeNewSamples(entries: readonly TraceEntry[], spec: RewardSpec): NewSample[] {
  const out: NewSample[] = [];
  for (const e of entries) for (const s of e.samples) out.push({ summary: summarizeTraceSample(s, spec, false, BADGE_JUDGE), prompt: s.prompt.slice(0, 200) });
  return out;
}

/** The records a followed file gained, summarized by summarizeNewRecords. */
export interface NewRecords {
  samples: NewSample[];
  /** Records among them that could not be read (an index that does not parse records cannot know). */
  malformed: MalformedEntry[];
  /** The spec's workspace reward functions' failures on them, when the spec has any. */
  functionFailures?: FunctionFailures;
}

/** Records read and summarized at a time: between two reads a cancel is seen. */
const FOLLOW_CHUNK = 200;

/**
 * Records [from, to) of `file`, which it gained while followed, summarized as the explorer's analysis
 * summarizes the whole file, the spec's workspace reward functions included: run through
 * `control.functions` a batch at a time (without it each is an error on every sample it would score,
 * saying `functionsNotRun`), so that a new sample's reward is the one an analysis would give it.
 * Undefined when cancelled.
 */
export async function summarizeNewRecords(
  file: TraceFile,
  spec: RewardSpec,
  from: number,
  to: number,
  control: JobControl & Pick<AnalyzeOptions, 'functions' | 'functionsNotRun'> = {},
): Promise<NewRecords | undefined> {
  const { signal, onProgress } = control;
  const functions = new WorkspaceFunctionPass(spec, control);
  const out: NewRecords = { samples: [], malformed: [] };
  const end = Math.min(to, file.count);
  for (let i = from; i < end; i += FOLLOW_CHUNK) {
    if (signal?.aborted) return undefined;
    const entries = await file.readRange(i, Math.min(end, i + FOLLOW_CHUNK));
    const batch: Array<{ sample: TraceSample; record: unknown }> = [];
    for (const e of entries) {
      if (e.error !== undefined) out.malformed.push({ line: e.line, reason: e.error, entry: e.index });
      for (const sample of e.samples) batch.push({ sample, record: e.value });
    }
    for (let k = 0; k < batch.length; k += FUNCTION_BATCH) {
      if (signal?.aborted) return undefined;
      await functions.score(batch.slice(k, k + FUNCTION_BATCH));
    }
    out.samples.push(...summarizeNewSamples(entries, spec));
    const done = Math.min(end, i + FOLLOW_CHUNK) - from;
    onProgress?.({ phase: 'analyze', done, total: end - from, unit: 'entries', entries: done });
  }
  if (signal?.aborted) return undefined;
  const failures = functions.failures;
  if (failures) out.functionFailures = failures;
  return out;
}

/** The first page (SampleSet.firstPage): at most this many records, up to about this many bytes. */
const FIRST_PAGE_RECORDS = 32;
const FIRST_PAGE_BYTES = 2 << 20;

/**
 * The explorer's analysis of a file: rewards from the file, else scored with `spec`; badges judged by
 * BADGE_JUDGE; summaries kept. What SampleSet is built from, in this thread or in the traces worker.
 */
export function analyzeForExplorer(file: TraceFile, spec: RewardSpec, control: JobControl & Pick<AnalyzeOptions, 'functions' | 'functionsNotRun'> = {}): Promise<TraceAnalysis> {
  return file.analyze({ rewards: spec, judge: BADGE_JUDGE, ...control });
}

/**
 * The passes over a file that some filter conditions need (they read every sample's text): `filePasses`
 * runs them in this thread, the editor runs them in the traces worker. Samples are named `entry/sub`.
 */
export interface FilterPasses {
  /** Every sample's share of target-language words in its reasoning (null: not measurable); undefined when cancelled. */
  languageShares(control: PassControl): Promise<[string, number | null][] | undefined>;
  /** The samples whose prompt or completion contains `text` (any case); undefined when cancelled. */
  textMatches(text: string, control: PassControl): Promise<string[] | undefined>;
}

export function filePasses(file: TraceFile): FilterPasses {
  return {
    async languageShares(control) {
      const shares: [string, number | null][] = [];
      const ok = await pass(file, control, (s) => {
        const sc = scoreRecord(s, LANGUAGE_ONLY);
        shares.push([key(s.entry, s.sub), sc.components.language?.value ?? null]);
      });
      return ok ? shares : undefined;
    },
    async textMatches(text, control) {
      const needle = text.toLowerCase();
      const keys: string[] = [];
      const ok = await pass(file, control, (s) => {
        if (s.prompt.toLowerCase().includes(needle) || s.completion.toLowerCase().includes(needle)) keys.push(key(s.entry, s.sub));
      });
      return ok ? keys : undefined;
    },
  };
}

export class SampleSet {
  private summaries = new Map<string, SampleSummary>();
  private groups = new Map<string, { prompt: string; step?: number; members: GroupMember[]; stats: GroupStats }>();
  private groupOrder: string[] = [];
  private language = new Map<string, number | null>();
  private languageDone = false;
  private textMatches?: { text: string; keys: Set<string> };
  trainingSteps: TrainingStepPoint[] = [];
  /** The spec's workspace reward functions' failures: the analysis's, then those of the records added since. */
  functionFailures?: FunctionFailures;

  /** From an analysis that kept its sample summaries (and judged them with BADGE_JUDGE, for the format filter). */
  constructor(analysis: TraceAnalysis) {
    this.load(analysis);
  }

  /**
   * The first records of a file, summarized here: what the explorer paints as soon as the file is
   * indexed, while the analysis of the whole file runs elsewhere (`load` it when it comes). At most
   * FIRST_PAGE_RECORDS, read a few at a time until they hold FIRST_PAGE_BYTES.
   */
  static async firstPage(file: TraceFile, spec: RewardSpec): Promise<SampleSet> {
    const first: TraceEntry[] = [];
    for (let bytes = 0; first.length < Math.min(FIRST_PAGE_RECORDS, file.count) && bytes < FIRST_PAGE_BYTES; ) {
      const more = await file.readRange(first.length, first.length + 4);
      if (!more.length) break;
      for (const e of more) bytes += e.bytes;
      first.push(...more);
    }
    const set = new SampleSet({
      records: 0,
      samples: 0,
      groups: 0,
      malformed: [],
      steps: { total: 0, meanPerRecord: 0 },
      reflections: 0,
      zeroAdvantageGroups: 0,
      rewards: { fromFile: 0, scored: 0, none: 0, mean: null },
      groupStats: [],
      trainingSteps: [],
      sampleSummaries: [],
      timing: { indexMs: 0, analyzeMs: 0 },
      cancelled: false,
    });
    set.add(first, spec);
    return set;
  }

  /** Analyze `file` (rewards from the file, else scored with `spec`; badges judged by BADGE_JUDGE). Undefined when cancelled. */
  static async analyze(file: TraceFile, spec: RewardSpec, control: JobControl = {}): Promise<SampleSet | undefined> {
    const a = await analyzeForExplorer(file, spec, control);
    return a.cancelled ? undefined : new SampleSet(a);
  }

  /** Analyze `file` again from scratch (it was truncated or rewritten). False when cancelled (the set is unchanged). */
  async reanalyze(file: TraceFile, spec: RewardSpec, control: JobControl = {}): Promise<boolean> {
    const a = await analyzeForExplorer(file, spec, control);
    if (a.cancelled) return false;
    this.load(a);
    return true;
  }

  /** Start over from a (new) analysis made by analyzeForExplorer: what the language and text passes found is dropped. */
  load(a: TraceAnalysis): void {
    this.summaries.clear();
    this.groups.clear();
    this.groupOrder = [];
    for (const s of a.sampleSummaries) this.summaries.set(key(s.entry, s.sub), s);
    for (const g of a.groupStats) {
      this.groups.set(g.key, { prompt: g.prompt, step: g.step, members: g.members.map(({ entry, sub, id, reward }) => ({ entry, sub, id, reward })), stats: g });
      this.groupOrder.push(g.key);
    }
    this.trainingSteps = a.trainingSteps;
    this.functionFailures = a.functionFailures;
    this.language.clear();
    this.languageDone = false;
    this.textMatches = undefined;
  }

  get sampleCount(): number {
    return this.summaries.size;
  }

  get groupCount(): number {
    return this.groups.size;
  }

  summary(entry: number, sub: number): SampleSummary | undefined {
    return this.summaries.get(key(entry, sub));
  }

  group(groupKey: string): GroupStats | undefined {
    return this.groups.get(groupKey)?.stats;
  }

  /** The share of target-language words in the sample's reasoning, once a language pass ran (null: not measurable). */
  languageOf(s: SampleSummary): number | null | undefined {
    return this.language.get(key(s.entry, s.sub));
  }

  /** Groups with at least one sample passing the filter, each with its passing samples (sorted). */
  visibleGroups(filter: SampleFilter, sort: SampleSort): VisibleGroup[] {
    const out: VisibleGroup[] = [];
    for (const k of this.groupOrder) {
      const g = this.groups.get(k)!;
      const samples: SampleSummary[] = [];
      for (const m of g.stats.members) {
        const s = this.summaries.get(key(m.entry, m.sub));
        if (s && this.passes(s, filter)) samples.push(s);
      }
      if (samples.length) out.push({ stats: g.stats, samples: sort === 'file' ? samples : samples.sort((a, b) => compareSamples(sort, a, b)) });
    }
    if (sort !== 'file') {
      // groups follow their best sample under the chosen order
      out.sort((a, b) => compareSamples(sort, a.samples[0], b.samples[0]));
    }
    return out;
  }

  private passes(s: SampleSummary, f: SampleFilter): boolean {
    if (f.rewardMin !== undefined && (s.reward === null || s.reward < f.rewardMin)) return false;
    if (f.rewardMax !== undefined && (s.reward === null || s.reward > f.rewardMax)) return false;
    if (f.hasReflection && s.reflections === 0) return false;
    if (f.formatFailed && !formatFailed(s)) return false;
    if (f.languageMixed) {
      const v = this.language.get(key(s.entry, s.sub));
      if (v === null || v === undefined || v >= LANGUAGE_MIXED_BELOW) return false;
    }
    if (f.text && !this.textMatches?.keys.has(key(s.entry, s.sub))) return false;
    return true;
  }

  /**
   * Compute what `filter` needs beyond the summaries (language shares, text matches), one pass over the
   * file per missing condition (`passes`: a TraceFile runs them here). False when cancelled (what was
   * found so far is not used).
   */
  async prepare(passes: TraceFile | FilterPasses, filter: SampleFilter, control: PassControl): Promise<boolean> {
    const p = passes instanceof TraceFile ? filePasses(passes) : passes;
    if (filter.languageMixed && !this.languageDone) {
      const shares = await p.languageShares(control);
      if (!shares) return false;
      for (const [k, v] of shares) this.language.set(k, v);
      this.languageDone = true;
    }
    if (filter.text && this.textMatches?.text !== filter.text) {
      const keys = await p.textMatches(filter.text, control);
      if (!keys) return false;
      this.textMatches = { text: filter.text, keys: new Set(keys) };
    }
    return true;
  }

  /** New records (follow), summarized here: see `addSummaries`. */
  add(entries: readonly TraceEntry[], spec: RewardSpec): void {
    this.addSummaries(summarizeNewSamples(entries, spec));
  }

  /**
   * New records (follow), summarized by summarizeNewRecords or summarizeNewSamples (the editor does it
   * in the traces worker): their groups' statistics and advantages updated, the step curve recomputed,
   * the workspace functions' failures on them added to the file's.
   */
  addSummaries(samples: readonly NewSample[], functionFailures?: FunctionFailures): void {
    this.functionFailures = addFunctionFailures(this.functionFailures, functionFailures);
    const touched = new Set<string>();
    for (const { summary: sum, prompt } of samples) {
      this.summaries.set(key(sum.entry, sum.sub), sum);
      let g = this.groups.get(sum.group);
      if (!g) {
        g = { prompt, step: sum.step, members: [], stats: groupStats(sum.group, prompt, [], sum.step) };
        this.groups.set(sum.group, g);
        this.groupOrder.push(sum.group);
      }
      g.members.push({ entry: sum.entry, sub: sum.sub, id: sum.id, reward: sum.reward });
      touched.add(sum.group);
    }
    for (const k of touched) {
      const g = this.groups.get(k)!;
      g.stats = groupStats(k, g.prompt, g.members, g.step);
      for (const m of g.stats.members) {
        const s = this.summaries.get(key(m.entry, m.sub));
        if (s) s.advantage = m.advantage;
      }
    }
    // the curve over every summary (a follow batch's own curve starts where following began)
    const curve = new TrainingStepCurve();
    for (const s of this.summaries.values()) curve.add(s.step, s.reward, s.cotTokens);
    this.trainingSteps = curve.points();
    if (this.textMatches) this.textMatches = undefined; // a new record may match: the next filter pass recomputes
    this.languageDone = false;
  }
}

async function pass(file: TraceFile, control: PassControl, fn: (s: TraceSample) => void): Promise<boolean> {
  for await (const e of file.entries({ signal: control.signal, onProgress: (p) => control.onProgress(p.total ? p.done / p.total : 0) })) {
    for (const s of e.samples) fn(s);
  }
  return !control.signal.aborted;
}
