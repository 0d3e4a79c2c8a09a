import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FunctionScore, RewardSpec } from '../../core/rewards/types';
import {
  describeFilter,
  openTraceFile,
  SampleSet,
  type FieldMapping,
  type GroupStats,
  type SampleFilter,
  type SampleSort,
  type SampleSummary,
  type TraceAnalysis,
  type TraceFile,
  type TraceSample,
  type TrainingStepPoint,
  type VisibleGroup,
  watchTraceFile,
} from '../../core/traces';
import { errorMessage } from '../../core/shared/errors';
import type { TraceFileRef, WorkspaceFunctionsRun } from '../../contracts/tracesWorker';
import { UNTRUSTED_MESSAGE } from '../rewards/workspaceFunctions';
import type { TracesWorker } from './tracesWorkerClient';

/** Where the analysis of the whole file stands: running (with its progress), done, cancelled or failed. */
export type AnalysisState = { kind: 'running'; fraction: number } | { kind: 'done' } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

/**
 * One opened trace file in the explorer: its samples (core SampleSet: groups, summaries, what the
 * filters need), the filter and sort the tree shows, and follow mode. The tree view and the panels
 * read from here; nothing here draws anything. Opening paints the first records as soon as the file
 * is indexed; the analysis of the whole file (groups, advantages, rewards, steps) and the filter passes
 * run in the traces worker and replace them when they arrive.
 */
export class TraceSession implements vscode.Disposable {
  readonly label: string;
  filter: SampleFilter = {};
  sort: SampleSort = 'file';
  private follow?: AbortController;
  private readonly changed = new vscode.EventEmitter<{ message?: string; reset?: boolean }>();
  /** Fires after filters, sorting, the analysis or the data (follow) changed; `reset`: the followed file was rewritten and read again. */
  readonly onDidChange = this.changed.event;
  private analysisState: AnalysisState = { kind: 'running', fraction: 0 };
  private readonly analysisControl = new AbortController();
  /** Settles when the analysis has arrived, was cancelled or failed (true: arrived). */
  readonly analyzed: Promise<boolean>;

  private constructor(
    readonly uri: vscode.Uri,
    readonly file: TraceFile,
    readonly spec: RewardSpec,
    private readonly samples: SampleSet,
    private readonly worker: TracesWorker,
    private readonly fields: FieldMapping | undefined,
  ) {
    this.label = path.basename(uri.fsPath);
    this.analyzed = this.analyze();
  }

  /**
   * Index a file and summarize its first records (progress and cancellation through `control`); the
   * analysis of the whole file starts in `worker` (see `analysis`, `analyzed`).
   */
  static async open(
    uri: vscode.Uri,
    spec: RewardSpec,
    fields: FieldMapping | undefined,
    worker: TracesWorker,
    control: { onProgress: (message: string, fraction: number) => void; signal: AbortSignal },
  ): Promise<TraceSession | undefined> {
    const tf = await openTraceFile(uri.fsPath, { fields }, {
      signal: control.signal,
      onProgress: (p) => control.onProgress(`indexing: ${p.entries} records`, p.total ? p.done / p.total : 0),
    });
    try {
      const first = await SampleSet.firstPage(tf, spec);
      if (control.signal.aborted) {
        await tf.close();
        return undefined;
      }
      return new TraceSession(uri, tf, spec, first, worker, fields);
    } catch (e) {
      await tf.close();
      throw e;
    }
  }

  /** The analysis of the whole file. */
  get analysis(): AnalysisState {
    return this.analysisState;
  }

  /** Stop the analysis: the tree keeps the first records. */
  cancelAnalysis(): void {
    this.analysisControl.abort();
  }

  /** Failures of the spec's workspace reward functions in the analysis and on the records followed since (each sample's reward leaves the function out). */
  get functionFailures(): TraceAnalysis['functionFailures'] {
    return this.samples.functionFailures;
  }

  /** The spec's workspace reward functions: run in the sandbox only in a trusted workspace (they are its own code). */
  private get functions(): WorkspaceFunctionsRun | undefined {
    if (!this.spec.functions?.length) return undefined;
    if (!vscode.workspace.isTrusted) return { notRun: UNTRUSTED_MESSAGE };
    return { root: vscode.workspace.getWorkspaceFolder(this.uri)?.uri.fsPath ?? path.dirname(this.uri.fsPath) };
  }

  /**
   * The spec's workspace reward functions on one sample, for the Trace Stepper's breakdown: run in the
   * traces worker in a trusted workspace; otherwise each is an error saying why it did not run.
   * Undefined when the spec has none or the run was cancelled.
   */
  async sampleFunctionScores(entry: number, sub: number, signal: AbortSignal): Promise<Record<string, FunctionScore> | undefined> {
    const run = this.functions;
    if (!run) return undefined;
    if ('notRun' in run) return Object.fromEntries(this.spec.functions!.map((f) => [f.name, { value: null, detail: run.notRun, error: { kind: 'not-run' as const, message: run.notRun } }]));
    return this.worker.sampleFunctions(this.trace, this.spec, entry, sub, run.root, { signal });
  }

  /** The file as the traces worker opens it. */
  get trace(): TraceFileRef {
    return { file: this.uri.fsPath, fields: this.fields };
  }

  private async analyze(): Promise<boolean> {
    const signal = this.analysisControl.signal;
    let lastFire = 0;
    try {
      const a = await this.worker.analyze(this.trace, this.spec, {
        signal,
        onProgress: (p) => {
          this.analysisState = { kind: 'running', fraction: p.total ? p.done / p.total : 0 };
          if (Date.now() - lastFire > 500) {
            lastFire = Date.now();
            this.changed.fire({});
          }
        },
      }, this.functions);
      if (a.cancelled || signal.aborted) {
        this.analysisState = { kind: 'cancelled' };
        return false;
      }
      this.samples.load(a);
      this.file.adoptMalformed(a.malformed);
      this.analysisState = { kind: 'done' };
      return true;
    } catch (e) {
      this.analysisState = signal.aborted ? { kind: 'cancelled' } : { kind: 'failed', message: errorMessage(e) };
      return false;
    } finally {
      this.changed.fire({});
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
    await this.analyzed;
    if (!(await this.samples.prepare(this.worker.filterPasses(this.trace), filter, control))) return false;
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

  /**
   * Follow the file: its index grows here (the stepper reads records by it); the new records are read
   * and summarized in the traces worker, then join their groups; listeners are told.
   */
  startFollowing(log: (message: string) => void): void {
    if (this.following) return;
    const controller = new AbortController();
    const signal = controller.signal;
    this.follow = controller;
    void (async () => {
      try {
        // new records join the groups of the whole file's analysis
        await this.analyzed;
        for await (const growth of watchTraceFile(this.file, { signal, fromStart: false, pollMs: 500 })) {
          if (growth.reset) {
            // rewritten or truncated: analyze again from scratch
            const a = await this.worker.analyze(this.trace, this.spec, { signal }, this.functions);
            if (a.cancelled) break;
            this.samples.load(a);
            this.file.adoptMalformed(a.malformed);
          } else if (growth.to > growth.from) {
            const added = await this.worker.summarizeNew(this.trace, this.spec, growth.from, growth.to, { signal }, this.functions);
            if (!added) break;
            this.file.adoptMalformed(added.malformed);
            this.samples.addSummaries(added.samples, added.functionFailures);
          }
          this.changed.fire({ message: growth.message, reset: growth.reset });
        }
      } catch (e) {
        if (!signal.aborted) log(`following ${this.label} stopped: ${errorMessage(e)}`);
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
    this.cancelAnalysis();
    this.changed.dispose();
    void this.file.close();
  }
}
