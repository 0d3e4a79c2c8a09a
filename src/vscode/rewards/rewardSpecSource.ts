import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSpecErrors } from '../../core/rewards/formatSpecErrors';
import { PRESETS, resolveRewardSpec } from '../../core/rewards';
import type { RewardSpec } from '../../core/rewards/types';
import type { SpecError } from '../../core/rewards/spec';

export const SPEC_SETTING = 'reasoningLab.rewards.spec';
export const DEFAULT_SPEC_FILE = '.reasoning-lab/rewards.json';

/** A spec that could not be used: the message names the file, line, column and field. */
export class RewardSpecProblem extends Error {
  constructor(readonly specFile: vscode.Uri | undefined, readonly errors: SpecError[]) {
    const shown = errors.map((e) => ({ ...e, source: vscode.workspace.asRelativePath(e.source) }));
    super(`Invalid reward spec: ${formatSpecErrors(shown, 3).split('\n').join('; ')}`);
  }
}

/**
 * The reward spec the settings choose: a preset by name, or a spec file in the workspace. Problems
 * with a spec file are also shown as diagnostics on that file, so they can be fixed where they are.
 */
export class RewardSpecSource implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('reasoning-lab-spec');
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.diagnostics, this.changed];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.reasoning-lab/*.json');
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.changed.fire()),
      watcher.onDidCreate(() => this.changed.fire()),
      watcher.onDidDelete(() => this.changed.fire()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && /[\\/]\.reasoning-lab[\\/][^\\/]+\.json$/.test(e.document.uri.fsPath)) this.changed.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SPEC_SETTING)) this.changed.fire();
      }),
    );
  }

  /** The setting's value as the user wrote it, for a given document's workspace folder. */
  setting(scope?: vscode.Uri): string {
    return vscode.workspace.getConfiguration(undefined, scope).get<string>(SPEC_SETTING, 'r1').trim() || 'r1';
  }

  /** The spec file the setting points at, or undefined for a preset. */
  specFile(scope?: vscode.Uri): vscode.Uri | undefined {
    const value = this.setting(scope);
    if (value in PRESETS) return undefined;
    if (path.isAbsolute(value)) return vscode.Uri.file(value);
    const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, value) : vscode.Uri.file(path.resolve(value));
  }

  /** Resolve the current spec; throws RewardSpecProblem with located errors. */
  current(scope?: vscode.Uri): RewardSpec {
    const value = this.setting(scope);
    const file = this.specFile(scope);
    const result = resolveRewardSpec(file ? file.fsPath : value, readSpecText);
    if (file) this.publish(file, result.errors);
    if (!result.spec) throw new RewardSpecProblem(file, result.errors);
    return result.spec;
  }

  private publish(file: vscode.Uri, errors: SpecError[]): void {
    this.diagnostics.set(
      file,
      errors
        .filter((e) => e.line > 0)
        .map((e) => {
          const pos = new vscode.Position(e.line - 1, Math.max(0, e.column - 1));
          const d = new vscode.Diagnostic(new vscode.Range(pos, pos.translate(0, 1)), `${e.pointer ? `${e.pointer}: ` : ''}${e.message}`);
          d.source = 'Reasoning Lab';
          return d;
        }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** An open spec document's unsaved text wins over the file on disk, so edits apply as they are typed. */
function readSpecText(file: string): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  return open ? open.getText() : fs.readFileSync(file, 'utf8');
}
