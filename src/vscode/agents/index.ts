import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { agentsDir, listRuns } from './agentSettings';
import { exportAgentToOnnx } from './exportOnnxCommand';
import { SolveWithAgent } from './solveWithAgent';
import { TrainAgentCommand } from './trainAgentCommand';
import { openEpisodes, TrainingPanel } from './trainingPanel';
import { errorMessage } from '../../core/shared/errors';

/**
 * The editor side of the agents: Train Agent… with the live Training panel, Solve with
 * Agent (palette, Explorer menu and a CodeLens on problem.md), the episodes in the Trace Explorer, and
 * Export Agent to ONNX….
 * Returns what the extension must dispose.
 */
export function registerAgents(context: vscode.ExtensionContext, log: (message: string) => void): vscode.Disposable[] {
  // the panel's Resume goes through the command so a resumed run gets its progress notification back
  const panel: TrainingPanel = new TrainingPanel(context.extensionUri, log, () => train.resumeCurrent());
  const train: TrainAgentCommand = new TrainAgentCommand(context, panel, log);
  const solve = new SolveWithAgent(context, log);
  const guarded = <A extends unknown[]>(fn: (...args: A) => Promise<void> | void) => async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const message = errorMessage(err);
      log(`agents: ${message}`);
      void vscode.window.showErrorMessage(message);
    }
  };
  return [
    train,
    panel,
    vscode.commands.registerCommand('reasoningLab.agents.train', guarded(() => train.run())),
    vscode.commands.registerCommand('reasoningLab.agents.solve', guarded((uri?: vscode.Uri) => solve.run(uri))),
    vscode.commands.registerCommand('reasoningLab.agents.showTraining', guarded(() => panel.show())),
    vscode.commands.registerCommand('reasoningLab.agents.openEpisodes', guarded(() => pickEpisodes(context))),
    vscode.commands.registerCommand('reasoningLab.agents.exportOnnx', guarded((uri?: vscode.Uri) => exportAgentToOnnx(context, log, uri instanceof vscode.Uri ? uri : undefined))),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/problem.md' }, solve),
  ];
}

/** Open Agent Episodes…: a run's training episodes or a Solve with Agent search, newest first, in the Trace Explorer. */
async function pickEpisodes(context: vscode.ExtensionContext): Promise<void> {
  const root = agentsDir(context);
  const items: (vscode.QuickPickItem & { file: string; mtime: number })[] = [];
  for (const r of listRuns(root)) {
    if (r.episodes) items.push({ label: `$(pulse) ${r.id}`, description: 'training episodes', file: r.episodes, mtime: fs.statSync(r.episodes).mtimeMs });
  }
  const solves = path.join(root, 'solves');
  for (const name of fs.existsSync(solves) ? fs.readdirSync(solves).filter((n) => n.endsWith('.jsonl')) : []) {
    const file = path.join(solves, name);
    items.push({ label: `$(hubot) ${name.replace(/\.jsonl$/, '')}`, description: 'Solve with Agent search', file, mtime: fs.statSync(file).mtimeMs });
  }
  if (!items.length) {
    void vscode.window.showInformationMessage(`No agent episodes yet in ${vscode.workspace.asRelativePath(root)}: run "Train Agent…" or "Solve with Agent".`);
    return;
  }
  const pick = await vscode.window.showQuickPick(items.sort((a, b) => b.mtime - a.mtime), { title: 'Open Agent Episodes', placeHolder: 'Episodes to step through in the Trace Explorer' });
  if (pick) await openEpisodes(pick.file);
}
