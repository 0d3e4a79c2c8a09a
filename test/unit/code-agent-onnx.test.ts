// The trained code agent's two policies, exported to ONNX and run in a real onnxruntime-node session,
// take the same greedy decisions as the training code on a real episode (recorded CodeGen-16B
// generations, the real sandbox): the macro action (PPO actor, masked logits) and the candidate or
// cluster (DQN Q-values, masked).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { CodeEpisode, codeTask, ENV_DEFAULTS, REWARD_DEFAULTS } from '../../src/core/agents/code/env';
import { CodeExecutor } from '../../src/core/agents/code/executor';
import { exportCodePolicies } from '../../src/core/agents/code/exportOnnx';
import { trainCodeAgent } from '../../src/core/agents/code/train';
import { OnnxPolicy } from '../../src/core/agents/onnxExport';
import { loadProblemSet } from '../../src/core/eval/problems';
import { ReplayGenerator } from '../../src/core/models/generators/replay';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-code-onnx-'));
let executor: CodeExecutor | undefined;
after(async () => {
  await executor?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('code agent: exported macro and micro policies choose exactly what the trained agent chooses', async () => {
  executor = await CodeExecutor.create({ cacheFile: null, workers: 2 });
  const generator = ReplayGenerator.load(path.join(FIXTURES, 'code-agent', 'codet_3.jsonl'));
  const set = loadProblemSet(path.join(FIXTURES, 'eval', 'humaneval_5.jsonl'));
  const tasks = (await executor.prepare(set.problems.filter((p) => generator.tasks.has(p.id)))).problems.map(codeTask);
  const env = { ...ENV_DEFAULTS, budget: 6, reward: REWARD_DEFAULTS };
  const { agent } = await trainCodeAgent({ seed: 5, steps: 150, env: { budget: 6 }, agent: { macro: { numSteps: 64 }, micro: { learningStarts: 20 } } }, { tasks, generator, executor });
  const files = exportCodePolicies(agent, dir, { steps: '150' });
  const macro = await OnnxPolicy.open(files.macro, { provider: 'cpu' });
  const micro = await OnnxPolicy.open(files.micro, { provider: 'cpu' });
  const decisions = { macro: 0, micro: 0 };
  try {
    assert.ok(macro.hasMask && micro.hasMask);
    for (const task of tasks) {
      const ep: CodeEpisode = new CodeEpisode(task, generator, executor, env);
      while (ep.phase !== 'done') {
        if (ep.phase === 'macro') {
          const obs: Float64Array = ep.observe();
          const mask: Uint8Array = ep.macroMask();
          if (!mask.some((x) => x)) break;
          const expected = agent.macro.act(obs, mask, true).action;
          assert.equal((await macro.run(obs, 1, mask)).actions[0], expected, `${task.problem.id}: macro decision ${decisions.macro}`);
          decisions.macro++;
          await ep.macro(expected);
        } else {
          const obs: Float64Array = ep.microObserve();
          const mask: Uint8Array = ep.microMask();
          const expected = agent.micro.act(obs, mask, 0, 0).action;
          assert.equal((await micro.run(obs, 1, mask)).actions[0], expected, `${task.problem.id}: micro decision ${decisions.micro}`);
          decisions.micro++;
          await ep.micro(expected);
        }
      }
    }
    assert.ok(decisions.macro >= 3 && decisions.micro >= 3, `enough decisions compared: ${JSON.stringify(decisions)}`);
  } finally {
    await macro.close();
    await micro.close();
  }
});
