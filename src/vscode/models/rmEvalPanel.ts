import * as path from 'node:path';
import * as vscode from 'vscode';
import { evaluatePairs, readPreferencePairs, type RmEvalResult, type WrongPair } from '../../core/models/rmEval';
import type { RmEvalEvents, RmEvalRequests, RmEvalView, RmEvalWrongRow } from '../../contracts/rmEval';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import { loadOptions, resolveFolder } from './modelSettings';
import { type ModelService } from './modelService';
import { rmEvalSummaryView, wrongRow } from './modelViews';
import { errorMessage } from '../../core/shared/errors';

const MAX_PAGE = 200;
const MAX_ERRORS_SHOWN = 20;

/**
 * "Evaluate Reward Model": RewardBench's accuracy of a reward model on preference pairs, with the
 * pairs it gets wrong. The pairs are scored in the model worker; the panel gets the summary and
 * asks for pages of wrong pairs as it scrolls.
 */
export class RmEvalPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.rmEval';
  private readonly panel: SingleWebviewPanel<RmEvalRequests, RmEvalEvents>;
  private view: RmEvalView | null = null;
  private wrong: WrongPair[] = [];
  private fileUri?: vscode.Uri;
  private run?: AbortController;

  constructor(
    extensionUri: vscode.Uri,
    private readonly models: ModelService,
    log: (m: string) => void,
  ) {
    this.panel = new SingleWebviewPanel<RmEvalRequests, RmEvalEvents>(
      extensionUri,
      RmEvalPanel.viewType,
      'rmEval',
      {
        ready: () => this.view,
        wrong: ({ from, to }) => this.page(from, to),
        openLine: ({ line }) => this.openLine(line),
        cancel: () => this.run?.abort(),
      },
      log,
    );
  }

  /** The last result (for tests and scripts through executeCommand). */
  get shown(): RmEvalView | null {
    return this.view;
  }

  async evaluate(file: vscode.Uri, modelDir: string): Promise<RmEvalView | null> {
    this.run?.abort();
    const abort = new AbortController();
    this.run = abort;
    this.fileUri = file;
    this.wrong = [];
    const label = vscode.workspace.asRelativePath(file);
    let view: RmEvalView = { file: { label, path: file.fsPath }, model: path.basename(modelDir), provider: '…', state: 'running', done: 0, total: 0, wrongCount: 0, errors: [] };
    const publish = (v: RmEvalView) => {
      if (this.run !== abort) return;
      this.view = view = v;
      this.panel.emit('show', v);
    };
    this.panel.show(`Reward Model Eval: ${path.basename(file.fsPath)}`);
    publish(view);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reasoning Lab: evaluating ${path.basename(modelDir)} on ${label}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        try {
          const { pairs, errors } = await readPreferencePairs(file.fsPath, { signal: abort.signal });
          const errorRows = errors.slice(0, MAX_ERRORS_SHOWN).map((e) => ({ line: e.line, message: e.message }));
          if (!pairs.length) {
            throw new Error(`${label}: no preference pairs could be read${errors.length ? ` (${errors.length} bad line${errors.length === 1 ? '' : 's'}; line ${errors[0].line}: ${errors[0].message})` : ''}; expected JSONL records with "chosen" and "rejected"`);
          }
          const rm = await this.models.rewardModel(modelDir, loadOptions(file));
          publish({ ...view, model: rm.info.name, provider: rm.info.provider.provider, total: pairs.length, errors: errorRows });
          let last = 0;
          const result: RmEvalResult = await evaluatePairs(pairs, rm, {
            signal: abort.signal,
            skipped: errors.length,
            onProgress: (done, total) => {
              progress.report({ message: `${done} of ${total} pairs`, increment: ((done - last) / total) * 100 });
              last = done;
              if (done === total || done % 25 === 0) publish({ ...view, done, total });
            },
          });
          this.wrong = result.wrong;
          publish({ ...view, state: 'done', done: pairs.length, total: pairs.length, ...rmEvalSummaryView(result) });
        } catch (err) {
          const cancelled = abort.signal.aborted;
          const message = cancelled ? 'Cancelled: no accuracy is reported for a partial run.' : errorMessage(err);
          publish({ ...view, state: cancelled ? 'cancelled' : 'error', message });
          if (!cancelled) void vscode.window.showErrorMessage(`Reasoning Lab: ${message}`);
        }
      },
    );
    return this.run === abort ? this.view : null;
  }

  private page(from: number, to: number): RmEvalWrongRow[] {
    const lo = Math.max(0, Math.floor(from));
    const hi = Math.min(this.wrong.length, Math.floor(to), lo + MAX_PAGE);
    return this.wrong.slice(lo, hi).map(wrongRow);
  }

  private async openLine(line: number): Promise<void> {
    if (!this.fileUri || /\.gz$/i.test(this.fileUri.fsPath)) return;
    const pos = new vscode.Position(Math.max(0, line - 1), 0);
    await vscode.window.showTextDocument(this.fileUri, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos) });
  }

  dispose(): void {
    this.run?.abort();
    this.panel.dispose();
  }
}

/** Evaluate Reward Model: pick a pairs file and a model (or take them as arguments), then run. */
export function registerRmEvalCommand(panel: RmEvalPanel): vscode.Disposable {
  return vscode.commands.registerCommand('reasoningLab.evaluateRewardModel', async (fileArg?: vscode.Uri | string, modelArg?: string) => {
    const file = fileArg instanceof vscode.Uri ? fileArg : typeof fileArg === 'string' ? vscode.Uri.file(resolveFolder(fileArg) ?? fileArg) : await pickPairsFile();
    if (!file) return null;
    const model = typeof modelArg === 'string' ? resolveFolder(modelArg, file) : await pickModel(file);
    if (!model) return null;
    return panel.evaluate(file, model);
  });
}

async function pickPairsFile(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*.{jsonl,jsonl.gz}', '**/{node_modules,.git}/**', 500);
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const items: Item[] = found
    .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), uri }))
    .sort((a, b) => Number(!/pair|pref|hh|reward|bench/i.test(a.label)) - Number(!/pair|pref|hh|reward|bench/i.test(b.label)) || a.label.localeCompare(b.label));
  items.push({ label: '$(folder-opened) Browse…', description: 'a pairs file outside the workspace' });
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Reasoning Lab: Evaluate Reward Model (1/2) — preference pairs',
    placeHolder: 'JSONL with prompt / chosen / rejected (lists for RewardBench 2, HH-RLHF transcripts), optional subset',
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Preference pairs': ['jsonl', 'gz'] }, title: 'Preference pairs (JSONL)' });
  return chosen?.[0];
}

async function pickModel(scope: vscode.Uri): Promise<string | undefined> {
  const setting = resolveFolder(vscode.workspace.getConfiguration('reasoningLab', scope).get<string>('rewardModel.path'), scope);
  const found = await vscode.workspace.findFiles('**/model.onnx', '**/{node_modules,.git}/**', 200);
  type Item = vscode.QuickPickItem & { dir?: string };
  const items: Item[] = [];
  if (setting) items.push({ label: path.basename(setting), description: 'reasoningLab.rewardModel.path', detail: setting, dir: setting });
  for (const uri of found) {
    const dir = path.dirname(uri.fsPath);
    if (dir !== setting) items.push({ label: path.basename(dir), description: vscode.workspace.asRelativePath(dir), dir });
  }
  items.push({ label: '$(folder-opened) Browse…', description: 'a model folder (model.onnx, config.json, tokenizer.json)' });
  const pick = await vscode.window.showQuickPick(items, { title: 'Reasoning Lab: Evaluate Reward Model (2/2) — reward model', placeHolder: 'An ONNX reward model folder (Optimum export)', matchOnDescription: true });
  if (!pick) return undefined;
  if (pick.dir) return pick.dir;
  const chosen = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, title: 'Reward model folder' });
  return chosen?.[0]?.fsPath;
}
