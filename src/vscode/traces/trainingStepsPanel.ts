import * as vscode from 'vscode';
import type { TrainingStepsEvents, TrainingStepsRequests, TrainingStepsView } from '../../contracts/traces';
import type { TraceSession } from './traceSession';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';

/** The Training Steps chart: mean reward and mean CoT length per training step, updated while following. */
export class TrainingStepsPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.trainingSteps';
  private readonly panel: SingleWebviewPanel<TrainingStepsRequests, TrainingStepsEvents>;
  private session?: TraceSession;
  private sub?: vscode.Disposable;
  private lastMessage?: string;

  constructor(extensionUri: vscode.Uri, log: (m: string) => void) {
    this.panel = new SingleWebviewPanel<TrainingStepsRequests, TrainingStepsEvents>(extensionUri, TrainingStepsPanel.viewType, 'trainingSteps', { ready: () => this.view() }, log);
  }

  show(session: TraceSession, preserveFocus = false): void {
    if (this.session !== session) {
      this.sub?.dispose();
      this.session = session;
      this.sub = session.onDidChange(({ message }) => {
        if (message) this.lastMessage = message;
        if (this.panel.visible) this.panel.emit('show', this.view()!);
      });
    }
    this.panel.show(`Training Steps: ${session.label}`, preserveFocus);
    this.panel.emit('show', this.view()!);
  }

  private view(): TrainingStepsView | null {
    const s = this.session;
    if (!s) return null;
    return { file: { label: s.label, path: s.uri.fsPath }, following: s.following, records: s.file.count, points: s.trainingSteps, ...(this.lastMessage ? { message: this.lastMessage } : {}) };
  }

  dispose(): void {
    this.sub?.dispose();
    this.panel.dispose();
  }
}
