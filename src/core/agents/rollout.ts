/**
 * PPO's rollout: the transitions gathered since the last update, in flat arrays that grow (by
 * doubling) only past the expected batch size, plus the advantages and returns GAE writes into them.
 * Like the replay buffer it serializes itself exactly (base64 of the typed arrays) for checkpoints.
 */
import { decodeInto, encodeTyped } from './binary';

export interface RolloutJson {
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

export class RolloutBuffer {
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
    readonly obsSize: number,
    readonly numActions: number,
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
