import * as vscode from 'vscode';
import type { ScoredDocuments } from '../rewards/scoredDocuments';
import { TraceStepperPanel } from '../traces/traceStepperPanel';
import { DocumentModels } from './documentModels';
import { registerGrmKeyCommands } from './grmJudge';
import { ModelService } from './modelService';
import { workerScript } from '../shared/workerScript';
import { ModelStatusBar } from './modelStatusBar';
import { PrmStepScores } from './prmStepScores';
import { RmEvalPanel, registerRmEvalCommand } from './rmEvalPanel';

/**
 * The models in the editor: reward models and the generative judge in Score File / Selection, the
 * reward-model status bar item, PRM scores in the Trace Stepper, Evaluate Reward Model, the judge's
 * API key commands. Every ONNX model runs in the model worker (src/core/models/modelHost.ts).
 */
export function registerModels(context: vscode.ExtensionContext, scored: ScoredDocuments, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const log = (m: string) => output.info(m);
  const models = new ModelService(workerScript(context.extensionPath, 'modelWorker'), log);
  scored.useModels(new DocumentModels(models, context.secrets));
  const prm = new PrmStepScores(models);
  TraceStepperPanel.stepScorer = prm;
  const rmEval = new RmEvalPanel(context.extensionUri, models, log);
  return [
    models,
    new ModelStatusBar(models, output),
    rmEval,
    registerRmEvalCommand(rmEval),
    ...registerGrmKeyCommands(context.secrets),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('reasoningLab.prm') || e.affectsConfiguration('reasoningLab.models')) prm.clear();
    }),
    { dispose: () => (TraceStepperPanel.stepScorer = undefined) },
  ];
}
