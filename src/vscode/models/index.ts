import * as vscode from 'vscode';
import type { ScoredDocuments } from '../rewards/scoredDocuments';
import { DocumentModels } from './documentModels';
import { registerGrmKeyCommands } from './grmJudge';
import { ModelService } from './modelService';
import { workerScript } from '../shared/workerScript';
import { ModelStatusBar } from './modelStatusBar';
import { PrmStepScores, type StepScorer } from './prmStepScores';
import { RmEvalPanel, registerRmEvalCommand } from './rmEvalPanel';

/**
 * The models in the editor: reward models and the generative judge in Score File / Selection, the
 * reward-model status bar item, PRM scores in the Trace Stepper, Evaluate Reward Model, the judge's
 * API key commands. Every ONNX model runs in the model worker (src/core/models/modelHost.ts).
 */
export function registerModels(context: vscode.ExtensionContext, scored: ScoredDocuments, output: vscode.LogOutputChannel): { disposables: vscode.Disposable[]; stepScorer: StepScorer } {
  const log = (m: string) => output.info(m);
  const models = new ModelService(workerScript(context.extensionPath, 'modelWorker'), log);
  scored.useModels(new DocumentModels(models, context.secrets));
  const prm = new PrmStepScores(models);
  const rmEval = new RmEvalPanel(context.extensionUri, models, log);
  const disposables = [
    models,
    new ModelStatusBar(models, output),
    rmEval,
    registerRmEvalCommand(rmEval),
    ...registerGrmKeyCommands(context.secrets),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('reasoningLab.prm') || e.affectsConfiguration('reasoningLab.models')) prm.clear();
    }),
  ];
  return { disposables, stepScorer: prm };
}
