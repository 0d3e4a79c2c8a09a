// The learners: masks respected everywhere, GAE with truncation vs termination worked by hand, PPO's
// loss gradients against finite differences, the masked max of the DQN target, PPO and DQN with their
// shipped CartPole settings clearly learning on short seeded runs (every logged statistic finite), and
// checkpoints that resume bit-identical (mid-rollout for PPO, with a prioritized replay for DQN).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { CartPoleTrainer } from '../../src/core/agents/cartpoleTrain';
import { Dqn, type DqnStats } from '../../src/core/agents/dqn';
import { maskedLogSoftmax, Mlp } from '../../src/core/agents/nn';
import { clippedPolicyLoss, clippedValueLoss, makeMinibatch, type Minibatch, Ppo, type PpoStats } from '../../src/core/agents/ppo';
import { Rng } from '../../src/core/shared/rng';

const randomObs = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => rng.normal());

test('masks: PPO never samples or picks a masked action and gives it probability 0; DQN never explores or exploits one', () => {
  const rng = new Rng(11);
  const ppo = new Ppo({ obsSize: 3, numActions: 5 }, 1);
  const dqn = new Dqn({ obsSize: 3, numActions: 5 }, 1);
  for (let i = 0; i < 400; i++) {
    const mask = Uint8Array.from({ length: 5 }, () => (rng.uniform() < 0.5 ? 1 : 0));
    if (!mask.some(Boolean)) mask[rng.int(5)] = 1;
    const obs = randomObs(rng, 3);
    const s = ppo.act(obs, mask);
    assert.equal(mask[s.action], 1);
    for (let a = 0; a < 5; a++) if (!mask[a]) assert.equal(s.probs[a], 0);
    assert.ok(Math.abs(s.probs.reduce((x, y) => x + y) - 1) < 1e-12);
    assert.equal(mask[ppo.act(obs, mask, true).action], 1);
    assert.equal(ppo.logProb(obs, s.action, mask), s.logProb);
    if (mask.indexOf(0) >= 0) assert.equal(ppo.logProb(obs, mask.indexOf(0), mask), -Infinity);
    assert.equal(mask[dqn.act(obs, mask, 0, 1).action], 1, 'exploring');
    assert.equal(mask[dqn.act(obs, mask, 0, 0).action], 1, 'greedy');
  }
  assert.throws(() => ppo.act([0, 0, 0], [0, 0, 0, 0, 0]), /allows no action/);
  assert.throws(() => ppo.act([0, 0, 0], [1, 1]), /5/);
  assert.throws(() => ppo.store({ obs: [0, 0, 0], mask: [1, 0, 1, 1, 1], action: 1, logProb: 0, reward: 0, terminated: true }), /masked/);
});

test('PPO GAE: bootstraps V(finalObs) on truncation, not on termination, per env stream', () => {
  const ppo = new Ppo({ obsSize: 2, numActions: 2, gamma: 0.9, gaeLambda: 0.8 }, 3);
  const o = [[0.1, 0.2], [0.3, -0.1], [-0.5, 0.4], [0.7, 0.7], [0.2, -0.3]];
  const V = o.map((x) => ppo.value(x));
  // env 0: o0 → o1 (truncated, final o3); then o2 (terminated). env 1: o4, still running, next o0.
  ppo.store({ env: 0, obs: o[0], action: 0, logProb: -0.7, reward: 1, terminated: false });
  ppo.store({ env: 1, obs: o[4], action: 1, logProb: -0.7, reward: 0.5, terminated: false });
  ppo.store({ env: 0, obs: o[1], action: 1, logProb: -0.7, reward: 2, terminated: false, truncated: true, finalObs: o[3] });
  ppo.store({ env: 0, obs: o[2], action: 0, logProb: -0.7, reward: 3, terminated: true });
  assert.throws(() => ppo.computeAdvantages(), /env 1's last stored step did not end an episode/);
  const { advantages, returns } = ppo.computeAdvantages([null, o[0]]);
  const a2 = 3 - V[2];
  const a1 = 2 + 0.9 * ppo.value(o[3]) - V[1];
  const a0 = 1 + 0.9 * V[1] - V[0] + 0.9 * 0.8 * a1;
  const a4 = 0.5 + 0.9 * V[0] - V[4];
  const expected = [a0, a4, a1, a2];
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(advantages[i] - expected[i]) < 1e-12, `advantage ${i}: ${advantages[i]} vs ${expected[i]}`);
  assert.ok(Math.abs(returns[0] - (a0 + V[0])) < 1e-12);
  const stats = ppo.update([null, o[0]]);
  assertFiniteStats(stats);
  assert.equal(ppo.stored, 0);
});

/** Every number a learner logs is finite: NaN or ±∞ means the update went wrong, whatever the return says. */
function assertFiniteStats(stats: PpoStats | DqnStats): void {
  for (const [k, v] of Object.entries(stats)) assert.ok(Number.isFinite(v), `${k} is ${v}`);
}

test('PPO loss gradients: clipped policy loss − entCoef · entropy + vfCoef · clipped value loss match central finite differences (every actor and critic parameter)', () => {
  const rng = new Rng(21);
  const obsSize = 3;
  const A = 4;
  const B = 14; // rows used, fewer than the minibatch's room, as for a last short minibatch
  const [clipCoef, entCoef, vfCoef] = [0.2, 0.05, 0.5];
  const actor = new Mlp([obsSize, 8, A], { activation: 'tanh', hiddenGain: Math.SQRT2, outputGain: 1 }, rng);
  const critic = new Mlp([obsSize, 8, 1], { activation: 'tanh', hiddenGain: Math.SQRT2, outputGain: 1 }, rng);
  const mb = makeMinibatch(16, obsSize, A);
  for (let k = 0; k < B; k++) for (let i = 0; i < obsSize; i++) mb.obs[k * obsSize + i] = rng.normal();
  const logits = actor.forward(mb.obs, B);
  const values = critic.forward(mb.obs, B);
  for (let k = 0; k < B; k++) {
    for (let j = 0; j < A; j++) mb.mask[k * A + j] = k % 3 === 0 && j === k % A ? 0 : 1; // some rows mask an action
    const allowed = [...Array(A).keys()].filter((j) => mb.mask[k * A + j]);
    const a = allowed[rng.int(allowed.length)];
    mb.actions[k] = a;
    maskedLogSoftmax(logits, mb.mask, k, A, mb.logp);
    // old log-probabilities spread so the ratio falls inside the clip range and beyond it on both sides
    mb.oldLogProbs[k] = mb.logp[k * A + a] + rng.range(-0.6, 0.6);
    mb.advantages[k] = rng.normal();
    mb.weights[k] = rng.range(0.5, 1.5);
    // even rows: V moved past the value clip range since acting, the return beyond V (no gradient: the
    // clipped term is the max) or behind it (gradient through the unclipped term); odd rows: inside it
    const moved = k % 2 === 0 ? (rng.uniform() < 0.5 ? -1 : 1) * rng.range(0.3, 0.5) : rng.range(-0.1, 0.1);
    mb.oldValues[k] = values[k] - moved;
    mb.returns[k] = k % 2 === 0 ? values[k] + Math.sign(moved) * (k % 4 === 0 ? 1 : -1) * rng.range(0.2, 1.5) : values[k] + rng.normal();
  }
  const lossOf = (): { total: number; policy: ReturnType<typeof clippedPolicyLoss> } => {
    const policy = clippedPolicyLoss(actor.forward(mb.obs, B), mb, B, clipCoef, entCoef);
    const valueLoss = clippedValueLoss(critic.forward(mb.obs, B), mb, B, clipCoef, vfCoef);
    return { total: policy.policyLoss - entCoef * policy.entropy + vfCoef * valueLoss, policy };
  };
  actor.zeroGrad();
  critic.zeroGrad();
  const { policy } = lossOf(); // its forwards keep each network's activations for the backward
  actor.backward(mb.dLogits, B);
  critic.backward(mb.dValues, B);
  // the check covers every branch: ratios inside and outside the clip range, value rows with and without gradient
  assert.ok(policy.clipfrac > 0.2 && policy.clipfrac < 0.8, `clipfrac ${policy.clipfrac}`);
  const dValues = Array.from(mb.dValues.subarray(0, B));
  assert.ok(dValues.some((d) => d === 0) && dValues.some((d) => d !== 0), `value rows with and without gradient: ${dValues}`);
  for (let k = 0; k < B; k++) for (let j = 0; j < A; j++) if (!mb.mask[k * A + j]) assert.equal(mb.dLogits[k * A + j], 0, 'no gradient into a masked logit');

  const h = 1e-6;
  let worst = 0;
  for (const net of [actor, critic]) {
    const analytic = Float64Array.from(net.grads);
    for (let i = 0; i < net.params.length; i++) {
      const keep = net.params[i];
      net.params[i] = keep + h;
      const up = lossOf().total;
      net.params[i] = keep - h;
      const down = lossOf().total;
      net.params[i] = keep;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric)));
    }
  }
  assert.ok(worst < 1e-6, `worst relative gradient error ${worst}`);
});

test('PPO loss values: the clipped surrogate, entropy and clipped value loss of one row worked by hand', () => {
  const mb: Minibatch = makeMinibatch(1, 1, 2);
  mb.mask.fill(1);
  mb.actions[0] = 0;
  mb.weights[0] = 1;
  // logits (0, 0): π = (½, ½), H = ln 2; old log π(0) = ln 0.4, so ρ = 1.25, clipped to 1.2 for A = 2
  mb.oldLogProbs[0] = Math.log(0.4);
  mb.advantages[0] = 2;
  const p = clippedPolicyLoss(new Float64Array([0, 0]), mb, 1, 0.2, 0);
  assert.ok(Math.abs(p.policyLoss - -2 * 1.2) < 1e-12, `policy loss ${p.policyLoss}`);
  assert.ok(Math.abs(p.entropy - Math.LN2) < 1e-12);
  assert.equal(p.clipfrac, 1);
  assert.deepEqual(Array.from(mb.dLogits), [0, 0], 'clipped: no policy gradient');
  mb.oldValues[0] = 1;
  mb.returns[0] = 3;
  // V = 2: V − V_old = 1 is clipped to 0.2, so max((2 − 3)², (1.2 − 3)²) = 3.24 is the clipped term, flat in V
  assert.ok(Math.abs(clippedValueLoss(new Float64Array([2]), mb, 1, 0.2, 0.5) - 0.5 * 3.24) < 1e-12);
  assert.equal(mb.dValues[0], 0);
  assert.ok(Math.abs(clippedValueLoss(new Float64Array([2]), mb, 1, null, 0.5) - 0.5) < 1e-12);
  assert.ok(Math.abs(mb.dValues[0] - 0.5 * (2 - 3)) < 1e-12);
});

test('DQN target: r + γ · max over ALLOWED next actions of the target network (Huber loss)', () => {
  const dqn = new Dqn({ obsSize: 2, numActions: 3, batchSize: 1, priority: 'uniform', gamma: 0.9 }, 5);
  const s = [0.3, -0.2];
  const s2 = [1.5, 0.8];
  const qNext = Array.from(dqn.targetNetwork.forward(s2, 1));
  const best = qNext.indexOf(Math.max(...qNext));
  const mask = [1, 1, 1];
  mask[best] = 0; // forbid the action with the highest next Q
  dqn.store(s, 2, 0.25, s2, false, mask);
  const q = dqn.qNetwork.forward(s, 1)[2];
  const allowedMax = Math.max(...qNext.filter((_, a) => mask[a]));
  const delta = q - (0.25 + 0.9 * allowedMax);
  const huber = Math.abs(delta) < 1 ? 0.5 * delta * delta : Math.abs(delta) - 0.5;
  const stats = dqn.update();
  assert.ok(Math.abs(stats.td_loss - huber) < 1e-12, `${stats.td_loss} vs ${huber}`);
  assert.equal(dqn.epsilon(0), 1);
  assert.ok(Math.abs(dqn.epsilon(125_000) - 0.525) < 1e-12);
  assert.equal(dqn.epsilon(400_000), 0.05);
  assert.equal(dqn.beta(0), 0.4);
  assert.equal(dqn.beta(500_000), 1);
});

test('DQN gradientSteps: each training phase takes that many gradient steps (SB3 gradient_steps), and only every trainFrequency steps after learningStarts', () => {
  const dqn = new Dqn({ obsSize: 2, numActions: 2, batchSize: 4, learningStarts: 5, trainFrequency: 3, gradientSteps: 4, targetNetworkFrequency: 1000 }, 3);
  for (let i = 0; i < 10; i++) dqn.store([i / 10, 0.5], i % 2, 1, [i / 10 + 0.1, 0.5], i === 9);
  const before = Float64Array.from(dqn.qNetwork.params);
  assert.equal(dqn.train(3), null, 'before learningStarts');
  assert.equal(dqn.train(7), null, 'not a multiple of trainFrequency');
  assert.equal(dqn.updates, 0);
  assert.deepEqual(dqn.qNetwork.params, before);
  assert.ok(dqn.train(9));
  assert.equal(dqn.updates, 4);
  assert.equal(dqn.optimizer.t, 4);
  assert.throws(() => new Dqn({ obsSize: 2, numActions: 2, gradientSteps: 0 }), /gradientSteps must be a positive integer/);
});

test('DQN Polyak target (tau < 1): target ← τ·online + (1 − τ)·target at every targetNetworkFrequency step; tau 1 is a hard copy', () => {
  const dqn = new Dqn({ obsSize: 2, numActions: 2, batchSize: 4, learningStarts: 0, trainFrequency: 2, targetNetworkFrequency: 2, tau: 0.25 }, 4);
  for (let i = 0; i < 8; i++) dqn.store([i / 8, -i / 8], i % 2, 1, [(i + 1) / 8, -i / 8], i === 7);
  const target0 = Float64Array.from(dqn.targetNetwork.params);
  dqn.train(2); // one gradient step, then the soft update
  const online = dqn.qNetwork.params;
  assert.ok(online.some((w, i) => w !== target0[i]), 'the gradient step moved the online net');
  for (let i = 0; i < online.length; i++) assert.ok(Math.abs(dqn.targetNetwork.params[i] - (0.25 * online[i] + 0.75 * target0[i])) < 1e-15, `param ${i}`);
  const hard = new Dqn({ obsSize: 2, numActions: 2, batchSize: 4, learningStarts: 0, trainFrequency: 2, targetNetworkFrequency: 2 }, 4);
  for (let i = 0; i < 8; i++) hard.store([i / 8, -i / 8], i % 2, 1, [(i + 1) / 8, -i / 8], i === 7);
  hard.train(2);
  assert.deepEqual(hard.targetNetwork.params, hard.qNetwork.params);
});

test('DQN annealLr: lr goes linearly from learningRate to 0 at totalTimesteps and the optimizer uses it; off by default (CleanRL)', () => {
  const dqn = new Dqn({ obsSize: 2, numActions: 2, batchSize: 4, learningStarts: 0, trainFrequency: 1, learningRate: 1e-3, totalTimesteps: 1000, annealLr: true }, 2);
  assert.equal(dqn.learningRate(0), 1e-3);
  assert.ok(Math.abs(dqn.learningRate(250) - 7.5e-4) < 1e-18);
  assert.equal(dqn.learningRate(1000), 0);
  assert.equal(dqn.learningRate(5000), 0, 'never negative past the end');
  for (let i = 0; i < 8; i++) dqn.store([i / 8, 0.5], i % 2, 1, [(i + 1) / 8, 0.5], false);
  dqn.train(600);
  assert.ok(Math.abs(dqn.optimizer.lr - 4e-4) < 1e-18, `${dqn.optimizer.lr}`);
  const before = Float64Array.from(dqn.qNetwork.params);
  dqn.train(1000); // lr 0: Adam's step is 0 · m̂ / (√v̂ + ε)
  assert.deepEqual(dqn.qNetwork.params, before);
  assert.equal(new Dqn({ obsSize: 2, numActions: 2, learningRate: 1e-3 }).learningRate(400_000), 1e-3);
  assert.throws(() => new Dqn({ obsSize: 2, numActions: 2, annealLr: 'yes' as unknown as boolean }), /annealLr must be true or false/);
  // annealLrFraction: 0 already at that fraction of the run, then frozen
  const early = new Dqn({ obsSize: 2, numActions: 2, learningRate: 1e-3, totalTimesteps: 1000, annealLr: true, annealLrFraction: 0.8 });
  assert.ok(Math.abs(early.learningRate(400) - 5e-4) < 1e-18);
  assert.equal(early.learningRate(800), 0);
  assert.equal(early.learningRate(950), 0);
  for (const bad of [0, 1.5, Number.NaN]) assert.throws(() => new Dqn({ obsSize: 2, numActions: 2, annealLrFraction: bad }), /annealLrFraction must be in \(0, 1\]/);
});

test('DQN targetMax: the TD target r + γ·Q′ is clipped to it (the return bound r_max / (1 − γ)); terminal targets are the reward', () => {
  const s = [0.3, -0.2];
  const s2 = [1.5, 0.8];
  const make = (targetMax: number | null) => {
    const dqn = new Dqn({ obsSize: 2, numActions: 2, batchSize: 1, priority: 'uniform', gamma: 0.9, targetMax }, 5);
    // a target network that overestimates: every Q′ is 50, past the bound 1 / (1 − 0.9) = 10
    const last = dqn.targetNetwork.layer(dqn.targetNetwork.layers - 1);
    last.weight.fill(0);
    last.bias.fill(50);
    return dqn;
  };
  for (const [targetMax, y] of [[null, 1 + 0.9 * 50], [10, 10]] as const) {
    const dqn = make(targetMax);
    dqn.store(s, 1, 1, s2, false);
    const delta = dqn.qNetwork.forward(s, 1)[1] - y;
    const huber = Math.abs(delta) < 1 ? 0.5 * delta * delta : Math.abs(delta) - 0.5;
    assert.ok(Math.abs(dqn.update().td_loss - huber) < 1e-12, `targetMax ${targetMax}`);
  }
  const terminal = make(0.5);
  terminal.store(s, 0, 1, s2, true);
  const delta = terminal.qNetwork.forward(s, 1)[0] - 1;
  assert.ok(Math.abs(terminal.update().td_loss - (Math.abs(delta) < 1 ? 0.5 * delta * delta : Math.abs(delta) - 0.5)) < 1e-12, 'a terminal target is r, unclipped');
  assert.throws(() => new Dqn({ obsSize: 2, numActions: 2, targetMax: Infinity }), /targetMax must be null or a finite number/);
});

const meanLast = (t: CartPoleTrainer, n: number) => t.curve.slice(-n).reduce((a, p) => a + p.return, 0) / n;

// The shipped settings (PPO_CARTPOLE, DQN_CARTPOLE), no override; DQN's ε schedule and lr annealing are
// stretched over the short run, PPO keeps the lr of a 500k-step run.
for (const [algo, steps, totalTimesteps] of [['ppo', 16_000, 500_000], ['dqn', 16_000, 16_000]] as const) {
  test(`${algo} with its shipped CartPole settings learns: ${steps / 1000}k steps take the mean return of the last 20 episodes from ~22 (random) past 100, every statistic finite`, () => {
    const t = CartPoleTrainer.create({ algo, seed: 1, totalTimesteps });
    let updates = 0;
    t.run(steps, {
      onUpdate: (stats) => {
        assertFiniteStats(stats);
        updates++;
      },
    });
    assert.ok(updates > 10, `${updates} updates`);
    assert.ok(t.curve.slice(0, 20).reduce((a, p) => a + p.return, 0) / 20 < 40, 'starts near random');
    assert.ok(meanLast(t, 20) > 100, `mean of last 20: ${meanLast(t, 20)}`);
  });
}

for (const [algo, config, split, total] of [
  ['ppo', {}, 700, 1500], // 700 is mid-rollout: the partial rollout buffer is in the checkpoint
  ['dqn', { learningStarts: 200, trainFrequency: 4, gradientSteps: 2, batchSize: 16, targetNetworkFrequency: 4, tau: 0.005, annealLr: true }, 650, 1200],
] as const) {
  test(`${algo} checkpoint: train ${split}, save, load, train to ${total} == train ${total} straight, bit for bit`, () => {
    const make = () => CartPoleTrainer.create({ algo, seed: 7, totalTimesteps: 5000, [algo]: config as object });
    const straight = make();
    straight.run(total);
    const first = make();
    first.run(split);
    const resumed = CartPoleTrainer.fromCheckpoint(JSON.parse(JSON.stringify(first.toCheckpoint())));
    resumed.run(total);
    assert.equal(resumed.globalStep, straight.globalStep);
    assert.equal(JSON.stringify(resumed.toCheckpoint()), JSON.stringify(straight.toCheckpoint()));
    assert.ok(straight.curve.length > 10);
  });
}

test('checkpoint: wrong format, version, algorithm or a damaged field is an error that names it', () => {
  const good = CartPoleTrainer.create({ algo: 'dqn', seed: 1, dqn: { learningStarts: 10, bufferSize: 100 } });
  good.run(50);
  const ck = JSON.parse(JSON.stringify(good.toCheckpoint()));
  assert.throws(() => CartPoleTrainer.fromCheckpoint({ hello: 1 }, 'a.json'), /a\.json: not a CartPole checkpoint/);
  assert.throws(() => CartPoleTrainer.fromCheckpoint({ ...ck, version: 99 }, 'a.json'), /version 99/);
  assert.throws(() => CartPoleTrainer.fromCheckpoint({ ...ck, algo: 'sac' }, 'a.json'), /a\.json\.algo/);
  assert.throws(() => CartPoleTrainer.fromCheckpoint({ ...ck, agent: { ...ck.agent, qNetwork: { ...ck.agent.qNetwork, params: 'AAAA' } } }, 'a.json'), /a\.json\.agent\.qNetwork\.params/);
  assert.throws(() => CartPoleTrainer.fromCheckpoint({ ...ck, agent: { ...ck.agent, config: { ...ck.agent.config, gamma: 7 } } }, 'a.json'), /gamma must be in \[0, 1\]/);
});
