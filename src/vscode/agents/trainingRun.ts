import * as vscode from 'vscode';
import * as path from 'node:path';
import type { AgentTrainingPoint, AgentTrainingView } from '../../contracts/agentTraining';
import type { TrainJob, WorkerToHost } from '../../contracts/agentWorker';
import { describeCurriculum } from '../../core/agents/synth/curriculum';
import { AGENT_LABELS, updateRunInfo, type RunFolder } from './agentSettings';
import { startAgentWorker, trainInWorker, type AgentWorker } from './agentWorkerClient';
import { errorMessage } from '../../core/shared/errors';

export type TrainingChange = { kind: 'show' } | { kind: 'points'; from: number; points: AgentTrainingPoint[] };

/** New curve points reach the panel at most this often (CartPole makes hundreds of episodes a second). */
const FLUSH_MS = 250;

/**
 * One Train Agent run as the editor sees it: its worker, its state for the Training panel, and
 * pause / resume / stop. Pause keeps the state in the live worker; Stop has the worker write the
 * checkpoint and end; Resume after a stop (or after the run is done, to train longer) starts a new
 * worker from that checkpoint, which continues bit-exact.
 */
export class TrainingRun implements vscode.Disposable {
  readonly view: AgentTrainingView;
  private client?: AgentWorker;
  private readonly changed = new vscode.EventEmitter<TrainingChange>();
  readonly onDidChange = this.changed.event;
  private pending: AgentTrainingPoint[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private ended!: Promise<void>;
  private endRun!: () => void;

  constructor(
    /** The agent worker's script (dist/agentWorker.js). */
    private readonly workerScript: string,
    readonly folder: RunFolder,
    private readonly job: TrainJob,
    private readonly log: (m: string) => void,
  ) {
    const rel = (p: string) => vscode.workspace.asRelativePath(p);
    this.view = {
      run: { id: folder.id, dir: folder.dir, agent: folder.agent, agentLabel: AGENT_LABELS[folder.agent], problems: folder.agent === 'code' ? `${rel(folder.problems)}${folder.replay ? ` · recorded generations ${rel(folder.replay)}` : ''}` : folder.agent !== 'synth' ? undefined : folder.problems === 'generated' ? `generated (curriculum: ${describeCurriculum()})` : rel(folder.problems), seed: folder.seed, totalSteps: job.steps },
      status: 'starting',
      step: 0,
      episodes: 0,
      points: [],
    };
    if (folder.checkpoint) this.view.checkpoint = { path: folder.checkpoint.path, label: rel(folder.checkpoint.path), step: 0, savedAt: new Date(folder.checkpoint.mtimeMs).toISOString() };
    this.start(job);
  }

  /** Resolves when the current worker has ended (done, stopped or failed). */
  get whenEnded(): Promise<void> {
    return this.ended;
  }

  get active(): boolean {
    return this.view.status === 'starting' || this.view.status === 'running' || this.view.status === 'paused' || this.view.status === 'stopping';
  }

  private start(job: TrainJob): void {
    this.ended = new Promise((r) => (this.endRun = r));
    this.view.status = 'starting';
    this.view.message = undefined;
    const client = startAgentWorker(this.workerScript);
    this.client = client;
    // the failure is handled before whenEnded resolves: the command reads the status then
    trainInWorker(client, job, (m) => this.onMessage(m)).catch((err) => this.fail(errorMessage(err)));
    void client.exited.then(() => this.endRun());
    this.log(`training ${this.folder.id}: ${job.agent}, ${job.steps} steps, seed ${job.seed}${job.resumeFrom ? `, resuming ${job.resumeFrom}` : ''}`);
  }

  private onMessage(m: WorkerToHost): void {
    const v = this.view;
    switch (m.type) {
      case 'started':
        this.pending = [];
        Object.assign(v, { status: 'running', step: m.step, episodes: m.episodes, points: m.points });
        v.run.totalSteps = m.totalSteps;
        v.run.seed = m.seed;
        if (m.episodesFile) v.episodesFile = { path: m.episodesFile, label: vscode.workspace.asRelativePath(m.episodesFile) };
        for (const w of m.warnings) this.log(`training ${this.folder.id}: ${w}`);
        if (m.warnings.length) v.message = `${m.warnings.length} problem(s) skipped (see the Reasoning Lab output): ${m.warnings[0]}`;
        this.changed.fire({ kind: 'show' });
        return;
      case 'progress':
        this.pending.push(m.point);
        v.step = m.point.step;
        v.episodes = m.point.episodes;
        this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
        return;
      case 'paused':
        this.flush();
        Object.assign(v, { status: 'paused', step: m.step, episodes: m.episodes });
        this.changed.fire({ kind: 'show' });
        return;
      case 'checkpoint':
        v.checkpoint = { path: m.path, label: vscode.workspace.asRelativePath(m.path), step: m.step, savedAt: m.savedAt };
        this.changed.fire({ kind: 'show' });
        return;
      case 'finished':
        this.flush();
        Object.assign(v, { status: m.reason === 'done' ? 'done' : 'stopped', step: m.step, episodes: m.episodes });
        this.log(`training ${this.folder.id}: ${m.reason} at step ${m.step} (${m.episodes} episodes)`);
        this.changed.fire({ kind: 'show' });
        return;
    }
  }

  /** The worker reported an error, or died before the run finished. */
  private fail(message: string): void {
    this.flush();
    this.view.status = 'error';
    this.view.message = message;
    this.log(`training ${this.folder.id} failed: ${message}`);
    this.changed.fire({ kind: 'show' });
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending.length) return;
    const from = this.view.points.length;
    const points = this.pending;
    this.pending = [];
    this.view.points.push(...points);
    this.changed.fire({ kind: 'points', from, points });
  }

  pause(): void {
    if (this.view.status !== 'running') return;
    this.client?.post({ type: 'pause' });
  }

  /** Continues a paused run in its worker, or a stopped / finished one from its checkpoint. */
  resume(extraSteps: number): void {
    if (this.view.status === 'paused') {
      this.client?.post({ type: 'resume' });
      this.view.status = 'running';
      this.changed.fire({ kind: 'show' });
      return;
    }
    if (this.active) return;
    const checkpoint = this.view.checkpoint?.path;
    if (!checkpoint) throw new Error(`${this.folder.id} has no checkpoint to resume from${this.view.message ? ` (${this.view.message})` : ''}`);
    // a finished run trains longer; a stopped one goes on to its target
    const steps = this.view.status === 'done' ? Math.max(this.view.run.totalSteps, this.view.step) + extraSteps : this.view.run.totalSteps;
    if (steps !== this.folder.steps) updateRunInfo(this.folder, { steps });
    this.start({ ...this.job, steps, resumeFrom: checkpoint });
    this.changed.fire({ kind: 'show' });
  }

  /** Stops the run; the worker writes the checkpoint first. */
  stop(): void {
    if (!this.active || !this.client?.running) return;
    this.client.post({ type: 'stop' });
    this.view.status = 'stopping';
    this.changed.fire({ kind: 'show' });
  }

  get checkpointPath(): string | undefined {
    return this.view.checkpoint?.path;
  }

  get label(): string {
    return `${path.basename(this.folder.dir)}`;
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    // a window closing mid-run: ask for the checkpoint, and do not wait forever for it
    if (this.client?.running) {
      this.client.post({ type: 'stop' });
      const c = this.client;
      setTimeout(() => void c.terminate(), 5000).unref();
    }
    this.changed.dispose();
  }
}
