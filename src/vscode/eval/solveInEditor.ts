import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProblemInfo } from './builtinCatalog';
import { listProblems } from './builtinCatalog';
import { builtinProblemSet, solutionsDir } from './evalSettings';
import type { ProblemTests, SolutionOutcome } from './problemTests';
import { OutputExistsError, writeFileSafely } from '../../core/shared/safeOutput';

type Lang = 'python' | 'javascript';

/** The starter file of a problem: its statement as comments, then the signature to fill in. */
export function starterCode(p: ProblemInfo, lang: Lang): string {
  const c = lang === 'python' ? '#' : '//';
  const statement = p.statement.split(/\r?\n/).map((l) => (l ? `${c} ${l}` : c));
  const head = [
    `${c} Reasoning Lab problem: ${p.id} — ${p.title}${p.difficulty ? ` (${p.difficulty})` : ''}`,
    `${c} Write the function, then run "Reasoning Lab: Run Tests" (or the Run Tests lens above the function).`,
    c,
    ...statement,
    '',
  ];
  if (lang === 'python') {
    const sig = p.signature.python!;
    return [...head, '', `def ${sig.entry}(${sig.params.join(', ')}):`, '    pass', ''].join('\n');
  }
  const sig = p.signature.javascript!;
  return [...head, `function ${sig.entry}(${sig.params.join(', ')}) {`, '  // your solution', '}', '', `module.exports = { ${sig.entry} };`, ''].join('\n');
}

/**
 * Solve-in-editor: "Open Problem…" writes a built-in problem's starter file into the workspace's
 * solutions folder (never over an existing one), "Run Tests" judges it in the sandbox, and a CodeLens
 * over the function offers Run Tests and shows the last verdict.
 */
export class SolveInEditor implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly context: vscode.ExtensionContext, private readonly tests: ProblemTests) {
    this.subscription = tests.onDidChangeOutcomes(() => this.changed.fire());
  }

  async openProblem(): Promise<void> {
    const problems = listProblems(builtinProblemSet(this.context.extensionPath));
    const order = { easy: 0, medium: 1, hard: 2 } as Record<string, number>;
    const picked = await vscode.window.showQuickPick(
      [...problems].sort((a, b) => (order[a.difficulty ?? ''] ?? 3) - (order[b.difficulty ?? ''] ?? 3) || a.title.localeCompare(b.title)).map((p) => ({
        label: p.title,
        description: `${p.id} · ${p.difficulty ?? ''}`,
        detail: p.tags.join(', '),
        problem: p,
      })),
      { title: 'Open Problem', placeHolder: 'A built-in problem to solve in the editor', matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return;
    const p = picked.problem;
    const langs = (['python', 'javascript'] as Lang[]).filter((l) => p.signature[l]);
    const lang = langs.length === 1 ? langs[0] : (await vscode.window.showQuickPick(langs.map((l) => ({ label: l === 'python' ? 'Python' : 'JavaScript', lang: l })), { title: `Open Problem: ${p.title}`, placeHolder: 'The language to write it in' }))?.lang;
    if (!lang) return;
    const dir = solutionsDir(this.context);
    const file = path.join(dir, `${p.id}${lang === 'python' ? '.py' : '.js'}`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dir, { recursive: true });
      try {
        writeFileSafely(file, starterCode(p, lang));
      } catch (err) {
        if (!(err instanceof OutputExistsError)) throw err; // written meanwhile (another window): open that one
      }
    }
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    // put the cursor on the body to fill in
    const body = doc.getText().split('\n').findIndex((l) => /^\s+(pass|\/\/ your solution)\s*$/.test(l));
    if (body >= 0) editor.selection = new vscode.Selection(body, doc.lineAt(body).text.length, body, doc.lineAt(body).text.length);
    this.tests.refresh();
  }

  /** Run Tests on the active (or given) solution file; resolves with its outcome (Solve with Agent reports it). */
  async runTests(uri?: vscode.Uri): Promise<SolutionOutcome | undefined> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    // a workspace problem's solution is only known once the workspace was searched for problem sets
    if (target) await this.tests.ensureDiscovered();
    if (!target || !this.tests.problemOf(target)) {
      void vscode.window.showWarningMessage(`Run Tests works on a solution file of a built-in or workspace problem (${vscode.workspace.asRelativePath(solutionsDir(this.context))}/<problem-id>.py or .js). Use "Reasoning Lab: Open Problem…" to start one.`);
      return undefined;
    }
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Running tests…' }, () => this.tests.runFile(target));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const problem = this.tests.problemOf(document.uri);
    if (!problem) return [];
    const entries = [problem.signature.python?.entry, problem.signature.javascript?.entry].filter(Boolean) as string[];
    let line = 0;
    for (let i = 0; i < document.lineCount; i++) {
      if (entries.some((e) => new RegExp(`^\\s*(def|function|async function|const|let|var)\\s+${e}\\b`).test(document.lineAt(i).text))) {
        line = i;
        break;
      }
    }
    const range = new vscode.Range(line, 0, line, 0);
    const lenses = [new vscode.CodeLens(range, { title: '$(beaker) Run Tests', command: 'reasoningLab.runProblemTests', arguments: [document.uri] })];
    const outcome = this.tests.outcome(document.uri);
    if (outcome) {
      const summary = outcome.summary.length > 90 ? `${outcome.summary.slice(0, 90)}…` : outcome.summary;
      lenses.push(new vscode.CodeLens(range, { title: `${outcome.passed ? '$(pass) Passed' : '$(error) Failed'}: ${summary}`, command: 'workbench.view.testing.focus' }));
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
    this.subscription.dispose();
  }
}
