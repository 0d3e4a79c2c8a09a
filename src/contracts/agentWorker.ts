/**
 * Messages between the extension host and the agent worker thread (dist/agentWorker.js). The worker
 * trains (the synthesis agent, the code agent or CartPole), solves with an agent or exports a
 * checkpoint to ONNX, so the networks and the checkpoints never load on the extension host's event loop.
 */
import type { GenerationRequest, GenerationResult } from '../core/models/generation';
import type { AgentKind, AgentTrainingPoint } from './agentTraining';

/** The files of a run folder (`.reasoning-lab/agents/<run>/`). */
export const CHECKPOINT_FILE = 'checkpoint.json';
export const EPISODES_FILE = 'episodes.jsonl';

/** A folder of problem folders; for the code agent also a problems file (HumanEval / MBPP JSONL). */
export type ProblemsSource = { kind: 'generated' } | { kind: 'folder'; dir: string } | { kind: 'file'; file: string };

/**
 * Who writes the code agent's candidates and tests: recorded generations, an OpenAI-compatible
 * endpoint, a local ONNX causal LM (through the model worker), or the host's VS Code language model
 * (vscode.lm lives on the extension host only: the worker asks the host for each generation).
 */
export type CodeGeneratorSpec =
  | { kind: 'replay'; file: string }
  | { kind: 'openai'; url: string; model: string; apiKey?: string }
  | { kind: 'local'; dir: string }
  | { kind: 'host'; label: string };

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
  /** The code agent's generator (replay) and candidate runs per episode. */
  code?: { generator: CodeGeneratorSpec; budget: number };
}

export interface SolveJob {
  checkpoint: string;
  /** A workspace problem folder (problem.md, signature.json, tests.json). */
  problemDir: string;
  budget: number;
  /** Every search episode is appended here as a trace. */
  tracesFile: string;
}

export interface CodeSolveJob {
  /** A problems file or folder, and the problem in it. */
  problems: string;
  problemId: string;
  generator: CodeGeneratorSpec;
  /** A code agent checkpoint; absent: the untrained policy of `seed` (said so in the outcome). */
  checkpoint?: string;
  seed: number;
  /** Candidate runs. */
  budget: number;
  /**
   * The episode's trace file (must not exist yet): the episode so far as one record, replaced after each
   * decision; at the end the episode and its candidates (or, cancelled or failed, the decisions it made).
   */
  tracesFile: string;
  /** dist/modelWorker.js, for a local LM. */
  modelWorker: string;
}

export interface CodeSolveOutcome {
  problemId: string;
  solved: boolean;
  /** The hidden tests' verdict of the submission ('pass', 'fail', 'error', …). */
  verdict?: string;
  reason?: string;
  /** The submitted candidate: its code as generated and the whole program that was judged. */
  submitted?: { index: number; code: string; program: string };
  runs: number;
  candidates: number;
  tests: number;
  llmCalls: number;
  tokens: number;
  decisions: number;
  /** True when no checkpoint was given: the policy is the untrained one. */
  untrained: boolean;
  warnings: string[];
}

/** One decision of a running code agent episode, as it happens. */
export interface CodeDecisionEvent {
  step: number;
  move: string;
  layer: 'macro' | 'micro';
  action: string;
  prob: number;
  note: string;
  runs: number;
  budget: number;
}

/** Export Agent to ONNX: a checkpoint's policies written to `target` (a .onnx file for CartPole, a folder for the two-layer agents). */
export interface OnnxExportJob {
  checkpoint: string;
  target: string;
  /** The user agreed to replace the files there. */
  replace: boolean;
}

export type HostToWorker =
  | { type: 'train'; job: TrainJob }
  | { type: 'exportOnnx'; job: OnnxExportJob }
  | { type: 'solve'; job: SolveJob }
  | { type: 'solveCode'; job: CodeSolveJob }
  /** The answer to a worker's `generate` (vscode.lm runs on the host). */
  | { type: 'generated'; id: number; result?: GenerationResult; error?: string }
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
  /** The episode's trace file holds its first record: from here it is rewritten after every decision. */
  | { type: 'codeEpisodeStarted'; tracesFile: string }
  | { type: 'codeDecision'; decision: CodeDecisionEvent }
  | { type: 'codeSolved'; outcome: CodeSolveOutcome }
  | { type: 'exportedOnnx'; files: string[] }
  /** The worker asks the host for one generation (the request without its signal). */
  | { type: 'generate'; id: number; request: Omit<GenerationRequest, 'signal'> }
  | { type: 'error'; message: string };
