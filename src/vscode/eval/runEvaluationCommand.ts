import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SamplesSource } from '../../contracts/evalWorker';
import type { EvalJobs } from './evalJobs';
import { builtinProblemSet, evalSettings, requireTrust, runStore, solutionsDir } from './evalSettings';
import { evalFileKind, samplesPathOf, timeoutAdvice, type EvalFileKind, type RunCatalog } from '../../core/eval';
import { errorMessage } from '../../core/shared/errors';

type Pick<T> = vscode.QuickPickItem & { value?: T; browse?: 'folder' | 'file' };

/**
 * Reasoning Lab: Run Evaluation — pick the problem set and the samples, judge them in the sandbox with
 * a cancellable progress notification, store the run (resuming an unfinished run of the same inputs),
 * then show it in the Eval Dashboard.
 */
export class RunEvaluationCommand {
  private busy = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly jobs: EvalJobs,
    private readonly catalog: RunCatalog,
    private readonly dashboard: { show(runFile: string | null): void; refresh(): void },
    private readonly log: (message: string) => void,
  ) {}

  async run(): Promise<void> {
    if (!(await requireTrust('Run Evaluation'))) return;
    if (this.busy) {
      void vscode.window.showInformationMessage('An evaluation is already running: cancel it from its notification, or wait for it to finish.');
      return;
    }
    const problemSet = await this.pickProblemSet();
    if (!problemSet) return;
    const samples = await this.pickSamples(problemSet);
    if (!samples) return;
    await this.evaluate(problemSet, samples);
  }

  private async pickProblemSet(): Promise<string | undefined> {
    const builtin = builtinProblemSet(this.context.extensionPath);
    const items: Pick<string>[] = [
      { label: '$(library) Built-in problems', description: `${countDirs(builtin)} LeetCode-style problems, Python and JavaScript`, value: builtin },
    ];
    const found = await evalFiles('problems');
    const folders = await vscode.workspace.findFiles('**/signature.json', '**/node_modules/**', 500);
    const setDirs = [...new Set(folders.map((u) => path.dirname(path.dirname(u.fsPath))))];
    for (const dir of setDirs) items.push({ label: `$(folder) ${vscode.workspace.asRelativePath(dir)}`, description: 'workspace problem folders', value: dir });
    for (const u of found) {
      items.push({ label: `$(file) ${vscode.workspace.asRelativePath(u)}`, description: 'problems file', value: u.fsPath });
    }
    items.push({ label: '$(folder-opened) Choose a folder…', browse: 'folder' }, { label: '$(file) Choose a JSONL or JSON file…', browse: 'file' });
    const picked = await vscode.window.showQuickPick(items, { title: 'Run Evaluation (1/2): the problem set', placeHolder: 'Which problems to run' });
    if (!picked) return undefined;
    if (picked.browse) return browse(picked.browse, 'Problem set', { 'Problem sets': ['jsonl', 'gz', 'json'] });
    return picked.value;
  }

  private async pickSamples(problemSet: string): Promise<SamplesSource | undefined> {
    const items: Pick<SamplesSource>[] = [{ label: '$(verified) Reference solutions', description: 'a sanity run: all must pass', value: { kind: 'reference' } }];
    const files = await evalFiles('samples');
    for (const u of files) {
      if (path.resolve(u.fsPath) === path.resolve(problemSet)) continue;
      items.push({ label: `$(file) ${vscode.workspace.asRelativePath(u)}`, description: 'samples file', value: { kind: 'path', path: u.fsPath } });
    }
    const solutions = solutionsDir(this.context);
    if (fs.existsSync(solutions)) {
      items.push({ label: `$(code) ${vscode.workspace.asRelativePath(solutions)}`, description: 'the solution files in the workspace', value: { kind: 'path', path: solutions } });
    }
    items.push({ label: '$(file) Choose a samples file…', browse: 'file' }, { label: '$(folder-opened) Choose a folder of solution files…', browse: 'folder' });
    const picked = await vscode.window.showQuickPick(items, { title: 'Run Evaluation (2/2): the samples', placeHolder: 'What to judge against the problems' });
    if (!picked) return undefined;
    if (picked.browse) {
      const p = await browse(picked.browse, 'Samples', { 'Samples (JSONL, JSON)': ['jsonl', 'json', 'gz'] });
      return p ? { kind: 'path', path: p } : undefined;
    }
    return picked.value;
  }

  private async evaluate(problemSet: string, samples: SamplesSource): Promise<void> {
    const settings = evalSettings();
    const store = runStore(this.context);
    const samplesPath = samplesPathOf(samples);
    // an unfinished run of the same inputs is resumed rather than started over
    const unfinished = this.catalog.list().runs.find((r) => !r.complete && r.problemSet === problemSet && samplesPathOf(r.samples) === samplesPath);
    const runFile = unfinished?.id ?? store.newRunFile();
    this.busy = true;
    const started = Date.now();
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Reasoning Lab: evaluating', cancellable: true },
        (progress, token) => {
          let last = 0;
          let shown = false;
          return this.jobs.run(
            { problemSet, samples, runFile, k: settings.k, jobs: settings.jobs, timeoutMs: settings.timeoutMs },
            {
              cancel: token,
              onLoaded: (problems, count, warnings) => {
                for (const w of warnings) this.log(`eval: ${w}`);
                progress.report({ message: `${problems} problems, ${count} samples${unfinished ? ' (resuming)' : ''}…` });
              },
              onProgress: (done, total, resumed) => {
                const pct = total ? (done / total) * 100 : 0;
                progress.report({ increment: pct - last, message: `${done}/${total} judged${resumed ? ` (${resumed} resumed)` : ''}` });
                last = pct;
                // show the dashboard as soon as the run file exists, so it fills in while the run goes on
                if (!shown && fs.existsSync(runFile)) {
                  shown = true;
                  this.dashboard.show(runFile);
                } else if (shown) this.dashboard.refresh();
              },
            },
          );
        },
      );
      this.log(`eval: ${problemSet} with ${samplesPath || 'the references'}: ${JSON.stringify(outcome.summary.passAtK)} in ${Date.now() - started} ms`);
      this.dashboard.show(runFile);
      const pass1 = outcome.summary.passAtK['1'];
      const v = outcome.summary.verdicts;
      const msg = `${outcome.cancelled ? 'Evaluation cancelled' : 'Evaluation done'}: ${outcome.summary.samples} samples, ${v.passed} passed${pass1 !== undefined ? `, pass@1 ${(pass1 * 100).toFixed(1)}%` : ''}.`;
      if (outcome.cancelled) void vscode.window.showInformationMessage(`${msg} Run it again with the same choices to resume.`);
      else {
        const slow = timeoutAdvice(outcome.results);
        const hint = slow ? ` ${slow.count} timed out (limits up to ${slow.limitMs} ms): on a busy machine, raise the setting reasoningLab.eval.timeoutMs (e.g. to ${slow.suggestMs}) and run again.` : '';
        void vscode.window.showInformationMessage(msg + hint + (outcome.warnings.length ? ` ${outcome.warnings.length} warnings in the output.` : ''));
      }
    } catch (err) {
      const message = errorMessage(err);
      this.log(`eval failed: ${message}`);
      void vscode.window.showErrorMessage(`Run Evaluation failed: ${message}`);
      this.dashboard.show(fs.existsSync(runFile) ? runFile : null);
    } finally {
      this.busy = false;
    }
  }
}

function countDirs(dir: string): number {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_')).length;
  } catch {
    return 0;
  }
}

async function browse(kind: 'folder' | 'file', title: string, filters: Record<string, string[]>): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectFiles: kind === 'file',
    canSelectFolders: kind === 'folder',
    canSelectMany: false,
    filters: kind === 'file' ? filters : undefined,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0]?.fsPath;
}

/**
 * The workspace's JSONL and JSON files (gzipped too) that hold `kind` records, told by their first record,
 * not their name: MBPP's .json is a problem set, and preference pairs or traces are not samples.
 */
async function evalFiles(kind: EvalFileKind): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles('**/*.{jsonl,json,jsonl.gz,json.gz}', '{**/node_modules/**,**/.reasoning-lab/**,**/package*.json,**/tsconfig*.json,**/.vscode/**}', 400);
  const kinds = await Promise.all(files.map((u) => evalFileKind(u.fsPath)));
  return files.filter((_, i) => kinds[i] === kind).slice(0, 200).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}
