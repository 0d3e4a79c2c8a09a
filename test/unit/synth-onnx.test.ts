// The trained synthesis agent's two policies, exported to ONNX and run in a real onnxruntime-node
// session, take the same greedy decisions as the training code on real episodes: the macro layer's
// function choice (PPO actor, masked logits) and the micro layer's argument choice (DQN Q-values).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { maskedArgmax } from '../../src/core/agents/nn';
import { OnnxPolicy } from '../../src/core/agents/onnxExport';
import { Rng } from '../../src/core/shared/rng';
import { SynthEpisode } from '../../src/core/agents/synth/env';
import { exportSynthPolicies } from '../../src/core/agents/synth/exportOnnx';
import { generateProblems } from '../../src/core/agents/synth/generate';
import { trainSynthAgent } from '../../src/core/agents/synth/train';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-synth-onnx-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('synth: exported macro and micro policies choose exactly what the trained agent chooses', async () => {
  const { agent } = await trainSynthAgent({ seed: 4, steps: 3000 });
  const files = exportSynthPolicies(agent, dir, { steps: '3000' });
  const macro = await OnnxPolicy.open(files.macro, { provider: 'cpu' });
  const micro = await OnnxPolicy.open(files.micro, { provider: 'cpu' });
  try {
    assert.ok(macro.hasMask && micro.hasMask);
    const { problems } = generateProblems(new Rng(11), { perLength: 4, lengths: [1, 2, 3] });
    let decisions = { macro: 0, micro: 0 };
    for (const problem of problems) {
      const ep = new SynthEpisode(problem);
      while (ep.phase !== 'done') {
        const obs = ep.observe();
        const mask = ep.mask();
        if (!mask.some((x) => x)) break;
        if (ep.phase === 'macro') {
          const expected = agent.macro.act(obs, mask, true).action;
          const out = await macro.run(obs, 1, mask);
          assert.equal(out.actions[0], expected, `${problem.id}: macro decision ${decisions.macro}`);
          assert.equal(maskedArgmax(Float64Array.from(agent.macro.actor.forward(obs, 1)), mask, 0, mask.length), expected);
          decisions.macro++;
          ep.macro(expected);
        } else {
          const expected = agent.micro.act(obs, mask, 0, 0).action;
          const out = await micro.run(obs, 1, mask);
          assert.equal(out.actions[0], expected, `${problem.id}: micro decision ${decisions.micro}`);
          decisions.micro++;
          ep.micro(expected);
        }
      }
    }
    assert.ok(decisions.macro >= 12 && decisions.micro >= 12, `enough decisions compared: ${JSON.stringify(decisions)}`);
  } finally {
    await macro.close();
    await micro.close();
  }
});
