// Find Reward Hacks: the palette command scans the open trace file in the traces worker, lists the
// findings ranked with their evidence, and a click opens the sample in the Trace Stepper.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from './harness.mjs';
import { HacksPanel, StepperPanel, TraceTree } from './trace-explorer.mjs';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'hacks', 'rollouts.jsonl');
const prepare = (ws) => copyFileSync(FIXTURE, path.join(ws, 'rollouts', 'reward-hacks.jsonl'));

for (const theme of ['Default Dark Modern', 'Default Light Modern']) {
  test(`Find Reward Hacks: ranked findings with evidence, a click opens the sample (${theme.includes('Light') ? 'light' : 'dark'})`, async ({ vs, shot }) => {
    const tree = new TraceTree(vs);
    await tree.open('rollouts/reward-hacks.jsonl');
    await vs.runCommand('Reasoning Lab: Find Reward Hacks');
    const hacks = new HacksPanel(vs);
    const status = await hacks.waitForDone();
    assert.match(status, /^\d+ findings?$/, status);
    const rows = hacks.findings();
    const n = await rows.count();
    assert.ok(n >= 8, `the fixture's hacks are listed (${n})`);
    // ranked: the exit before the asserts and the always-true __eq__ come first, with their code as evidence
    const top = [];
    for (let i = 0; i < 3; i++) top.push(await rows.nth(i).getAttribute('data-rule'));
    assert.deepEqual(top.sort(), ['code-always-equal', 'code-always-equal', 'code-exit']);
    const exitRow = hacks.$('#findings li.finding[data-rule="code-exit"]').first();
    assert.match((await exitRow.textContent()) ?? '', /he0-exit · line 2.*sys\.exit\(0\) inside has_close_elements\(\)/s);
    assert.match((await hacks.$('#findings li.finding[data-rule="math-hedge"] code').first().textContent()) ?? '', /\\boxed\{72\}/);
    assert.match(await hacks.text('#hacks-summary'), /13 samples in 13 records \(plain\), 10 rewarded/);
    // honest samples are not listed
    for (const honest of ['he0-honest', 'he2-honest', 'gsm-honest', 'apples-honest']) {
      assert.equal(await hacks.$(`#findings li.finding:has-text("${honest} ")`).count(), 0, `${honest} is not listed`);
    }
    await shot('findings');

    await hacks.$('#findings li.finding[data-rule="math-hedge"]').first().click();
    const stepper = new StepperPanel(vs);
    await stepper.waitForSample('gsm-hedge');
    await shot('stepper');
  }, { prepare, settings: { 'workbench.colorTheme': theme } });
}
