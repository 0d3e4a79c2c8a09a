import * as vscode from 'vscode';
import type { BreakdownEvents, BreakdownRequests, BreakdownView } from '../protocol';
import type { ScoredDocument, ScoredDocuments } from './scoredDocuments';
import { SPEC_SETTING, type RewardSpecSource } from './rewardSpecSource';
import { webviewHtml } from './webviewHtml';
import { WebviewRpc } from './webviewRpc';

/**
 * The Reward Breakdown panel: one webview that shows the score of one scored document (the one scored
 * or shown last) and follows its re-scores. The webview renders; every action comes back here.
 */
export class BreakdownPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.breakdown';
  private panel?: vscode.WebviewPanel;
  private rpc?: WebviewRpc<BreakdownRequests, BreakdownEvents>;
  private current?: vscode.Uri;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly scored: ScoredDocuments,
    private readonly specs: RewardSpecSource,
    private readonly log: (message: string) => void,
  ) {
    this.subscription = scored.onDidUpdate((doc) => {
      if (this.current?.toString() === doc.uri.toString()) this.push(doc);
    });
  }

  /** Show the panel for a scored document (or empty when there is none). */
  show(doc: ScoredDocument | undefined, preserveFocus = true): void {
    this.current = doc?.uri;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        BreakdownPanel.viewType,
        'Reward Breakdown',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
        { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'media')] },
      );
      this.rpc = new WebviewRpc<BreakdownRequests, BreakdownEvents>(
        this.panel.webview,
        {
          ready: () => this.currentView(),
          rescore: () => (this.current ? this.scored.rescore(this.current)?.view ?? null : null),
          revealRange: ({ start, end }) => this.reveal(start, end),
          openSpec: () => this.openSpec(),
        },
        this.log,
      );
      this.panel.webview.html = webviewHtml(this.panel.webview, this.extensionUri, 'breakdown', 'Reward Breakdown');
      this.panel.onDidDispose(() => {
        this.rpc?.dispose();
        this.rpc = undefined;
        this.panel = undefined;
      });
    } else {
      this.panel.reveal(undefined, preserveFocus);
    }
    if (doc) this.push(doc);
  }

  private currentView(): BreakdownView | null {
    return (this.current && this.scored.get(this.current)?.view) || null;
  }

  private push(doc: ScoredDocument): void {
    if (!this.rpc) return;
    if (doc.view) void this.rpc.emit('breakdown', doc.view);
    if (doc.error) void this.rpc.emit('error', { message: doc.error });
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
    this.subscription.dispose();
    this.rpc?.dispose();
    this.panel?.dispose();
  }
}
