// The RL core's building blocks: seeded RNG, MLP backprop against finite differences, Adam's exact
// update, masked softmax (masked actions get probability 0 and are never drawn), weight round trips.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Adam, clipGradNorm, entropyOfRow, maskedArgmax, maskedLogSoftmax, Mlp, orthogonal } from '../../src/core/agents/nn';
import { Rng } from '../../src/core/shared/rng';

test('rng: save/restore replays the same uniform, normal and categorical draws', () => {
  const rng = new Rng(42);
  rng.normal(); // leaves a spare Box–Muller deviate waiting, which the state must carry
  const saved = JSON.parse(JSON.stringify(rng.save()));
  const draw = () => [rng.uniform(), rng.normal(), rng.categorical([0.2, 0.3, 0.5]), rng.int(7), rng.normal()];
  const first = draw();
  rng.restore(saved);
  assert.deepEqual(draw(), first);
  assert.notDeepEqual(new Rng(1).uniform(), new Rng(2).uniform());
  assert.throws(() => rng.restore({ s: [0, 0, 0, 0], spare: null }), /all-zero/);
  assert.throws(() => rng.restore({ s: [1, 2, 3] as never, spare: null }), /four unsigned/);
});

test('rng: categorical never returns a zero-probability index; draws follow the probabilities', () => {
  const rng = new Rng(3);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 20000; i++) counts[rng.categorical([0, 0.25, 0, 0.75])]++;
  assert.equal(counts[0], 0);
  assert.equal(counts[2], 0);
  assert.ok(Math.abs(counts[1] / 20000 - 0.25) < 0.015, `share of 1: ${counts[1] / 20000}`);
  for (let i = 0; i < 2000; i++) assert.notEqual(rng.choiceMasked(4, [1, 0, 1, 0]) % 2, 1);
  assert.throws(() => rng.categorical([0, 0]), /no action/);
  assert.throws(() => rng.choiceMasked(2, [0, 0]), /allows no action/);
});

function lossOf(net: Mlp, x: Float64Array, batch: number, target: Float64Array): number {
  const y = net.forward(x, batch);
  let l = 0;
  for (let i = 0; i < target.length; i++) l += 0.5 * (y[i] - target[i]) ** 2;
  return l;
}

for (const activation of ['tanh', 'relu'] as const) {
  test(`nn: ${activation} MLP gradients match central finite differences (every parameter)`, () => {
    const rng = new Rng(7);
    const net = new Mlp([5, 8, 6, 3], { activation }, rng);
    // non-zero biases so relu units sit away from their kink for the finite difference
    for (let i = 0; i < net.params.length; i++) net.params[i] += rng.normal(0, 0.1);
    const batch = 6; // one block of four rows and a remainder of two
    const x = Float64Array.from({ length: batch * 5 }, () => rng.normal());
    const target = Float64Array.from({ length: batch * 3 }, () => rng.normal());
    const y = net.forward(x, batch);
    const grad = Float64Array.from(y, (v, i) => v - target[i]);
    net.zeroGrad();
    net.backward(grad, batch);
    const analytic = Float64Array.from(net.grads);
    const h = 1e-6;
    let worst = 0;
    for (let i = 0; i < net.params.length; i++) {
      const keep = net.params[i];
      net.params[i] = keep + h;
      const up = lossOf(net, x, batch, target);
      net.params[i] = keep - h;
      const down = lossOf(net, x, batch, target);
      net.params[i] = keep;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric)));
    }
    assert.ok(worst < 1e-6, `worst relative gradient error ${worst}`);
  });
}

test('nn: orthogonal init gives orthonormal rows × gain, in both orientations', () => {
  for (const [rows, cols] of [[6, 4], [3, 8]]) {
    const w = new Float64Array(rows * cols);
    orthogonal(w, rows, cols, 2, new Rng(1));
    const [n, len, at] = rows >= cols ? [cols, rows, (v: number, i: number) => w[i * cols + v]] : [rows, cols, (v: number, i: number) => w[v * cols + i]];
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let dot = 0;
        for (let i = 0; i < len; i++) dot += at(a, i) * at(b, i);
        assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-9, `dot(${a},${b}) = ${dot}`);
      }
    }
  }
});

test('nn: Adam takes torch\'s exact step (bias-corrected), and grad-norm clipping scales globally', () => {
  const net = new Mlp([1, 1], { activation: 'tanh' }, null);
  net.params.set([0.5, -0.25]);
  const adam = new Adam(net, { lr: 0.1, eps: 1e-5 });
  net.grads.set([2, -4]);
  adam.step();
  // step 1: m̂ = g, v̂ = g², so Δ = lr · g / (|g| + eps)
  assert.ok(Math.abs(net.params[0] - (0.5 - (0.1 * 2) / (2 + 1e-5))) < 1e-15);
  assert.ok(Math.abs(net.params[1] - (-0.25 + (0.1 * 4) / (4 + 1e-5))) < 1e-15);
  net.grads.set([1, 1]);
  adam.step();
  const m = 0.9 * 0.1 * 2 + 0.1 * 1;
  const v = 0.999 * 0.001 * 4 + 0.001 * 1;
  const expected = 0.5 - (0.1 * 2) / (2 + 1e-5) - ((0.1 / (1 - 0.81)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-5);
  assert.ok(Math.abs(net.params[0] - expected) < 1e-14, `${net.params[0]} vs ${expected}`);

  const a = Float64Array.from([3, 0]);
  const b = Float64Array.from([4]);
  assert.equal(clipGradNorm([a, b], 1), 5);
  assert.ok(Math.abs(Math.hypot(a[0], a[1], b[0]) - 1) < 1e-6);
});

test('nn: masked log-softmax gives masked actions probability 0, entropy over the allowed ones, and argmax skips them', () => {
  const logits = Float64Array.from([10, 1, 2, 50]);
  const mask = Uint8Array.from([0, 1, 1, 0]);
  const logp = new Float64Array(4);
  maskedLogSoftmax(logits, mask, 0, 4, logp);
  assert.equal(logp[0], -Infinity);
  assert.equal(logp[3], -Infinity);
  const p1 = 1 / (1 + Math.E);
  assert.ok(Math.abs(Math.exp(logp[1]) - p1) < 1e-15);
  const h = entropyOfRow(logp, 0, 4);
  assert.ok(Math.abs(h - -(p1 * Math.log(p1) + (1 - p1) * Math.log(1 - p1))) < 1e-12);
  assert.equal(maskedArgmax(logits, mask, 0, 4), 2);
  const rng = new Rng(5);
  const probs = logp.map(Math.exp);
  for (let i = 0; i < 5000; i++) assert.ok(mask[rng.categorical(probs)]);
  assert.throws(() => maskedLogSoftmax(logits, new Uint8Array(4), 0, 4, logp), /allows no action/);
});

test('nn: weights and optimizer state round-trip exactly; corrupt weights are rejected by field', () => {
  const rng = new Rng(9);
  const net = new Mlp([4, 16, 2], { activation: 'relu' }, rng);
  const copy = Mlp.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
  assert.deepEqual(copy.params, net.params);
  const adam = new Adam(net, { lr: 1e-3 });
  net.grads.fill(0.5);
  adam.step();
  const other = new Adam(copy, { lr: 1e-3 });
  other.restore(JSON.parse(JSON.stringify(adam.toJSON())));
  assert.deepEqual(other.m, adam.m);
  assert.equal(other.t, 1);
  const bad = { ...net.toJSON(), params: Buffer.from(new Float64Array(3).buffer).toString('base64') };
  assert.throws(() => Mlp.fromJSON(bad, 'policy'), /policy\.params: expected 114 values, found 3/);
});
