import * as vscode from 'vscode';
import type { BreakdownEvents, BreakdownRequests, BreakdownView } from '../../contracts/breakdown';
import type { ScoredDocument, ScoredDocuments } from './scoredDocuments';
import { SPEC_SETTING, type RewardSpecSource } from './rewardSpecSource';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import { withVisibleControlChars } from './breakdownText';

/**
 * The Reward Breakdown panel: one webview that shows the score of one scored document (the one scored
 * or shown last) and follows its re-scores. The webview renders; every action comes back here.
 */
export class BreakdownPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.breakdown';
  private readonly view: SingleWebviewPanel<BreakdownRequests, BreakdownEvents>;
  private current?: vscode.Uri;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    extensionUri: vscode.Uri,
    private readonly scored: ScoredDocuments,
    private readonly specs: RewardSpecSource,
    log: (message: string) => void,
  ) {
    this.view = new SingleWebviewPanel<BreakdownRequests, BreakdownEvents>(
      extensionUri,
      BreakdownPanel.viewType,
      'breakdown',
      {
        ready: () => this.currentView(),
        // Rescore is explicit: the judge (if any) runs again too
        rescore: () => {
          const view = this.current ? this.scored.rescore(this.current, true)?.view : undefined;
          return view ? withVisibleControlChars(view) : null;
        },
        cancelModels: () => {
          if (this.current) this.scored.cancelModels(this.current);
        },
        revealRange: ({ start, end }) => this.reveal(start, end),
        openSpec: () => this.openSpec(),
      },
      log,
      { viewColumn: vscode.ViewColumn.Beside },
    );
    this.subscriptions = [
      scored.onDidUpdate((doc) => {
        if (this.current?.toString() === doc.uri.toString()) this.push(doc);
      }),
      scored.onDidModelProgress(({ doc, progress }) => {
        if (this.current?.toString() !== doc.uri.toString()) return;
        this.view.emit('modelProgress', { uri: doc.uri.toString(), running: progress?.running, judgements: progress?.judgements });
      }),
    ];
  }

  /** Show the panel for a scored document (or empty when there is none). */
  show(doc: ScoredDocument | undefined, preserveFocus = true): void {
    this.current = doc?.uri;
    this.view.show('Reward Breakdown', preserveFocus);
    if (doc) this.push(doc);
  }

  private currentView(): BreakdownView | null {
    const view = this.current && this.scored.get(this.current)?.view;
    return view ? withVisibleControlChars(view) : null;
  }

  private push(doc: ScoredDocument): void {
    if (doc.view) this.view.emit('breakdown', withVisibleControlChars(doc.view));
    if (doc.error) this.view.emit('error', { message: doc.error });
  }

  private async reveal(start: number, end: number): Promise<boolean> {
    const doc = this.current && this.scored.get(this.current);
    if (!doc) return false;
    const document = await vscode.workspace.openTextDocument(doc.uri);
    const range = this.scored.documentRange(document, doc, start, end);
    if (!range) return false;
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  }

  private async openSpec(): Promise<void> {
    const file = this.specs.specFile(this.current);
    if (file) await vscode.window.showTextDocument(file, { viewColumn: vscode.ViewColumn.One });
    else await vscode.commands.executeCommand('workbench.action.openSettings', SPEC_SETTING);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.view.dispose();
  }
}
