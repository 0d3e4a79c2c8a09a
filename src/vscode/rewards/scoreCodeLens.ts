import * as vscode from 'vscode';
import type { ScoredDocuments } from './scoredDocuments';

/** A CodeLens above each scored file (or scored selection) with its last total; it opens the breakdown. */
export class ScoreCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly scored: ScoredDocuments) {
    this.subscriptions = [
      this.changed,
      scored.onDidUpdate(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('reasoningLab.codeLens.enabled')) this.changed.fire();
      }),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('reasoningLab.codeLens', document.uri).get<boolean>('enabled', true)) return [];
    const doc = this.scored.get(document.uri);
    const score = doc?.view?.score;
    if (!doc || !score) return [];
    const line = doc.selection ? document.positionAt(doc.selection.start).line : 0;
    const stale = doc.error ? ' (stale: spec error)' : '';
    const scope = doc.selection ? ' · selection' : '';
    return [
      new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: `$(beaker) Reward ${score.total.toFixed(2)} / ${score.max.toFixed(2)} · ${score.spec}${scope}${stale}`,
        tooltip: 'Open the Reward Breakdown',
        command: 'reasoningLab.showBreakdown',
        arguments: [document.uri],
      }),
    ];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
