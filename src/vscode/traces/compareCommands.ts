/** Compare Checkpoints: pick two or more rollout files (or eval runs) in training order, then compare them in the panel. */
import * as vscode from 'vscode';
import type { CheckpointComparePanel } from './checkpointComparePanel';
import { findTraceFiles } from './fileCommands';

type Item = vscode.QuickPickItem & { uri?: vscode.Uri; done?: boolean };

/** One file after another, in order: the first two are needed, then "Compare" or one more. */
async function pickInOrder(): Promise<vscode.Uri[] | undefined> {
  const found = await findTraceFiles();
  const chosen: vscode.Uri[] = [];
  for (;;) {
    const left = found.filter((u) => !chosen.some((c) => c.fsPath === u.fsPath));
    const items: Item[] = [];
    if (chosen.length >= 2) items.push({ label: `$(check) Compare these ${chosen.length} files`, description: chosen.map((u) => vscode.workspace.asRelativePath(u)).join(' → '), done: true });
    items.push(...left.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), { label: '$(folder-opened) Browse…' });
    const n = chosen.length + 1;
    const pick = await vscode.window.showQuickPick(items, {
      title: `Compare Checkpoints: file ${n}${n === 1 ? ' (the earliest checkpoint)' : chosen.length >= 2 ? ', or compare' : ''}`,
      placeHolder: chosen.length ? `after ${chosen.map((u) => vscode.workspace.asRelativePath(u)).join(' → ')}` : 'A rollout log (JSONL, JSON, gzipped, Parquet, Inspect .eval) or an eval run',
    });
    if (!pick) return undefined;
    if (pick.done) return chosen;
    const uri = pick.uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: `File ${n}`, filters: { 'Rollout logs and eval runs': ['jsonl', 'json', 'gz', 'parquet', 'eval'], 'All files': ['*'] } }))?.[0];
    if (uri) chosen.push(uri);
  }
}

/** The command: files given (the Explorer's selection, in its order) or picked one by one. */
export async function compareCheckpoints(panel: CheckpointComparePanel, _clicked?: vscode.Uri, selected?: vscode.Uri[]): Promise<void> {
  let files = Array.isArray(selected) && selected.length >= 2 ? selected : undefined;
  files ??= await pickInOrder();
  if (!files) return;
  if (files.length < 2) throw new Error('Compare Checkpoints needs at least two files.');
  panel.compare(files.map((f) => f.fsPath));
}
