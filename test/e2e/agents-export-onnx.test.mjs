// Export Agent to ONNX from the command palette: a synthesis agent run of the workspace (trained by
// the CLI into a run folder, as Train Agent leaves it) exported to a folder the save dialog names; both
// models load and run in onnxruntime-node; exporting again over them asks first, and Cancel keeps them.
// Then a CartPole checkpoint elsewhere in the workspace, exported to one model file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { eventually, test } from './harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUN = 'synth-prepared';

/** Loads an exported policy in onnxruntime-node and runs one all-allowed observation: the action and probabilities. */
async function runPolicy(file) {
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] });
  try {
    assert.deepEqual(session.inputNames, ['obs', 'mask']);
    assert.deepEqual(session.outputNames, ['logits', 'probs', 'action']);
    const [obsSize, actions] = session.inputMetadata.map((m) => m.shape[1]);
    assert.ok(Number.isInteger(obsSize) && Number.isInteger(actions), `sizes from the model: ${obsSize} × ${actions}`);
    const out = await session.run({ obs: new ort.Tensor('float32', new Float32Array(obsSize).fill(0.5), [1, obsSize]), mask: new ort.Tensor('bool', new Uint8Array(actions).fill(1), [1, actions]) });
    const probs = Array.from(out.probs.data);
    const action = Number(out.action.data[0]);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'the probabilities sum to 1');
    assert.ok(action >= 0 && action < actions && probs[action] === Math.max(...probs), 'the action is the most probable one');
    return { obsSize, actions };
  } finally {
    await session.release();
  }
}

/** Answers the save dialog (in the browser a quick input holding a path, titled `title`) with `target`. */
async function saveAs(vs, title, target) {
  // the checkpoint pick closing is a quick input too: wait for the dialog's own title
  await vs.page.locator('.quick-input-widget', { hasText: title }).waitFor({ timeout: 30000 });
  const dialog = vs.page.locator('.quick-input-widget', { hasText: title });
  const input = await vs.waitForInputBox(30000);
  // the dialog writes its default path in once it has listed the folder: type over it only then
  await eventually(async () => /\S/.test(await input.inputValue()), { timeout: 15000, what: 'the save dialog\'s default path' });
  // OK, as a person clicks it once the dialog has listed the typed folder (Enter could take a list row)
  for (let attempt = 0; attempt < 5; attempt++) {
    if ((await input.inputValue().catch(() => target)) !== target) await input.fill(target);
    await vs.page.waitForTimeout(1000);
    await dialog.locator('.monaco-button', { hasText: /^OK$/ }).click({ timeout: 5000 }).catch(() => {});
    if (await dialog.waitFor({ state: 'hidden', timeout: 5000 }).then(() => true, () => false)) return;
  }
  throw new Error(`the save dialog did not take ${target}`);
}

test('agents: Export Agent to ONNX from the palette: a run\'s checkpoint to a new folder, both models load in onnxruntime-node, never replaced without consent; a CartPole policy to one file', async ({ vs, ws, page, shot }) => {
  const target = path.join(ws, 'exported-agent');
  await vs.runCommand('Reasoning Lab: Export Agent to ONNX');
  await vs.chooseQuickPickItem(RUN);
  await saveAs(vs, 'Export the synthesis agent to ONNX', target);
  const done = await vs.waitForNotification(/Exported the synthesis agent to ONNX: exported-agent\/macro-policy\.onnx, exported-agent\/micro-q\.onnx/, 60000);
  assert.ok(done);
  await shot('exported');
  const macro = await runPolicy(path.join(target, 'macro-policy.onnx'));
  const micro = await runPolicy(path.join(target, 'micro-q.onnx'));
  assert.ok(micro.obsSize > macro.obsSize, 'the micro layer sees the macro observation and more');

  // again, onto the earlier export (chosen by one of its files): asked first; Cancel keeps both
  const before = ['macro-policy.onnx', 'micro-q.onnx'].map((f) => readFileSync(path.join(target, f)));
  const mtimes = ['macro-policy.onnx', 'micro-q.onnx'].map((f) => statSync(path.join(target, f)).mtimeMs);
  await vs.runCommand('Reasoning Lab: Export Agent to ONNX');
  await vs.chooseQuickPickItem(RUN);
  await saveAs(vs, 'Export the synthesis agent to ONNX', path.join(target, 'macro-policy.onnx'));
  // the save dialog's own question about the file it returns: yes (the export then asks about the pair)
  const overwrite = page.locator('.quick-input-widget', { hasText: 'macro-policy.onnx already exists. Are you sure you want to overwrite it?' });
  await overwrite.waitFor({ timeout: 15000 });
  await overwrite.locator('.monaco-button', { hasText: /^OK$/ }).click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30000 });
  assert.match((await dialog.textContent()) ?? '', /macro-policy\.onnx and micro-q\.onnx already exist in exported-agent\. Replace them\?/);
  await shot('replace-dialog');
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
  await vs.waitForNotification(/Nothing was exported: macro-policy\.onnx and micro-q\.onnx kept/);
  ['macro-policy.onnx', 'micro-q.onnx'].forEach((f, i) => {
    assert.deepEqual(readFileSync(path.join(target, f)), before[i], `${f} unchanged`);
    assert.equal(statSync(path.join(target, f)).mtimeMs, mtimes[i], `${f} not rewritten`);
  });

  // a CartPole checkpoint the CLI wrote elsewhere in the workspace: one model, where the save dialog says
  await vs.runCommand('Reasoning Lab: Export Agent to ONNX');
  await vs.chooseQuickPickItem('checkpoints/cartpole.json');
  await saveAs(vs, 'Export the CartPole policy to ONNX', path.join(ws, 'policy.onnx'));
  await vs.waitForNotification(/Exported the CartPole policy to ONNX: policy\.onnx/, 60000);
  const session = await ort.InferenceSession.create(path.join(ws, 'policy.onnx'), { executionProviders: ['cpu'] });
  try {
    assert.deepEqual(session.inputNames, ['obs']);
    const out = await session.run({ obs: new ort.Tensor('float32', Float32Array.of(0.01, -0.02, 0.03, 0.04), [1, 4]) });
    assert.equal(out.probs.dims[1], 2, 'left or right');
  } finally {
    await session.release();
  }
}, {
  timeoutMs: 240000,
  prepare: (ws) => {
    // a small synthesis agent checkpoint trained through the CLI, as a run folder of the editor
    const run = path.join(ws, '.reasoning-lab', 'agents', RUN);
    mkdirSync(run, { recursive: true });
    const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'train', 'synth', '--steps', '600', '--seed', '1', '--out', path.join(run, 'checkpoint.json')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`train synth failed: ${r.stderr}`);
    mkdirSync(path.join(ws, 'checkpoints'));
    const cartpole = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'train', 'cartpole', '--algo', 'ppo', '--steps', '512', '--out', path.join(ws, 'checkpoints', 'cartpole.json')], { encoding: 'utf8' });
    if (cartpole.status !== 0) throw new Error(`train cartpole failed: ${cartpole.stderr}`);
    writeFileSync(path.join(run, 'run.json'), JSON.stringify({ agent: 'synth', problems: 'generated', seed: 1, steps: 600, createdAt: '2025-01-02T00:00:00.000Z' }));
  },
  settings: { 'workbench.colorTheme': 'Default Dark Modern' },
});
