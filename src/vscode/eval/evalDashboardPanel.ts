import * as vscode from 'vscode';
import type { EvalDashboardEvents, EvalDashboardRequests, EvalRunsState } from '../../contracts/evalDashboard';
import type { RunCatalog } from '../../core/eval';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';

/**
 * The Eval Dashboard: one webview over the stored runs. The webview asks for what it shows (a page of
 * a run's problems, one problem's detail, two runs compared); this side reads them from the catalog.
 */
export class EvalDashboardPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.evalDashboard';
  private readonly view: SingleWebviewPanel<EvalDashboardRequests, EvalDashboardEvents>;
  private selected: string | null = null;
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    extensionUri: vscode.Uri,
    private readonly catalog: RunCatalog,
    log: (message: string) => void,
  ) {
    this.view = new SingleWebviewPanel<EvalDashboardRequests, EvalDashboardEvents>(
      extensionUri,
      EvalDashboardPanel.viewType,
      'evalDashboard',
      {
        ready: () => this.state(),
        rows: ({ run, ...q }) => this.catalog.rows(run, q),
        problem: ({ run, problemId }) => this.catalog.problem(run, problemId),
        compare: ({ a, b, ...q }) => this.catalog.compare(a, b, q),
        openProblem: ({ run, problemId }) => this.openProblem(run, problemId),
        runEvaluation: () => void vscode.commands.executeCommand('reasoningLab.runEvaluation'),
      },
      log,
      { retainContextWhenHidden: true },
    );
  }

  /** Opens the dashboard (or brings it forward) on a run: `null` keeps the current one or the newest. */
  show(run: string | null = null): void {
    if (run) this.selected = run;
    // a new webview asks for its state when it is ready; an open one is told
    if (!this.view.show('Eval Dashboard')) this.view.emit('runs', this.state());
  }

  /** A run in progress wrote more results: update the open dashboard, at most once a second. */
  refresh(): void {
    if (!this.view.visible || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.view.emit('runs', this.state());
    }, 1000);
  }

  private state(): EvalRunsState {
    const { runs, unreadable } = this.catalog.list();
    if (!this.selected || !runs.some((r) => r.id === this.selected)) this.selected = runs[0]?.id ?? null;
    return { runs, selected: this.selected, unreadable };
  }

  private async openProblem(run: string, problemId: string): Promise<boolean> {
    const source = this.catalog.problemSource(run, problemId);
    if (!source) return false;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(source.file));
    const line = Math.max(0, (source.line ?? 1) - 1);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(line, 0, line, 0) });
    return true;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.view.dispose();
  }
}
