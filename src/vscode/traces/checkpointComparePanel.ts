import * as vscode from 'vscode';
import type { CheckpointCompareEvents, CheckpointCompareRequests, CompareState } from '../../contracts/checkpointCompare';
import { distinctDecimals } from '../../contracts/numberFormat';
import type { TraceGroupRow, TraceGroupView, TraceSampleRef } from '../../contracts/traces';
import type { CompareMetric, PromptComparison } from '../../core/compare/types';
import { errorMessage } from '../../core/shared/errors';
import { groupStats, type TraceSample } from '../../core/traces';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import { openLine } from './fileCommands';
import { groupRow, type GroupSource, type TraceGroupPanel } from './traceGroupPanel';
import type { TracesWorker } from './tracesWorkerClient';

/** Rows in each of the regression and improvement tables. */
const TOP = 25;
const PROGRESS_MS = 250;

/**
 * Compare Checkpoints: two or more rollout files (or eval runs) of the same prompts, compared in the
 * traces worker; the panel paints each file's numbers as it is read (the comparison of the files read
 * so far), and a click on a prompt opens its samples from every file side by side in the Group View.
 */
export class CheckpointComparePanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.checkpointCompare';
  private readonly panel: SingleWebviewPanel<CheckpointCompareRequests, CheckpointCompareEvents>;
  private state: CompareState | null = null;
  private controller?: AbortController;

  constructor(
    extensionUri: vscode.Uri,
    private readonly worker: TracesWorker,
    private readonly groupPanel: TraceGroupPanel,
    private readonly log: (m: string) => void,
  ) {
    this.panel = new SingleWebviewPanel<CheckpointCompareRequests, CheckpointCompareEvents>(
      extensionUri,
      CheckpointComparePanel.viewType,
      'checkpointCompare',
      {
        ready: () => this.state,
        openPrompt: ({ key }) => this.openPrompt(key),
        rerank: ({ by }) => this.rerank(by),
        cancel: async () => this.controller?.abort(),
      },
      log,
      { retainContextWhenHidden: true },
    );
  }

  /** Compare `files` in this order; a comparison still running is cancelled. */
  compare(files: string[]): void {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const state: CompareState = { files: files.map((f) => vscode.workspace.asRelativePath(f)), paths: files, phase: 'reading', reading: { index: 0, fraction: 0 }, errors: [], comparison: null };
    this.state = state;
    this.panel.show('Compare Checkpoints');
    this.emit();
    let last = 0;
    void this.worker
      .compare(files, { by: 'reward', join: 'auto', top: TOP }, {
        signal: controller.signal,
        onProgress: (p) => {
          if (Date.now() - last < PROGRESS_MS || !state.reading) return;
          last = Date.now();
          // indexing then reading: each half of the file's share
          state.reading.fraction = p.total ? (p.phase === 'index' ? 0.5 * (p.done / p.total) : 0.5 + 0.5 * (p.done / p.total)) : 0;
          this.emit();
        },
        onFile: (index, partial) => {
          state.reading = { index: index + 1 + state.errors.length, fraction: 0 };
          if (partial) state.comparison = partial;
          this.emit();
        },
        onFileError: (file, message) => {
          state.errors.push({ file: vscode.workspace.asRelativePath(file), message });
          this.log(`compare: ${file}: ${message}`);
          this.emit();
        },
      })
      .then(
        (comparison) => {
          if (this.state !== state) return;
          state.comparison = comparison;
          state.phase = comparison.cancelled ? 'cancelled' : 'done';
          state.reading = undefined;
          this.emit();
        },
        (e) => {
          if (this.state !== state) return;
          state.phase = controller.signal.aborted ? 'cancelled' : 'failed';
          state.message = controller.signal.aborted ? 'Cancelled before two files were read.' : errorMessage(e);
          state.reading = undefined;
          this.emit();
        },
      );
  }

  private emit(): void {
    if (this.state) this.panel.emit('state', { ...this.state, reading: this.state.reading && { ...this.state.reading } });
  }

  private async rerank(by: CompareMetric): Promise<void> {
    const state = this.state;
    if (!state || state.phase === 'reading') throw new Error('The files are still being read.');
    state.comparison = await this.worker.rerank(by, TOP);
    this.emit();
  }

  private row(key: string): PromptComparison {
    const c = this.state?.comparison;
    const row = c && [...c.regressions, ...c.improvements].find((r) => r.key === key);
    if (!row) throw new Error(`no compared prompt ${key}`);
    return row;
  }

  /** The prompt's samples from every file, side by side in the Group View (read in the worker). */
  private async openPrompt(key: string): Promise<void> {
    const row = this.row(key);
    // the comparison's files: those read, in order (a file left out has no column)
    const files = this.state!.comparison!.files.map((f) => f.file);
    const labels = files.map((f) => vscode.workspace.asRelativePath(f));
    const fetched = await this.worker.comparedSamples(files, row.refs);
    const samples = new Map<string, TraceSample>();
    const rows: TraceGroupRow[] = [];
    const perFile: NonNullable<TraceGroupView['files']> = [];
    fetched.forEach((list, file) => {
      const got = (list ?? []).map((x) => ('error' in x ? undefined : x));
      const stats = groupStats(key, row.prompt, got.filter((x) => x !== undefined).map((x) => ({ entry: x!.sample.entry, sub: x!.sample.sub, id: x!.sample.id, reward: x!.summary.reward })));
      perFile.push({ label: labels[file], size: list?.length ?? 0, mean: stats.mean, std: stats.std });
      let k = 0;
      (list ?? []).forEach((x, i) => {
        const ref = row.refs[file]![i];
        if ('error' in x) {
          rows.push(groupRow({ ...ref, file, id: `entry ${ref.entry}`, reward: null, advantage: null }, undefined, new Error(x.error)));
          return;
        }
        const m = stats.members[k++];
        samples.set(`${file}/${ref.entry}/${ref.sub}`, x.sample);
        rows.push(groupRow({ ...ref, file, id: x.sample.id, reward: m.reward, advantage: m.advantage }, x.summary, x.sample));
      });
    });
    const firstOf = (file: number) => rows.find((r) => r.file === file && !r.answer.startsWith('(cannot read'));
    const a = firstOf(0);
    const b = firstOf(files.length - 1);
    const rewards = rows.map((r) => r.reward);
    const view: TraceGroupView = {
      file: { label: labels.join(' → '), path: files[0] },
      key,
      prompt: row.prompt,
      size: rows.length,
      mean: null,
      std: null,
      min: rewards.reduce<number | null>((m, r) => (r === null ? m : m === null ? r : Math.min(m, r)), null),
      max: rewards.reduce<number | null>((m, r) => (r === null ? m : m === null ? r : Math.max(m, r)), null),
      zeroAdvantage: false,
      rewardDecimals: distinctDecimals(rewards),
      defaultPair: a && b && a !== b ? [{ entry: a.entry, sub: a.sub, file: a.file }, { entry: b.entry, sub: b.sub, file: b.file }] : null,
      files: perFile,
    };
    const sampleOf = (ref: TraceSampleRef) => {
      const s = samples.get(`${ref.file}/${ref.entry}/${ref.sub}`);
      if (!s) throw new Error('that sample could not be read');
      return s;
    };
    const source: GroupSource = {
      view,
      rows: async (lo, hi) => rows.slice(lo, hi),
      sample: async (ref) => sampleOf(ref),
      open: (ref) => openLine(vscode.Uri.file(files[ref.file ?? 0]), sampleOf(ref).line),
    };
    this.groupPanel.showSource(source);
  }

  dispose(): void {
    this.controller?.abort();
    this.panel.dispose();
  }
}
