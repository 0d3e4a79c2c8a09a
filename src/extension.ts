import * as vscode from 'vscode';
import { BreakdownPanel } from './vscode/breakdownPanel';
import { RewardSpecSource } from './vscode/rewardSpecSource';
import { registerScoreCommands } from './vscode/scoreCommands';
import { ScoreCodeLens } from './vscode/scoreCodeLens';
import { ScoredDocuments } from './vscode/scoredDocuments';
import { registerSpecCommands } from './vscode/specCommands';
import { registerTraceExplorer } from './vscode/traces/traceCommands';
import { registerEvaluation } from './vscode/eval';
import { registerModels } from './vscode/models';
import { registerAgents } from './vscode/agents';

/** Builds the services and hands them to the editor adapters; nothing else. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Reasoning Lab', { log: true });
  const log = (message: string) => output.info(message);
  const specs = new RewardSpecSource();
  const scored = new ScoredDocuments(specs);
  const panel = new BreakdownPanel(context.extensionUri, scored, specs, log);
  const codeLens = new ScoreCodeLens(scored);
  context.subscriptions.push(
    output,
    specs,
    scored,
    panel,
    codeLens,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    vscode.languages.registerCodeLensProvider({ scheme: 'untitled' }, codeLens),
    ...registerScoreCommands(scored, panel),
    ...registerSpecCommands(),
    ...registerTraceExplorer(context.extensionUri, specs, log),
    ...registerEvaluation(context, log),
    ...registerModels(context, scored, output),
    ...registerAgents(context, log),
  );
}

export function deactivate(): void {}
