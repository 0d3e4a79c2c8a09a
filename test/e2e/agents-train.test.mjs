// Train Agent from the palette on the generator: the Training panel's charts grow, Stop writes a
// checkpoint (shown, with Reveal), Resume continues it to the end, and the episodes open in the
// Trace Explorer. Once per theme, for the light and dark screenshots.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, test } from './harness.mjs';
import { TrainingPanel } from './agents-training.mjs';
import { TraceTree } from './trace-explorer.mjs';

for (const [kind, theme] of [['dark', 'Default Dark Modern'], ['light', 'Default Light Modern']]) {
  test(`agents: Train Agent, charts grow, Pause holds, Stop writes a checkpoint, Resume continues (${kind})`, async ({ vs, ws, shot }) => {
    const panel = new TrainingPanel(vs);
    // long enough that Stop lands mid-run on a fast machine too (a few thousand decisions/s)
    await panel.train({ steps: 12000 });
    await panel.waitForStatus(/running/);
    await panel.waitForPoints(2);
    const first = await panel.polylinePoints('chart-return', 'return');
    // the return series only gets a point once an episode ends in the interval: wait for it to grow
    await eventually(async () => (await panel.polylinePoints('chart-return', 'return')) > first, { timeout: 60000, what: 'the return chart to grow while training' });
    for (const id of ['chart-return', 'chart-length', 'chart-entropy', 'chart-losses', 'chart-speed']) await panel.$(`#${id}`).waitFor({ timeout: 10000 });
    assert.match(await panel.text('#solve-rate .card-value'), /^\d+\.\d %$/);
    assert.match(await panel.text('#level .card-value'), /^\d lines?$/);

    // Pause keeps the run where it is; Resume goes on in the same worker
    await panel.click('pause');
    await panel.waitForStatus(/^paused$/);
    const pausedAt = await panel.text('#step .card-value');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await panel.text('#step .card-value'), pausedAt, 'no steps while paused');
    await panel.click('resume');
    await panel.waitForStatus(/^running$/);
    await eventually(async () => (await panel.text('#step .card-value')) !== pausedAt, { what: 'steps again after Resume' });

    // Stop: the worker writes the checkpoint into the run's folder under .reasoning-lab/agents/
    await panel.click('stop');
    await panel.waitForStatus(/^stopped$/);
    const root = path.join(ws, '.reasoning-lab', 'agents');
    const [runId] = readdirSync(root).filter((n) => n.startsWith('synth-'));
    const checkpoint = path.join(root, runId, 'checkpoint.json');
    assert.ok(existsSync(checkpoint), 'checkpoint.json written on Stop');
    assert.equal(JSON.parse(readFileSync(checkpoint, 'utf8')).kind, 'reasoning-lab/synth-agent');
    assert.equal(await panel.text('#checkpoint-path'), `.reasoning-lab/agents/${runId}/checkpoint.json`);
    const stoppedAt = Number((await panel.text('#step .card-value')).split('/')[0].replace(/[^\d]/g, ''));
    assert.ok(stoppedAt > 0 && stoppedAt < 12000, `stopped mid-run at ${stoppedAt}`);
    const pointsAtStop = await panel.pointCount();
    await shot('stopped');
    await panel.click('reveal-checkpoint');
    await vs.page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'checkpoint.json' }).waitFor({ timeout: 15000 });

    // Resume: a new worker continues from the checkpoint to the end
    await panel.click('resume');
    await panel.waitForStatus(/^(running|done)$/);
    await panel.waitForStatus(/^done$/, 120000);
    assert.ok((await panel.pointCount()) > pointsAtStop, 'the curve went on after the resume');
    assert.match(await panel.text('#step .card-value'), /^12,\d{3} \/ 12,000$/);
    await shot('done');

    // the episodes as a trace file in the Trace Explorer: one sample per episode, grouped by problem
    const episodes = readFileSync(path.join(root, runId, 'episodes.jsonl'), 'utf8').trim().split('\n');
    await panel.click('open-episodes');
    const tree = new TraceTree(vs);
    const message = await tree.waitForMessage(/episodes\.jsonl: \d+ samples/);
    assert.match(message, new RegExp(`episodes\\.jsonl: ${episodes.length} samples`));
    await eventually(async () => (await tree.topLabels()).some((l) => /^train-L\d-\d+/.test(l)), { what: 'problem groups in the tree' });
    await shot('episodes');
  }, { timeoutMs: 300000, settings: { 'workbench.colorTheme': theme } });
}
