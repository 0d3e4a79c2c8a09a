/**
 * Training the hierarchical agent on execution rewards:
 *
 *   const { agent, checkpoint } = await trainSynthAgent({ seed: 1, steps: 200_000 }, { onProgress, signal, onEpisode });
 *   saveCheckpoint('agent.json', checkpoint);  …  trainSynthAgent(config, { resume: loadCheckpoint('agent.json') })
 *
 * Problems are a fixed set (a workspace folder) or GENERATED with a curriculum over program length:
 * training starts on length-1 problems and moves to the next length when the solve rate (held-back
 * examples included) of the last `window` episodes at the current length passes `threshold`; a share
 * of episodes keeps replaying shorter lengths. Everything is seeded; a checkpoint holds both layers
 * (networks, optimizers, PPO's rollout, DQN's replay, their generators) and the trainer's own state,
 * so a resumed run continues exactly as the uninterrupted one would.
 */
import * as fs from 'node:fs';
import type { DqnStats } from '../dqn';
import type { PpoStats } from '../ppo';
import { Rng, type RngState } from '../../shared/rng';
import { writeFileSafely, type OutputOptions } from '../../shared/safeOutput';
import { AGENT_DEFAULTS, SynthAgent, type AgentConfig, type EpisodeRecord } from './agent';
import { MAX_LINES } from './encode';
import { CURRICULUM_DEFAULTS } from './curriculum';
import { generateProblems } from './generate';
import type { SynthProblem } from './problems';

export interface SynthTrainConfig {
  seed: number;
  /** Environment decisions (macro + micro) to train for. */
  steps: number;
  /** Generated problems per program length (generated mode). */
  perLength: number;
  /**
   * `lineSlack`: generated-mode episodes may write at most level + lineSlack lines (a length-1 problem
   * is not a 5-line search; absent in older checkpoints = no limit).
   */
  curriculum: { startLength: number; maxLength: number; threshold: number; window: number; replayShorter: number; lineSlack?: number };
  agent: AgentConfig;
}

export const TRAIN_DEFAULTS: Omit<SynthTrainConfig, 'agent'> = {
  seed: 1,
  steps: 200_000,
  perLength: 200,
  curriculum: CURRICULUM_DEFAULTS,
};

export function resolveTrainConfig(partial: Partial<Omit<SynthTrainConfig, 'curriculum' | 'agent'>> & { curriculum?: Partial<SynthTrainConfig['curriculum']>; agent?: Partial<AgentConfig> } = {}): SynthTrainConfig {
  const steps = partial.steps ?? TRAIN_DEFAULTS.steps;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
  const seed = partial.seed ?? TRAIN_DEFAULTS.seed;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const curriculum = { ...TRAIN_DEFAULTS.curriculum, ...partial.curriculum };
  if (!(curriculum.startLength >= 1 && curriculum.maxLength <= MAX_LINES && curriculum.startLength <= curriculum.maxLength)) throw new Error(`curriculum lengths must be within 1…${MAX_LINES}`);
  return {
    seed,
    steps,
    perLength: partial.perLength ?? TRAIN_DEFAULTS.perLength,
    curriculum,
    agent: { macro: { ...partial.agent?.macro }, micro: { ...partial.agent?.micro }, totalMicroSteps: partial.agent?.totalMicroSteps ?? Math.round(steps * 0.65) },
  };
}

/** One point of the learning curve (means over the last `window` episodes). */
export interface SynthProgress {
  step: number;
  episodes: number;
  /** Curriculum length (generated mode) or 0 for a fixed problem set. */
  level: number;
  meanReturn: number;
  solveRate: number;
  /** Program lines per episode. */
  meanLength: number;
  /** Mean entropy of the macro policy per decision. */
  entropy: number;
  policyLoss: number | null;
  valueLoss: number | null;
  tdLoss: number | null;
  epsilon: number;
}

interface TrainerState {
  step: number;
  microStep: number;
  episodes: number;
  level: number;
  /** Solved flags at the current level since it began (last `window`). */
  levelWindow: number[];
  recent: { ret: number; solved: number; lines: number; entropy: number }[];
  curve: SynthProgress[];
  lastPpo: PpoStats | null;
  lastDqn: DqnStats | null;
  rng: RngState;
}

export interface SynthCheckpoint {
  kind: 'reasoning-lab/synth-agent';
  version: 1;
  createdAt: string;
  config: SynthTrainConfig;
  /** "generated" or the problem folder / file trained on. */
  problems: string;
  agent: ReturnType<SynthAgent['toJSON']>;
  state: TrainerState;
}

export interface TrainHooks {
  onProgress?: (p: SynthProgress) => void;
  /** Every episode as played (for episode traces). */
  onEpisode?: (episode: EpisodeRecord, step: number) => void;
  signal?: AbortSignal;
  /** Continue this checkpoint (its config wins; `steps` may be raised to train longer). */
  resume?: SynthCheckpoint;
  /** Progress every N episodes (default 100). */
  progressEvery?: number;
}

export interface TrainResult {
  agent: SynthAgent;
  checkpoint: SynthCheckpoint;
  curve: SynthProgress[];
  /** Stopped by the signal before `steps`. */
  stopped: boolean;
}

/** The curriculum's training problems: lengths 1…maxLength, deduplicated by behaviour across lengths. */
export function trainingProblems(config: SynthTrainConfig): SynthProblem[] {
  const lengths = Array.from({ length: config.curriculum.maxLength }, (_, i) => i + 1);
  return generateProblems(new Rng(config.seed * 7919 + 17), { perLength: config.perLength, lengths, prefix: 'train' }).problems;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export async function trainSynthAgent(
  configIn: Parameters<typeof resolveTrainConfig>[0],
  hooks: TrainHooks & { problems?: SynthProblem[]; problemsLabel?: string } = {},
): Promise<TrainResult> {
  const config = hooks.resume ? { ...hooks.resume.config, steps: Math.max(hooks.resume.config.steps, configIn?.steps ?? 0) } : resolveTrainConfig(configIn);
  const fixed = hooks.problems;
  const pool = fixed ?? trainingProblems(config);
  if (!pool.length) throw new Error('no problems to train on');
  const byLength = new Map<number, SynthProblem[]>();
  for (const p of pool) {
    const L = fixed ? 0 : p.program!.lines.length;
    byLength.set(L, [...(byLength.get(L) ?? []), p]);
  }
  const agent = hooks.resume ? SynthAgent.fromJSON(hooks.resume.agent, 'checkpoint.agent') : new SynthAgent(config.agent, config.seed);
  const st: TrainerState = hooks.resume
    ? structuredClone(hooks.resume.state)
    : { step: 0, microStep: 0, episodes: 0, level: fixed ? 0 : config.curriculum.startLength, levelWindow: [], recent: [], curve: [], lastPpo: null, lastDqn: null, rng: new Rng(config.seed + 3).save() };
  const rng = Rng.fromState(st.rng);
  const every = hooks.progressEvery ?? 100;
  const c = config.curriculum;

  const pickProblem = (): SynthProblem => {
    if (fixed) return fixed[rng.int(fixed.length)];
    let L = st.level;
    if (L > 1 && rng.uniform() < c.replayShorter) L = 1 + rng.int(L - 1);
    const list = byLength.get(L) ?? pool;
    return list[rng.int(list.length)];
  };

  const report = () => {
    const p: SynthProgress = {
      step: st.step,
      episodes: st.episodes,
      level: st.level,
      meanReturn: mean(st.recent.map((r) => r.ret)),
      solveRate: mean(st.recent.map((r) => r.solved)),
      meanLength: mean(st.recent.map((r) => r.lines)),
      entropy: mean(st.recent.map((r) => r.entropy)),
      policyLoss: st.lastPpo?.policy_loss ?? null,
      valueLoss: st.lastPpo?.value_loss ?? null,
      tdLoss: st.lastDqn?.td_loss ?? null,
      epsilon: agent.micro.epsilon(st.microStep),
    };
    st.curve.push(p);
    hooks.onProgress?.(p);
  };

  let stopped = false;
  while (st.step < config.steps) {
    if (hooks.signal?.aborted) {
      stopped = true;
      break;
    }
    const problem = pickProblem();
    const episode = agent.runEpisode(problem, { kind: 'train', microStep: st.microStep }, {
      learn: true,
      maxLines: fixed || c.lineSlack === undefined ? undefined : Math.min(MAX_LINES, st.level + c.lineSlack),
      onMicroStep: () => {
        st.microStep++;
        const s = agent.micro.train(st.microStep);
        if (s) st.lastDqn = s;
      },
    });
    st.step += episode.decisions.length;
    st.episodes++;
    if (agent.macro.stored >= agent.macro.batchSize) st.lastPpo = agent.macro.update();
    const solved = episode.result.solved ? 1 : 0;
    const macroDecisions = episode.decisions.filter((d) => d.layer === 'macro');
    st.recent.push({ ret: episode.return, solved, lines: episode.result.program.lines.length, entropy: mean(macroDecisions.map((d) => d.entropy ?? 0)) });
    if (st.recent.length > c.window) st.recent.shift();
    hooks.onEpisode?.(episode, st.step);
    if (!fixed && (problem.program?.lines.length ?? 0) === st.level) {
      st.levelWindow.push(solved);
      if (st.levelWindow.length > c.window) st.levelWindow.shift();
      if (st.level < c.maxLength && st.levelWindow.length >= c.window && mean(st.levelWindow) >= c.threshold) {
        st.level++;
        st.levelWindow = [];
      }
    }
    if (st.episodes % every === 0) report();
    if (st.episodes % 25 === 0) await new Promise((r) => setImmediate(r)); // let a stop request in
  }
  if (!st.curve.length || st.curve[st.curve.length - 1].episodes !== st.episodes) report();
  agent.searchLines = fixed || c.lineSlack === undefined ? MAX_LINES : Math.min(MAX_LINES, st.level + c.lineSlack);
  st.rng = rng.save();
  const checkpoint: SynthCheckpoint = {
    kind: 'reasoning-lab/synth-agent',
    version: 1,
    createdAt: new Date().toISOString(),
    config,
    problems: hooks.problemsLabel ?? hooks.resume?.problems ?? (fixed ? 'fixed' : 'generated'),
    agent: agent.toJSON(),
    state: st,
  };
  return { agent, checkpoint, curve: st.curve, stopped };
}

/** Writes a checkpoint atomically through the safe output (replacing one there unless `output` says not to). */
export function saveCheckpoint(file: string, checkpoint: SynthCheckpoint, output: OutputOptions = { replace: true }): void {
  writeFileSafely(file, JSON.stringify(checkpoint), output);
}

/** Reads a checkpoint, with an error that says what is wrong with the file. */
export function loadCheckpoint(file: string): { checkpoint: SynthCheckpoint; agent: SynthAgent } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the checkpoint: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: SynthCheckpoint;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not a checkpoint (invalid JSON: ${(err as Error).message})`);
  }
  if (!json || json.kind !== 'reasoning-lab/synth-agent') throw new Error(`${file}: not a synthesis agent checkpoint (kind ${JSON.stringify((json as { kind?: unknown })?.kind)})`);
  if (json.version !== 1) throw new Error(`${file}: checkpoint version ${json.version} is not supported`);
  try {
    return { checkpoint: json, agent: SynthAgent.fromJSON(json.agent, 'agent') };
  } catch (err) {
    throw new Error(`${file}: corrupt checkpoint: ${(err as Error).message}`);
  }
}

export { AGENT_DEFAULTS };
