// The hierarchical agent: a short training run beats a random policy, checkpoints resume exactly,
// offline mode's per-decision importance ratios.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Rng } from '../../src/core/shared/rng';
import { SynthAgent } from '../../src/core/agents/synth/agent';
import { SynthEpisode } from '../../src/core/agents/synth/env';
import { fromJsonRecord, type SynthProblem } from '../../src/core/agents/synth/problems';
import { learnOffline } from '../../src/core/agents/synth/offline';
import { episodeTrace } from '../../src/core/agents/synth/traces';
import { loadCheckpoint, saveCheckpoint, trainSynthAgent } from '../../src/core/agents/synth/train';

const ex = (input: unknown, output: unknown) => ({ input: [input], output });
const PROBLEMS = [
  fromJsonRecord({ id: 'sort', examples: [ex([3, 1, 2], [1, 2, 3]), ex([5, -1], [-1, 5]), ex([2, 2, 0], [0, 2, 2])], heldOut: [ex([9, 8], [8, 9])] }, 't', 1),
  fromJsonRecord({ id: 'sum', examples: [ex([3, 1, 2], 6), ex([5, -1], 4), ex([], 0)], heldOut: [ex([9, 8], 17)] }, 't', 2),
  fromJsonRecord({ id: 'double', examples: [ex([3, 1, 2], [6, 2, 4]), ex([5, -1], [10, -2]), ex([0], [0])], heldOut: [ex([9, 8], [18, 16])] }, 't', 3),
  fromJsonRecord({ id: 'upper', examples: [ex('ab c', 'AB C'), ex('x', 'X'), ex('Hi', 'HI')], heldOut: [ex('ok', 'OK')] }, 't', 4),
] as SynthProblem[];

const SMALL = { macro: { numSteps: 128 }, micro: { learningStarts: 100, bufferSize: 2000 } };

/** Mean final reward of uniformly random allowed actions. */
function randomPolicyReward(problems: SynthProblem[], episodes: number): number {
  const rng = new Rng(1);
  let total = 0;
  for (let i = 0; i < episodes; i++) {
    const ep = new SynthEpisode(problems[i % problems.length]);
    while (ep.phase !== 'done') {
      const m = ep.mask();
      const a = rng.choiceMasked(m.length, m);
      if (ep.phase === 'macro') ep.macro(a);
      else ep.micro(a);
    }
    total += ep.outcome()!.evaluation.reward;
  }
  return total / episodes;
}

test('a short training run clearly beats a random policy on the problems it trained on', async () => {
  const { agent } = await trainSynthAgent({ seed: 2, steps: 6000, agent: { ...SMALL, totalMicroSteps: 3000 } }, { problems: PROBLEMS });
  let greedy = 0;
  let solved = 0;
  for (const p of PROBLEMS) {
    const e = agent.runEpisode(p, { kind: 'greedy' });
    greedy += e.result.evaluation.reward / PROBLEMS.length;
    if (e.result.solved) solved++;
  }
  const random = randomPolicyReward(PROBLEMS, 400);
  assert.ok(greedy > random + 0.25, `trained greedy reward ${greedy.toFixed(3)} vs random policy ${random.toFixed(3)}`);
  assert.ok(solved >= 2, `greedy policy solves ${solved} of ${PROBLEMS.length}`);
});

test('checkpoints: save / load round trip, and a resumed run continues exactly as an uninterrupted one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-ck-'));
  const config = { seed: 5, steps: 700, perLength: 20, agent: { ...SMALL, totalMicroSteps: 1000 } };
  const whole = await trainSynthAgent({ ...config, steps: 1400 });
  const half = await trainSynthAgent(config);
  // generated mode: episodes write at most level + lineSlack lines, and search goes no deeper
  assert.equal(half.agent.searchLines, Math.min(5, half.checkpoint.state.level + 1));
  const file = path.join(dir, 'agent.json');
  saveCheckpoint(file, half.checkpoint);
  const loaded = loadCheckpoint(file);
  assert.deepEqual(loaded.agent.toJSON(), half.agent.toJSON());
  const resumed = await trainSynthAgent({ steps: 1400 }, { resume: loaded.checkpoint });
  assert.equal(resumed.checkpoint.state.episodes, whole.checkpoint.state.episodes);
  assert.deepEqual(resumed.agent.toJSON(), whole.agent.toJSON(), 'bit-identical networks, optimizers, replay and generators');
  // bad checkpoints are named
  assert.throws(() => loadCheckpoint(path.join(dir, 'nope.json')), /nope\.json: cannot read the checkpoint: no such file/);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"kind": "reasoning-lab/synth-agent", "version": 1, "agent": {"macro": {"kind": "ppo"}}}');
  assert.throws(() => loadCheckpoint(path.join(dir, 'bad.json')), /bad\.json: corrupt checkpoint/);
  fs.writeFileSync(path.join(dir, 'trunc.json'), fs.readFileSync(file, 'utf8').slice(0, 1000));
  assert.throws(() => loadCheckpoint(path.join(dir, 'trunc.json')), /trunc\.json: not a checkpoint \(invalid JSON/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('offline mode: per-decision importance ratios π/μ, truncated weights, bad logs skipped by line', () => {
  const agent = new SynthAgent({ macro: { numSteps: 64 }, micro: { learningStarts: 0, batchSize: 8 }, totalMicroSteps: 1000 }, 9);
  const traces = PROBLEMS.flatMap((p, i) => [0, 1, 2].map((k) => episodeTrace(agent.runEpisode(p, { kind: 'sample', temperature: 1 }), { id: `${i}-${k}`, mode: 'solve' })));
  // logged by this very policy: every macro ratio is exactly 1
  const probe = SynthAgent.fromJSON(agent.toJSON());
  const same = learnOffline(probe, traces.map((trace, i) => ({ trace, line: i + 1 })));
  assert.equal(same.episodes, traces.length);
  assert.ok(Math.abs(same.meanRatio - 1) < 1e-9, `mean ratio ${same.meanRatio}`);
  assert.ok(Math.abs(same.meanWeight - 1) < 1e-9);
  assert.ok(same.policyLoss !== null && Number.isFinite(same.policyLoss));
  // a behaviour policy that gave the logged actions half the probability: ratio 2, weight truncated at 1
  const halved = traces.map((t) => ({ ...t, agent: { ...t.agent, decisions: t.agent.decisions.map((d) => (d.layer === 'macro' ? { ...d, p: d.p / 2 } : d)) } }));
  const fresh = SynthAgent.fromJSON(agent.toJSON());
  const h = learnOffline(fresh, halved.map((trace, i) => ({ trace, line: i + 1 })), { maxWeight: 1 });
  assert.ok(Math.abs(h.meanRatio - 2) < 1e-9, `mean ratio ${h.meanRatio}`);
  assert.equal(h.meanWeight, 1);
  // an impossible action and a probability out of range are reported with the line
  const broken = structuredClone(traces[0]);
  broken.agent.decisions[0].a = 9999;
  const zero = structuredClone(traces[1]);
  zero.agent.decisions[0].p = 0;
  const b = learnOffline(new SynthAgent({ macro: {}, micro: {}, totalMicroSteps: 10 }, 1), [
    { trace: broken, line: 7, file: 'log.jsonl' },
    { trace: zero, line: 8, file: 'log.jsonl' },
  ]);
  assert.equal(b.episodes, 0);
  assert.match(b.warnings[0], /log\.jsonl:7: skipped: action 9999 is not allowed there/);
  assert.match(b.warnings[1], /log\.jsonl:8: skipped: behaviour probability 0 is not in \(0, 1\]/);
});
