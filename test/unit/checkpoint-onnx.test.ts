// Export Agent to ONNX's core: a saved checkpoint (CartPole, synthesis agent) exported after the fact
// through the CLI's exporters, the models loaded and run in a real onnxruntime-node session; files
// already there are kept unless replacing is allowed; what is not a checkpoint is named.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CartPoleTrainer, saveCheckpoint as saveCartPole } from '../../src/core/agents/cartpoleTrain';
import { checkpointKind, onnxExportFiles } from '../../src/core/agents/checkpointKinds';
import { exportCheckpointToOnnx } from '../../src/core/agents/checkpointToOnnx';
import { OnnxPolicy } from '../../src/core/agents/onnxExport';
import { saveCheckpoint as saveSynth, trainSynthAgent } from '../../src/core/agents/synth/train';
import { MACRO_OBS_SIZE } from '../../src/core/agents/synth/env';
import { OutputExistsError } from '../../src/core/shared/safeOutput';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-ckpt-onnx-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a synthesis agent checkpoint: both policies into a folder; never over earlier files without replace', async () => {
  const { agent, checkpoint } = await trainSynthAgent({ seed: 2, steps: 400 });
  const file = path.join(dir, 'synth.json');
  saveSynth(file, checkpoint);
  assert.equal(await checkpointKind(file), 'synth');
  const target = path.join(dir, 'synth-onnx');
  const { kind, files } = await exportCheckpointToOnnx(file, target);
  assert.equal(kind, 'synth');
  assert.deepEqual(files, onnxExportFiles('synth', target));
  const macro = await OnnxPolicy.open(files[0], { provider: 'cpu' });
  try {
    assert.equal(macro.obsSize, MACRO_OBS_SIZE);
    const obs = new Float64Array(MACRO_OBS_SIZE).fill(0.5);
    const out = await macro.run(obs, 1);
    assert.equal(out.actions[0], agent.macro.act(obs, null, true).action, 'the exported actor decides as the checkpoint');
  } finally {
    await macro.close();
  }
  // a second export to the same folder: refused and nothing touched, unless replacing is allowed
  fs.writeFileSync(files[1], 'mine');
  const before = fs.readFileSync(files[0]);
  await assert.rejects(exportCheckpointToOnnx(file, target), (err) => err instanceof OutputExistsError && err.file === files[0]);
  assert.equal(fs.readFileSync(files[1], 'utf8'), 'mine');
  assert.deepEqual(fs.readFileSync(files[0]), before);
  await exportCheckpointToOnnx(file, target, { replace: true });
  assert.notEqual(fs.readFileSync(files[1], 'utf8'), 'mine');
  // a folder that is a file
  await assert.rejects(exportCheckpointToOnnx(file, files[0]), /macro-policy\.onnx is a file: a synthesis agent exports two models/);
});

test('a CartPole checkpoint: one policy model; an existing file is kept unless replace', async () => {
  const trainer = CartPoleTrainer.create({ algo: 'dqn', seed: 3, totalTimesteps: 1000 });
  const file = path.join(dir, 'cartpole.json');
  saveCartPole(file, trainer.toCheckpoint());
  assert.equal(await checkpointKind(file), 'cartpole');
  const target = path.join(dir, 'policy.onnx');
  fs.writeFileSync(target, 'keep me');
  await assert.rejects(exportCheckpointToOnnx(file, target), OutputExistsError);
  assert.equal(fs.readFileSync(target, 'utf8'), 'keep me');
  assert.deepEqual(await exportCheckpointToOnnx(file, target, { replace: true }), { kind: 'cartpole', files: [target] });
  const policy = await OnnxPolicy.open(target, { provider: 'cpu' });
  try {
    assert.equal(policy.obsSize, 4);
    assert.equal(policy.numActions, 2);
  } finally {
    await policy.close();
  }
});

test('what is not a checkpoint is named: other JSON, broken JSON, a missing file, a corrupt checkpoint', async () => {
  const other = path.join(dir, 'settings.json');
  fs.writeFileSync(other, '{"editor.tabSize": 2}');
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{"kind":"reasoning-lab/synth-agent","version":1,"agent":');
  for (const f of [other, path.join(dir, 'missing.json')]) {
    assert.equal(await checkpointKind(f), undefined);
    await assert.rejects(exportCheckpointToOnnx(f, path.join(dir, 'out')), new RegExp(`${path.basename(f)}: not an agent checkpoint`));
  }
  await assert.rejects(exportCheckpointToOnnx(broken, path.join(dir, 'out')), /broken\.json: not a checkpoint \(invalid JSON/);
  assert.equal(fs.existsSync(path.join(dir, 'out')), false, 'nothing written for a broken checkpoint');
});
