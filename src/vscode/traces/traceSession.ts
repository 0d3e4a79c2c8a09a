import * as path from 'node:path';
import * as vscode from 'vscode';
import { scoreRecord } from '../../core/rewards/composite';
import { PRESETS } from '../../core/rewards/presets';
import type { RewardSpec } from '../../core/rewards/types';
import {
  followTraceFile,
  groupStats,
  openTraceFile,
  summarizeTraceSample,
  type FieldMapping,
  type GroupStats,
  type SampleSummary,
  type TraceAnalysis,
  type TraceFile,
  type TraceSample,
  type TrainingStepPoint,
} from '../../core/traces';
import type { GroupMember } from '../../core/traces/groups';
import { errorMessage } from '../../core/shared/errors';

/** What the tree shows: every condition set must hold. */
export interface SampleFilter {
  rewardMin?: number;
  rewardMax?: number;
  hasReflection?: boolean;
  formatFailed?: boolean;
  languageMixed?: boolean;
  /** Case-insensitive text in the prompt or the completion. */
  text?: string;
}

export type SampleSort = 'file' | 'reward-desc' | 'reward-asc' | 'advantage-desc' | 'length-desc' | 'reflections-desc';

/** Below this share of target-language words, a reasoning counts as language-mixed (R1's consistency reward). */
export const LANGUAGE_MIXED_BELOW = 0.9;

// format and accuracy for the badges: R1's strict template and answer check, whatever spec gives the reward
const JUDGE: RewardSpec = PRESETS.r1;
const LANGUAGE_ONLY: RewardSpec = { name: 'language', components: { language: { weight: 1 } } };

const key = (entry: number, sub: number) => `${entry}/${sub}`;

/**
 * One opened trace file and what the explorer knows about it: the analysis (groups, per-sample
 * summaries), filters and sorting, flags computed on demand (language, text matches), and follow
 * mode. The tree view and the panels read from here; nothing here draws anything.
 */
export class TraceSession implements vscode.Disposable {
  readonly label: string;
  private summaries = new Map<string, SampleSummary>();
  private groups = new Map<string, { prompt: string; step?: number; members: GroupMember[]; stats: GroupStats }>();
  private groupOrder: string[] = [];
  private language = new Map<string, number | null>();
  private languageDone = false;
  private textMatches?: { text: string; keys: Set<string> };
  filter: SampleFilter = {};
  sort: SampleSort = 'file';
  trainingSteps: TrainingStepPoint[] = [];
  private follow?: AbortController;
  private readonly changed = new vscode.EventEmitter<{ message?: string }>();
  /** Fires after filters, sorting, or the data (follow) changed. */
  readonly onDidChange = this.changed.event;

  private constructor(readonly uri: vscode.Uri, readonly file: TraceFile, readonly spec: RewardSpec, analysis: TraceAnalysis) {
    this.label = path.basename(uri.fsPath);
    this.load(analysis);
  }

  /** Index and analyze a file (progress and cancellation through `control`). */
  static async open(
    uri: vscode.Uri,
    spec: RewardSpec,
    fields: FieldMapping | undefined,
    control: { onProgress: (message: string, fraction: number) => void; signal: AbortSignal },
  ): Promise<TraceSession | undefined> {
    const tf = await openTraceFile(uri.fsPath, { fields }, {
      signal: control.signal,
      onProgress: (p) => control.onProgress(`indexing: ${p.entries} records`, p.total ? p.done / p.total / 2 : 0),
    });
    try {
      const analysis = await tf.analyze({
        rewards: spec,
        judge: JUDGE,
        signal: control.signal,
        onProgress: (p) => control.onProgress(`analyzing: ${p.done} of ${p.total} records`, 0.5 + (p.total ? p.done / p.total / 2 : 0)),
      });
      if (analysis.cancelled) {
        await tf.close();
        return undefined;
      }
      return new TraceSession(uri, tf, spec, analysis);
    } catch (e) {
      await tf.close();
      throw e;
    }
  }

  private load(a: TraceAnalysis): void {
    this.summaries.clear();
    this.groups.clear();
    this.groupOrder = [];
    for (const s of a.sampleSummaries) this.summaries.set(key(s.entry, s.sub), s);
    for (const g of a.groupStats) {
      this.groups.set(g.key, { prompt: g.prompt, step: g.step, members: g.members.map(({ entry, sub, id, reward }) => ({ entry, sub, id, reward })), stats: g });
      this.groupOrder.push(g.key);
    }
    this.trainingSteps = a.trainingSteps;
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

  get malformed() {
    return this.file.malformed;
  }

  get following(): boolean {
    return !!this.follow && !this.follow.signal.aborted;
  }

  summary(entry: number, sub: number): SampleSummary | undefined {
    return this.summaries.get(key(entry, sub));
  }

  group(groupKey: string): GroupStats | undefined {
    return this.groups.get(groupKey)?.stats;
  }

  /** Groups with at least one sample passing the filter, each with its passing samples (sorted). */
  visibleGroups(): Array<{ stats: GroupStats; samples: SampleSummary[] }> {
    const out: Array<{ stats: GroupStats; samples: SampleSummary[] }> = [];
    for (const k of this.groupOrder) {
      const g = this.groups.get(k)!;
      const samples: SampleSummary[] = [];
      for (const m of g.stats.members) {
        const s = this.summaries.get(key(m.entry, m.sub));
        if (s && this.passes(s)) samples.push(s);
      }
      if (samples.length) out.push({ stats: g.stats, samples: this.sorted(samples) });
    }
    if (this.sort !== 'file') {
      // groups follow their best sample under the chosen order
      out.sort((a, b) => this.compare(a.samples[0], b.samples[0]));
    }
    return out;
  }

  private sorted(list: SampleSummary[]): SampleSummary[] {
    return this.sort === 'file' ? list : list.sort((a, b) => this.compare(a, b));
  }

  private compare(a: SampleSummary, b: SampleSummary): number {
    // samples without a reward (or advantage) go last in either direction
    const by = (x: number | null, y: number | null, dir: 1 | -1) => (x === null ? (y === null ? 0 : 1) : y === null ? -1 : dir * (x - y));
    const tie = a.entry - b.entry || a.sub - b.sub;
    switch (this.sort) {
      case 'reward-desc':
        return by(a.reward, b.reward, -1) || tie;
      case 'reward-asc':
        return by(a.reward, b.reward, 1) || tie;
      case 'advantage-desc':
        return by(a.advantage, b.advantage, -1) || tie;
      case 'length-desc':
        return b.tokens - a.tokens || tie;
      case 'reflections-desc':
        return b.reflections - a.reflections || tie;
      default:
        return tie;
    }
  }

  /** True when the sample counts as a format failure (R1's strict template, or an unclosed <think>). */
  static formatFailed(s: SampleSummary): boolean {
    return s.format === 0 || s.think === 'unclosed';
  }

  languageOf(s: SampleSummary): number | null | undefined {
    return this.language.get(key(s.entry, s.sub));
  }

  private passes(s: SampleSummary): boolean {
    const f = this.filter;
    if (f.rewardMin !== undefined && (s.reward === null || s.reward < f.rewardMin)) return false;
    if (f.rewardMax !== undefined && (s.reward === null || s.reward > f.rewardMax)) return false;
    if (f.hasReflection && s.reflections === 0) return false;
    if (f.formatFailed && !TraceSession.formatFailed(s)) return false;
    if (f.languageMixed) {
      const v = this.language.get(key(s.entry, s.sub));
      if (v === null || v === undefined || v >= LANGUAGE_MIXED_BELOW) return false;
    }
    if (f.text && !this.textMatches?.keys.has(key(s.entry, s.sub))) return false;
    return true;
  }

  /** Describe the active filter and sort in a line (the tree's message). */
  describeFilter(): string {
    const f = this.filter;
    const parts: string[] = [];
    if (f.rewardMin !== undefined || f.rewardMax !== undefined) parts.push(`reward ${f.rewardMin ?? '−∞'}…${f.rewardMax ?? '∞'}`);
    if (f.hasReflection) parts.push('has reflection');
    if (f.formatFailed) parts.push('format failed');
    if (f.languageMixed) parts.push('language mixed');
    if (f.text) parts.push(`text “${f.text}”`);
    return parts.join(', ');
  }

  /**
   * Set the filter. Language and text conditions need a pass over the file (the summaries do not
   * hold them): done here, with progress and cancellation.
   */
  async setFilter(filter: SampleFilter, control: { onProgress: (fraction: number) => void; signal: AbortSignal }): Promise<boolean> {
    if (filter.languageMixed && !this.languageDone) {
      const ok = await this.scan(control, (s) => {
        const sc = scoreRecord(s, LANGUAGE_ONLY);
        this.language.set(key(s.entry, s.sub), sc.components.language?.value ?? null);
      });
      if (!ok) return false;
      this.languageDone = true;
    }
    if (filter.text && this.textMatches?.text !== filter.text) {
      const needle = filter.text.toLowerCase();
      const keys = new Set<string>();
      const ok = await this.scan(control, (s) => {
        if (s.prompt.toLowerCase().includes(needle) || s.completion.toLowerCase().includes(needle)) keys.add(key(s.entry, s.sub));
      });
      if (!ok) return false;
      this.textMatches = { text: filter.text, keys };
    }
    this.filter = filter;
    this.changed.fire({});
    return true;
  }

  setSort(sort: SampleSort): void {
    this.sort = sort;
    this.changed.fire({});
  }

  private async scan(control: { onProgress: (fraction: number) => void; signal: AbortSignal }, fn: (s: TraceSample) => void): Promise<boolean> {
    for await (const e of this.file.entries({ signal: control.signal, onProgress: (p) => control.onProgress(p.total ? p.done / p.total : 0) })) {
      for (const s of e.samples) fn(s);
    }
    return !control.signal.aborted;
  }

  /** One sample as read from the file (text included). */
  async sample(entry: number, sub: number): Promise<TraceSample> {
    const e = await this.file.read(entry);
    if (e.error !== undefined) throw new Error(`line ${e.line}: ${e.error}`);
    const s = e.samples[sub];
    if (!s) throw new RangeError(`record ${entry + 1} has no sample ${sub}`);
    return s;
  }

  /** Follow the file: new records are summarized, their groups' statistics updated, listeners told. */
  startFollowing(log: (message: string) => void): void {
    if (this.following) return;
    const controller = new AbortController();
    this.follow = controller;
    void (async () => {
      try {
        for await (const batch of followTraceFile(this.file, { signal: controller.signal, fromStart: false, pollMs: 500 })) {
          if (batch.reset) {
            // rewritten or truncated: analyze again from scratch
            const a = await this.file.analyze({ rewards: this.spec, judge: JUDGE, signal: controller.signal });
            if (a.cancelled) break;
            this.load(a);
            this.changed.fire({ message: batch.message });
            continue;
          }
          const touched = new Set<string>();
          for (const e of batch.entries) {
            for (const s of e.samples) {
              const sum = summarizeTraceSample(s, this.spec, false, JUDGE);
              this.summaries.set(key(s.entry, s.sub), sum);
              let g = this.groups.get(s.group);
              if (!g) {
                g = { prompt: s.prompt.slice(0, 200), step: s.step, members: [], stats: groupStats(s.group, s.prompt, [], s.step) };
                this.groups.set(s.group, g);
                this.groupOrder.push(s.group);
              }
              g.members.push({ entry: s.entry, sub: s.sub, id: s.id, reward: sum.reward });
              touched.add(s.group);
            }
          }
          for (const k of touched) {
            const g = this.groups.get(k)!;
            g.stats = groupStats(k, g.prompt, g.members, g.step);
            for (const m of g.stats.members) {
              const s = this.summaries.get(key(m.entry, m.sub));
              if (s) s.advantage = m.advantage;
            }
          }
          this.trainingSteps = this.recomputeSteps();
          if (this.textMatches) this.textMatches = undefined; // a new record may match: the next filter pass recomputes
          this.languageDone = false;
          this.changed.fire({ message: batch.message });
        }
      } catch (e) {
        log(`following ${this.label} stopped: ${errorMessage(e)}`);
      } finally {
        if (this.follow === controller) this.follow = undefined;
        this.changed.fire({});
      }
    })();
    this.changed.fire({});
  }

  /** The per-step curve from the summaries (the follow batches' own curve starts where following began). */
  private recomputeSteps(): TrainingStepPoint[] {
    const by = new Map<number, { n: number; r: number; rn: number; cot: number }>();
    for (const s of this.summaries.values()) {
      if (s.step === undefined) continue;
      let a = by.get(s.step);
      if (!a) by.set(s.step, (a = { n: 0, r: 0, rn: 0, cot: 0 }));
      a.n++;
      a.cot += s.cotTokens;
      if (s.reward !== null) {
        a.r += s.reward;
        a.rn++;
      }
    }
    return [...by.entries()].sort((x, y) => x[0] - y[0]).map(([step, a]) => ({ step, samples: a.n, meanReward: a.rn ? a.r / a.rn : null, meanCotTokens: a.cot / a.n }));
  }

  stopFollowing(): void {
    this.follow?.abort();
  }

  dispose(): void {
    this.stopFollowing();
    this.changed.dispose();
    void this.file.close();
  }
}
