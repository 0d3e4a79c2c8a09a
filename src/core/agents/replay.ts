/**
 * Experience replay for DQN: a ring buffer of transitions, sampled uniformly or by priority.
 *
 * Prioritized replay (Schaul et al. 2016, proportional variant) samples transition i with
 *   P(i) = (p_i + ε)^ω / Σ_k (p_k + ε)^ω,          ω = 0.7 by default
 * and weights its loss by the importance-sampling correction
 *   w_i = (N · P(i))^−β / max_k w_k,               β annealed from β0 to 1 over training,
 * where max_k runs over every stored transition (the smallest P), as in OpenAI baselines, so weights
 * are comparable across batches. p_i comes from one of two sources (`priority`):
 *   'td'     — |TD error| of the last time i was trained on (standard PER; new transitions get the
 *              largest priority seen so far, so each is replayed at least about once);
 *   'reward' — the transition's reward, as the DeepSeek write-up states P(i) ∝ (r_i + ε)^ω. Negative
 *              rewards are clamped to 0 (lowest priority ε^ω). Priorities then never change.
 * Sums and minima are kept in two segment trees, so sampling and updates are O(log N).
 */
import { decodeInto, encodeTyped } from './binary';
import type { Rng } from '../shared/rng';

export type PriorityMode = 'uniform' | 'td' | 'reward';

export interface ReplayConfig {
  capacity: number;
  obsSize: number;
  numActions: number;
  priority: PriorityMode;
  /** ω: how strongly priorities skew sampling (0 = uniform). */
  alpha: number;
  /** ε added to every priority so none is zero. */
  priorityEps: number;
}

export const REPLAY_DEFAULTS = { priority: 'td' as PriorityMode, alpha: 0.7, priorityEps: 0.01 };

/** A sampled batch; the arrays are the buffer's own and are overwritten by the next sample(). */
export interface ReplayBatch {
  size: number;
  indices: Int32Array;
  obs: Float64Array;
  actions: Int32Array;
  rewards: Float64Array;
  nextObs: Float64Array;
  terminated: Uint8Array;
  /** Actions allowed in the next state [size × numActions] (1 = allowed). */
  nextMask: Uint8Array;
  /** Importance-sampling weights (all 1 for uniform replay). */
  weights: Float64Array;
}

export class ReplayBuffer {
  readonly config: ReplayConfig;
  size = 0;
  /** Where the next transition goes (the oldest is overwritten once full). */
  cursor = 0;
  private readonly obs: Float64Array;
  private readonly nextObs: Float64Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float64Array;
  private readonly terminated: Uint8Array;
  private readonly nextMask: Uint8Array;
  private readonly sum: SumTree | null;
  private readonly min: MinTree | null;
  /** Largest raw priority seen (TD mode: what new transitions get). */
  maxPriority = 1;
  private batch: ReplayBatch | null = null;

  constructor(config: Partial<ReplayConfig> & { capacity: number; obsSize: number; numActions: number }) {
    const c = { ...REPLAY_DEFAULTS, ...config };
    if (!Number.isInteger(c.capacity) || c.capacity < 1) throw new Error(`replay: capacity must be a positive integer, got ${c.capacity}`);
    if (!['uniform', 'td', 'reward'].includes(c.priority)) throw new Error(`replay: priority must be uniform, td or reward, got ${JSON.stringify(c.priority)}`);
    if (!(c.alpha >= 0)) throw new Error(`replay: alpha must be ≥ 0, got ${c.alpha}`);
    if (!(c.priorityEps > 0)) throw new Error(`replay: priorityEps must be > 0, got ${c.priorityEps}`);
    this.config = c;
    const { capacity, obsSize, numActions } = c;
    this.obs = new Float64Array(capacity * obsSize);
    this.nextObs = new Float64Array(capacity * obsSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float64Array(capacity);
    this.terminated = new Uint8Array(capacity);
    this.nextMask = new Uint8Array(capacity * numActions);
    this.sum = c.priority === 'uniform' ? null : new SumTree(capacity);
    this.min = c.priority === 'uniform' ? null : new MinTree(capacity);
  }

  get prioritized(): boolean {
    return this.sum !== null;
  }

  /** Adds one transition; `nextMask` null means every action is allowed next. */
  add(obs: ArrayLike<number>, action: number, reward: number, nextObs: ArrayLike<number>, terminated: boolean, nextMask: ArrayLike<number> | null = null): void {
    const { obsSize, numActions, capacity } = this.config;
    if (obs.length !== obsSize || nextObs.length !== obsSize) throw new RangeError(`replay.add: observations must have ${obsSize} values`);
    if (!Number.isFinite(reward)) throw new RangeError(`replay.add: reward ${reward} is not finite`);
    const i = this.cursor;
    for (let k = 0; k < obsSize; k++) {
      this.obs[i * obsSize + k] = obs[k];
      this.nextObs[i * obsSize + k] = nextObs[k];
    }
    this.actions[i] = action;
    this.rewards[i] = reward;
    this.terminated[i] = terminated ? 1 : 0;
    for (let k = 0; k < numActions; k++) this.nextMask[i * numActions + k] = nextMask ? (nextMask[k] ? 1 : 0) : 1;
    if (this.sum) this.setPriority(i, this.config.priority === 'reward' ? Math.max(0, reward) : this.maxPriority);
    this.cursor = (i + 1) % capacity;
    this.size = Math.min(this.size + 1, capacity);
  }

  /** P(i) of a stored transition (1/size for uniform replay). */
  probability(i: number): number {
    if (!this.sum) return 1 / this.size;
    return this.sum.get(i) / this.sum.total;
  }

  /**
   * Draws `batchSize` transitions (with replacement). Prioritized: stratified, one draw from each of
   * batchSize equal slices of the total priority mass, as in the PER paper.
   */
  sample(batchSize: number, rng: Rng, beta = 1): ReplayBatch {
    if (!this.size) throw new Error('replay.sample: the buffer is empty');
    const b = this.batchBuffers(batchSize);
    const { obsSize, numActions } = this.config;
    if (this.sum && this.min) {
      const total = this.sum.total;
      const segment = total / batchSize;
      // the largest weight belongs to the smallest probability
      const maxWeight = Math.pow(this.size * (this.min.min / total), -beta);
      for (let k = 0; k < batchSize; k++) {
        const i = this.sum.find(Math.min((k + rng.uniform()) * segment, total * (1 - 1e-12)), this.size);
        b.indices[k] = i;
        b.weights[k] = Math.pow(this.size * (this.sum.get(i) / total), -beta) / maxWeight;
      }
    } else {
      for (let k = 0; k < batchSize; k++) {
        b.indices[k] = rng.int(this.size);
        b.weights[k] = 1;
      }
    }
    for (let k = 0; k < batchSize; k++) {
      const i = b.indices[k];
      b.obs.set(this.obs.subarray(i * obsSize, (i + 1) * obsSize), k * obsSize);
      b.nextObs.set(this.nextObs.subarray(i * obsSize, (i + 1) * obsSize), k * obsSize);
      b.actions[k] = this.actions[i];
      b.rewards[k] = this.rewards[i];
      b.terminated[k] = this.terminated[i];
      b.nextMask.set(this.nextMask.subarray(i * numActions, (i + 1) * numActions), k * numActions);
    }
    b.size = batchSize;
    return b;
  }

  /** TD mode: new priorities |δ_i| for the transitions just trained on (ignored in the other modes). */
  updatePriorities(indices: ArrayLike<number>, tdErrors: ArrayLike<number>, n = indices.length): void {
    if (this.config.priority !== 'td') return;
    for (let k = 0; k < n; k++) {
      const p = Math.abs(tdErrors[k]);
      if (!Number.isFinite(p)) throw new RangeError(`replay: TD error ${tdErrors[k]} is not finite`);
      this.setPriority(indices[k], p);
      if (p > this.maxPriority) this.maxPriority = p;
    }
  }

  private setPriority(i: number, raw: number): void {
    const p = Math.pow(raw + this.config.priorityEps, this.config.alpha);
    this.sum!.set(i, p);
    this.min!.set(i, p);
  }

  private batchBuffers(n: number): ReplayBatch {
    if (this.batch && this.batch.indices.length === n) return this.batch;
    const { obsSize, numActions } = this.config;
    this.batch = {
      size: n,
      indices: new Int32Array(n),
      obs: new Float64Array(n * obsSize),
      actions: new Int32Array(n),
      rewards: new Float64Array(n),
      nextObs: new Float64Array(n * obsSize),
      terminated: new Uint8Array(n),
      nextMask: new Uint8Array(n * numActions),
      weights: new Float64Array(n),
    };
    return this.batch;
  }

  toJSON(): ReplayJson {
    const n = this.size;
    const { obsSize, numActions } = this.config;
    return {
      config: this.config,
      size: n,
      cursor: this.cursor,
      maxPriority: this.maxPriority,
      obs: encodeTyped(this.obs, n * obsSize),
      nextObs: encodeTyped(this.nextObs, n * obsSize),
      actions: encodeTyped(this.actions, n),
      rewards: encodeTyped(this.rewards, n),
      terminated: encodeTyped(this.terminated, n),
      nextMask: encodeTyped(this.nextMask, n * numActions),
      priorities: this.sum ? encodeTyped(this.sum.leaves(), n) : null,
    };
  }

  static fromJSON(json: ReplayJson, where = 'replay'): ReplayBuffer {
    if (!json || typeof json.config !== 'object') throw new Error(`${where}: missing "config"`);
    const r = new ReplayBuffer(json.config);
    const { capacity, obsSize, numActions } = r.config;
    if (!Number.isInteger(json.size) || json.size < 0 || json.size > capacity) throw new Error(`${where}.size: expected an integer in [0, ${capacity}]`);
    if (!Number.isInteger(json.cursor) || json.cursor < 0 || json.cursor >= capacity || (json.size < capacity && json.cursor !== json.size)) throw new Error(`${where}.cursor: inconsistent with size`);
    if (!(json.maxPriority > 0)) throw new Error(`${where}.maxPriority: expected a positive number`);
    const n = json.size;
    decodeInto(json.obs, r.obs, `${where}.obs`, n * obsSize);
    decodeInto(json.nextObs, r.nextObs, `${where}.nextObs`, n * obsSize);
    decodeInto(json.actions, r.actions, `${where}.actions`, n);
    decodeInto(json.rewards, r.rewards, `${where}.rewards`, n);
    decodeInto(json.terminated, r.terminated, `${where}.terminated`, n);
    decodeInto(json.nextMask, r.nextMask, `${where}.nextMask`, n * numActions);
    for (let i = 0; i < n; i++) if (r.actions[i] < 0 || r.actions[i] >= numActions) throw new Error(`${where}.actions: action ${r.actions[i]} at ${i} is out of range`);
    if (r.sum) {
      const p = decodeInto(json.priorities, new Float64Array(n), `${where}.priorities`);
      for (let i = 0; i < n; i++) {
        if (!(p[i] > 0)) throw new Error(`${where}.priorities: value ${i} is not positive`);
        r.sum.set(i, p[i]);
        r.min!.set(i, p[i]);
      }
    }
    r.size = n;
    r.cursor = json.cursor;
    r.maxPriority = json.maxPriority;
    return r;
  }
}

export interface ReplayJson {
  config: ReplayConfig;
  size: number;
  cursor: number;
  maxPriority: number;
  obs: string;
  nextObs: string;
  actions: string;
  rewards: string;
  terminated: string;
  nextMask: string;
  /** The stored (p + ε)^ω of each transition; null for uniform replay. */
  priorities: string | null;
}

/** A binary tree over `capacity` leaves whose inner nodes combine their two children (sum, min). */
abstract class SegmentTree {
  protected readonly n: number;
  protected readonly tree: Float64Array;

  constructor(readonly capacity: number, empty: number) {
    let n = 1;
    while (n < capacity) n *= 2;
    this.n = n;
    this.tree = new Float64Array(2 * n).fill(empty);
  }

  protected abstract combine(a: number, b: number): number;

  set(i: number, value: number): void {
    let node = this.n + i;
    this.tree[node] = value;
    for (node >>= 1; node >= 1; node >>= 1) this.tree[node] = this.combine(this.tree[2 * node], this.tree[2 * node + 1]);
  }
}

/** Inner nodes hold the sum of their children: sampling in proportion to the leaves. */
export class SumTree extends SegmentTree {
  constructor(capacity: number) {
    super(capacity, 0);
  }

  protected combine(a: number, b: number): number {
    return a + b;
  }

  get total(): number {
    return this.tree[1];
  }

  get(i: number): number {
    return this.tree[this.n + i];
  }

  /** The leaf where the running sum of leaves passes `mass` (0 ≤ mass < total), below `limit`. */
  find(mass: number, limit = this.capacity): number {
    let node = 1;
    while (node < this.n) {
      const left = 2 * node;
      if (mass < this.tree[left]) node = left;
      else {
        mass -= this.tree[left];
        node = left + 1;
      }
    }
    // rounding can walk one past the last filled leaf; step back to a leaf with mass
    let i = node - this.n;
    if (i >= limit) i = limit - 1;
    while (i > 0 && this.tree[this.n + i] === 0) i--;
    return i;
  }

  leaves(): Float64Array {
    return this.tree.subarray(this.n, this.n + this.capacity);
  }
}

/** Inner nodes hold the minimum of their children (empty leaves are +∞): the largest IS weight. */
export class MinTree extends SegmentTree {
  constructor(capacity: number) {
    super(capacity, Infinity);
  }

  protected combine(a: number, b: number): number {
    return Math.min(a, b);
  }

  get min(): number {
    return this.tree[1];
  }
}
