import * as vscode from 'vscode';
import type { AgentTrainingEvents, AgentTrainingRequests, AgentTrainingView } from '../../contracts/agentTraining';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import type { TrainingRun } from './trainingRun';

/** The Training panel: the current run's learning curves, its status, Pause / Resume / Stop, its checkpoint and episodes. */
export class TrainingPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.agentTraining';
  private readonly panel: SingleWebviewPanel<AgentTrainingRequests, AgentTrainingEvents>;
  private run?: TrainingRun;
  private sub?: vscode.Disposable;

  constructor(extensionUri: vscode.Uri, log: (m: string) => void, resume: () => void) {
    this.panel = new SingleWebviewPanel<AgentTrainingRequests, AgentTrainingEvents>(
      extensionUri,
      TrainingPanel.viewType,
      'training',
      {
        ready: () => this.view(),
        pause: () => this.need().pause(),
        resume: () => {
          this.need();
          resume();
        },
        stop: () => this.need().stop(),
        revealCheckpoint: () => revealFile(this.need().checkpointPath),
        openEpisodes: () => openEpisodes(this.view()?.episodesFile?.path),
      },
      log,
      { retainContextWhenHidden: true },
    );
  }

  get current(): TrainingRun | undefined {
    return this.run;
  }

  show(run?: TrainingRun, preserveFocus = false): void {
    if (run && run !== this.run) {
      this.sub?.dispose();
      this.run = run;
      this.sub = run.onDidChange((c) => {
        if (!this.panel.visible) return;
        if (c.kind === 'show') this.panel.emit('show', run.view);
        else this.panel.emit('progress', { runId: run.view.run.id, from: c.from, points: c.points, step: run.view.step, episodes: run.view.episodes });
      });
    }
    this.panel.show(this.run ? `Training: ${this.run.label}` : 'Training', preserveFocus);
    const v = this.view();
    if (v) this.panel.emit('show', v);
  }

  private view(): AgentTrainingView | null {
    return this.run?.view ?? null;
  }

  private need(): TrainingRun {
    if (!this.run) throw new Error('no training run: start one with "Reasoning Lab: Train Agent…"');
    return this.run;
  }

  dispose(): void {
    this.sub?.dispose();
    this.panel.dispose();
  }
}

/** Shows a file in the Explorer when it is in the workspace, else in the OS file manager. */
export async function revealFile(file: string | undefined): Promise<void> {
  if (!file) throw new Error('no checkpoint yet: Stop the run (or let it finish) to write one');
  const uri = vscode.Uri.file(file);
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

/** Opens an episodes trace file in the Trace Explorer. */
export async function openEpisodes(file: string | undefined): Promise<void> {
  if (!file) throw new Error('this run writes no episode traces (CartPole runs keep their curve in the checkpoint)');
  await vscode.commands.executeCommand('reasoningLab.traces.open', vscode.Uri.file(file));
}
