import * as vscode from 'vscode';
import * as fs from 'node:fs';
import type { AgentKind } from '../../contracts/agentTraining';
import type { ProblemsSource, TrainJob } from '../../contracts/agentWorker';
import { listProblems, problemSetDirs } from '../eval/builtinCatalog';
import { builtinProblemSet } from '../eval/evalSettings';
import { ENV_DEFAULTS } from '../../core/agents/code/env';
import { describeCurriculum } from '../../core/agents/synth/curriculum';
import { pickCodeProblems, pickReplayFile } from './codeAgentPicks';
import { AGENT_LABELS, agentSettings, agentsDir, createRunFolder, formatSteps, listRuns, updateRunInfo, type RunFolder } from './agentSettings';
import type { TrainingPanel } from './trainingPanel';
import { TrainingRun } from './trainingRun';
import { workerScript } from '../shared/workerScript';

const FIND_EXCLUDE = '**/{node_modules,.git,.reasoning-lab}/**';

const AGENT_DETAILS: Record<AgentKind, string> = {
  synth: 'Writes list and string programs line by line; trained on execution rewards with a curriculum',
  code: 'Chooses among a language model\'s Python candidates and tests; trained on recorded generations (replay), judged by the sandbox',
  'cartpole-ppo': 'The sanity check: Gymnasium CartPole-v1 (500-step limit), CleanRL hyperparameters',
  'cartpole-dqn': 'The sanity check: Gymnasium CartPole-v1 (500-step limit), CleanRL hyperparameters',
};
/** The code agent's default training length (the CLI's `train code-agent` default). */
const CODE_STEPS = 20_000;

/**
 * Train Agent…: which agent, a new run or a resumed checkpoint, the problems (the generator or a
 * workspace folder of problems), steps and seed; then the run trains in a worker with progress in a
 * notification and the live Training panel.
 */
export class TrainAgentCommand implements vscode.Disposable {
  private readonly runs: TrainingRun[] = [];

  constructor(private readonly context: vscode.ExtensionContext, private readonly panel: TrainingPanel, private readonly log: (m: string) => void) {}


  async run(): Promise<void> {
    const current = this.panel.current;
    if (current?.active) {
      const choice = await vscode.window.showWarningMessage(`${current.label} is still training. Stop it (its checkpoint is written) and start another?`, { modal: true }, 'Stop and Continue');
      if (choice !== 'Stop and Continue') return;
      current.stop();
      await current.whenEnded;
    }
    const agentPick = await vscode.window.showQuickPick(
      (Object.keys(AGENT_LABELS) as AgentKind[]).map((agent) => ({
        label: AGENT_LABELS[agent],
        detail: AGENT_DETAILS[agent],
        agent,
      })),
      { title: 'Train Agent (1/4)', placeHolder: 'Which agent to train' },
    );
    if (!agentPick) return;
    const agent = agentPick.agent;
    const root = agentsDir(this.context);
    const s = agentSettings();

    const resumable = listRuns(root).filter((r) => r.agent === agent && r.checkpoint);
    let resume: RunFolder | undefined;
    if (resumable.length) {
      const fresh = { label: '$(add) Start a new run', description: '', run: undefined as RunFolder | undefined };
      const pick = await vscode.window.showQuickPick(
        [
          ...resumable.map((r) => ({
            label: `$(debug-continue) Resume ${r.id}`,
            description: `${r.problems === 'generated' ? 'generated problems' : vscode.workspace.asRelativePath(r.problems)} · ${formatSteps(r.steps)} steps · seed ${r.seed}`,
            detail: `checkpoint saved ${new Date(r.checkpoint!.mtimeMs).toLocaleString()}`,
            run: r as RunFolder | undefined,
          })),
          fresh,
        ],
        { title: 'Train Agent (2/4)', placeHolder: 'Resume an existing checkpoint (continues exactly where it stopped) or start a new run' },
      );
      if (!pick) return;
      resume = pick.run;
    }

    let problems: ProblemsSource = { kind: 'generated' };
    let replay = resume?.replay;
    if (!resume && agent === 'synth') {
      const picked = await this.pickProblems();
      if (!picked) return;
      problems = picked;
    }
    if (!resume && agent === 'code') {
      const picked = await pickCodeProblems('Train Agent (2/4)', this.context.extensionPath);
      if (!picked) return;
      problems = picked;
      replay = await pickReplayFile('Train Agent (2/4)', 'Recorded generations to train on (samples JSONL or the CodeT layout)');
      if (!replay) return;
    }
    if (agent === 'code' && !replay) throw new Error(`${resume?.id ?? 'this run'}: its run.json names no recorded generations to train on`);
    const stepsDefault = resume ? resume.steps : agent === 'code' ? CODE_STEPS : s.steps;
    const stepsText = await vscode.window.showInputBox({
      title: 'Train Agent (3/4)',
      prompt: resume ? `Train ${resume.id} to this many steps in total` : agent === 'synth' || agent === 'code' ? 'Environment decisions to train for (macro and micro)' : 'Environment steps to train for',
      value: String(stepsDefault),
      validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 ? undefined : 'a positive whole number'),
    });
    if (stepsText === undefined) return;
    const steps = Number(stepsText.trim());
    let seed = resume?.seed ?? s.seed;
    if (!resume) {
      const seedText = await vscode.window.showInputBox({
        title: 'Train Agent (4/4)',
        prompt: 'Seed (the same seed and settings give the same run)',
        value: String(s.seed),
        validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'a non-negative whole number'),
      });
      if (seedText === undefined) return;
      seed = Number(seedText.trim());
    }
    const budget = resume?.budget ?? ENV_DEFAULTS.budget;
    const folder =
      resume ??
      createRunFolder(root, {
        agent,
        problems: problems.kind === 'folder' ? problems.dir : problems.kind === 'file' ? problems.file : 'generated',
        seed,
        steps,
        createdAt: new Date().toISOString(),
        ...(agent === 'code' ? { replay, budget } : {}),
      });
    if (resume && steps !== resume.steps) updateRunInfo(resume, { steps });
    const job: TrainJob = {
      agent,
      problems: folder.problems === 'generated' ? { kind: 'generated' } : agent === 'code' && !fs.statSync(folder.problems, { throwIfNoEntry: false })?.isDirectory() ? { kind: 'file', file: folder.problems } : { kind: 'folder', dir: folder.problems },
      steps,
      seed,
      runDir: folder.dir,
      resumeFrom: resume?.checkpoint?.path,
      ...(agent === 'code' && replay ? { code: { generator: { kind: 'replay' as const, file: replay }, budget } } : {}),
    };
    this.start(folder, job);
  }

  /** The generator, or a workspace folder that holds problems of the evaluation format. */
  private async pickProblems(): Promise<ProblemsSource | undefined> {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const files = roots.length ? await vscode.workspace.findFiles('**/signature.json', FIND_EXCLUDE, 10000) : [];
    const sets = problemSetDirs(
      files.filter((u) => u.scheme === 'file').map((u) => u.fsPath),
      roots,
      [builtinProblemSet(this.context.extensionPath)],
    );
    const items: (vscode.QuickPickItem & { source?: ProblemsSource })[] = [
      { label: '$(sparkle) Built-in generator', description: 'random well-typed programs, deduplicated by behaviour', detail: `Curriculum: ${describeCurriculum()}`, source: { kind: 'generated' } },
    ];
    if (sets.length) items.push({ label: 'Workspace problems', kind: vscode.QuickPickItemKind.Separator });
    for (const dir of sets) {
      const n = listProblems(dir).length;
      items.push({ label: `$(folder) ${vscode.workspace.asRelativePath(dir)}`, description: `${n} problem${n === 1 ? '' : 's'}`, detail: 'Problems whose tests the DSL can express (lists and strings of ints / strings); the others are skipped with a reason', source: { kind: 'folder', dir } });
    }
    const pick = await vscode.window.showQuickPick(items, { title: 'Train Agent (2/4)', placeHolder: sets.length ? 'Which problems to train on' : 'Which problems to train on (no folder of problems in this workspace)' });
    return pick?.source;
  }

  private start(folder: RunFolder, job: TrainJob): void {
    const run = new TrainingRun(workerScript(this.context.extensionPath, 'agentWorker'), folder, job, this.log);
    this.runs.push(run);
    this.panel.show(run);
    this.trackInNotification(run);
  }

  /** Progress in a notification while the run's worker lives; its Cancel stops the run (with a checkpoint). */
  trackInNotification(run: TrainingRun): void {
    const tracked = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Training ${run.label}`, cancellable: true }, async (progress, token) => {
      let shown = 0;
      const report = () => {
        const v = run.view;
        const last = v.points[v.points.length - 1];
        const pct = Math.min(100, (100 * v.step) / Math.max(1, v.run.totalSteps));
        const parts = [`step ${v.step.toLocaleString('en-US')} / ${v.run.totalSteps.toLocaleString('en-US')}`];
        if (v.status === 'paused') parts.unshift('paused');
        if (last?.solveRate !== null && last?.solveRate !== undefined) parts.push(`solve rate ${(last.solveRate * 100).toFixed(0)} %`);
        else if (last) parts.push(`mean return ${last.meanReturn.toFixed(1)}`);
        if (last?.stepsPerSecond) parts.push(`${Math.round(last.stepsPerSecond)} steps/s`);
        progress.report({ message: parts.join(' · '), increment: pct - shown });
        shown = pct;
      };
      const sub = run.onDidChange(report);
      const cancel = token.onCancellationRequested(() => run.stop());
      try {
        await run.whenEnded;
      } finally {
        sub.dispose();
        cancel.dispose();
      }
    });
    // the outcome once the progress notification is gone
    void Promise.resolve(tracked).then(async () => {
      const v = run.view;
      if (v.status === 'error') void vscode.window.showErrorMessage(`Training ${run.label} failed: ${v.message}`);
      else if (v.status === 'done' || v.status === 'stopped') {
        const choice = await vscode.window.showInformationMessage(
          `Training ${run.label} ${v.status === 'done' ? 'finished' : 'stopped'} at step ${v.step.toLocaleString('en-US')}; checkpoint ${v.checkpoint?.label ?? '(none)'}`,
          'Show Training',
        );
        if (choice === 'Show Training') this.panel.show(run);
      }
    });
  }

  /** Resumes the panel's run from its checkpoint (after Stop), with progress in a notification again. */
  resumeCurrent(): void {
    const run = this.panel.current;
    if (!run) return;
    const wasActive = run.active;
    run.resume(agentSettings().steps);
    if (!wasActive && run.active) this.trackInNotification(run);
  }

  dispose(): void {
    for (const r of this.runs) r.dispose();
  }
}
