// Exported policies run in a real onnxruntime-node session and agree with the training code: the same
// greedy action and logits within 1e-5 on many observations, with and without an action mask.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CartPoleTrainer } from '../../src/core/agents/cartpoleTrain';
import { maskedArgmax, Mlp } from '../../src/core/agents/nn';
import { exportPolicy, MASKED_LOGIT, OnnxPolicy } from '../../src/core/agents/onnxExport';
import { Ppo } from '../../src/core/agents/ppo';
import { Rng } from '../../src/core/shared/rng';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-onnx-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function compare(net: Mlp, file: string, mask: boolean, rows: number, seed: number) {
  exportPolicy(net, file, { mask, metadata: { test: 'yes' } });
  const policy = await OnnxPolicy.open(file, { provider: 'cpu' });
  try {
    assert.equal(policy.obsSize, net.inputSize);
    assert.equal(policy.numActions, net.outputSize);
    const A = net.outputSize;
    const rng = new Rng(seed);
    const obs = Float64Array.from({ length: rows * net.inputSize }, () => Math.fround(rng.normal(0, 1.5)));
    const m = mask ? Uint8Array.from({ length: rows * A }, () => (rng.uniform() < 0.6 ? 1 : 0)) : null;
    if (m) for (let r = 0; r < rows; r++) if (!m.subarray(r * A, r * A + A).some(Boolean)) m[r * A + rng.int(A)] = 1;
    const out = await policy.run(obs, rows, m);
    const expected = Float64Array.from(net.forward(obs, rows));
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      assert.equal(out.actions[r], maskedArgmax(expected, m, r, A), `row ${r}`);
      for (let a = 0; a < A; a++) {
        if (m && !m[r * A + a]) {
          assert.equal(out.logits[r * A + a], Math.fround(MASKED_LOGIT));
          assert.equal(out.probs[r * A + a], 0);
        } else worst = Math.max(worst, Math.abs(out.logits[r * A + a] - expected[r * A + a]));
      }
    }
    assert.ok(worst < 1e-5, `largest logit difference ${worst}`);
  } finally {
    await policy.close();
  }
}

test('onnx: a PPO actor trained on CartPole gives the same actions and logits (1e-5) through onnxruntime-node', async () => {
  const t = CartPoleTrainer.create({ algo: 'ppo', seed: 2, ppo: { learningRate: 1e-3 } });
  t.run(1536);
  await compare((t.agent as Ppo).actor, path.join(dir, 'ppo.onnx'), false, 2000, 1);
});

test('onnx: masked export (bool mask input → Where) never picks a masked action; relu nets too', async () => {
  const ppo = new Ppo({ obsSize: 6, numActions: 7, hidden: [32, 16] }, 3);
  // a policy head with real spread (the init gain 0.01 would make every logit ≈ 0)
  for (let i = 0; i < ppo.actor.params.length; i++) ppo.actor.params[i] *= 30;
  await compare(ppo.actor, path.join(dir, 'masked.onnx'), true, 1500, 2);
  await compare(new Mlp([4, 120, 84, 2], { activation: 'relu', init: 'torch-default' }, new Rng(4)), path.join(dir, 'q.onnx'), false, 1000, 3);
});

test('onnx: a file that is not an exported policy is refused with its name', async () => {
  const bad = path.join(dir, 'bad.onnx');
  fs.writeFileSync(bad, 'not a model');
  await assert.rejects(OnnxPolicy.open(bad, { provider: 'cpu' }), /bad\.onnx/);
});
