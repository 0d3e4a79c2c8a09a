/**
 * Small dense networks for CPU training: an MLP with manual backprop, Adam, global grad-norm clipping,
 * and the masked (log-)softmax that discrete policies with invalid actions need.
 *
 * Parameters and gradients each live in ONE flat Float64Array per network, so Adam, clipping, target
 * network copies and checkpoints are plain loops over one array. Activations are cached per layer in
 * buffers that grow only when a larger batch arrives: the hot loops allocate nothing.
 *
 * Layout of layer l (in = sizes[l], out = sizes[l+1]): W row-major [out][in] (as torch's nn.Linear and
 * ONNX Gemm with transB = 1), then b [out].
 */
import { decodeInto, encodeTyped } from './binary';
import type { Rng } from '../shared/rng';

export type Activation = 'tanh' | 'relu';
/** `orthogonal`: CleanRL's layer_init (orthogonal weights × gain, zero bias). `torch-default`: nn.Linear's own U(±1/√in). */
export type Init = 'orthogonal' | 'torch-default';

export interface MlpOptions {
  activation: Activation;
  init?: Init;
  /** Gain of the hidden layers' orthogonal init (CleanRL: √2). */
  hiddenGain?: number;
  /** Gain of the output layer's orthogonal init (CleanRL: 0.01 for the actor, 1 for the critic). */
  outputGain?: number;
}

export interface MlpJson {
  sizes: number[];
  activation: Activation;
  params: string;
}

export class Mlp {
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly wOff: number[] = [];
  private readonly bOff: number[] = [];
  /** acts[0] = the input, acts[l] = output of layer l (after its activation; the last layer is linear). */
  private acts: Float64Array[] = [];
  /** Gradient w.r.t. each layer's output, same shapes as acts. */
  private deltas: Float64Array[] = [];
  private capacity = 0;

  constructor(sizes: readonly number[], options: MlpOptions, rng: Rng | null) {
    if (sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s >= 1)) throw new Error(`Mlp: sizes must be ≥ 2 positive integers, got [${sizes.join(', ')}]`);
    this.sizes = [...sizes];
    this.activation = options.activation;
    this.inputSize = sizes[0];
    this.outputSize = sizes[sizes.length - 1];
    let n = 0;
    for (let l = 0; l < sizes.length - 1; l++) {
      this.wOff.push(n);
      n += sizes[l] * sizes[l + 1];
      this.bOff.push(n);
      n += sizes[l + 1];
    }
    this.params = new Float64Array(n);
    this.grads = new Float64Array(n);
    if (rng) this.initialize(options, rng);
  }

  get layers(): number {
    return this.sizes.length - 1;
  }

  /** Views of layer l's weight [out × in] and bias [out] inside `params` (for export and tests). */
  layer(l: number): { inSize: number; outSize: number; weight: Float64Array; bias: Float64Array } {
    const inSize = this.sizes[l];
    const outSize = this.sizes[l + 1];
    return {
      inSize,
      outSize,
      weight: this.params.subarray(this.wOff[l], this.wOff[l] + inSize * outSize),
      bias: this.params.subarray(this.bOff[l], this.bOff[l] + outSize),
    };
  }

  private initialize(options: MlpOptions, rng: Rng): void {
    const init = options.init ?? 'orthogonal';
    for (let l = 0; l < this.layers; l++) {
      const { inSize, outSize, weight, bias } = this.layer(l);
      if (init === 'orthogonal') {
        const gain = l === this.layers - 1 ? options.outputGain ?? 1 : options.hiddenGain ?? Math.SQRT2;
        orthogonal(weight, outSize, inSize, gain, rng);
        bias.fill(0);
      } else {
        const bound = 1 / Math.sqrt(inSize);
        for (let i = 0; i < weight.length; i++) weight[i] = rng.range(-bound, bound);
        for (let i = 0; i < bias.length; i++) bias[i] = rng.range(-bound, bound);
      }
    }
  }

  private ensureCapacity(batch: number): void {
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, this.capacity * 2);
    this.acts = this.sizes.map((s) => new Float64Array(cap * s));
    this.deltas = this.sizes.map((s) => new Float64Array(cap * s));
    this.capacity = cap;
  }

  /**
   * Forward pass of `batch` rows of `input` (row-major [batch × inputSize]). Returns the network's own
   * output buffer [batch × outputSize] (read it before the next forward), and keeps the activations
   * that the next `backward` uses.
   */
  forward(input: ArrayLike<number>, batch: number, inputOffset = 0): Float64Array {
    this.ensureCapacity(batch);
    const x0 = this.acts[0];
    const n0 = batch * this.inputSize;
    for (let i = 0; i < n0; i++) x0[i] = input[inputOffset + i];
    const act = this.activation === 'tanh' ? 1 : 2;
    for (let l = 0; l < this.layers; l++) {
      const inSize = this.sizes[l];
      const outSize = this.sizes[l + 1];
      const w = this.params.subarray(this.wOff[l], this.wOff[l] + inSize * outSize);
      const bias = this.params.subarray(this.bOff[l], this.bOff[l] + outSize);
      linearForward(w, bias, this.acts[l], this.acts[l + 1], batch, inSize, outSize, l < this.layers - 1 ? act : 0);
    }
    return this.acts[this.layers];
  }

  /**
   * Backward pass for the last `forward`: `gradOut` [batch × outputSize] is dLoss/dOutput. Parameter
   * gradients are ADDED to `grads` (call zeroGrad first), so several losses can share one pass.
   */
  backward(gradOut: ArrayLike<number>, batch: number): void {
    const tanh = this.activation === 'tanh';
    const top = this.deltas[this.layers];
    for (let i = 0; i < batch * this.outputSize; i++) top[i] = gradOut[i];
    for (let l = this.layers - 1; l >= 0; l--) {
      const inSize = this.sizes[l];
      const outSize = this.sizes[l + 1];
      const x = this.acts[l];
      const dx = this.deltas[l];
      const w = this.params.subarray(this.wOff[l], this.wOff[l] + inSize * outSize);
      const gw = this.grads.subarray(this.wOff[l], this.wOff[l] + inSize * outSize);
      const gb = this.grads.subarray(this.bOff[l], this.bOff[l] + outSize);
      linearBackward(w, gw, gb, x, this.deltas[l + 1], l > 0 ? dx : null, batch, inSize, outSize);
      if (l > 0) {
        // through the activation of layer l−1, whose output is x
        const n = batch * inSize;
        if (tanh) for (let i = 0; i < n; i++) dx[i] *= 1 - x[i] * x[i];
        else for (let i = 0; i < n; i++) if (x[i] <= 0) dx[i] = 0;
      }
    }
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /** Hard copy of another network's weights (a DQN target network update with τ = 1). */
  copyFrom(other: Mlp): void {
    this.checkSameShape(other);
    this.params.set(other.params);
  }

  /** θ ← τ·θ_other + (1 − τ)·θ (soft target update). */
  softUpdateFrom(other: Mlp, tau: number): void {
    this.checkSameShape(other);
    const a = this.params;
    const b = other.params;
    for (let i = 0; i < a.length; i++) a[i] = tau * b[i] + (1 - tau) * a[i];
  }

  private checkSameShape(other: Mlp): void {
    if (other.sizes.join() !== this.sizes.join()) throw new Error(`Mlp shapes differ: [${other.sizes}] vs [${this.sizes}]`);
  }

  toJSON(): MlpJson {
    return { sizes: [...this.sizes], activation: this.activation, params: encodeFloats(this.params) };
  }

  static fromJSON(json: MlpJson, where = 'network'): Mlp {
    if (!json || !Array.isArray(json.sizes)) throw new Error(`${where}: missing "sizes"`);
    if (json.activation !== 'tanh' && json.activation !== 'relu') throw new Error(`${where}: "activation" must be tanh or relu, got ${JSON.stringify(json.activation)}`);
    const net = new Mlp(json.sizes, { activation: json.activation }, null);
    net.params.set(decodeFloats(json.params, net.params.length, `${where}.params`));
    return net;
  }
}

/**
 * y = act(x·Wᵀ + b) for a batch. Four rows at a time share each weight load: about twice as fast as
 * the plain triple loop in V8. act: 0 = identity, 1 = tanh, 2 = relu.
 */
function linearForward(w: Float64Array, bias: Float64Array, x: Float64Array, y: Float64Array, batch: number, inSize: number, outSize: number, act: number): void {
  let b = 0;
  for (; b + 4 <= batch; b += 4) {
    const x0 = b * inSize;
    const x1 = x0 + inSize;
    const x2 = x1 + inSize;
    const x3 = x2 + inSize;
    const y0 = b * outSize;
    for (let o = 0; o < outSize; o++) {
      const row = o * inSize;
      let s0 = bias[o];
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      for (let i = 0; i < inSize; i++) {
        const wi = w[row + i];
        s0 += wi * x[x0 + i];
        s1 += wi * x[x1 + i];
        s2 += wi * x[x2 + i];
        s3 += wi * x[x3 + i];
      }
      if (act === 1) {
        s0 = Math.tanh(s0);
        s1 = Math.tanh(s1);
        s2 = Math.tanh(s2);
        s3 = Math.tanh(s3);
      } else if (act === 2) {
        s0 = s0 > 0 ? s0 : 0;
        s1 = s1 > 0 ? s1 : 0;
        s2 = s2 > 0 ? s2 : 0;
        s3 = s3 > 0 ? s3 : 0;
      }
      y[y0 + o] = s0;
      y[y0 + outSize + o] = s1;
      y[y0 + 2 * outSize + o] = s2;
      y[y0 + 3 * outSize + o] = s3;
    }
  }
  for (; b < batch; b++) {
    const xb = b * inSize;
    const yb = b * outSize;
    for (let o = 0; o < outSize; o++) {
      const row = o * inSize;
      let s = bias[o];
      for (let i = 0; i < inSize; i++) s += w[row + i] * x[xb + i];
      y[yb + o] = act === 1 ? Math.tanh(s) : act === 2 ? (s > 0 ? s : 0) : s;
    }
  }
}

/** gW += dyᵀ·x, gb += Σ dy, dx = dy·W (dx null: not needed, the input layer). Blocked by four rows like linearForward. */
function linearBackward(w: Float64Array, gw: Float64Array, gb: Float64Array, x: Float64Array, dy: Float64Array, dx: Float64Array | null, batch: number, inSize: number, outSize: number): void {
  if (dx) dx.fill(0, 0, batch * inSize);
  let b = 0;
  for (; b + 4 <= batch; b += 4) {
    const x0 = b * inSize;
    const x1 = x0 + inSize;
    const x2 = x1 + inSize;
    const x3 = x2 + inSize;
    const y0 = b * outSize;
    for (let o = 0; o < outSize; o++) {
      const d0 = dy[y0 + o];
      const d1 = dy[y0 + outSize + o];
      const d2 = dy[y0 + 2 * outSize + o];
      const d3 = dy[y0 + 3 * outSize + o];
      if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
      gb[o] += d0 + d1 + d2 + d3;
      const row = o * inSize;
      if (dx) {
        for (let i = 0; i < inSize; i++) {
          const wi = w[row + i];
          gw[row + i] += d0 * x[x0 + i] + d1 * x[x1 + i] + d2 * x[x2 + i] + d3 * x[x3 + i];
          dx[x0 + i] += d0 * wi;
          dx[x1 + i] += d1 * wi;
          dx[x2 + i] += d2 * wi;
          dx[x3 + i] += d3 * wi;
        }
      } else {
        for (let i = 0; i < inSize; i++) gw[row + i] += d0 * x[x0 + i] + d1 * x[x1 + i] + d2 * x[x2 + i] + d3 * x[x3 + i];
      }
    }
  }
  for (; b < batch; b++) {
    const xb = b * inSize;
    const yb = b * outSize;
    for (let o = 0; o < outSize; o++) {
      const d = dy[yb + o];
      if (d === 0) continue;
      gb[o] += d;
      const row = o * inSize;
      for (let i = 0; i < inSize; i++) gw[row + i] += d * x[xb + i];
      if (dx) for (let i = 0; i < inSize; i++) dx[xb + i] += d * w[row + i];
    }
  }
}

/**
 * Orthogonal init as torch.nn.init.orthogonal_: QR of a Gaussian matrix (the taller orientation), Q's
 * columns sign-corrected by diag(R), times gain. Modified Gram–Schmidt is exact enough at these sizes.
 */
export function orthogonal(out: Float64Array, rows: number, cols: number, gain: number, rng: Rng): void {
  const tall = rows >= cols;
  const r = tall ? rows : cols; // length of each vector
  const c = tall ? cols : rows; // number of orthonormal vectors
  const q: Float64Array[] = [];
  for (let j = 0; j < c; j++) {
    const v = new Float64Array(r);
    for (let i = 0; i < r; i++) v[i] = rng.normal();
    q.push(v);
  }
  for (let j = 0; j < c; j++) {
    const v = q[j];
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < r; i++) dot += q[k][i] * v[i];
      for (let i = 0; i < r; i++) v[i] -= dot * q[k][i];
    }
    let norm = 0;
    for (let i = 0; i < r; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    // Gram–Schmidt's R has a positive diagonal, so no sign flip is needed (torch flips to the same effect)
    for (let i = 0; i < r; i++) v[i] /= norm;
  }
  for (let o = 0; o < rows; o++) for (let i = 0; i < cols; i++) out[o * cols + i] = gain * (tall ? q[i][o] : q[o][i]);
}

/**
 * log-softmax of row `row` of `logits` [rows × n] into `logp`, with invalid actions (mask 0) set to −∞
 * so they get probability exactly 0. A null mask allows every action.
 */
export function maskedLogSoftmax(logits: ArrayLike<number>, mask: ArrayLike<number> | null, row: number, n: number, logp: Float64Array): void {
  const o = row * n;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if ((!mask || mask[o + i]) && logits[o + i] > max) max = logits[o + i];
  if (max === -Infinity) throw new RangeError(`masked softmax: row ${row} allows no action`);
  let sum = 0;
  for (let i = 0; i < n; i++) if (!mask || mask[o + i]) sum += Math.exp(logits[o + i] - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < n; i++) logp[o + i] = !mask || mask[o + i] ? logits[o + i] - lse : -Infinity;
}

/** Entropy −Σ p·log p of one row of log-probabilities; masked entries (−∞) contribute 0, not NaN. */
export function entropyOfRow(logp: ArrayLike<number>, row: number, n: number): number {
  let h = 0;
  for (let i = row * n; i < row * n + n; i++) {
    const lp = logp[i];
    if (lp !== -Infinity) h -= Math.exp(lp) * lp;
  }
  return h;
}

/** Throws unless `mask` (1 = allowed; null/undefined = all allowed) has one entry per action and allows at least one. */
export function checkMask(mask: ArrayLike<number> | null | undefined, n: number): void {
  if (!mask) return;
  if (mask.length !== n) throw new RangeError(`mask has ${mask.length} entries, expected one per action (${n})`);
  for (let i = 0; i < n; i++) if (mask[i]) return;
  throw new RangeError('mask allows no action');
}

/** argmax of one row among the allowed entries (ties: the lowest index). */
export function maskedArgmax(values: ArrayLike<number>, mask: ArrayLike<number> | null, row: number, n: number): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < n; i++) {
    if (mask && !mask[row * n + i]) continue;
    const v = values[row * n + i];
    if (best < 0 || v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  if (best < 0) throw new RangeError(`argmax: row ${row} allows no action`);
  return best;
}

/** Scales all gradients together so their global L2 norm is at most maxNorm (torch's clip_grad_norm_). Returns the norm before clipping. */
export function clipGradNorm(grads: Float64Array[], maxNorm: number): number {
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return norm;
}

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  /** CleanRL's PPO uses 1e-5 (torch's default is 1e-8). */
  eps?: number;
}

export interface AdamJson {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  t: number;
  m: string;
  v: string;
}

/** Adam with torch's exact update (bias corrections folded into step size and denominator). */
export class Adam {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  t = 0;
  readonly m: Float64Array;
  readonly v: Float64Array;

  constructor(
    private readonly net: Mlp,
    options: AdamOptions,
  ) {
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-5;
    this.m = new Float64Array(net.params.length);
    this.v = new Float64Array(net.params.length);
  }

  step(): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps, m, v } = this;
    const p = this.net.params;
    const g = this.net.grads;
    const stepSize = this.lr / (1 - Math.pow(b1, this.t));
    const bc2 = Math.sqrt(1 - Math.pow(b2, this.t));
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2 + eps);
    }
  }

  toJSON(): AdamJson {
    return { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, t: this.t, m: encodeFloats(this.m), v: encodeFloats(this.v) };
  }

  restore(json: AdamJson, where = 'optimizer'): void {
    if (!json || !Number.isInteger(json.t) || json.t < 0) throw new Error(`${where}: "t" must be a non-negative integer`);
    if (json.beta1 !== this.beta1 || json.beta2 !== this.beta2 || json.eps !== this.eps) throw new Error(`${where}: betas/eps differ from this run's configuration`);
    if (typeof json.lr !== 'number' || !(json.lr >= 0)) throw new Error(`${where}: "lr" must be a non-negative number`);
    this.m.set(decodeFloats(json.m, this.m.length, `${where}.m`));
    this.v.set(decodeFloats(json.v, this.v.length, `${where}.v`));
    this.t = json.t;
    this.lr = json.lr;
  }
}

export function encodeFloats(a: Float64Array): string {
  return encodeTyped(a);
}

export function decodeFloats(s: unknown, length: number, where: string): Float64Array {
  return decodeInto(s, new Float64Array(length), where);
}
