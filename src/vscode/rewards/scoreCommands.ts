import * as vscode from 'vscode';
import type { CompositeScore } from '../../core/rewards/types';
import type { BreakdownPanel } from './breakdownPanel';
import { RewardSpecProblem } from './rewardSpecSource';
import type { ScoredDocuments } from './scoredDocuments';

/**
 * Score File, Score Selection and Show Reward Breakdown. Each resolves to the score (for scripts and
 * tests that call them with executeCommand) or undefined when nothing was scored.
 */
export function registerScoreCommands(scored: ScoredDocuments, panel: BreakdownPanel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('reasoningLab.scoreFile', (uri?: vscode.Uri) => scoreCommand(scored, panel, uri, false)),
    vscode.commands.registerCommand('reasoningLab.scoreSelection', (uri?: vscode.Uri) => scoreCommand(scored, panel, uri, true)),
    vscode.commands.registerCommand('reasoningLab.showBreakdown', (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      const doc = (target && scored.get(target)) ?? scored.all().at(-1);
      panel.show(doc, false);
    }),
  ];
}

async function scoreCommand(
  scored: ScoredDocuments,
  panel: BreakdownPanel,
  uri: vscode.Uri | undefined,
  selectionOnly: boolean,
): Promise<CompositeScore | undefined> {
  const editor = vscode.window.activeTextEditor;
  const fromEditor = !(uri instanceof vscode.Uri) || editor?.document.uri.toString() === uri.toString();
  const document = fromEditor ? editor?.document : await vscode.workspace.openTextDocument(uri as vscode.Uri);
  if (!document) {
    void vscode.window.showErrorMessage('Reasoning Lab: open the completion to score in an editor first.');
    return undefined;
  }
  if (document.getText().trim() === '') {
    void vscode.window.showErrorMessage(`Reasoning Lab: ${vscode.workspace.asRelativePath(document.uri)} is empty — there is no completion to score.`);
    return undefined;
  }
  let selection: { start: number; end: number } | undefined;
  if (selectionOnly) {
    const sel = fromEditor ? editor?.selection : undefined;
    if (!sel || sel.isEmpty || document.getText(sel).trim() === '') {
      void vscode.window.showErrorMessage(
        'Reasoning Lab: the selection is empty — select the completion to score, or run "Score File" to score the whole file.',
      );
      return undefined;
    }
    selection = { start: document.offsetAt(sel.start), end: document.offsetAt(sel.end) };
  }

  const typedAnswer = await askForReference(scored, document);
  try {
    const doc = scored.score(document, { selection, typedAnswer });
    panel.show(doc);
    // the rule rewards show at once; the reward model and the judge fill in their rows when they finish
    await scored.modelsSettled(doc);
    return doc.view?.score;
  } catch (err) {
    if (err instanceof RewardSpecProblem) {
      const open = 'Open Spec';
      void vscode.window.showErrorMessage(`Reasoning Lab: ${err.message}`, open).then(async (choice) => {
        if (choice !== open || !err.specFile) return;
        const first = err.errors.find((e) => e.line > 0);
        const pos = new vscode.Position(Math.max(0, (first?.line ?? 1) - 1), Math.max(0, (first?.column ?? 1) - 1));
        await vscode.window.showTextDocument(err.specFile, { selection: new vscode.Range(pos, pos) });
      });
      return undefined;
    }
    throw err;
  }
}

/** Ask once per document for a reference answer when the text names none and the setting allows it. */
async function askForReference(scored: ScoredDocuments, document: vscode.TextDocument): Promise<string | undefined> {
  const known = scored.get(document.uri)?.typedAnswer;
  if (known !== undefined || scored.namesReference(document)) return known;
  if (!vscode.workspace.getConfiguration('reasoningLab.score', document.uri).get<boolean>('askForReference', true)) return undefined;
  const typed = await vscode.window.showInputBox({
    title: 'Reasoning Lab: reference answer',
    prompt: 'This text names no reference answer (front matter "answer:" or an "answer:" comment). Type it to score accuracy, or press Escape to score without one.',
    placeHolder: 'e.g. 72, 3/4, \\frac{1}{2}, (1, 2)',
    ignoreFocusOut: true,
  });
  return typed?.trim() ?? '';
}
