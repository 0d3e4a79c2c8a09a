import * as vscode from 'vscode';
import * as path from 'node:path';
import type { CodeSolveOutcome } from '../../contracts/agentWorker';
import { candidatesPrompt } from '../../core/agents/code/traces';
import { errorMessage } from '../../core/shared/errors';
import { listProblems } from '../eval/builtinCatalog';
import { requireTrust } from '../eval/evalSettings';
import { openVscodeLm, type VscodeLmGenerator } from '../models/vscodeLmGenerator';
import { workerScript } from '../shared/workerScript';
import { agentSettings, agentsDir } from './agentSettings';
import { writeAgentSolution } from './agentSolutionFile';
import { solveCodeInWorker } from './agentWorkerClient';
import { pickCodeProblem, pickGenerator, type CodeProblemChoice } from './codeAgentPicks';
import { openEpisodes } from './trainingPanel';

/**
 * Solve with Agent for the code agent: a language model the user has proposes candidates and tests,
 * the agent (a checkpoint, or the untrained policy) decides in the agent worker, the sandbox judges.
 * The episode shows live: the Trace Stepper opens on its file when it starts and shows each decision
 * as the worker writes it (and the progress notification says it too); when it ends, the stepper shows
 * the final record and the Group View its candidates, and the submitted solution is written where Run
 * Tests judges it (never over a file without consent).
 */
export class SolveWithCodeAgent {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: (m: string) => void,
    private readonly problemFolders: () => Promise<string[]>,
  ) {}

  async run(folder: string | undefined, checkpoint: string | undefined): Promise<void> {
    // candidates are programs a model wrote: they run in the sandbox, like every Run Tests
    if (!(await requireTrust('Solve with Agent'))) return;
    let problem: CodeProblemChoice | undefined;
    if (folder) {
      const info = listProblems(folder)[0];
      if (!info) throw new Error(`${vscode.workspace.asRelativePath(folder)}: not a readable problem folder (problem.md with front matter, signature.json, tests.json)`);
      problem = { problems: folder, problemId: info.id, folder };
    } else problem = await pickCodeProblem('Solve with Agent: problem', this.context.extensionPath, await this.problemFolders());
    if (!problem) return;
    const generator = await pickGenerator('Solve with Agent: who proposes the candidates', this.context.secrets);
    if (!generator) return;
    const { codeBudget, seed } = agentSettings();
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, '').replace(/[:T]/g, '-');
    const tracesFile = path.join(agentsDir(this.context), 'solves', `${problem.problemId.replace(/[^\w.-]+/g, '-')}-${stamp}.jsonl`);
    const id = problem.problemId;
    let lm: VscodeLmGenerator | undefined;
    let outcome: CodeSolveOutcome | undefined;
    const episode = vscode.Uri.file(tracesFile);
    // the live view of the running episode: the final one must open after it, never under it
    let live: Thenable<unknown> | undefined;
    let ended!: () => void;
    const workerEnded = new Promise<void>((resolve) => (ended = resolve));
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Solving ${id} with the code agent${checkpoint ? '' : ' (untrained policy)'}`, cancellable: true },
        (progress, token) => {
          let shown = 0;
          return solveCodeInWorker(
            workerScript(this.context.extensionPath, 'agentWorker'),
            { problems: problem!.problems, problemId: id, generator, checkpoint, seed, budget: codeBudget, tracesFile, modelWorker: workerScript(this.context.extensionPath, 'modelWorker') },
            {
              cancel: token,
              onStarted: () => (live = vscode.commands.executeCommand('reasoningLab.traces.openLive', episode)),
              onEnded: ended,
              onDecision: (d) => {
                const pct = Math.min(100, (100 * d.runs) / d.budget);
                progress.report({ message: `step ${d.step} · ${d.move}: ${d.action} (p=${d.prob.toFixed(2)}) · ${d.note} · ${d.runs}/${d.budget} runs`, increment: pct - shown });
                shown = pct;
                this.log(`solve ${id}: step ${d.step} [${d.layer}] ${d.move} ${d.action} p=${d.prob.toFixed(3)}: ${d.note}`);
              },
              generate: async (request) => {
                lm ??= await openVscodeLm(vscode, { model: generator.kind === 'host' ? generator.label : undefined });
                return lm.generate(request);
              },
            },
          );
        },
      );
    } catch (err) {
      const message = errorMessage(err);
      this.log(`solve ${id}: ${message}`);
      void vscode.window.showErrorMessage(`Solve with Agent: ${message}`);
      if (live) await showUnfinished(episode, live, workerEnded);
      return;
    }
    if (!outcome) {
      void vscode.window.showInformationMessage(`Solving ${id} was cancelled; nothing was written${live ? ' (the decisions it made stay in the Trace Stepper)' : ''}.`);
      if (live) await showUnfinished(episode, live, workerEnded);
      return;
    }
    await Promise.resolve(live).catch(() => undefined);
    for (const w of outcome.warnings) this.log(`solve ${id}: ${w}`);
    const o = outcome;
    const spent = `${o.runs} candidate run${o.runs === 1 ? '' : 's'} (${o.candidates} candidates, ${o.tests} generated tests, ${o.llmCalls} LLM calls)`;
    this.log(`solve ${id}: ${o.solved ? 'solved' : 'not solved'}${o.untrained ? ' by the untrained policy' : ''}, ${spent}, verdict ${o.verdict ?? 'none'}`);
    await showEpisode(tracesFile, id);
    if (!o.submitted) {
      const choice = await vscode.window.showWarningMessage(`The code agent submitted nothing for ${id}: no candidate was drawn${o.warnings[0] ? ` (${o.warnings[0]})` : ''}.`, 'Open Episodes');
      if (choice) await openEpisodes(tracesFile);
      return;
    }
    const verdict = `hidden tests ${o.solved ? 'pass' : `fail (${o.verdict ?? 'not judged'}${o.reason ? `: ${o.reason}` : ''})`}, judged in the sandbox`;
    if (!o.solved) {
      const write = 'Write It Anyway';
      const choice = await vscode.window.showWarningMessage(`Not solved: the code agent's submission for ${id} (candidate #${o.submitted.index}) fails the hidden tests (${o.verdict ?? 'not judged'}) after ${spent}.`, write, 'Open Episodes');
      if (choice === 'Open Episodes') await openEpisodes(tracesFile);
      if (choice !== write) return;
    }
    const code = `# Written by the Reasoning Lab code agent for ${id} (candidate #${o.submitted.index}${o.untrained ? ', untrained policy' : ''}; ${verdict}; ${spent}).\n${o.submitted.program.replace(/\n*$/, '\n')}`;
    await writeAgentSolution(this.context, { problemId: id, ext: '.py', code, preview: `The agent's program:\n${o.submitted.program}`, spent, tracesFile, runTests: !!problem.folder, verdict });
  }
}

/** An episode that was cancelled or failed, as the worker left its file: the decisions it made, no longer followed. */
async function showUnfinished(episode: vscode.Uri, live: Thenable<unknown>, workerEnded: Promise<void>): Promise<void> {
  await Promise.resolve(live).catch(() => undefined);
  await workerEnded;
  await vscode.commands.executeCommand('reasoningLab.traces.open', episode);
  await vscode.commands.executeCommand('reasoningLab.traces.openSample', { entry: 0, sub: 0 });
}

/** The episode in the Trace Stepper and its candidates in the Group View (their diffs side by side). */
async function showEpisode(tracesFile: string, problemId: string): Promise<void> {
  await vscode.commands.executeCommand('reasoningLab.traces.open', vscode.Uri.file(tracesFile));
  await vscode.commands.executeCommand('reasoningLab.traces.openGroup', { prompt: candidatesPrompt(problemId) });
  await vscode.commands.executeCommand('reasoningLab.traces.openSample', { entry: 0, sub: 0 });
}
