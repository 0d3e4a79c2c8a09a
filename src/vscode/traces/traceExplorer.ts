import * as vscode from 'vscode';
import type { TraceSampleRef } from '../../contracts/traces';
import type { RewardSpecSource } from '../rewards/rewardSpecSource';
import type { StepScorer } from '../models/prmStepScores';
import { errorMessage } from '../../core/shared/errors';
import type { ExplorerContext } from './explorerContext';
import { exportBest } from './exportCommands';
import { closeTrace, openLine, openTrace, RECORD_SCHEME, recordDocuments } from './fileCommands';
import { applyFilter, pickFilter, pickSort } from './filterCommands';
import { TraceGroupPanel } from './traceGroupPanel';
import { CheckpointComparePanel } from './checkpointComparePanel';
import { compareCheckpoints } from './compareCommands';
import type { TraceSession } from './traceSession';
import { TraceStepperPanel } from './traceStepperPanel';
import { TraceTreeProvider, type TraceNode } from './traceTree';
import { TrainingStepsPanel } from './trainingStepsPanel';
import { TracesWorker } from './tracesWorkerClient';
import { workerScript } from '../shared/workerScript';
import { findHacks, HacksPanel } from './hacksPanel';
import { follow, openGroup, openLive, openSample, showRawJson, stopFollowing } from './viewCommands';

/**
 * The Trace Explorer: one trace file open at a time, its prompts → samples tree, the stepper, group and
 * training-step panels, and the commands over them, one file per group: opening and closing files
 * (fileCommands), filters and sorting (filterCommands), best-of-n export (exportCommands), the panels
 * and follow mode (viewCommands), the reward-hacking finder (hacksPanel).
 */
export class TraceExplorer implements ExplorerContext, vscode.Disposable {
  private current?: TraceSession;
  readonly tree = new TraceTreeProvider();
  readonly stepper: TraceStepperPanel;
  readonly groupPanel: TraceGroupPanel;
  readonly stepsPanel: TrainingStepsPanel;
  readonly hacksPanel: HacksPanel;
  readonly comparePanel: CheckpointComparePanel;
  readonly worker: TracesWorker;
  private readonly disposables: vscode.Disposable[];

  constructor(
    extensionUri: vscode.Uri,
    readonly specs: RewardSpecSource,
    stepScorer: StepScorer,
    readonly log: (m: string) => void,
  ) {
    const view = vscode.window.createTreeView('reasoningLab.traces', { treeDataProvider: this.tree, showCollapseAll: true });
    this.tree.view = view;
    this.worker = new TracesWorker(workerScript(extensionUri.fsPath, 'tracesWorker'));
    this.groupPanel = new TraceGroupPanel(extensionUri, (s, ref) => this.stepper.show(s, ref.entry, ref.sub), this.worker, log);
    this.stepper = new TraceStepperPanel(extensionUri, (s, key) => this.groupPanel.show(s, key), stepScorer, log);
    this.stepsPanel = new TrainingStepsPanel(extensionUri, log);
    this.hacksPanel = new HacksPanel(extensionUri, this, log);
    this.comparePanel = new CheckpointComparePanel(extensionUri, this.worker, this.groupPanel, log);
    this.setContext();
    const command = <A extends unknown[]>(id: string, fn: (...args: A) => unknown) => vscode.commands.registerCommand(id, this.guarded(fn));
    this.disposables = [
      view,
      vscode.workspace.registerTextDocumentContentProvider(RECORD_SCHEME, recordDocuments),
      this.tree,
      this.stepper,
      this.groupPanel,
      this.stepsPanel,
      this.hacksPanel,
      this.comparePanel,
      // only the message: a full refresh would re-create the items under a click in flight
      view.onDidChangeVisibility(() => this.tree.updateMessage()),
      command('reasoningLab.traces.open', (uri?: vscode.Uri) => openTrace(this, uri)),
      command('reasoningLab.traces.openLine', openLine),
      command('reasoningLab.traces.openSample', (arg?: TraceSampleRef | TraceNode) => openSample(this, arg)),
      command('reasoningLab.traces.openGroup', (node?: TraceNode | { prompt: string }) => openGroup(this, node)),
      command('reasoningLab.traces.showRawJson', (node?: TraceNode) => showRawJson(this, node)),
      command('reasoningLab.traces.filter', () => pickFilter(this.need())),
      command('reasoningLab.traces.clearFilter', () => applyFilter(this.need(), {})),
      command('reasoningLab.traces.sort', () => pickSort(this.need())),
      command('reasoningLab.traces.exportBest', () => exportBest(this)),
      command('reasoningLab.traces.follow', () => follow(this)),
      command('reasoningLab.traces.stopFollowing', () => stopFollowing(this)),
      // not in the palette: Solve with Agent opens its running episode with it
      command('reasoningLab.traces.openLive', (uri: vscode.Uri) => openLive(this, uri)),
      command('reasoningLab.traces.showTrainingSteps', () => this.stepsPanel.show(this.need())),
      command('reasoningLab.traces.findHacks', () => findHacks(this, this.hacksPanel)),
      command('reasoningLab.traces.close', () => closeTrace(this)),
      command('reasoningLab.compareCheckpoints', (uri?: vscode.Uri, selected?: vscode.Uri[]) => compareCheckpoints(this.comparePanel, uri, selected)),
    ];
  }

  get session(): TraceSession | undefined {
    return this.current;
  }

  need(): TraceSession {
    if (!this.current) throw new Error('Open a trace file first (Reasoning Lab: Open Trace File).');
    return this.current;
  }

  replaceSession(next: TraceSession | undefined): void {
    this.current?.dispose();
    this.current = next;
    next?.onDidChange(() => this.setContext());
    this.tree.setSession(next);
    this.setContext();
  }

  private setContext(): void {
    const session = this.current;
    void vscode.commands.executeCommand('setContext', 'reasoningLab.traces.open', !!session);
    void vscode.commands.executeCommand('setContext', 'reasoningLab.traces.following', !!session?.following);
    void vscode.commands.executeCommand('setContext', 'reasoningLab.traces.filtered', !!session?.describeFilter());
  }

  /** A command body whose errors become one clear message instead of an unhandled rejection. */
  private guarded<A extends unknown[]>(fn: (...args: A) => unknown): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        await fn(...args);
      } catch (e) {
        this.log(`trace explorer: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(errorMessage(e));
      }
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.current?.dispose();
    this.worker.dispose();
  }
}
