/**
 * PPO with a clipped objective, in the shape of CleanRL's ppo.py, driven step by step by any
 * environment with discrete actions and optional action masks:
 *
 *   const ppo = new Ppo({ obsSize: 4, numActions: 2 }, seed);
 *   const step = ppo.act(obs, mask);                       // sample an action (mask: 1 = allowed)
 *   ... env.step(step.action) ...
 *   ppo.store({ env: 0, obs, mask, ...step, reward, terminated, truncated, finalObs });
 *   if (ppo.stored >= ppo.batchSize) stats = ppo.update(nextObsPerEnv);
 *
 * A rollout is a list of transitions tagged with their env index, so one learner can serve a fixed
 * set of vectorized envs (CleanRL) or episodes of any length (the synthesis agent's macro layer).
 * GAE bootstraps on truncation (V of the final observation) and not on termination.
 * Invalid actions get −∞ logits: probability 0, never sampled, no gradient.
 */
import { Adam, type Activation, checkMask, clipGradNorm, entropyOfRow, maskedArgmax, maskedLogSoftmax, Mlp } from './nn';
import { RolloutBuffer } from './rollout';
import { Rng } from '../shared/rng';

/** PPO's hyperparameters, named as CleanRL's ppo.py names them. */
export interface PpoHyperparameters {
  /** Adam's step size (at the first update when annealLr). */
  learningRate: number;
  /** Env streams per rollout (CleanRL: vectorized envs). */
  numEnvs: number;
  /** Steps per env per rollout: an update learns from numEnvs × numSteps transitions. */
  numSteps: number;
  /** The run's length; only used for annealLr: lr goes linearly to 0 over totalTimesteps / (numEnvs × numSteps) updates. */
  totalTimesteps: number;
  annealLr: boolean;
  gamma: number;
  /** λ of GAE(λ). */
  gaeLambda: number;
  numMinibatches: number;
  /** Passes over each rollout. */
  updateEpochs: number;
  /** Normalize the advantages within each minibatch. */
  normAdv: boolean;
  /** ε of the clipped ratio (and of the value clipping). */
  clipCoef: number;
  /** Clip the value loss around the values seen when acting (CleanRL's clip_vloss). */
  clipVloss: boolean;
  /** Weight of the entropy bonus. */
  entCoef: number;
  /** Weight of the value loss. */
  vfCoef: number;
  /** Global L2 norm the gradients of both networks are clipped to. */
  maxGradNorm: number;
  /** Stop the epochs of one update early once approx_kl exceeds this (null: never). */
  targetKl: number | null;
  /** Hidden layer widths of the actor and of the critic. */
  hidden: number[];
  activation: Activation;
  adamEps: number;
}

/**
 * CleanRL ppo.py's values (its CartPole-v1 defaults). Any field a caller leaves out comes from here;
 * CartPole ships them unchanged (PPO_CARTPOLE in cartpoleTrain.ts).
 */
export const PPO_CLEANRL: Readonly<PpoHyperparameters> = {
  learningRate: 2.5e-4,
  numEnvs: 4,
  numSteps: 128,
  totalTimesteps: 500_000,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  numMinibatches: 4,
  updateEpochs: 4,
  normAdv: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  hidden: [64, 64],
  activation: 'tanh',
  adamEps: 1e-5,
};

export type PpoConfig = PpoHyperparameters & { obsSize: number; numActions: number };

export interface PpoAction {
  action: number;
  /** log π(action | obs, mask) under the current policy. */
  logProb: number;
  /** V(obs). */
  value: number;
  /** π(· | obs, mask): 0 exactly for masked actions. */
  probs: Float64Array;
  entropy: number;
}

export interface PpoTransition {
  /** Which env (or episode stream) this step belongs to; GAE runs along each env separately. Default 0. */
  env?: number;
  obs: ArrayLike<number>;
  /** 1 = allowed; null/undefined = every action allowed. */
  mask?: ArrayLike<number> | null;
  action: number;
  /** log-probability of `action` under the policy that chose it (for logged data: the behaviour policy). */
  logProb: number;
  /** V(obs) when acting; computed by the critic when omitted (offline data). */
  value?: number;
  reward: number;
  /** The episode ended in a terminal state: no bootstrap. */
  terminated: boolean;
  /** The episode was cut (time limit): bootstrap from V(finalObs). */
  truncated?: boolean;
  finalObs?: ArrayLike<number>;
  /** Per-sample weight of the policy loss (offline mode: e.g. a truncated per-decision importance weight). Default 1. */
  weight?: number;
}

/** The numbers CleanRL logs after each update (averaged over the update's minibatches). */
export interface PpoStats {
  policy_loss: number;
  value_loss: number;
  entropy: number;
  old_approx_kl: number;
  approx_kl: number;
  clipfrac: number;
  explained_variance: number;
  learning_rate: number;
  /** Transitions in the update. */
  samples: number;
}

export class Ppo {
  readonly config: PpoConfig;
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly actorOptimizer: Adam;
  readonly criticOptimizer: Adam;
  readonly rng: Rng;
  /** Updates done so far (drives lr annealing). */
  updates = 0;
  /** The transitions stored since the last update. */
  readonly rollout: RolloutBuffer;
  private readonly logpRow: Float64Array;
  private mb?: Minibatch;

  constructor(config: Partial<PpoConfig> & { obsSize: number; numActions: number }, seed = 1) {
    this.config = resolvePpoConfig(config);
    const { obsSize, numActions, hidden, activation } = this.config;
    this.rng = new Rng(seed);
    // CleanRL's layer_init: orthogonal √2 for hidden layers, 0.01 for the policy head, 1 for the value head
    this.actor = new Mlp([obsSize, ...hidden, numActions], { activation, hiddenGain: Math.SQRT2, outputGain: 0.01 }, this.rng);
    this.critic = new Mlp([obsSize, ...hidden, 1], { activation, hiddenGain: Math.SQRT2, outputGain: 1 }, this.rng);
    this.actorOptimizer = new Adam(this.actor, { lr: this.config.learningRate, eps: this.config.adamEps });
    this.criticOptimizer = new Adam(this.critic, { lr: this.config.learningRate, eps: this.config.adamEps });
    this.rollout = new RolloutBuffer(obsSize, numActions, this.batchSize);
    this.logpRow = new Float64Array(numActions);
  }

  /** Transitions per update in CleanRL's terms: numEnvs × numSteps. */
  get batchSize(): number {
    return this.config.numEnvs * this.config.numSteps;
  }

  /** Transitions stored since the last update. */
  get stored(): number {
    return this.rollout.size;
  }

  /** Samples an action (or takes the most probable one when greedy) for one observation. */
  act(obs: ArrayLike<number>, mask?: ArrayLike<number> | null, greedy = false): PpoAction {
    const n = this.config.numActions;
    checkMask(mask, n);
    const logits = this.actor.forward(obs, 1);
    const probs = new Float64Array(n);
    maskedLogSoftmax(logits, mask ?? null, 0, n, this.logpRow);
    for (let i = 0; i < n; i++) probs[i] = Math.exp(this.logpRow[i]);
    const action = greedy ? maskedArgmax(this.logpRow, mask ?? null, 0, n) : this.rng.categorical(probs);
    return { action, logProb: this.logpRow[action], value: this.value(obs), probs, entropy: entropyOfRow(this.logpRow, 0, n) };
  }

  /** log π(action | obs, mask) under the current policy: −∞ for a masked action (importance ratios for logged data). */
  logProb(obs: ArrayLike<number>, action: number, mask?: ArrayLike<number> | null): number {
    const n = this.config.numActions;
    checkMask(mask, n);
    if (!Number.isInteger(action) || action < 0 || action >= n) throw new RangeError(`logProb: action ${action} is not in [0, ${n})`);
    maskedLogSoftmax(this.actor.forward(obs, 1), mask ?? null, 0, n, this.logpRow);
    return this.logpRow[action];
  }

  /** V(obs). */
  value(obs: ArrayLike<number>): number {
    return this.critic.forward(obs, 1)[0];
  }

  store(t: PpoTransition): void {
    const n = this.config.numActions;
    checkMask(t.mask, n);
    if (!Number.isInteger(t.action) || t.action < 0 || t.action >= n) throw new RangeError(`store: action ${t.action} is not in [0, ${n})`);
    if (t.mask && !t.mask[t.action]) throw new RangeError(`store: action ${t.action} is masked`);
    if (!Number.isFinite(t.reward)) throw new RangeError(`store: reward ${t.reward} is not finite`);
    const truncated = !!t.truncated && !t.terminated;
    if (truncated && !t.finalObs) throw new Error('store: a truncated step needs finalObs to bootstrap from');
    const value = t.value ?? this.value(t.obs);
    const boot = truncated ? this.value(t.finalObs!) : 0;
    this.rollout.push(t.env ?? 0, t.obs, t.mask ?? null, t.action, t.logProb, value, t.reward, t.terminated || truncated, boot, t.weight ?? 1);
  }

  /** Drops the stored rollout without learning from it. */
  clear(): void {
    this.rollout.size = 0;
  }

  /**
   * One PPO update on everything stored, then clears the rollout. `nextObs[env]` is the observation
   * after each env's last stored step (needed only for envs whose last step did not end an episode).
   * CleanRL's loop: GAE, then updateEpochs passes over shuffled minibatches, each a gradient step on
   * policy loss − entCoef · entropy + vfCoef · value loss with the global gradient norm clipped.
   */
  update(nextObs: (ArrayLike<number> | null | undefined)[] = []): PpoStats {
    const c = this.config;
    const b = this.rollout;
    const N = b.size;
    if (!N) throw new Error('update: no transitions stored');
    if (c.annealLr) {
      const iterations = Math.max(1, Math.floor(c.totalTimesteps / this.batchSize));
      this.setLearningRate(Math.max(0, 1 - this.updates / iterations) * c.learningRate);
    }
    this.computeAdvantages(nextObs);

    const mbSize = Math.ceil(N / c.numMinibatches);
    const mb = this.minibatchBuffers(mbSize);
    const inds = new Int32Array(N);
    for (let i = 0; i < N; i++) inds[i] = i;
    const sums = { pg: 0, v: 0, ent: 0, oldKl: 0, kl: 0, clip: 0, count: 0 };
    for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
      this.rng.shuffle(inds);
      let lastKl = 0;
      for (let start = 0; start < N; start += mbSize) {
        const B = Math.min(mbSize, N - start);
        gatherMinibatch(b, inds.subarray(start, start + B), c.normAdv, mb);
        const policy = clippedPolicyLoss(this.actor.forward(mb.obs, B), mb, B, c.clipCoef, c.entCoef);
        const valueLoss = clippedValueLoss(this.critic.forward(mb.obs, B), mb, B, c.clipVloss ? c.clipCoef : null, c.vfCoef);
        this.actor.zeroGrad();
        this.critic.zeroGrad();
        this.actor.backward(mb.dLogits, B);
        this.critic.backward(mb.dValues, B);
        clipGradNorm([this.actor.grads, this.critic.grads], c.maxGradNorm);
        this.actorOptimizer.step();
        this.criticOptimizer.step();

        sums.pg += policy.policyLoss;
        sums.v += valueLoss;
        sums.ent += policy.entropy;
        sums.oldKl += policy.oldApproxKl;
        sums.kl += policy.approxKl;
        sums.clip += policy.clipfrac;
        sums.count++;
        lastKl = policy.approxKl;
      }
      if (c.targetKl !== null && lastKl > c.targetKl) break;
    }

    const stats: PpoStats = {
      policy_loss: sums.pg / sums.count,
      value_loss: sums.v / sums.count,
      entropy: sums.ent / sums.count,
      old_approx_kl: sums.oldKl / sums.count,
      approx_kl: sums.kl / sums.count,
      clipfrac: sums.clip / sums.count,
      explained_variance: explainedVariance(b.values, b.returns, N),
      learning_rate: this.actorOptimizer.lr,
      samples: N,
    };
    this.updates++;
    b.size = 0;
    return stats;
  }

  setLearningRate(lr: number): void {
    this.actorOptimizer.lr = lr;
    this.criticOptimizer.lr = lr;
  }

  /** GAE(λ) along each env's own transitions, newest first (update() calls it; public to inspect the rollout). */
  computeAdvantages(nextObs: (ArrayLike<number> | null | undefined)[] = []): { advantages: Float64Array; returns: Float64Array } {
    const { gamma, gaeLambda } = this.config;
    const b = this.rollout;
    const nextValue = new Map<number, number>();
    const lastGae = new Map<number, number>();
    for (let t = b.size - 1; t >= 0; t--) {
      const env = b.envs[t];
      let nextV: number;
      let carry: number;
      if (b.dones[t]) {
        nextV = b.bootValues[t];
        carry = 0;
      } else {
        if (!nextValue.has(env)) {
          const next = nextObs[env];
          if (!next) throw new Error(`update: env ${env}'s last stored step did not end an episode; pass its next observation`);
          nextValue.set(env, this.value(next));
          lastGae.set(env, 0);
        }
        nextV = nextValue.get(env)!;
        carry = lastGae.get(env)!;
      }
      const delta = b.rewards[t] + gamma * nextV - b.values[t];
      const adv = delta + gamma * gaeLambda * carry;
      b.advantages[t] = adv;
      b.returns[t] = adv + b.values[t];
      lastGae.set(env, adv);
      nextValue.set(env, b.values[t]);
    }
    return { advantages: b.advantages.subarray(0, b.size), returns: b.returns.subarray(0, b.size) };
  }

  private minibatchBuffers(size: number): Minibatch {
    if (!this.mb || this.mb.size < size) this.mb = makeMinibatch(size, this.config.obsSize, this.config.numActions);
    return this.mb;
  }
}

/** Defaults filled in and every field checked, so a bad config or checkpoint fails with the field's name. */
export function resolvePpoConfig(partial: Partial<PpoConfig> & { obsSize: number; numActions: number }): PpoConfig {
  const c = { ...PPO_CLEANRL, ...partial } as PpoConfig;
  const positiveInt = ['obsSize', 'numActions', 'numEnvs', 'numSteps', 'numMinibatches', 'updateEpochs', 'totalTimesteps'] as const;
  for (const k of positiveInt) if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`ppo config: ${k} must be a positive integer, got ${JSON.stringify(c[k])}`);
  const nonNegative = ['learningRate', 'clipCoef', 'entCoef', 'vfCoef', 'maxGradNorm', 'adamEps'] as const;
  for (const k of nonNegative) if (typeof c[k] !== 'number' || !(c[k] >= 0)) throw new Error(`ppo config: ${k} must be a number ≥ 0, got ${JSON.stringify(c[k])}`);
  for (const k of ['gamma', 'gaeLambda'] as const) if (typeof c[k] !== 'number' || !(c[k] >= 0 && c[k] <= 1)) throw new Error(`ppo config: ${k} must be in [0, 1], got ${JSON.stringify(c[k])}`);
  if (!Array.isArray(c.hidden) || !c.hidden.every((h) => Number.isInteger(h) && h >= 1)) throw new Error(`ppo config: hidden must be a list of positive integers, got ${JSON.stringify(c.hidden)}`);
  if (c.activation !== 'tanh' && c.activation !== 'relu') throw new Error(`ppo config: activation must be tanh or relu, got ${JSON.stringify(c.activation)}`);
  if (c.targetKl !== null && !(typeof c.targetKl === 'number' && c.targetKl > 0)) throw new Error(`ppo config: targetKl must be null or > 0`);
  return { ...c, hidden: [...c.hidden] };
}

/** 1 − Var(returns − values) / Var(returns): how much of the return the value head explains (NaN when returns are constant). */
export function explainedVariance(values: Float64Array, returns: Float64Array, n: number): number {
  const variance = (f: (i: number) => number) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += f(i);
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (f(i) - mean) ** 2;
    return v / n;
  };
  const varY = variance((i) => returns[i]);
  return varY === 0 ? NaN : 1 - variance((i) => returns[i] - values[i]) / varY;
}

/** One minibatch gathered from the rollout: what the two losses read, and the gradients they write. */
export interface Minibatch {
  /** Rows it has room for. */
  size: number;
  numActions: number;
  obs: Float64Array;
  mask: Uint8Array;
  actions: Int32Array;
  /** log π_old(a | s): the log-probability when the action was taken. */
  oldLogProbs: Float64Array;
  /** GAE advantages, normalized within the minibatch when normAdv. */
  advantages: Float64Array;
  /** Per-sample weights of the policy loss. */
  weights: Float64Array;
  /** V_old(s): the critic's value when acting. */
  oldValues: Float64Array;
  returns: Float64Array;
  /** Scratch: log π(· | s) under the current policy. */
  logp: Float64Array;
  /** d loss / d logits, written by clippedPolicyLoss. */
  dLogits: Float64Array;
  /** d loss / d V(s), written by clippedValueLoss. */
  dValues: Float64Array;
}

export function makeMinibatch(size: number, obsSize: number, numActions: number): Minibatch {
  return {
    size,
    numActions,
    obs: new Float64Array(size * obsSize),
    mask: new Uint8Array(size * numActions),
    actions: new Int32Array(size),
    oldLogProbs: new Float64Array(size),
    advantages: new Float64Array(size),
    weights: new Float64Array(size),
    oldValues: new Float64Array(size),
    returns: new Float64Array(size),
    logp: new Float64Array(size * numActions),
    dLogits: new Float64Array(size * numActions),
    dValues: new Float64Array(size),
  };
}

/** Copies the rollout's rows `indices` into `mb` and normalizes their advantages (mean 0, unbiased std 1, as torch.std). */
export function gatherMinibatch(rollout: RolloutBuffer, indices: Int32Array, normAdv: boolean, mb: Minibatch): void {
  const { obsSize, numActions: A } = rollout;
  const B = indices.length;
  let advMean = 0;
  for (let k = 0; k < B; k++) {
    const i = indices[k];
    mb.obs.set(rollout.obs.subarray(i * obsSize, (i + 1) * obsSize), k * obsSize);
    mb.mask.set(rollout.mask.subarray(i * A, (i + 1) * A), k * A);
    mb.actions[k] = rollout.actions[i];
    mb.oldLogProbs[k] = rollout.logProbs[i];
    mb.advantages[k] = rollout.advantages[i];
    mb.weights[k] = rollout.weights[i];
    mb.oldValues[k] = rollout.values[i];
    mb.returns[k] = rollout.returns[i];
    advMean += rollout.advantages[i];
  }
  advMean /= B;
  if (normAdv && B > 1) {
    let v = 0;
    for (let k = 0; k < B; k++) v += (mb.advantages[k] - advMean) ** 2;
    const std = Math.sqrt(v / (B - 1));
    for (let k = 0; k < B; k++) mb.advantages[k] = (mb.advantages[k] - advMean) / (std + 1e-8);
  }
}

/** The policy side of one minibatch, averaged over its rows (CleanRL's logged names in PpoStats). */
export interface PolicyLossResult {
  /** mean_k w_k · max(−A_k·ρ_k, −A_k·clip(ρ_k, 1 − ε, 1 + ε)), ρ_k = π(a_k|s_k) / π_old(a_k|s_k). */
  policyLoss: number;
  /** mean_k H(π(· | s_k)). */
  entropy: number;
  /** mean −log ρ. */
  oldApproxKl: number;
  /** mean (ρ − 1) − log ρ (Schulman's low-variance estimator). */
  approxKl: number;
  /** Share of rows with |ρ − 1| > ε. */
  clipfrac: number;
}

/**
 * PPO's clipped surrogate with the entropy bonus over rows 0…B−1 of `logits` [B × numActions]:
 * writes d(policyLoss − entCoef · entropy)/d logits into mb.dLogits (0 for masked actions, which
 * have no gradient) and returns the loss terms.
 */
export function clippedPolicyLoss(logits: Float64Array, mb: Minibatch, B: number, clipCoef: number, entCoef: number): PolicyLossResult {
  const A = mb.numActions;
  let pgLoss = 0;
  let entropy = 0;
  let oldKl = 0;
  let kl = 0;
  let clipped = 0;
  for (let k = 0; k < B; k++) {
    maskedLogSoftmax(logits, mb.mask, k, A, mb.logp);
    const a = mb.actions[k];
    const logratio = mb.logp[k * A + a] - mb.oldLogProbs[k];
    const ratio = Math.exp(logratio);
    oldKl += -logratio;
    kl += ratio - 1 - logratio;
    if (Math.abs(ratio - 1) > clipCoef) clipped++;
    const adv = mb.advantages[k];
    const w = mb.weights[k];
    const clampedRatio = Math.min(Math.max(ratio, 1 - clipCoef), 1 + clipCoef);
    const pg1 = -adv * ratio;
    const pg2 = -adv * clampedRatio;
    pgLoss += w * Math.max(pg1, pg2);
    // d(policy loss)/d(log π(a)): through whichever term is the max; the clamp has no gradient outside its range
    const dLogp = (w / B) * (pg1 >= pg2 ? -adv * ratio : clampedRatio === ratio ? -adv * ratio : 0);
    const h = entropyOfRow(mb.logp, k, A);
    entropy += h;
    for (let j = 0; j < A; j++) {
      const lp = mb.logp[k * A + j];
      if (lp === -Infinity) {
        mb.dLogits[k * A + j] = 0;
        continue;
      }
      const p = Math.exp(lp);
      // policy: dlogπ(a)/dz_j = 1[j=a] − p_j; entropy bonus: −entCoef · dH/dz_j = entCoef · p_j (log p_j + H)
      mb.dLogits[k * A + j] = dLogp * ((j === a ? 1 : 0) - p) + (entCoef / B) * p * (lp + h);
    }
  }
  return { policyLoss: pgLoss / B, entropy: entropy / B, oldApproxKl: oldKl / B, approxKl: kl / B, clipfrac: clipped / B };
}

/**
 * PPO's value loss over rows 0…B−1 of `newValues`: 0.5 · mean (V − R)², or with clipping (clipCoef
 * not null) 0.5 · mean max((V − R)², (V_old + clip(V − V_old, ±clipCoef) − R)²). Writes
 * d(vfCoef · value loss)/dV into mb.dValues and returns the value loss (without vfCoef, as logged).
 */
export function clippedValueLoss(newValues: Float64Array, mb: Minibatch, B: number, clipCoef: number | null, vfCoef: number): number {
  let vLoss = 0;
  for (let k = 0; k < B; k++) {
    const ret = mb.returns[k];
    const newV = newValues[k];
    const oldV = mb.oldValues[k];
    const unclipped = (newV - ret) ** 2;
    if (clipCoef !== null) {
      const delta = Math.min(Math.max(newV - oldV, -clipCoef), clipCoef);
      const vClipped = oldV + delta;
      const clippedSq = (vClipped - ret) ** 2;
      vLoss += 0.5 * Math.max(unclipped, clippedSq);
      mb.dValues[k] = unclipped >= clippedSq ? (vfCoef / B) * (newV - ret) : delta === newV - oldV ? (vfCoef / B) * (vClipped - ret) : 0;
    } else {
      vLoss += 0.5 * unclipped;
      mb.dValues[k] = (vfCoef / B) * (newV - ret);
    }
  }
  return vLoss / B;
}
