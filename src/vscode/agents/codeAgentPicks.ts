import * as vscode from 'vscode';
import * as path from 'node:path';
import type { CodeGeneratorSpec, ProblemsSource } from '../../contracts/agentWorker';
import { listProblems, problemSetDirs } from '../eval/builtinCatalog';
import { builtinProblemSet } from '../eval/evalSettings';
import { GRM_KEY_SECRET } from '../models/grmJudge';
import { grmSettings } from '../models/modelSettings';
import { loadProblemSet } from '../../core/eval/problems';
import { errorMessage } from '../../core/shared/errors';

/**
 * The code agent's quick picks: its problems (workspace problem folders, the built-in set, a HumanEval /
 * MBPP problems file of the workspace), the recorded generations it replays, and the generators the
 * user has (VS Code's chat models, the configured OpenAI-compatible endpoint, the local LM, a replay file).
 */

const FIND_EXCLUDE = '**/{node_modules,.git,.reasoning-lab}/**';
const JSONL = '**/*.{jsonl,jsonl.gz}';

type Item<T> = vscode.QuickPickItem & { value?: T };

async function workspaceJsonl(): Promise<string[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  const files = await vscode.workspace.findFiles(JSONL, FIND_EXCLUDE, 2000);
  return files.filter((u) => u.scheme === 'file').map((u) => u.fsPath).sort();
}

async function browse(label: string, filters: Record<string, string[]>): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: label, filters });
  return uris?.[0]?.fsPath;
}

/** A problem set for training: a folder of problem folders (workspace or built-in) or a problems file. */
export async function pickCodeProblems(title: string, extensionPath: string): Promise<ProblemsSource | undefined> {
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const signatures = roots.length ? await vscode.workspace.findFiles('**/signature.json', FIND_EXCLUDE, 10000) : [];
  const builtin = builtinProblemSet(extensionPath);
  const sets = problemSetDirs(signatures.filter((u) => u.scheme === 'file').map((u) => u.fsPath), roots, [builtin]);
  const items: Item<ProblemsSource>[] = [];
  for (const file of await workspaceJsonl()) items.push({ label: `$(file) ${vscode.workspace.asRelativePath(file)}`, description: 'problems file (HumanEval / MBPP / workspace JSONL)', value: { kind: 'file', file } });
  for (const dir of sets) {
    const n = listProblems(dir).length;
    items.push({ label: `$(folder) ${vscode.workspace.asRelativePath(dir)}`, description: `${n} problem${n === 1 ? '' : 's'}`, value: { kind: 'folder', dir } });
  }
  items.push({ label: '$(library) Built-in problems', description: `${listProblems(builtin).length} problems`, value: { kind: 'folder', dir: builtin } });
  items.push({ label: '$(folder-opened) Browse…', description: 'a problems file (.jsonl, .jsonl.gz)' });
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'Which problems (problems without recorded generations are skipped, named in the output)', matchOnDescription: true });
  if (!pick) return undefined;
  if (pick.value) return pick.value;
  const file = await browse('Use Problems', { Problems: ['jsonl', 'gz', 'json'] });
  return file ? { kind: 'file', file } : undefined;
}

/** A file of recorded generations (samples JSONL: task_id + completion; or CodeT: task_id, solutions[], test_samples[]). */
export async function pickReplayFile(title: string, placeHolder: string): Promise<string | undefined> {
  const items: Item<string>[] = (await workspaceJsonl()).map((file) => ({ label: `$(history) ${vscode.workspace.asRelativePath(file)}`, value: file }));
  items.push({ label: '$(folder-opened) Browse…', description: 'samples JSONL or the CodeT layout (.jsonl, .jsonl.gz)' });
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true });
  if (!pick) return undefined;
  return pick.value ?? (await browse('Use Recorded Generations', { 'Recorded generations': ['jsonl', 'gz'] }));
}

/** One problem of a set: a workspace problem folder, a built-in problem, or a task of a problems file. */
export interface CodeProblemChoice {
  problems: string;
  problemId: string;
  /** A folder-format problem: its solution file is judged by Run Tests. */
  folder?: string;
}

export async function pickCodeProblem(title: string, extensionPath: string, problemFolders: string[]): Promise<CodeProblemChoice | undefined> {
  const builtin = builtinProblemSet(extensionPath);
  const items: Item<CodeProblemChoice | 'file'>[] = [];
  for (const dir of problemFolders) {
    const p = listProblems(dir)[0];
    if (p) items.push({ label: p.title, description: `${p.id} · ${vscode.workspace.asRelativePath(dir)}`, value: { problems: dir, problemId: p.id, folder: dir } });
  }
  items.push({ label: 'Built-in problems', kind: vscode.QuickPickItemKind.Separator });
  for (const p of listProblems(builtin)) items.push({ label: p.title, description: `${p.id} · built-in${p.difficulty ? ` · ${p.difficulty}` : ''}`, value: { problems: p.dir, problemId: p.id, folder: p.dir } });
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(file) A task of a problems file…', description: 'HumanEval / MBPP JSONL in the workspace', value: 'file' });
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'Which problem', matchOnDescription: true });
  if (!pick?.value) return undefined;
  if (pick.value !== 'file') return pick.value;
  const files: Item<string>[] = (await workspaceJsonl()).map((file) => ({ label: vscode.workspace.asRelativePath(file), value: file }));
  files.push({ label: '$(folder-opened) Browse…' });
  const f = await vscode.window.showQuickPick(files, { title, placeHolder: 'Which problems file' });
  if (!f) return undefined;
  const file = f.value ?? (await browse('Use Problems', { Problems: ['jsonl', 'gz', 'json'] }));
  if (!file) return undefined;
  let set;
  try {
    set = loadProblemSet(file);
  } catch (err) {
    throw new Error(`${vscode.workspace.asRelativePath(file)}: ${errorMessage(err)}`);
  }
  if (!set.problems.length) throw new Error(`${vscode.workspace.asRelativePath(file)}: no problems${set.warnings.length ? ` (${set.warnings[0]})` : ''}`);
  const task = await vscode.window.showQuickPick(
    set.problems.map((p) => ({ label: p.id, description: p.entryPoint, detail: p.statement.replace(/\s+/g, ' ').slice(0, 160), value: p.id })),
    { title, placeHolder: `Which task of ${path.basename(file)} (${set.problems.length})`, matchOnDescription: true, matchOnDetail: true },
  );
  return task ? { problems: file, problemId: task.value } : undefined;
}

/** The generators the user has; each item says where it comes from. */
export async function pickGenerator(title: string, secrets: vscode.SecretStorage): Promise<CodeGeneratorSpec | undefined> {
  const items: Item<CodeGeneratorSpec | 'replay'>[] = [];
  try {
    for (const m of await vscode.lm.selectChatModels({})) items.push({ label: `$(copilot) ${m.name}`, description: `VS Code language model · ${m.vendor} · ${m.family}`, value: { kind: 'host', label: m.id } });
  } catch {
    // no language model API in this editor: the other generators remain
  }
  const s = grmSettings();
  if (s.url && s.model) {
    const apiKey = await secrets.get(GRM_KEY_SECRET);
    items.push({ label: `$(globe) ${s.model}`, description: `OpenAI-compatible endpoint ${s.url} (reasoningLab.grm.url)`, value: { kind: 'openai', url: s.url, model: s.model, ...(apiKey ? { apiKey } : {}) } });
  }
  if (s.localLmPath) items.push({ label: `$(chip) ${path.basename(s.localLmPath)}`, description: `local ONNX language model (reasoningLab.localLm.path)`, value: { kind: 'local', dir: s.localLmPath } });
  items.push({ label: '$(history) Recorded generations…', description: 'replay a samples JSONL or CodeT file: the agent chooses among samples you already have', value: 'replay' });
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: items.length > 1 ? 'Who proposes the candidates and tests' : 'Who proposes the candidates (no chat model, endpoint or local LM configured: set reasoningLab.grm.url / .model or reasoningLab.localLm.path for a live one)',
    matchOnDescription: true,
  });
  if (!pick?.value) return undefined;
  if (pick.value !== 'replay') return pick.value;
  const file = await pickReplayFile(title, 'Which recorded generations (for this problem\'s task_id)');
  return file ? { kind: 'replay', file } : undefined;
}
