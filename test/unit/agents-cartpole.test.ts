// CartPole-v1 against Gymnasium's equations worked by hand, its termination and 500-step truncation,
// and the vectorized env's autoreset and exact state round trip.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { CARTPOLE, CartPoleVec, cartPolePhysics } from '../../src/core/agents/cartpole';
import { Rng } from '../../src/core/shared/rng';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('cartpole: one push right from rest matches Gymnasium\'s equations worked as exact fractions', () => {
  // temp = F / M = 100/11; θ̈ = (0 − temp) / (l (4/3 − m/M)) = −(100/11)/(41/66) = −600/41;
  // ẍ = temp − ml·θ̈/M = 100/11 + 300/451 = 4400/451; Euler: positions move by the OLD velocities
  const s = Float64Array.of(0, 0, 0, 0);
  assert.equal(cartPolePhysics(s, 0, 1), false);
  close(s[0], 0, 'x');
  close(s[1], 0.02 * (4400 / 451), 'ẋ');
  close(s[2], 0, 'θ');
  close(s[3], 0.02 * (-600 / 41), 'θ̇');
  // second step, pushing left: x and θ now move by the velocities of step one
  const [x1, v1, t1, w1] = s;
  cartPolePhysics(s, 0, 0);
  close(s[0], x1 + 0.02 * v1, 'x after 2');
  close(s[2], t1 + 0.02 * w1, 'θ after 2');
  // Gymnasium's step written out independently for the velocity updates of step two
  const cos = Math.cos(t1);
  const sin = Math.sin(t1);
  const temp = (-10 + 0.05 * w1 * w1 * sin) / 1.1;
  const thetaacc = (9.8 * sin - cos * temp) / (0.5 * (4 / 3 - (0.1 * cos * cos) / 1.1));
  close(s[1], v1 + 0.02 * (temp - (0.05 * thetaacc * cos) / 1.1), 'ẋ after 2');
  close(s[3], w1 + 0.02 * thetaacc, 'θ̇ after 2');
});

test('cartpole: terminates past 12° or 2.4 m, not before', () => {
  assert.ok(Math.abs(CARTPOLE.thetaThresholdRadians - 0.20943951023931953) < 1e-15);
  // θ just under the limit with θ̇ carrying it over in one Euler step (0.2094 + 0.02·0.01 > 0.20944)
  assert.equal(cartPolePhysics(Float64Array.of(0, 0, 0.2094, 0.01), 0, 1), true);
  assert.equal(cartPolePhysics(Float64Array.of(0, 0, 0.2, 0.01), 0, 1), false);
  assert.equal(cartPolePhysics(Float64Array.of(2.39, 1, 0, 0), 0, 1), true);
  assert.equal(cartPolePhysics(Float64Array.of(-2.39, -0.4, 0, 0), 0, 0), false);
  assert.equal(cartPolePhysics(Float64Array.of(-2.399, -1, 0, 0), 0, 0), true);
});

test('cartpole: vector env rewards 1 per step, truncates at 500 with the final observation kept, and resets', () => {
  const env = new CartPoleVec(2, new Rng(4));
  for (const v of env.state) assert.ok(v >= -0.05 && v < 0.05);
  for (let i = 0; i < 8; i++) assert.equal(env.obs[i], Math.fround(env.state[i]));
  // env 0: a calm pole at step 499 → truncated on the next step; env 1: falling → terminated
  env.state.set([0, 0, 0, 0, 0, 0, 0.2094, 0.5]);
  env.elapsed[0] = 499;
  env.episodeReturn[0] = 499;
  env.step([1, 1]);
  assert.deepEqual([...env.rewards], [1, 1]);
  assert.deepEqual([...env.truncated], [1, 0]);
  assert.deepEqual([...env.terminated], [0, 1]);
  assert.deepEqual(env.finished.map((f) => [f.env, f.return, f.length]), [[0, 500, 500], [1, 1, 1]]);
  close(env.finalObs[1], Math.fround(0.02 * (4400 / 451)), 'final ẋ of env 0');
  assert.deepEqual([...env.elapsed], [0, 0]);
  for (const v of env.state) assert.ok(v >= -0.05 && v < 0.05, 'reset state');
  // the whole env state round-trips: same future
  const copy = CartPoleVec.fromJSON(JSON.parse(JSON.stringify(env.toJSON())));
  for (let i = 0; i < 50; i++) {
    env.step([i % 2, 1]);
    copy.step([i % 2, 1]);
  }
  assert.deepEqual(copy.state, env.state);
  assert.throws(() => env.step([2, 0]), /action must be 0 or 1/);
  assert.throws(() => CartPoleVec.fromJSON({ ...env.toJSON(), state: 'AAAA' }, 'ck.env'), /ck\.env\.state: expected 8 values/);
});
