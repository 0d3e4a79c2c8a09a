// Prioritized replay: the sum tree, P(i) = (p_i + ε)^ω / Σ, IS weights (N·P(i))^−β / max exactly, the
// reward-priority mode, and the empirical sampling frequencies.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ReplayBuffer, SumTree } from '../../src/core/agents/replay';
import { Rng } from '../../src/core/shared/rng';

const obs = (v: number) => [v, v, v, v];

test('sum tree: totals, updates and prefix-sum search', () => {
  const t = new SumTree(5);
  [1, 2, 3, 4, 0].forEach((v, i) => t.set(i, v));
  assert.equal(t.total, 10);
  assert.deepEqual([0, 0.99, 1, 2.99, 3, 5.99, 6, 9.99].map((m) => t.find(m, 5)), [0, 0, 1, 1, 2, 2, 3, 3]);
  t.set(1, 0.5);
  assert.equal(t.total, 8.5);
  assert.equal(t.find(1.4, 5), 1);
  assert.equal(t.find(1.5, 5), 2);
});

test('PER (td): P(i) = (|δ_i| + ε)^ω / Σ and IS weights (N·P(i))^−β / max_k, exactly', () => {
  const r = new ReplayBuffer({ capacity: 8, obsSize: 4, numActions: 2, priority: 'td', alpha: 0.7, priorityEps: 0.01 });
  for (let i = 0; i < 4; i++) r.add(obs(i), i % 2, 1, obs(i + 1), false);
  // new transitions get the max priority (1): uniform so far
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(r.probability(i) - 0.25) < 1e-15);
  const td = [2, 0.5, 0, 1];
  r.updatePriorities([0, 1, 2, 3], td);
  const p = td.map((d) => (Math.abs(d) + 0.01) ** 0.7);
  const total = p.reduce((a, b) => a + b);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(r.probability(i) - p[i] / total) < 1e-12, `P(${i})`);
  const beta = 0.6;
  const w = p.map((pi) => (4 * (pi / total)) ** -beta);
  const maxW = Math.max(...w);
  const rng = new Rng(1);
  const counts = [0, 0, 0, 0];
  for (let k = 0; k < 2000; k++) {
    const b = r.sample(16, rng, beta);
    for (let j = 0; j < b.size; j++) {
      const i = b.indices[j];
      counts[i]++;
      assert.ok(Math.abs(b.weights[j] - w[i] / maxW) < 1e-12, `w(${i})`);
      assert.deepEqual([...b.obs.subarray(j * 4, j * 4 + 4)], obs(i));
      assert.deepEqual([...b.nextObs.subarray(j * 4, j * 4 + 4)], obs(i + 1));
      assert.equal(b.actions[j], i % 2);
    }
  }
  const n = 2000 * 16;
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(counts[i] / n - p[i] / total) < 0.01, `frequency of ${i}: ${counts[i] / n} vs ${p[i] / total}`);
  assert.ok(counts[2] > 0, 'a zero TD error still gets ε priority');
});

test('PER (reward): P(i) ∝ (max(r_i, 0) + ε)^ω as the DeepSeek write-up states; TD updates do not change it', () => {
  const r = new ReplayBuffer({ capacity: 4, obsSize: 4, numActions: 3, priority: 'reward' });
  const rewards = [1, 0, 0.5, -2];
  rewards.forEach((rw, i) => r.add(obs(i), 0, rw, obs(i), true, [1, 0, 1]));
  const p = rewards.map((rw) => (Math.max(rw, 0) + 0.01) ** 0.7);
  const total = p.reduce((a, b) => a + b);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(r.probability(i) - p[i] / total) < 1e-12);
  r.updatePriorities([0], [100]);
  assert.ok(Math.abs(r.probability(0) - p[0] / total) < 1e-12);
  const b = r.sample(4, new Rng(2), 1);
  assert.deepEqual([...b.nextMask.subarray(0, 3)], [1, 0, 1]);
  // ring buffer: the fifth transition replaces the oldest
  r.add(obs(9), 1, 1, obs(9), false);
  assert.equal(r.size, 4);
  assert.equal(r.cursor, 1);
});

test('replay: uniform mode, exact round trip, and corrupt state rejected by field', () => {
  const r = new ReplayBuffer({ capacity: 5, obsSize: 4, numActions: 2, priority: 'td' });
  for (let i = 0; i < 7; i++) r.add(obs(i), i % 2, i, obs(i + 1), i === 3);
  r.updatePriorities([0, 1], [3, 0.1]);
  const copy = ReplayBuffer.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
  const a = r.sample(32, new Rng(5), 0.5);
  const snapshot = { idx: [...a.indices], w: [...a.weights] };
  const b = copy.sample(32, new Rng(5), 0.5);
  assert.deepEqual({ idx: [...b.indices], w: [...b.weights] }, snapshot);
  assert.throws(() => ReplayBuffer.fromJSON({ ...r.toJSON(), actions: 'AAAA' }, 'ck.replay'), /ck\.replay\.actions/);
  assert.throws(() => ReplayBuffer.fromJSON({ ...r.toJSON(), cursor: 9 }, 'ck.replay'), /ck\.replay\.cursor/);
  const u = new ReplayBuffer({ capacity: 3, obsSize: 4, numActions: 2, priority: 'uniform' });
  u.add(obs(1), 0, 0, obs(1), false);
  assert.deepEqual([...u.sample(3, new Rng(1)).weights], [1, 1, 1]);
  assert.throws(() => new ReplayBuffer({ capacity: 3, obsSize: 4, numActions: 2, priority: 'bogus' as never }), /priority must be/);
});
