// `train cartpole` as a user runs it: learning curve JSON lines then the summary line, checkpoint +
// resume equal to one unbroken run, ONNX export, and clear errors for bad input.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from './helpers/runCli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-train-cli-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const lines = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l));

test('train cartpole --algo ppo: one JSON line per episode, then {algo, steps, episodes, meanReturnLast100}; --onnx writes a model', async () => {
  const onnx = path.join(dir, 'policy.onnx');
  const r = await runCli(['train', 'cartpole', '--algo', 'ppo', '--steps', '1200', '--seed', '3', '--onnx', onnx]);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const summary = out.pop();
  assert.deepEqual(Object.keys(summary).slice(0, 4), ['algo', 'steps', 'episodes', 'meanReturnLast100']);
  assert.equal(summary.algo, 'ppo');
  assert.equal(summary.steps, 1200);
  assert.equal(summary.episodes, out.length);
  const last = out.slice(-100);
  assert.ok(Math.abs(summary.meanReturnLast100 - last.reduce((a, e) => a + e.return, 0) / last.length) < 1e-9);
  for (const e of out) assert.ok(Number.isInteger(e.step) && e.return >= 1 && e.length === e.return, JSON.stringify(e));
  assert.ok(out.some((e) => typeof e.policy_loss === 'number' && typeof e.approx_kl === 'number'), 'losses after the first update');
  assert.ok(fs.statSync(onnx).size > 1000);
});

test('train cartpole --algo dqn: --out then --resume equals one unbroken run (same curve, same summary)', async () => {
  const ck = path.join(dir, 'dqn.json');
  const common = ['train', 'cartpole', '--algo', 'dqn', '--seed', '2', '--total-steps', '3000'];
  const [straight, first] = await Promise.all([runCli([...common, '--steps', '1500']), runCli([...common, '--steps', '700', '--out', ck])]);
  const second = await runCli(['train', 'cartpole', '--resume', ck, '--steps', '1500']);
  assert.equal(straight.code, 0, straight.stderr);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(second.code, 0, second.stderr);
  const a = lines(straight.stdout);
  const b = [...lines(first.stdout).slice(0, -1), ...lines(second.stdout)];
  const strip = (s: Record<string, unknown>) => ({ ...s, stepsPerSecond: 0 });
  assert.deepEqual(strip(b.pop()), strip(a.pop()));
  assert.deepEqual(b, a);
});

test('train: bad input gets a clear error and exit code', async () => {
  const corrupt = path.join(dir, 'corrupt.json');
  fs.writeFileSync(corrupt, '{"format": "reasoning-lab.cartpole-checkpoint", "version": 1, "algo": "ppo", "glo');
  const existing = path.join(dir, 'keep.json');
  fs.writeFileSync(existing, 'mine');
  const [unknownAlgo, negative, env, missing, broken, clobber] = await Promise.all([
    runCli(['train', 'cartpole', '--algo', 'sac']),
    runCli(['train', 'cartpole', '--algo', 'ppo', '--steps', '-5']),
    runCli(['train', 'mountaincar']),
    runCli(['train', 'cartpole', '--resume', path.join(dir, 'nope.json')]),
    runCli(['train', 'cartpole', '--resume', corrupt]),
    runCli(['train', 'cartpole', '--algo', 'ppo', '--steps', '10', '--out', existing]),
  ]);
  assert.equal(unknownAlgo.code, 2);
  assert.match(unknownAlgo.stderr, /--algo: expected ppo or dqn, got "sac"/);
  assert.equal(negative.code, 2);
  assert.match(negative.stderr, /--steps: expected an integer ≥ 1, got -5/);
  assert.equal(env.code, 2);
  assert.match(env.stderr, /unknown environment "mountaincar"/);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read checkpoint .*nope\.json: no such file/);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /corrupt\.json is not valid JSON/);
  assert.equal(clobber.code, 2);
  assert.match(clobber.stderr, /keep\.json exists; pass --force/);
  assert.equal(fs.readFileSync(existing, 'utf8'), 'mine');
});
