/**
 * Messages between the extension host and the agent worker thread (dist/agentWorker.js). The worker
 * trains (the synthesis agent or CartPole) or searches with a trained agent, so the networks' forward
 * and backward passes never run on the extension host's event loop.
 */
import type { AgentKind, AgentTrainingPoint } from './agentTraining';

/** The files of a run folder (`.reasoning-lab/agents/<run>/`). */
export const CHECKPOINT_FILE = 'checkpoint.json';
export const EPISODES_FILE = 'episodes.jsonl';

export type ProblemsSource = { kind: 'generated' } | { kind: 'folder'; dir: string };

export interface TrainJob {
  agent: AgentKind;
  /** Synthesis only. */
  problems: ProblemsSource;
  /** Total environment steps (decisions for the synthesis agent) the run trains to. */
  steps: number;
  seed: number;
  /** The run's folder: checkpoint.json and episodes.jsonl are written here. */
  runDir: string;
  /** Continue this checkpoint file (bit-exact); its seed and settings win. */
  resumeFrom?: string;
  /** A curve point every this many episodes (default 20). */
  progressEvery?: number;
}

export interface SolveJob {
  checkpoint: string;
  /** A workspace problem folder (problem.md, signature.json, tests.json). */
  problemDir: string;
  budget: number;
  /** Every search episode is appended here as a trace. */
  tracesFile: string;
}

export type HostToWorker =
  | { type: 'train'; job: TrainJob }
  | { type: 'solve'; job: SolveJob }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Writes the checkpoint, then ends the worker. */
  | { type: 'stop' };

export interface SolveOutcome {
  problemId: string;
  solved: boolean;
  matchedShown: boolean;
  /** Reward of the best program on the shown examples (partial credit minus line cost). */
  reward: number;
  programsExecuted: number;
  episodes: number;
  /** The program found (the first match, else the best by reward) as DSL text, Python and JavaScript. */
  program?: { dsl: string; python: string; javascript: string; lines: number };
  /** Why the agent could not attempt the problem (a type the DSL lacks, too many inputs). */
  error?: string;
  warnings: string[];
}

export type WorkerToHost =
  /** Training began (or resumed): the curve so far (from a checkpoint) and where things go. */
  | { type: 'started'; step: number; episodes: number; totalSteps: number; seed: number; problems: string; points: AgentTrainingPoint[]; warnings: string[]; episodesFile?: string }
  | { type: 'progress'; point: AgentTrainingPoint }
  | { type: 'paused'; step: number; episodes: number }
  | { type: 'checkpoint'; path: string; step: number; savedAt: string }
  /** The run ended: 'done' (all steps) or 'stopped'; the checkpoint was written before this. */
  | { type: 'finished'; reason: 'done' | 'stopped'; step: number; episodes: number }
  | { type: 'solveProgress'; episodes: number; budget: number }
  | { type: 'solved'; outcome: SolveOutcome }
  | { type: 'error'; message: string };
