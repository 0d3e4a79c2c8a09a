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
import { decodeInto, encodeTyped } from './binary';
import { Adam, type AdamJson, type Activation, clipGradNorm, entropyOfRow, maskedArgmax, maskedLogSoftmax, Mlp, type MlpJson } from './nn';
import { Rng, type RngState } from '../shared/rng';

/** CleanRL ppo.py's defaults (CartPole-v1), in one place. */
export const PPO_DEFAULTS = {
  learningRate: 2.5e-4,
  numEnvs: 4,
  numSteps: 128,
  /** Only used for learning-rate annealing: lr goes linearly to 0 over totalTimesteps / batchSize updates. */
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
  /** Stop the epochs of one update early once approx_kl exceeds this (null: never). */
  targetKl: null as number | null,
  hidden: [64, 64] as number[],
  activation: 'tanh' as Activation,
  adamEps: 1e-5,
};

export type PpoConfig = typeof PPO_DEFAULTS & { obsSize: number; numActions: number };

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
  private readonly buf: RolloutBuffer;
  private readonly logpRow: Float64Array;

  constructor(config: Partial<PpoConfig> & { obsSize: number; numActions: number }, seed = 1) {
    this.config = resolvePpoConfig(config);
    const { obsSize, numActions, hidden, activation } = this.config;
    this.rng = new Rng(seed);
    // CleanRL's layer_init: orthogonal √2 for hidden layers, 0.01 for the policy head, 1 for the value head
    this.actor = new Mlp([obsSize, ...hidden, numActions], { activation, hiddenGain: Math.SQRT2, outputGain: 0.01 }, this.rng);
    this.critic = new Mlp([obsSize, ...hidden, 1], { activation, hiddenGain: Math.SQRT2, outputGain: 1 }, this.rng);
    this.actorOptimizer = new Adam(this.actor, { lr: this.config.learningRate, eps: this.config.adamEps });
    this.criticOptimizer = new Adam(this.critic, { lr: this.config.learningRate, eps: this.config.adamEps });
    this.buf = new RolloutBuffer(obsSize, numActions, this.batchSize);
    this.logpRow = new Float64Array(numActions);
  }

  /** Transitions per update in CleanRL's terms: numEnvs × numSteps. */
  get batchSize(): number {
    return this.config.numEnvs * this.config.numSteps;
  }

  /** Transitions stored since the last update. */
  get stored(): number {
    return this.buf.size;
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
    this.buf.push(t.env ?? 0, t.obs, t.mask ?? null, t.action, t.logProb, value, t.reward, t.terminated || truncated, boot, t.weight ?? 1);
  }

  /** Drops the stored rollout without learning from it. */
  clear(): void {
    this.buf.size = 0;
  }

  /**
   * One PPO update on everything stored, then clears the rollout. `nextObs[env]` is the observation
   * after each env's last stored step (needed only for envs whose last step did not end an episode).
   */
  update(nextObs: (ArrayLike<number> | null | undefined)[] = []): PpoStats {
    const c = this.config;
    const b = this.buf;
    const N = b.size;
    if (!N) throw new Error('update: no transitions stored');
    if (c.annealLr) {
      const iterations = Math.max(1, Math.floor(c.totalTimesteps / this.batchSize));
      this.setLearningRate(Math.max(0, 1 - this.updates / iterations) * c.learningRate);
    }
    this.computeAdvantages(nextObs);

    const A = c.numActions;
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
        // gather the minibatch
        let advMean = 0;
        for (let k = 0; k < B; k++) {
          const i = inds[start + k];
          mb.obs.set(b.obs.subarray(i * c.obsSize, (i + 1) * c.obsSize), k * c.obsSize);
          mb.mask.set(b.mask.subarray(i * A, (i + 1) * A), k * A);
          mb.adv[k] = b.advantages[i];
          advMean += b.advantages[i];
        }
        advMean /= B;
        if (c.normAdv && B > 1) {
          let v = 0;
          for (let k = 0; k < B; k++) v += (mb.adv[k] - advMean) ** 2;
          const std = Math.sqrt(v / (B - 1)); // torch.std is unbiased
          for (let k = 0; k < B; k++) mb.adv[k] = (mb.adv[k] - advMean) / (std + 1e-8);
        }

        const logits = this.actor.forward(mb.obs, B);
        const newValues = this.critic.forward(mb.obs, B);
        let pgLoss = 0;
        let vLoss = 0;
        let entropy = 0;
        let oldKl = 0;
        let kl = 0;
        let clipped = 0;
        for (let k = 0; k < B; k++) {
          const i = inds[start + k];
          maskedLogSoftmax(logits, mb.mask, k, A, mb.logp);
          const a = b.actions[i];
          const logratio = mb.logp[k * A + a] - b.logProbs[i];
          const ratio = Math.exp(logratio);
          oldKl += -logratio;
          kl += ratio - 1 - logratio;
          if (Math.abs(ratio - 1) > c.clipCoef) clipped++;
          const adv = mb.adv[k];
          const w = b.weights[i];
          const clampedRatio = Math.min(Math.max(ratio, 1 - c.clipCoef), 1 + c.clipCoef);
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
            mb.dLogits[k * A + j] = dLogp * ((j === a ? 1 : 0) - p) + (c.entCoef / B) * p * (lp + h);
          }

          const ret = b.returns[i];
          const newV = newValues[k];
          const oldV = b.values[i];
          const unclipped = (newV - ret) ** 2;
          if (c.clipVloss) {
            const delta = Math.min(Math.max(newV - oldV, -c.clipCoef), c.clipCoef);
            const vClipped = oldV + delta;
            const clippedSq = (vClipped - ret) ** 2;
            vLoss += 0.5 * Math.max(unclipped, clippedSq);
            mb.dValues[k] = unclipped >= clippedSq ? (c.vfCoef / B) * (newV - ret) : delta === newV - oldV ? (c.vfCoef / B) * (vClipped - ret) : 0;
          } else {
            vLoss += 0.5 * unclipped;
            mb.dValues[k] = (c.vfCoef / B) * (newV - ret);
          }
        }
        this.actor.zeroGrad();
        this.critic.zeroGrad();
        this.actor.backward(mb.dLogits, B);
        this.critic.backward(mb.dValues, B);
        clipGradNorm([this.actor.grads, this.critic.grads], c.maxGradNorm);
        this.actorOptimizer.step();
        this.criticOptimizer.step();

        sums.pg += pgLoss / B;
        sums.v += vLoss / B;
        sums.ent += entropy / B;
        sums.oldKl += oldKl / B;
        sums.kl += kl / B;
        sums.clip += clipped / B;
        sums.count++;
        lastKl = kl / B;
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
    const b = this.buf;
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

  private mb?: ReturnType<typeof makeMinibatch>;
  private minibatchBuffers(size: number) {
    if (!this.mb || this.mb.size < size) this.mb = makeMinibatch(size, this.config.obsSize, this.config.numActions);
    return this.mb;
  }

  toJSON(): PpoJson {
    return {
      kind: 'ppo',
      config: this.config,
      updates: this.updates,
      rng: this.rng.save(),
      actor: this.actor.toJSON(),
      critic: this.critic.toJSON(),
      actorOptimizer: this.actorOptimizer.toJSON(),
      criticOptimizer: this.criticOptimizer.toJSON(),
      rollout: this.buf.toJSON(),
    };
  }

  static fromJSON(json: PpoJson, where = 'ppo'): Ppo {
    if (!json || json.kind !== 'ppo') throw new Error(`${where}: not a PPO state (kind ${JSON.stringify(json?.kind)})`);
    const ppo = new Ppo(json.config, 0);
    const load = (net: Mlp, j: MlpJson, name: string) => {
      const other = Mlp.fromJSON(j, `${where}.${name}`);
      net.copyFrom(other);
    };
    load(ppo.actor, json.actor, 'actor');
    load(ppo.critic, json.critic, 'critic');
    ppo.actorOptimizer.restore(json.actorOptimizer, `${where}.actorOptimizer`);
    ppo.criticOptimizer.restore(json.criticOptimizer, `${where}.criticOptimizer`);
    ppo.rng.restore(json.rng);
    if (!Number.isInteger(json.updates) || json.updates < 0) throw new Error(`${where}.updates: expected a non-negative integer`);
    ppo.updates = json.updates;
    ppo.buf.restore(json.rollout, `${where}.rollout`);
    return ppo;
  }
}

export interface PpoJson {
  kind: 'ppo';
  config: PpoConfig;
  updates: number;
  rng: RngState;
  actor: MlpJson;
  critic: MlpJson;
  actorOptimizer: AdamJson;
  criticOptimizer: AdamJson;
  rollout: RolloutJson;
}

/** Defaults filled in and every field checked, so a bad config or checkpoint fails with the field's name. */
export function resolvePpoConfig(partial: Partial<PpoConfig> & { obsSize: number; numActions: number }): PpoConfig {
  const c = { ...PPO_DEFAULTS, ...partial } as PpoConfig;
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

export function checkMask(mask: ArrayLike<number> | null | undefined, n: number): void {
  if (!mask) return;
  if (mask.length !== n) throw new RangeError(`mask has ${mask.length} entries, expected one per action (${n})`);
  for (let i = 0; i < n; i++) if (mask[i]) return;
  throw new RangeError('mask allows no action');
}

function makeMinibatch(size: number, obsSize: number, numActions: number) {
  return {
    size,
    obs: new Float64Array(size * obsSize),
    mask: new Uint8Array(size * numActions),
    adv: new Float64Array(size),
    logp: new Float64Array(size * numActions),
    dLogits: new Float64Array(size * numActions),
    dValues: new Float64Array(size),
  };
}

interface RolloutJson {
  size: number;
  envs: string;
  obs: string;
  mask: string;
  actions: string;
  logProbs: string;
  values: string;
  rewards: string;
  dones: string;
  bootValues: string;
  weights: string;
}

/** The transitions of one rollout, in flat arrays that grow (by doubling) only past the expected batch size. */
class RolloutBuffer {
  size = 0;
  private capacity = 0;
  envs = new Int32Array(0);
  obs = new Float64Array(0);
  mask = new Uint8Array(0);
  actions = new Int32Array(0);
  logProbs = new Float64Array(0);
  values = new Float64Array(0);
  rewards = new Float64Array(0);
  dones = new Uint8Array(0);
  bootValues = new Float64Array(0);
  weights = new Float64Array(0);
  advantages = new Float64Array(0);
  returns = new Float64Array(0);

  constructor(
    private readonly obsSize: number,
    private readonly numActions: number,
    capacity: number,
  ) {
    this.grow(capacity);
  }

  private grow(capacity: number): void {
    const grown = <T extends Float64Array | Int32Array | Uint8Array>(old: T, make: (n: number) => T, width: number): T => {
      const next = make(capacity * width);
      next.set(old.subarray(0, this.size * width) as never);
      return next;
    };
    this.envs = grown(this.envs, (n) => new Int32Array(n), 1);
    this.obs = grown(this.obs, (n) => new Float64Array(n), this.obsSize);
    this.mask = grown(this.mask, (n) => new Uint8Array(n), this.numActions);
    this.actions = grown(this.actions, (n) => new Int32Array(n), 1);
    this.logProbs = grown(this.logProbs, (n) => new Float64Array(n), 1);
    this.values = grown(this.values, (n) => new Float64Array(n), 1);
    this.rewards = grown(this.rewards, (n) => new Float64Array(n), 1);
    this.dones = grown(this.dones, (n) => new Uint8Array(n), 1);
    this.bootValues = grown(this.bootValues, (n) => new Float64Array(n), 1);
    this.weights = grown(this.weights, (n) => new Float64Array(n), 1);
    this.advantages = new Float64Array(capacity);
    this.returns = new Float64Array(capacity);
    this.capacity = capacity;
  }

  push(env: number, obs: ArrayLike<number>, mask: ArrayLike<number> | null, action: number, logProb: number, value: number, reward: number, done: boolean, boot: number, weight: number): void {
    if (obs.length !== this.obsSize) throw new RangeError(`store: observation has ${obs.length} values, expected ${this.obsSize}`);
    if (!Number.isInteger(env) || env < 0) throw new RangeError(`store: env must be a non-negative integer, got ${env}`);
    if (this.size === this.capacity) this.grow(this.capacity * 2);
    const i = this.size++;
    this.envs[i] = env;
    for (let k = 0; k < this.obsSize; k++) this.obs[i * this.obsSize + k] = obs[k];
    for (let k = 0; k < this.numActions; k++) this.mask[i * this.numActions + k] = mask ? (mask[k] ? 1 : 0) : 1;
    this.actions[i] = action;
    this.logProbs[i] = logProb;
    this.values[i] = value;
    this.rewards[i] = reward;
    this.dones[i] = done ? 1 : 0;
    this.bootValues[i] = boot;
    this.weights[i] = weight;
  }

  toJSON(): RolloutJson {
    const n = this.size;
    return {
      size: n,
      envs: encodeTyped(this.envs, n),
      obs: encodeTyped(this.obs, n * this.obsSize),
      mask: encodeTyped(this.mask, n * this.numActions),
      actions: encodeTyped(this.actions, n),
      logProbs: encodeTyped(this.logProbs, n),
      values: encodeTyped(this.values, n),
      rewards: encodeTyped(this.rewards, n),
      dones: encodeTyped(this.dones, n),
      bootValues: encodeTyped(this.bootValues, n),
      weights: encodeTyped(this.weights, n),
    };
  }

  restore(json: RolloutJson, where: string): void {
    if (!json || !Number.isInteger(json.size) || json.size < 0) throw new Error(`${where}.size: expected a non-negative integer`);
    const n = json.size;
    if (n > this.capacity) this.grow(n);
    decodeInto(json.envs, this.envs, `${where}.envs`, n);
    decodeInto(json.obs, this.obs, `${where}.obs`, n * this.obsSize);
    decodeInto(json.mask, this.mask, `${where}.mask`, n * this.numActions);
    decodeInto(json.actions, this.actions, `${where}.actions`, n);
    decodeInto(json.logProbs, this.logProbs, `${where}.logProbs`, n);
    decodeInto(json.values, this.values, `${where}.values`, n);
    decodeInto(json.rewards, this.rewards, `${where}.rewards`, n);
    decodeInto(json.dones, this.dones, `${where}.dones`, n);
    decodeInto(json.bootValues, this.bootValues, `${where}.bootValues`, n);
    decodeInto(json.weights, this.weights, `${where}.weights`, n);
    this.size = n;
  }
}
