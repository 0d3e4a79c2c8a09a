/**
 * Seeded random numbers for the agents (and the benchmarks' generated data).
 *
 * `Rng` is xoshiro128** (128 bits of state, period 2^128 − 1), seeded through splitmix32, because a
 * training run draws far more numbers than mulberry32's 2^32 period allows. Its whole state — the four
 * words plus the spare normal deviate of Box–Muller — is `save()`d and `restore()`d exactly, which is
 * what lets a checkpointed run resume bit-identical.
 */

/** A small deterministic PRNG (mulberry32), so every benchmark run measures the same generated data. */
export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RngState {
  s: [number, number, number, number];
  /** The second deviate of the last Box–Muller pair, not yet returned (null when none is waiting). */
  spare: number | null;
}

const TWO_32 = 4294967296;

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    // splitmix32 spreads any integer seed (0 included) over the 128-bit state; all-zero is impossible.
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1), 53 bits of resolution. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  range(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`Rng.int: n must be ≥ 1, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal deviate (Box–Muller, both deviates of a pair are used). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) would be −∞
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /**
   * An index drawn with probability `probs[offset + i]` for i in [0, n). Entries that are exactly 0
   * (masked actions) are never returned, even when rounding leaves the cumulative sum short of 1.
   */
  categorical(probs: ArrayLike<number>, n = probs.length, offset = 0): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += probs[offset + i];
    if (!(total > 0)) throw new RangeError('Rng.categorical: no action has a positive probability');
    const u = this.uniform() * total;
    let acc = 0;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const p = probs[offset + i];
      if (p <= 0) continue;
      acc += p;
      last = i;
      if (u < acc) return i;
    }
    return last;
  }

  /** A uniform choice among the indices whose mask entry is non-zero (all indices when mask is null). */
  choiceMasked(n: number, mask: ArrayLike<number> | null | undefined, offset = 0): number {
    if (!mask) return this.int(n);
    let valid = 0;
    for (let i = 0; i < n; i++) if (mask[offset + i]) valid++;
    if (!valid) throw new RangeError('Rng.choiceMasked: the mask allows no action');
    let k = this.int(valid);
    for (let i = 0; i < n; i++) if (mask[offset + i] && k-- === 0) return i;
    throw new Error('unreachable');
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T, n = a.length): T {
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  save(): RngState {
    return { s: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spare: this.spare };
  }

  restore(state: RngState): this {
    if (!state || !Array.isArray(state.s) || state.s.length !== 4 || !state.s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_32)) {
      throw new Error('rng state: expected s = four unsigned 32-bit integers');
    }
    if (state.s.every((w) => w === 0)) throw new Error('rng state: all-zero state is invalid for xoshiro128**');
    if (state.spare !== null && typeof state.spare !== 'number') throw new Error('rng state: spare must be a number or null');
    [this.a, this.b, this.c, this.d] = state.s;
    this.spare = state.spare;
    return this;
  }

  static fromState(state: RngState): Rng {
    return new Rng(0).restore(state);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
