import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SolveOutcome } from '../../contracts/agentWorker';
import { listProblems, type ProblemInfo } from '../eval/builtinCatalog';
import { builtinProblemSet } from '../eval/evalSettings';
import { agentSettings, agentsDir, listRuns } from './agentSettings';
import { solveInWorker } from './agentWorkerClient';
import { workerScript } from '../shared/workerScript';
import { openEpisodes } from './trainingPanel';
import { writeAgentSolution } from './agentSolutionFile';
import { SolveWithCodeAgent } from './solveWithCodeAgent';
import { errorMessage } from '../../core/shared/errors';

const PROBLEM_FILES = ['problem.md', 'signature.json', 'tests.json'];
const FIND_EXCLUDE = '**/{node_modules,.git,.reasoning-lab}/**';

/** The problem folder a uri points at (the folder itself, or a file in it), when it is one. */
export function problemFolderOf(uri: vscode.Uri | undefined): string | undefined {
  if (!uri || uri.scheme !== 'file') return undefined;
  let dir = uri.fsPath;
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    return undefined;
  }
  return PROBLEM_FILES.every((f) => fs.existsSync(path.join(dir, f))) ? dir : undefined;
}

/**
 * Solve with Agent: a trained synthesis agent searches for a program for one workspace problem (best
 * first, in order of its policies' probability, until one matches the shown tests or the budget of
 * executions is spent),
 * the program is written as the problem's solution file in the solutions folder — never over an
 * existing file without consent — opened, and judged by Run Tests like any solution. A CodeLens on
 * problem.md offers it.
 */
export class SolveWithAgent implements vscode.CodeLensProvider {
  private readonly code: SolveWithCodeAgent;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: (m: string) => void) {
    this.code = new SolveWithCodeAgent(context, log, () => this.problemFolders());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (path.basename(document.uri.fsPath) !== 'problem.md' || !problemFolderOf(document.uri)) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(hubot) Solve with Agent', command: 'reasoningLab.agents.solve', arguments: [document.uri] })];
  }

  async run(arg?: vscode.Uri): Promise<void> {
    const given = problemFolderOf(arg instanceof vscode.Uri ? arg : undefined) ?? problemFolderOf(vscode.window.activeTextEditor?.document.uri);
    const agent = await this.pickCheckpoint();
    if (!agent) return;
    if (agent.kind === 'code') {
      await this.code.run(given, agent.file);
      return;
    }
    const checkpoint = agent.file!;
    const dir = given ?? (await this.pickProblem());
    if (!dir) return;
    const problem = listProblems(dir)[0];
    if (!problem) {
      void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(dir)}: not a readable problem folder (problem.md with front matter, signature.json, tests.json)`);
      return;
    }
    const { budget } = agentSettings();
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, '').replace(/[:T]/g, '-');
    const tracesFile = path.join(agentsDir(this.context), 'solves', `${problem.id}-${stamp}.jsonl`);
    let outcome: SolveOutcome | undefined;
    try {
      outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Solving ${problem.id} with the agent`, cancellable: true }, (progress, token) => {
        let shown = 0;
        return solveInWorker(workerScript(this.context.extensionPath, 'agentWorker'), { checkpoint, problemDir: dir, budget, tracesFile }, {
          cancel: token,
          onProgress: (episodes, total) => {
            const pct = Math.min(100, (100 * episodes) / total);
            progress.report({ message: `${episodes} programs sampled (budget ${total} executions)`, increment: pct - shown });
            shown = pct;
          },
        });
      });
    } catch (err) {
      const message = errorMessage(err);
      this.log(`solve ${problem.id}: ${message}`);
      void vscode.window.showErrorMessage(`Solve with Agent: ${message}`);
      return;
    }
    if (!outcome) return; // cancelled
    for (const w of outcome.warnings) this.log(`solve ${problem.id}: ${w}`);
    this.log(`solve ${problem.id}: ${outcome.solved ? 'solved' : outcome.matchedShown ? 'matched the shown tests' : 'not solved'}, ${outcome.programsExecuted} programs executed, best reward ${outcome.reward.toFixed(3)}${outcome.program ? `: ${outcome.program.dsl.replace(/\n/g, '; ')}` : ''}`);
    await this.report(problem, outcome, tracesFile);
  }

  private async report(problem: ProblemInfo, o: SolveOutcome, tracesFile: string): Promise<void> {
    const openTraces = 'Open Episodes';
    const showEpisodes = async (choice: string | undefined) => {
      if (choice === openTraces) await openEpisodes(tracesFile);
    };
    if (o.error || !o.program) {
      const why = o.error ?? (o.warnings[0] || 'the agent found no program');
      void vscode.window.showWarningMessage(`The agent cannot attempt ${problem.id}: ${why}`, ...(o.episodes ? [openTraces] : [])).then(showEpisodes);
      return;
    }
    if (!o.matchedShown) {
      const write = 'Write It Anyway';
      const choice = await vscode.window.showWarningMessage(
        `Not solved: no program within ${o.programsExecuted} executions matched the tests. Best program (score ${o.reward.toFixed(2)}): ${o.program.dsl.replace(/\n/g, '; ')}`,
        write,
        openTraces,
      );
      if (choice === write) await this.writeAndTest(problem, o, tracesFile);
      else await showEpisodes(choice);
      return;
    }
    await this.writeAndTest(problem, o, tracesFile);
  }

  /** Writes the program as the problem's solution file (asking before replacing one), opens it and runs its tests. */
  private async writeAndTest(problem: ProblemInfo, o: SolveOutcome, tracesFile: string): Promise<void> {
    const lang = problem.signature.python ? 'python' : 'javascript';
    const header = lang === 'python' ? '#' : '//';
    const code = `${header} Written by the Reasoning Lab agent for ${problem.id} (${o.solved ? 'passes shown and held-back examples' : o.matchedShown ? 'matches the shown examples' : `best found, score ${o.reward.toFixed(2)}`}; ${o.programsExecuted} programs executed).\n${header} DSL: ${o.program!.dsl.split('\n').join(`\n${header}      `)}\n\n${lang === 'python' ? o.program!.python : o.program!.javascript}`;
    await writeAgentSolution(this.context, { problemId: problem.id, ext: lang === 'python' ? '.py' : '.js', code, preview: `The agent's program:\n${o.program!.dsl}`, spent: `${o.programsExecuted} programs`, tracesFile, runTests: true });
  }

  /** Problem folders of the workspace (folders with problem.md, signature.json, tests.json). */
  private async problemFolders(): Promise<string[]> {
    const files = await vscode.workspace.findFiles('**/problem.md', FIND_EXCLUDE, 5000);
    return files.map((u) => problemFolderOf(u)).filter((d): d is string => !!d);
  }

  /** Problems of the workspace (folders with problem.md, signature.json, tests.json), then the built-in ones. */
  private async pickProblem(): Promise<string | undefined> {
    const builtinSet = builtinProblemSet(this.context.extensionPath);
    const dirs = (await this.problemFolders()).filter((d) => path.dirname(d) !== builtinSet).sort();
    type Item = vscode.QuickPickItem & { dir?: string };
    const items: Item[] = dirs.map((d) => ({ label: listProblems(d)[0]?.title ?? path.basename(d), description: vscode.workspace.asRelativePath(d), dir: d }));
    const builtins = listProblems(builtinSet);
    if (builtins.length) {
      items.push({ label: 'Built-in problems', kind: vscode.QuickPickItemKind.Separator });
      for (const p of builtins) items.push({ label: p.title, description: `${p.id} · built-in${p.difficulty ? ` · ${p.difficulty}` : ''}`, detail: p.tags.join(', '), dir: p.dir });
    }
    if (!items.length) {
      void vscode.window.showWarningMessage('No problem to solve: no problem folder in this workspace (a folder with problem.md, signature.json and tests.json) and no built-in problems.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Solve with Agent',
      placeHolder: dirs.length ? 'Which problem (this workspace\'s first, then the built-in ones)' : 'Which built-in problem (no problem folder in this workspace)',
      matchOnDescription: true,
    });
    return pick?.dir;
  }

  /**
   * Which agent: a synthesis or code agent checkpoint (the latest first), the code agent's untrained
   * policy when none is trained, or a checkpoint file.
   */
  private async pickCheckpoint(): Promise<{ kind: 'synth' | 'code'; file?: string } | undefined> {
    const runs = listRuns(agentsDir(this.context)).filter((r) => (r.agent === 'synth' || r.agent === 'code') && r.checkpoint);
    type Pick = vscode.QuickPickItem & { agent?: 'synth' | 'code'; file?: string };
    const items: Pick[] = runs.map((r, i) => ({
      label: `${i === 0 ? '$(star-full) ' : ''}${r.id}`,
      description: `${i === 0 ? 'latest · ' : ''}${r.agent === 'code' ? 'code agent · ' : ''}${r.problems === 'generated' ? 'generated problems' : vscode.workspace.asRelativePath(r.problems)} · saved ${new Date(r.checkpoint!.mtimeMs).toLocaleString()}`,
      agent: r.agent as 'synth' | 'code',
      file: r.checkpoint!.path,
    }));
    if (!runs.some((r) => r.agent === 'code')) {
      items.push({ label: '$(hubot) Code agent, untrained', description: 'no trained code agent yet: its default (untrained) policy decides', detail: 'A language model proposes candidates and tests; "Train Agent…" trains the policy on recorded generations', agent: 'code' });
    }
    items.push({ label: '$(folder-opened) Browse…', description: 'a checkpoint written by `reasoning-lab train synth|code-agent --out`' });
    const pick = await vscode.window.showQuickPick(items, { title: 'Solve with Agent', placeHolder: runs.length ? 'Which trained agent (the latest checkpoint first)' : 'No trained agent in this workspace yet: browse for a checkpoint, or run "Train Agent…" first' });
    if (!pick) return undefined;
    if (pick.agent) return { kind: pick.agent, file: pick.file };
    const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use Checkpoint', filters: { 'Agent checkpoint': ['json'] } });
    const file = uris?.[0]?.fsPath;
    return file ? { kind: checkpointKind(file), file } : undefined;
  }
}

/** A checkpoint's agent from the start of the file (JSON.stringify writes "kind" first; a whole read could be megabytes). */
function checkpointKind(file: string): 'synth' | 'code' {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(200);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return /"kind"\s*:\s*"reasoning-lab\/code-agent"/.test(head.subarray(0, n).toString('utf8')) ? 'code' : 'synth';
  } finally {
    fs.closeSync(fd);
  }
}
