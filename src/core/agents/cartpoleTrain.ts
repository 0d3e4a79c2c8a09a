/**
 * Training loops for PPO and DQN on CartPole-v1, as CleanRL's ppo.py / dqn.py run them (PPO: 4
 * vectorized envs, a rollout of 128 steps each, then an update; DQN: one env, a gradient step every 10
 * steps after 10k), with learning curves, progress callbacks, stop, and checkpoints.
 *
 * A trainer holds ALL the state of a run — agent (weights, optimizer moments, RNG, rollout or replay
 * buffer, update counts), envs (physics, step counters, RNG) and the curve — so `run(N)`, checkpoint,
 * restore, `run(N + M)` gives the same bits as `run(N + M)` straight. `run` can be called again and
 * again with a higher step target; it is synchronous, so a worker runs it in chunks between messages.
 */
import * as fs from 'node:fs';
import { CartPoleVec, type CartPoleVecJson } from './cartpole';
import { Dqn, type DqnConfig, type DqnHyperparameters, type DqnStats } from './dqn';
import { type DqnJson, dqnFromJson, dqnToJson, type PpoJson, ppoFromJson, ppoToJson } from './learnerState';
import { exportPolicy } from './onnxExport';
import { Ppo, PPO_CLEANRL, type PpoConfig, type PpoHyperparameters, type PpoStats } from './ppo';
import { Rng } from '../shared/rng';
import { writeFileSafely, type OutputOptions } from '../shared/safeOutput';

export type CartPoleAlgo = 'ppo' | 'dqn';
export const CARTPOLE_ALGOS: readonly CartPoleAlgo[] = ['ppo', 'dqn'];

export interface CartPoleTrainOptions {
  algo: CartPoleAlgo;
  seed?: number;
  /** The run's length for the schedules (lr annealing, ε, β); run() may stop earlier. Default 500k. */
  totalTimesteps?: number;
  /** Changes to PPO_CARTPOLE (none: the shipped settings). */
  ppo?: Partial<PpoConfig>;
  /** Changes to DQN_CARTPOLE (none: the shipped settings). */
  dqn?: Partial<DqnConfig>;
}

export interface EpisodePoint {
  /** Global env step at which the episode ended. */
  step: number;
  return: number;
  length: number;
}

export interface RunOptions {
  onEpisode?: (episode: EpisodePoint, trainer: CartPoleTrainer) => void;
  /** After every PPO update / DQN training phase (its last gradient step's stats). */
  onUpdate?: (stats: PpoStats | DqnStats, trainer: CartPoleTrainer) => void;
  /** Checked every env step; true stops the run at a clean point (resumable). */
  shouldStop?: () => boolean;
}

export interface RunResult {
  globalStep: number;
  episodes: number;
  meanReturnLast100: number | null;
  stoppedBy: 'steps' | 'stop';
  /** Env steps per second of this run() call, training included. */
  stepsPerSecond: number;
}

/**
 * DQN's CartPole-v1 settings: the one place they live (the benchmark, `train cartpole --algo dqn` and
 * the Train Agent worker all use them, and every field is here). They differ from CleanRL's dqn.py values
 * (DQN_CLEANRL) because CleanRL's schedule (10k learning starts, ε over 250k steps, target every 500, MSE) is too
 * slow with Huber + PER: the mean return cannot reach 475 before ~300k steps, and by then the Q-values
 * overestimate and the policy collapses. A short ε decay (20k of 500k steps) to a low floor, a gradient
 * step every 4 env steps, a lower lr with grad clipping and double-DQN targets make it learn fast.
 *
 * What makes it learn: a Polyak-averaged target network (τ = 0.005 after every gradient step instead of
 * a hard copy every 500 steps): the bootstrap target moves smoothly, so the Q-values rise slowly instead
 * of overshooting. With hard copies, a constant lr and a 50k buffer, the same settings reached 475 only
 * on seeds 1, 2, 4. Polyak alone reaches 475 on seeds 1–5; lr annealing and a 200k buffer (early
 * failing episodes stay in replay) reach it sooner (141k–215k steps).
 *
 * What makes it stay learned (the final mean of the last 100 episodes at 500k, tuned on seeds 1–4):
 * - targetMax 100: every reward is 1, so no discounted return exceeds 1/(1 − γ) = 100, and the TD
 *   target is clipped there. Once the policy balances, replay fills with reward-1 non-terminal steps,
 *   the max over a′ keeps bootstrapping from its own overestimates: without the bound the mean
 *   replayed Q kept climbing to and past 100 (93–116 when the return fell, later up to ~300) and the
 *   return collapsed (seed 1 ended at 313; seed 2 fell to 75 at 360k). With it the mean Q stays at or
 *   below 100 (86–100 at 500k). The clip removes nothing true and stops that drift.
 * - annealLrFraction 0.8: lr reaches 0 at 400k and stays there, so the last 100k steps act with the
 *   policy learned by then instead of unlearning it (with the bound but lr to 0 at 500k, seeds 1–4
 *   ended at 470 · 471 · 447 · 498; at 0.8: 494 · 452 · 500 · 500).
 * - endE 0.001: a random action every ~1,000 steps instead of every 100 perturbs fewer 500-step
 *   episodes (seed 1: 494 → 500; seed 2: 452 → 500; seed 3: 500 → 494). A floor of 0.05 ended seed 1
 *   at 274.
 * Without these three, seeds 1 and 2 ended at 313 and 459; adamEps 1e-4, lr 2.5e-4 or a 500k buffer
 * ended seed 1 at 44, 141 and 246.
 *
 * Also tried (seeds 1, 3, 5, 64×64 net): RL Baselines3 Zoo's tuned CartPole DQN (lr 2.3e-3, batch 64,
 * 100k buffer, 1k learning starts, target every 10 env steps, 128 gradient steps every 256 env steps,
 * ε over 8k steps to 0.04), with and without double-DQN, at lr 2.3e-3 / 1e-3 / 5e-4 and ε floor 0.01:
 * each peaked at a mean return of 310–430 within 50k–120k steps, then the Q-values diverged past the
 * bound (up to ~370) and the return collapsed; uniform replay behaved the same. Zoo's own [256, 256]
 * net is ~16× slower per step here (~13 s per 1k env steps on the shared machine).
 */
export const DQN_CARTPOLE: Readonly<DqnHyperparameters> = {
  learningRate: 5e-4,
  annealLr: true,
  annealLrFraction: 0.8,
  bufferSize: 200_000,
  gamma: 0.99,
  targetMax: 100,
  tau: 0.005,
  // Polyak update after every gradient step (targetNetworkFrequency = trainFrequency)
  targetNetworkFrequency: 4,
  batchSize: 64,
  startE: 1,
  endE: 0.001,
  explorationFraction: 0.04,
  learningStarts: 1000,
  trainFrequency: 4,
  gradientSteps: 1,
  totalTimesteps: 500_000,
  hidden: [64, 64],
  activation: 'relu',
  adamEps: 1e-8,
  loss: 'huber',
  doubleDqn: true,
  maxGradNorm: 10,
  priority: 'td',
  alpha: 0.7,
  priorityEps: 0.01,
  betaStart: 0.4,
};

/** PPO's CartPole-v1 settings: CleanRL ppo.py's, unchanged (they reach 500 on every seed measured). */
export const PPO_CARTPOLE: Readonly<PpoHyperparameters> = PPO_CLEANRL;

export const CHECKPOINT_FORMAT = 'reasoning-lab.cartpole-checkpoint';
const CHECKPOINT_VERSION = 1;

export interface CartPoleCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  algo: CartPoleAlgo;
  seed: number;
  totalTimesteps: number;
  globalStep: number;
  env: CartPoleVecJson;
  agent: PpoJson | DqnJson;
  /** Learning curve: [step, return, length] per finished episode. */
  curve: [number, number, number][];
}

export class CartPoleTrainer {
  globalStep = 0;
  readonly curve: EpisodePoint[] = [];
  private readonly actions: Int32Array;

  private constructor(
    readonly algo: CartPoleAlgo,
    readonly seed: number,
    readonly totalTimesteps: number,
    readonly agent: Ppo | Dqn,
    readonly env: CartPoleVec,
  ) {
    this.actions = new Int32Array(env.numEnvs);
  }

  static create(options: CartPoleTrainOptions): CartPoleTrainer {
    const seed = options.seed ?? 1;
    const totalTimesteps = options.totalTimesteps ?? 500_000;
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
    if (!Number.isInteger(totalTimesteps) || totalTimesteps < 1) throw new Error(`totalTimesteps must be a positive integer, got ${totalTimesteps}`);
    const shape = { obsSize: 4, numActions: 2, totalTimesteps };
    // the env's RNG is separate from the agent's, so agent settings never change the episodes' starts
    const envRng = new Rng(seed * 2 + 1);
    if (options.algo === 'ppo') {
      const ppo = new Ppo({ ...PPO_CARTPOLE, ...options.ppo, ...shape }, seed * 2);
      return new CartPoleTrainer('ppo', seed, totalTimesteps, ppo, new CartPoleVec(ppo.config.numEnvs, envRng));
    }
    if (options.algo === 'dqn') {
      const dqn = new Dqn({ ...DQN_CARTPOLE, ...options.dqn, ...shape }, seed * 2);
      return new CartPoleTrainer('dqn', seed, totalTimesteps, dqn, new CartPoleVec(1, envRng));
    }
    throw new Error(`unknown algorithm ${JSON.stringify(options.algo)} (expected ppo or dqn)`);
  }

  /** Mean return of the last n finished episodes (null before the first). */
  meanReturnLast(n = 100): number | null {
    const k = Math.min(n, this.curve.length);
    if (!k) return null;
    let s = 0;
    for (let i = this.curve.length - k; i < this.curve.length; i++) s += this.curve[i].return;
    return s / k;
  }

  /** Trains until globalStep ≥ untilStep (or a stop condition). */
  run(untilStep: number, options: RunOptions = {}): RunResult {
    const started = process.hrtime.bigint();
    const fromStep = this.globalStep;
    let stoppedBy: RunResult['stoppedBy'] = 'steps';
    while (this.globalStep < untilStep) {
      if (options.shouldStop?.()) {
        stoppedBy = 'stop';
        break;
      }
      if (this.agent instanceof Ppo) this.stepPpo(this.agent, options);
      else this.stepDqn(this.agent, options);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      globalStep: this.globalStep,
      episodes: this.curve.length,
      meanReturnLast100: this.meanReturnLast(100),
      stoppedBy,
      stepsPerSecond: (this.globalStep - fromStep) / Math.max(seconds, 1e-9),
    };
  }

  /** One vector step of PPO's rollout (numEnvs env steps), and the update when the rollout is full. */
  private stepPpo(ppo: Ppo, options: RunOptions): void {
    const env = this.env;
    const n = env.numEnvs;
    const chosen: { action: number; logProb: number; value: number }[] = [];
    for (let e = 0; e < n; e++) {
      const s = ppo.act(env.observation(e));
      this.actions[e] = s.action;
      chosen.push(s);
    }
    const obsBefore = Float64Array.from(env.obs);
    env.step(this.actions);
    this.globalStep += n;
    for (let e = 0; e < n; e++) {
      ppo.store({
        env: e,
        obs: obsBefore.subarray(e * 4, e * 4 + 4),
        action: chosen[e].action,
        logProb: chosen[e].logProb,
        value: chosen[e].value,
        reward: env.rewards[e],
        terminated: env.terminated[e] === 1,
        truncated: env.truncated[e] === 1,
        finalObs: env.finalObs.subarray(e * 4, e * 4 + 4),
      });
    }
    this.recordEpisodes(options);
    if (ppo.stored >= ppo.batchSize) {
      const stats = ppo.update(Array.from({ length: n }, (_, e) => env.observation(e)));
      options.onUpdate?.(stats, this);
    }
  }

  /** One env step of DQN, then CleanRL's training schedule for that step. */
  private stepDqn(dqn: Dqn, options: RunOptions): void {
    const env = this.env;
    const obs = Float64Array.from(env.observation(0));
    const { action } = dqn.act(obs, null, this.globalStep);
    this.actions[0] = action;
    env.step(this.actions);
    const ended = env.terminated[0] === 1 || env.truncated[0] === 1;
    // the real next observation: the final one when the episode ended (CleanRL's real_next_obs)
    const nextObs = ended ? env.finalObs.subarray(0, 4) : env.observation(0);
    dqn.store(obs, action, env.rewards[0], nextObs, env.terminated[0] === 1);
    this.recordEpisodes(options);
    const stats = dqn.train(this.globalStep);
    if (stats) options.onUpdate?.(stats, this);
    this.globalStep++;
  }

  private recordEpisodes(options: RunOptions): void {
    for (const f of this.env.finished) {
      const point = { step: this.globalStep, return: f.return, length: f.length };
      this.curve.push(point);
      options.onEpisode?.(point, this);
    }
  }

  toCheckpoint(): CartPoleCheckpoint {
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      algo: this.algo,
      seed: this.seed,
      totalTimesteps: this.totalTimesteps,
      globalStep: this.globalStep,
      env: this.env.toJSON(),
      agent: this.agent instanceof Ppo ? ppoToJson(this.agent) : dqnToJson(this.agent),
      curve: this.curve.map((p) => [p.step, p.return, p.length]),
    };
  }

  /** Rebuilds a trainer from a checkpoint object; every problem names the field. */
  static fromCheckpoint(json: unknown, where = 'checkpoint'): CartPoleTrainer {
    const c = json as CartPoleCheckpoint;
    if (!c || typeof c !== 'object' || c.format !== CHECKPOINT_FORMAT) throw new Error(`${where}: not a CartPole checkpoint (format should be "${CHECKPOINT_FORMAT}")`);
    if (c.version !== CHECKPOINT_VERSION) throw new Error(`${where}: version ${JSON.stringify(c.version)} is not supported (expected ${CHECKPOINT_VERSION})`);
    if (!CARTPOLE_ALGOS.includes(c.algo)) throw new Error(`${where}.algo: expected ppo or dqn, got ${JSON.stringify(c.algo)}`);
    if (!Number.isInteger(c.globalStep) || c.globalStep < 0) throw new Error(`${where}.globalStep: expected a non-negative integer`);
    if (!Number.isInteger(c.seed) || !Number.isInteger(c.totalTimesteps)) throw new Error(`${where}: seed and totalTimesteps must be integers`);
    if (!Array.isArray(c.curve) || !c.curve.every((p) => Array.isArray(p) && p.length === 3 && p.every(Number.isFinite))) throw new Error(`${where}.curve: expected a list of [step, return, length]`);
    const agent = c.algo === 'ppo' ? ppoFromJson(c.agent as PpoJson, `${where}.agent`) : dqnFromJson(c.agent as DqnJson, `${where}.agent`);
    const env = CartPoleVec.fromJSON(c.env, `${where}.env`);
    const expectedEnvs = agent instanceof Ppo ? agent.config.numEnvs : 1;
    if (env.numEnvs !== expectedEnvs) throw new Error(`${where}.env.numEnvs: ${env.numEnvs} does not match the agent (${expectedEnvs})`);
    const t = new CartPoleTrainer(c.algo, c.seed, c.totalTimesteps, agent, env);
    t.globalStep = c.globalStep;
    for (const [step, ret, length] of c.curve) t.curve.push({ step, return: ret, length });
    return t;
  }
}

/** Writes a checkpoint through the safe output, so a crash never leaves half a file (replacing one there unless `output` says not to). */
export function saveCheckpoint(file: string, checkpoint: CartPoleCheckpoint, output: OutputOptions = { replace: true }): void {
  writeFileSafely(file, JSON.stringify(checkpoint), output);
}

/** Exports the trainer's policy to ONNX (PPO: the actor's logits; DQN: the Q-values), for `train cartpole --onnx` and Export Agent to ONNX. */
export function exportCartPolePolicy(trainer: CartPoleTrainer, file: string, output: OutputOptions = { replace: true }): void {
  const net = trainer.agent instanceof Ppo ? trainer.agent.actor : trainer.agent.qNetwork;
  exportPolicy(net, file, { metadata: { env: 'CartPole-v1', algo: trainer.algo, steps: String(trainer.globalStep), seed: String(trainer.seed) } }, output);
}

export function loadCheckpoint(file: string): CartPoleTrainer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read checkpoint ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`checkpoint ${file} is not valid JSON (${(err as Error).message}); it may be truncated or corrupt`);
  }
  return CartPoleTrainer.fromCheckpoint(json, file);
}
