import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECKPOINT_KIND_LABELS, checkpointKind, MACRO_ONNX, MICRO_ONNX, onnxExportFiles, type CheckpointKind } from '../../core/agents/checkpointKinds';
import { agentsDir, listRuns } from './agentSettings';
import { exportOnnxInWorker } from './agentWorkerClient';
import { revealFile } from './trainingPanel';
import { workerScript } from '../shared/workerScript';

/**
 * Export Agent to ONNX…: a checkpoint of the workspace (Train Agent's runs, or any checkpoint
 * `reasoning-lab train` wrote) exported in the agent worker through the CLI's exporters, to where the
 * save dialog says; files already there are replaced only when the user says so.
 */
export async function exportAgentToOnnx(context: vscode.ExtensionContext, log: (message: string) => void, uri?: vscode.Uri): Promise<void> {
  const file = uri?.fsPath ?? (await pickCheckpoint(context));
  if (!file) return;
  const kind = await checkpointKind(file);
  if (!kind) throw new Error(`${vscode.workspace.asRelativePath(file)} is not an agent checkpoint (one written by Train Agent or reasoning-lab train)`);
  const target = await askTarget(file, kind);
  if (!target) return;
  const existing = onnxExportFiles(kind, target).filter((f) => fs.existsSync(f));
  // a single model: the save dialog itself asked before it returned a file that exists (as Save As does)
  let replace = kind === 'cartpole' && existing.length > 0;
  if (kind !== 'cartpole' && existing.length) {
    const names = existing.map((f) => path.basename(f)).join(' and ');
    const answer = await vscode.window.showWarningMessage(`${names} already exist${existing.length === 1 ? 's' : ''} in ${vscode.workspace.asRelativePath(target)}. Replace ${existing.length === 1 ? 'it' : 'them'}?`, { modal: true }, 'Replace');
    if (answer !== 'Replace') {
      void vscode.window.showInformationMessage(`Nothing was exported: ${names} kept.`);
      return;
    }
    replace = true;
  }
  const files = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting the ${CHECKPOINT_KIND_LABELS[kind]} to ONNX` }, () =>
    exportOnnxInWorker(workerScript(context.extensionPath, 'agentWorker'), { checkpoint: file, target, replace }),
  );
  log(`agents: exported ${file} to ${files.join(', ')}`);
  const shown = files.map((f) => vscode.workspace.asRelativePath(f)).join(', ');
  const reveal = await vscode.window.showInformationMessage(`Exported the ${CHECKPOINT_KIND_LABELS[kind]} to ONNX: ${shown}`, 'Reveal');
  if (reveal) await revealFile(files[0]);
}

type CheckpointItem = vscode.QuickPickItem & { file?: string };

/** Train Agent's runs and the other checkpoints in the workspace, newest first, and Browse… for one elsewhere. */
async function pickCheckpoint(context: vscode.ExtensionContext): Promise<string | undefined> {
  const files = new Set(listRuns(agentsDir(context)).flatMap((r) => (r.checkpoint ? [r.checkpoint.path] : [])));
  for (const u of await vscode.workspace.findFiles('**/*.json', '**/node_modules/**', 2000)) files.add(u.fsPath);
  const found: (CheckpointItem & { mtime: number })[] = [];
  for (const f of files) {
    const kind = await checkpointKind(f);
    const st = kind && (await fs.promises.stat(f).catch(() => undefined));
    if (!kind || !st) continue; // not a checkpoint, or gone meanwhile
    found.push({ label: `$(file-binary) ${vscode.workspace.asRelativePath(f)}`, description: `${CHECKPOINT_KIND_LABELS[kind]} · ${new Date(st.mtimeMs).toLocaleString()}`, file: f, mtime: st.mtimeMs });
  }
  const items: CheckpointItem[] = [...found.sort((a, b) => b.mtime - a.mtime), { label: '$(folder-opened) Browse…', description: 'a checkpoint file elsewhere' }];
  const pick = await vscode.window.showQuickPick(items, { title: 'Export Agent to ONNX', placeHolder: found.length ? 'The checkpoint to export' : 'No agent checkpoint in the workspace yet: browse for one' });
  if (!pick) return undefined;
  if (pick.file) return pick.file;
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Export', filters: { 'Agent checkpoint': ['json'] } });
  return uris?.[0]?.fsPath;
}

/** Where the export goes: a .onnx file for a CartPole policy, a folder for the two policies of a hierarchical agent. */
async function askTarget(file: string, kind: CheckpointKind): Promise<string | undefined> {
  const dir = path.dirname(file);
  const stem = path.basename(file, '.json');
  if (kind === 'cartpole') {
    const uri = await vscode.window.showSaveDialog({ title: 'Export the CartPole policy to ONNX', saveLabel: 'Export', defaultUri: vscode.Uri.file(path.join(dir, `${stem}.onnx`)), filters: { 'ONNX model': ['onnx'] } });
    return uri?.fsPath;
  }
  // a save dialog returns a new name or an existing file, never an existing folder: an earlier export is
  // chosen by one of its two files
  const folder = path.join(dir, stem === 'checkpoint' ? 'onnx' : `${stem}-onnx`);
  const uri = await vscode.window.showSaveDialog({
    title: `Export the ${CHECKPOINT_KIND_LABELS[kind]} to ONNX: a new folder for ${MACRO_ONNX} and ${MICRO_ONNX}, or one of the two files of an earlier export`,
    saveLabel: 'Export',
    defaultUri: vscode.Uri.file(fs.existsSync(folder) ? path.join(folder, MACRO_ONNX) : folder),
  });
  if (!uri) return undefined;
  return [MACRO_ONNX, MICRO_ONNX].includes(path.basename(uri.fsPath)) ? path.dirname(uri.fsPath) : uri.fsPath;
}
