import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RewardSpec } from '../../core/rewards/types';
import {
  describeFilter,
  followTraceFile,
  openTraceFile,
  SampleSet,
  type FieldMapping,
  type GroupStats,
  type SampleFilter,
  type SampleSort,
  type SampleSummary,
  type TraceFile,
  type TraceSample,
  type TrainingStepPoint,
  type VisibleGroup,
} from '../../core/traces';
import { errorMessage } from '../../core/shared/errors';

/**
 * One opened trace file in the explorer: its samples (core SampleSet: groups, summaries, what the
 * filters need), the filter and sort the tree shows, and follow mode. The tree view and the panels
 * read from here; nothing here draws anything.
 */
export class TraceSession implements vscode.Disposable {
  readonly label: string;
  filter: SampleFilter = {};
  sort: SampleSort = 'file';
  private follow?: AbortController;
  private readonly changed = new vscode.EventEmitter<{ message?: string }>();
  /** Fires after filters, sorting, or the data (follow) changed. */
  readonly onDidChange = this.changed.event;

  private constructor(readonly uri: vscode.Uri, readonly file: TraceFile, readonly spec: RewardSpec, private readonly samples: SampleSet) {
    this.label = path.basename(uri.fsPath);
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
      const samples = await SampleSet.analyze(tf, spec, {
        signal: control.signal,
        onProgress: (p) => control.onProgress(`analyzing: ${p.done} of ${p.total} records`, 0.5 + (p.total ? p.done / p.total / 2 : 0)),
      });
      if (!samples) {
        await tf.close();
        return undefined;
      }
      return new TraceSession(uri, tf, spec, samples);
    } catch (e) {
      await tf.close();
      throw e;
    }
  }

  get sampleCount(): number {
    return this.samples.sampleCount;
  }

  get groupCount(): number {
    return this.samples.groupCount;
  }

  get trainingSteps(): TrainingStepPoint[] {
    return this.samples.trainingSteps;
  }

  get malformed() {
    return this.file.malformed;
  }

  get following(): boolean {
    return !!this.follow && !this.follow.signal.aborted;
  }

  summary(entry: number, sub: number): SampleSummary | undefined {
    return this.samples.summary(entry, sub);
  }

  group(groupKey: string): GroupStats | undefined {
    return this.samples.group(groupKey);
  }

  /** Groups with at least one sample passing the filter, each with its passing samples (sorted). */
  visibleGroups(): VisibleGroup[] {
    return this.samples.visibleGroups(this.filter, this.sort);
  }

  /** Describe the active filter in a line (the tree's message). */
  describeFilter(): string {
    return describeFilter(this.filter);
  }

  /**
   * Set the filter. Language and text conditions need a pass over the file (the summaries do not
   * hold them): done here, with progress and cancellation.
   */
  async setFilter(filter: SampleFilter, control: { onProgress: (fraction: number) => void; signal: AbortSignal }): Promise<boolean> {
    if (!(await this.samples.prepare(this.file, filter, control))) return false;
    this.filter = filter;
    this.changed.fire({});
    return true;
  }

  setSort(sort: SampleSort): void {
    this.sort = sort;
    this.changed.fire({});
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
            if (!(await this.samples.reanalyze(this.file, this.spec, { signal: controller.signal }))) break;
            this.changed.fire({ message: batch.message });
            continue;
          }
          this.samples.add(batch.entries, this.spec);
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

  stopFollowing(): void {
    this.follow?.abort();
  }

  dispose(): void {
    this.stopFollowing();
    this.changed.dispose();
    void this.file.close();
  }
}
