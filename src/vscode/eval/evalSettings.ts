import * as vscode from 'vscode';
import * as path from 'node:path';
import { RunStore } from '../../core/eval';

/** The evaluation's settings (package.json `reasoningLab.eval.*`), read when a run starts. */
export function evalSettings() {
  const c = vscode.workspace.getConfiguration('reasoningLab.eval');
  const k = (c.get<number[]>('k') ?? []).filter((x) => Number.isInteger(x) && x >= 1);
  const jobs = c.get<number>('jobs') ?? 0;
  const timeoutMs = c.get<number>('timeoutMs') ?? 2000;
  return {
    // none: 1, 10 and 100 as far as the samples allow (the evaluation decides, see defaultKs)
    k: k.length ? k : undefined,
    jobs: jobs >= 1 ? jobs : undefined,
    timeoutMs: timeoutMs > 0 ? timeoutMs : undefined,
    solutionsFolder: c.get<string>('solutionsFolder') || 'solutions',
  };
}

/** The built-in problem set shipped inside the extension. */
export function builtinProblemSet(extensionPath: string): string {
  return path.join(extensionPath, 'problems', 'builtin');
}

/**
 * Where runs are stored: the first workspace folder's `.reasoning-lab/runs/`, else the extension's
 * global storage, so a cancelled run can be resumed and old runs reopened.
 */
export function runStore(context: vscode.ExtensionContext): RunStore {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const dir = folder ? path.join(folder.uri.fsPath, '.reasoning-lab', 'runs') : path.join(context.globalStorageUri.fsPath, 'runs');
  return new RunStore(dir);
}

/** The folder where Open Problem… writes solution files (and the Testing view looks for them). */
export function solutionsDir(context: vscode.ExtensionContext): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const name = evalSettings().solutionsFolder;
  return folder ? path.resolve(folder.uri.fsPath, name) : path.join(context.globalStorageUri.fsPath, 'solutions');
}

/**
 * Generated and workspace code runs only in a trusted workspace. Returns true when trusted; otherwise
 * says why and offers to manage trust.
 */
export async function requireTrust(what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    `${what} runs code (generated solutions, workspace problems), so it needs a trusted workspace. This workspace is in Restricted Mode.`,
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
