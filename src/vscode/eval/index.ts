import * as vscode from 'vscode';
import { RunCatalog } from '../../core/eval';
import { EvalDashboardPanel } from './evalDashboardPanel';
import { EvalJobs } from './evalJobs';
import { workerScript } from '../shared/workerScript';
import { runStore } from './evalSettings';
import { ProblemTests } from './problemTests';
import { RunEvaluationCommand } from './runEvaluationCommand';
import { SolveInEditor } from './solveInEditor';

/**
 * The editor side of evaluation: Run Evaluation, the Eval Dashboard, the Testing view's
 * problems, and solve-in-editor. Returns what the extension must dispose.
 */
export function registerEvaluation(context: vscode.ExtensionContext, log: (message: string) => void): vscode.Disposable[] {
  const jobs = new EvalJobs(workerScript(context.extensionPath, 'evalWorker'));
  const catalog = new RunCatalog(() => runStore(context));
  const dashboard = new EvalDashboardPanel(context.extensionUri, catalog, log);
  const runEvaluation = new RunEvaluationCommand(context, jobs, catalog, dashboard, log);
  const tests = new ProblemTests(context, jobs, log);
  const solve = new SolveInEditor(context, tests);
  tests.refresh();
  return [
    jobs,
    dashboard,
    tests,
    solve,
    vscode.commands.registerCommand('reasoningLab.runEvaluation', () => runEvaluation.run()),
    vscode.commands.registerCommand('reasoningLab.showEvalDashboard', () => dashboard.show()),
    vscode.commands.registerCommand('reasoningLab.openProblem', () => solve.openProblem()),
    vscode.commands.registerCommand('reasoningLab.runProblemTests', (uri?: vscode.Uri) => solve.runTests(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', language: 'python' }, { scheme: 'file', language: 'javascript' }, { scheme: 'file', language: 'typescript' }], solve),
  ];
}
