/**
 * DQN in the shape of CleanRL's dqn.py — Q-network, target network, linear ε-greedy schedule, replay —
 * with these additions: Huber loss, prioritized replay with importance-sampling weights and β annealed
 * to 1, action masks (exploration and the max over next actions only see allowed actions), soft or
 * hard target updates, an optional double-DQN target, gradient clipping and lr annealing.
 *
 *   const dqn = new Dqn({ obsSize: 4, numActions: 2 }, seed);
 *   for (let step = 0; step < total; step++) {
 *     const { action } = dqn.act(obs, mask, step);
 *     ... env.step(action) → reward, nextObs (the real final observation on truncation), terminated ...
 *     dqn.store(obs, action, reward, nextObs, terminated, nextMask);
 *     const stats = dqn.train(step);   // trains every trainFrequency steps after learningStarts
 *   }
 */
import { Adam, type Activation, checkMask, clipGradNorm, maskedArgmax, Mlp } from './nn';
import { type PriorityMode, ReplayBuffer } from './replay';
import { Rng } from '../shared/rng';

/** DQN's hyperparameters, named as CleanRL's dqn.py names them, plus the additions above. */
export interface DqnHyperparameters {
  /** Adam's step size (at step 0 when annealLr). */
  learningRate: number;
  /** false = constant lr (CleanRL's dqn.py); true = lr decays linearly from learningRate to 0 at annealLrFraction × totalTimesteps, then stays 0. */
  annealLr: boolean;
  /** With annealLr: the fraction of the run at which lr reaches 0 (1: at its end). */
  annealLrFraction: number;
  /** Transitions the replay keeps (the oldest is overwritten). */
  bufferSize: number;
  gamma: number;
  /**
   * Upper bound of the TD target r + γ·Q_target(s′, a′) (null: none). When every reward is ≤ r_max no
   * return exceeds r_max / (1 − γ), so clipping the target there removes nothing true and keeps the
   * Q-values from drifting past what the rewards allow.
   */
  targetMax: number | null;
  /** 1 = hard copy every targetNetworkFrequency steps; < 1 = Polyak averaging target ← τ·online + (1 − τ)·target at that frequency. */
  tau: number;
  /** Env steps between target-network updates. */
  targetNetworkFrequency: number;
  /** Transitions per gradient step. */
  batchSize: number;
  startE: number;
  endE: number;
  /** ε goes from startE to endE over this fraction of totalTimesteps. */
  explorationFraction: number;
  /** Env steps before the first gradient step. */
  learningStarts: number;
  /** Env steps between training phases. */
  trainFrequency: number;
  /** Gradient steps per training phase (SB3's gradient_steps; CleanRL: 1). */
  gradientSteps: number;
  /** The run's length, for the ε, β and lr schedules. */
  totalTimesteps: number;
  /** Hidden layer widths of the Q-network. */
  hidden: number[];
  activation: Activation;
  adamEps: number;
  /** Huber (smooth L1, δ = 1) or MSE on the TD error. */
  loss: 'huber' | 'mse';
  /** Double DQN: the online network picks a′, the target network values it. */
  doubleDqn: boolean;
  /** Global L2 norm the gradients are clipped to (null: no clipping). */
  maxGradNorm: number | null;
  /** Replay sampling: uniform, by |TD error| (PER) or by reward. */
  priority: PriorityMode;
  /** ω of P(i) ∝ (p_i + ε)^ω. */
  alpha: number;
  /** ε of P(i) ∝ (p_i + ε)^ω. */
  priorityEps: number;
  /** β of the IS weights at step 0, annealed linearly to 1 at totalTimesteps. */
  betaStart: number;
}

/**
 * CleanRL dqn.py's values (its CartPole-v1 defaults) with Huber loss and prioritized replay (Schaul
 * et al.; ω per the DeepSeek write-up). Any field a caller leaves out comes from here. CartPole ships
 * its own complete set, DQN_CARTPOLE in cartpoleTrain.ts, because these do not solve it with Huber + PER.
 */
export const DQN_CLEANRL: Readonly<DqnHyperparameters> = {
  learningRate: 2.5e-4,
  annealLr: false,
  annealLrFraction: 1,
  bufferSize: 10_000,
  gamma: 0.99,
  targetMax: null,
  tau: 1.0,
  targetNetworkFrequency: 500,
  batchSize: 128,
  startE: 1,
  endE: 0.05,
  explorationFraction: 0.5,
  learningStarts: 10_000,
  trainFrequency: 10,
  gradientSteps: 1,
  totalTimesteps: 500_000,
  hidden: [120, 84],
  activation: 'relu',
  adamEps: 1e-8,
  loss: 'huber',
  doubleDqn: false,
  maxGradNorm: null,
  priority: 'td',
  alpha: 0.7,
  priorityEps: 0.01,
  betaStart: 0.4,
};

export type DqnConfig = DqnHyperparameters & { obsSize: number; numActions: number };

export interface DqnAction {
  action: number;
  /** Q(obs, ·) of the online network (masked actions included, as computed). */
  qValues: Float64Array;
  epsilon: number;
  /** The action was a random (allowed) one. */
  explored: boolean;
}

/** What CleanRL logs for DQN, plus PER's β and the mean IS weight. */
export interface DqnStats {
  td_loss: number;
  q_values: number;
  beta: number;
  mean_is_weight: number;
}

export class Dqn {
  readonly config: DqnConfig;
  readonly qNetwork: Mlp;
  readonly targetNetwork: Mlp;
  readonly optimizer: Adam;
  replay: ReplayBuffer;
  readonly rng: Rng;
  updates = 0;
  private readonly dq: Float64Array;
  private readonly targets: Float64Array;
  private readonly tdErrors: Float64Array;
  private readonly nextActions: Int32Array;

  constructor(config: Partial<DqnConfig> & { obsSize: number; numActions: number }, seed = 1) {
    this.config = resolveDqnConfig(config);
    const c = this.config;
    this.rng = new Rng(seed);
    const sizes = [c.obsSize, ...c.hidden, c.numActions];
    this.qNetwork = new Mlp(sizes, { activation: c.activation, init: 'torch-default' }, this.rng);
    this.targetNetwork = new Mlp(sizes, { activation: c.activation }, null);
    this.targetNetwork.copyFrom(this.qNetwork);
    this.optimizer = new Adam(this.qNetwork, { lr: c.learningRate, eps: c.adamEps });
    this.replay = new ReplayBuffer({ capacity: c.bufferSize, obsSize: c.obsSize, numActions: c.numActions, priority: c.priority, alpha: c.alpha, priorityEps: c.priorityEps });
    this.dq = new Float64Array(c.batchSize * c.numActions);
    this.targets = new Float64Array(c.batchSize);
    this.tdErrors = new Float64Array(c.batchSize);
    this.nextActions = new Int32Array(c.batchSize);
  }

  /** CleanRL's linear_schedule: startE → endE over explorationFraction × totalTimesteps, then flat. */
  epsilon(globalStep: number): number {
    const c = this.config;
    const duration = c.explorationFraction * c.totalTimesteps;
    const slope = (c.endE - c.startE) / duration;
    return Math.max(slope * globalStep + c.startE, c.endE);
  }

  /** PER's β: betaStart → 1 linearly over totalTimesteps. */
  beta(globalStep: number): number {
    const c = this.config;
    return Math.min(1, c.betaStart + (1 - c.betaStart) * (globalStep / c.totalTimesteps));
  }

  /** The lr at globalStep: constant, or with annealLr linear from learningRate to 0 at annealLrFraction × totalTimesteps (a function of the step alone, so a resumed run gets the same lr). */
  learningRate(globalStep: number): number {
    const c = this.config;
    return c.annealLr ? c.learningRate * Math.max(0, 1 - globalStep / (c.annealLrFraction * c.totalTimesteps)) : c.learningRate;
  }

  /** ε-greedy over the allowed actions. Pass epsilon explicitly (e.g. 0) to override the schedule. */
  act(obs: ArrayLike<number>, mask: ArrayLike<number> | null | undefined, globalStep: number, epsilon = this.epsilon(globalStep)): DqnAction {
    const A = this.config.numActions;
    checkMask(mask, A);
    const qValues = Float64Array.from(this.qNetwork.forward(obs, 1).subarray(0, A));
    const explored = this.rng.uniform() < epsilon;
    const action = explored ? this.rng.choiceMasked(A, mask) : maskedArgmax(qValues, mask ?? null, 0, A);
    return { action, qValues, epsilon, explored };
  }

  /** Stores a transition. On truncation pass the real final observation as nextObs and terminated = false. */
  store(obs: ArrayLike<number>, action: number, reward: number, nextObs: ArrayLike<number>, terminated: boolean, nextMask: ArrayLike<number> | null = null): void {
    const A = this.config.numActions;
    if (!Number.isInteger(action) || action < 0 || action >= A) throw new RangeError(`store: action ${action} is not in [0, ${A})`);
    if (nextMask && nextMask.length !== A) throw new RangeError(`store: nextMask has ${nextMask.length} entries, expected ${A}`);
    this.replay.add(obs, action, reward, nextObs, terminated, nextMask);
  }

  /**
   * CleanRL's training schedule for step `globalStep`: after learningStarts, gradientSteps gradient
   * steps every trainFrequency steps (SB3's train_freq / gradient_steps) and a target update every
   * targetNetworkFrequency steps. Returns the stats of the last gradient step, or null when this step
   * had none.
   */
  train(globalStep: number): DqnStats | null {
    const c = this.config;
    if (globalStep <= c.learningStarts) return null;
    let stats: DqnStats | null = null;
    if (globalStep % c.trainFrequency === 0) {
      const beta = this.beta(globalStep);
      this.optimizer.lr = this.learningRate(globalStep);
      for (let g = 0; g < c.gradientSteps; g++) stats = this.update(beta);
    }
    if (globalStep % c.targetNetworkFrequency === 0) this.updateTarget();
    return stats;
  }

  updateTarget(): void {
    if (this.config.tau >= 1) this.targetNetwork.copyFrom(this.qNetwork);
    else this.targetNetwork.softUpdateFrom(this.qNetwork, this.config.tau);
  }

  /** One gradient step on a replayed batch. */
  update(beta = 1): DqnStats {
    const c = this.config;
    const A = c.numActions;
    const batch = this.replay.sample(c.batchSize, this.rng, beta);
    const B = batch.size;

    // y = r + γ (1 − terminated) · Q_target(s', a*), a* = argmax over ALLOWED next actions (of Q_online when double), at most targetMax
    if (c.doubleDqn) {
      const qNext = this.qNetwork.forward(batch.nextObs, B);
      for (let k = 0; k < B; k++) this.nextActions[k] = batch.terminated[k] ? 0 : maskedArgmax(qNext, batch.nextMask, k, A);
    }
    const qTarget = this.targetNetwork.forward(batch.nextObs, B);
    for (let k = 0; k < B; k++) {
      if (batch.terminated[k]) {
        this.targets[k] = batch.rewards[k];
        continue;
      }
      const a = c.doubleDqn ? this.nextActions[k] : maskedArgmax(qTarget, batch.nextMask, k, A);
      const y = batch.rewards[k] + c.gamma * qTarget[k * A + a];
      this.targets[k] = c.targetMax === null ? y : Math.min(y, c.targetMax);
    }

    const q = this.qNetwork.forward(batch.obs, B);
    let loss = 0;
    let qMean = 0;
    let wMean = 0;
    this.dq.fill(0);
    for (let k = 0; k < B; k++) {
      const a = batch.actions[k];
      const qa = q[k * A + a];
      const delta = qa - this.targets[k];
      const w = batch.weights[k];
      this.tdErrors[k] = delta;
      const abs = Math.abs(delta);
      if (c.loss === 'huber') {
        loss += w * (abs < 1 ? 0.5 * delta * delta : abs - 0.5);
        this.dq[k * A + a] = (w * (abs < 1 ? delta : Math.sign(delta))) / B;
      } else {
        loss += w * delta * delta;
        this.dq[k * A + a] = (2 * w * delta) / B;
      }
      qMean += qa;
      wMean += w;
    }
    this.qNetwork.zeroGrad();
    this.qNetwork.backward(this.dq, B);
    if (c.maxGradNorm !== null) clipGradNorm([this.qNetwork.grads], c.maxGradNorm);
    this.optimizer.step();
    this.replay.updatePriorities(batch.indices, this.tdErrors, B);
    this.updates++;
    return { td_loss: loss / B, q_values: qMean / B, beta, mean_is_weight: wMean / B };
  }
}

export function resolveDqnConfig(partial: Partial<DqnConfig> & { obsSize: number; numActions: number }): DqnConfig {
  const c = { ...DQN_CLEANRL, ...partial } as DqnConfig;
  const positiveInt = ['obsSize', 'numActions', 'bufferSize', 'targetNetworkFrequency', 'batchSize', 'trainFrequency', 'gradientSteps', 'totalTimesteps'] as const;
  for (const k of positiveInt) if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`dqn config: ${k} must be a positive integer, got ${JSON.stringify(c[k])}`);
  if (!Number.isInteger(c.learningStarts) || c.learningStarts < 0) throw new Error(`dqn config: learningStarts must be an integer ≥ 0, got ${JSON.stringify(c.learningStarts)}`);
  const unit = ['gamma', 'tau', 'startE', 'endE', 'explorationFraction', 'betaStart'] as const;
  for (const k of unit) if (typeof c[k] !== 'number' || !(c[k] >= 0 && c[k] <= 1)) throw new Error(`dqn config: ${k} must be in [0, 1], got ${JSON.stringify(c[k])}`);
  if (!(c.tau > 0)) throw new Error('dqn config: tau must be > 0');
  if (!(c.explorationFraction > 0)) throw new Error('dqn config: explorationFraction must be > 0');
  if (typeof c.annealLrFraction !== 'number' || !(c.annealLrFraction > 0 && c.annealLrFraction <= 1)) throw new Error(`dqn config: annealLrFraction must be in (0, 1], got ${JSON.stringify(c.annealLrFraction)}`);
  if (c.targetMax !== null && !(typeof c.targetMax === 'number' && Number.isFinite(c.targetMax))) throw new Error(`dqn config: targetMax must be null or a finite number, got ${JSON.stringify(c.targetMax)}`);
  for (const k of ['learningRate', 'adamEps', 'alpha', 'priorityEps'] as const) if (typeof c[k] !== 'number' || !(c[k] >= 0)) throw new Error(`dqn config: ${k} must be a number ≥ 0, got ${JSON.stringify(c[k])}`);
  if (typeof c.annealLr !== 'boolean') throw new Error(`dqn config: annealLr must be true or false, got ${JSON.stringify(c.annealLr)}`);
  if (c.loss !== 'huber' && c.loss !== 'mse') throw new Error(`dqn config: loss must be huber or mse, got ${JSON.stringify(c.loss)}`);
  if (!Array.isArray(c.hidden) || !c.hidden.every((h) => Number.isInteger(h) && h >= 1)) throw new Error(`dqn config: hidden must be a list of positive integers, got ${JSON.stringify(c.hidden)}`);
  if (c.activation !== 'tanh' && c.activation !== 'relu') throw new Error(`dqn config: activation must be tanh or relu, got ${JSON.stringify(c.activation)}`);
  if (c.maxGradNorm !== null && !(typeof c.maxGradNorm === 'number' && c.maxGradNorm > 0)) throw new Error('dqn config: maxGradNorm must be null or > 0');
  return { ...c, hidden: [...c.hidden] };
}
