/** Messages between the host and the Agent Training webview: live learning curves, stop / resume. */
/** Which agent a run trains: the hierarchical synthesis agent, the code agent, or CartPole as the sanity check. */
export type AgentKind = 'synth' | 'code' | 'cartpole-ppo' | 'cartpole-dqn';

/** One point of a run's learning curve (means over the last window of episodes). */
export interface AgentTrainingPoint {
  step: number;
  episodes: number;
  meanReturn: number;
  /** Share of episodes solved (held-back examples included); null for CartPole. */
  solveRate: number | null;
  /** Program lines (synthesis), candidate runs (code agent) or env steps (CartPole) per episode. */
  meanLength: number;
  /** Mean entropy of the (macro) policy; null when the algorithm has none (DQN). */
  entropy: number | null;
  policyLoss: number | null;
  valueLoss: number | null;
  tdLoss: number | null;
  /** Curriculum level (program length); null without a curriculum. */
  level: number | null;
  stepsPerSecond: number | null;
}

export type AgentTrainingStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'done' | 'error';

export interface AgentTrainingView {
  run: { id: string; dir: string; agent: AgentKind; agentLabel: string; /** The synthesis agent's problems (CartPole has none). */ problems?: string; seed: number; totalSteps: number };
  status: AgentTrainingStatus;
  /** Error or notice shown above the charts. */
  message?: string;
  step: number;
  episodes: number;
  points: AgentTrainingPoint[];
  /** The last checkpoint written (Stop, the end of the run). */
  checkpoint?: { path: string; label: string; step: number; savedAt: string };
  /** Where the episodes are written as a trace file (synthesis runs). */
  episodesFile?: { path: string; label: string };
}

export type AgentTrainingRequests = {
  ready: { params: Record<string, never>; result: AgentTrainingView | null };
  /** Pause keeps the whole state in the worker; resume continues from it. */
  pause: { params: Record<string, never>; result: void };
  /** Resume a paused run, or a stopped one from its checkpoint. */
  resume: { params: Record<string, never>; result: void };
  /** Stop writes a checkpoint and ends the worker. */
  stop: { params: Record<string, never>; result: void };
  revealCheckpoint: { params: Record<string, never>; result: void };
  openEpisodes: { params: Record<string, never>; result: void };
};

export type AgentTrainingEvents = {
  /** The whole view (a new run, a status change). */
  show: AgentTrainingView;
  /** New curve points since `from` (the index of the first one) with the counters; the webview asks `ready` again if it missed some. */
  progress: { runId: string; from: number; points: AgentTrainingPoint[]; step: number; episodes: number };
};
