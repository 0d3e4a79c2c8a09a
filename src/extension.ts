import * as vscode from 'vscode';
import { BreakdownPanel } from './vscode/rewards/breakdownPanel';
import { RewardSpecSource } from './vscode/rewards/rewardSpecSource';
import { registerScoreCommands } from './vscode/rewards/scoreCommands';
import { ScoreCodeLens } from './vscode/rewards/scoreCodeLens';
import { ScoredDocuments } from './vscode/rewards/scoredDocuments';
import { registerSpecCommands } from './vscode/rewards/specCommands';
import { TraceExplorer } from './vscode/traces/traceExplorer';
import { registerEvaluation } from './vscode/eval';
import { registerModels } from './vscode/models';
import { registerAgents } from './vscode/agents';
import { WorkspaceFunctionScoring } from './vscode/rewards/workspaceFunctions';
import { workerScript } from './vscode/shared/workerScript';

/** Builds the services and hands them to the editor adapters; nothing else. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Reasoning Lab', { log: true });
  const log = (message: string) => output.info(message);
  const specs = new RewardSpecSource();
  const scored = new ScoredDocuments(specs);
  const functions = new WorkspaceFunctionScoring(workerScript(context.extensionPath, 'rewardFunctionWorker'));
  scored.useFunctions(functions);
  const panel = new BreakdownPanel(context.extensionUri, scored, specs, log);
  const codeLens = new ScoreCodeLens(scored);
  const models = registerModels(context, scored, output);
  context.subscriptions.push(
    output,
    specs,
    scored,
    functions,
    panel,
    codeLens,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    vscode.languages.registerCodeLensProvider({ scheme: 'untitled' }, codeLens),
    ...registerScoreCommands(scored, panel),
    ...registerSpecCommands(),
    new TraceExplorer(context.extensionUri, specs, models.stepScorer, log),
    ...registerEvaluation(context, log),
    ...models.disposables,
    ...registerAgents(context, log),
  );
}

export function deactivate(): void {}
