// Compare Checkpoints: two real Reflexion HumanEval runs (GPT-4, then GPT-3.5 on the same 12 tasks)
// picked in order from the palette; the curve and the regression table appear, and a regressed prompt
// opens in the Group View with a sample from each file and their word diff. In the light and dark themes.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, test } from './harness.mjs';
import { GroupPanel, TracePanel } from './trace-explorer.mjs';

const FIX = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'traces');
const solved = (name) => new Map(readFileSync(path.join(FIX, name), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.task_id, r.is_solved === true]));

class ComparePanel extends TracePanel {
  constructor(vs) {
    super(vs, 'checkpointCompare', 'Compare Checkpoints');
  }
}

const prepare = (ws) => {
  copyFileSync(path.join(FIX, 'reflexion_humaneval_gpt4.jsonl'), path.join(ws, 'rollouts', 'reflexion-gpt4.jsonl'));
  copyFileSync(path.join(FIX, 'reflexion_humaneval_gpt35.jsonl'), path.join(ws, 'rollouts', 'reflexion-gpt35.jsonl'));
};

for (const theme of ['Default Light Modern', 'Default Dark Modern']) {
  test(`Compare Checkpoints: two files in order, the curve and the regressions; a regressed prompt opens in the Group View (${theme})`, async ({ vs, shot }) => {
    const gpt4 = solved('reflexion_humaneval_gpt4.jsonl');
    const gpt35 = solved('reflexion_humaneval_gpt35.jsonl');
    const regressed = [...gpt4.keys()].filter((k) => gpt4.get(k) && !gpt35.get(k));
    assert.ok(regressed.length > 0);

    await vs.runCommand('Reasoning Lab: Compare Checkpoints');
    for (const name of ['reflexion-gpt4', 'reflexion-gpt35']) {
      await (await vs.waitForInputBox()).fill(name);
      await vs.chooseQuickPickItem(`rollouts/${name}.jsonl`);
    }
    await vs.chooseQuickPickItem('Compare these 2 files');
    const panel = new ComparePanel(vs);
    await panel.waitForOpen();
    await eventually(async () => (await panel.text('#common')) === '12', { timeout: 30000, what: '12 prompts in common' });
    assert.deepEqual(await panel.$('#files li .file-name').allTextContents(), ['rollouts/reflexion-gpt4.jsonl', 'rollouts/reflexion-gpt35.jsonl']);
    assert.equal(await panel.$('#curve-table tbody tr').count(), 2);
    const pass = (v) => `${((100 * [...v.values()].filter(Boolean).length) / 12).toFixed(1)}%`;
    assert.match(await panel.text('#curve-table tbody tr[data-file="0"] td:nth-child(3)'), new RegExp(`^${pass(gpt4).replace('.', '\\.')}`));
    assert.match(await panel.text('#curve-table tbody tr[data-file="1"] td:nth-child(3)'), new RegExp(`^${pass(gpt35).replace('.', '\\.')} −`));
    assert.ok((await panel.$('#curve-chart').count()) === 1, 'the curve is drawn');
    // by reward (the default): the tasks GPT-4 solved and GPT-3.5 did not, each −1
    assert.deepEqual((await panel.$('#regressions tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).sort(), regressed.map((k) => `id:${k}`).sort());
    assert.equal(await panel.text('#regressions tbody tr td:first-child'), '−1.000');
    // ranked again by pass rate, without reading the files again
    await panel.$('#rank-by').selectOption('pass');
    await eventually(async () => (await panel.text('#regressions tbody tr td:first-child')) === '−100.0%', { what: 'the ranking by pass rate' });
    await shot('compare');

    await panel.$('#regressions tbody tr .prompt-link').first().click();
    const group = new GroupPanel(vs);
    await group.waitForOpen();
    await eventually(async () => (await group.rows().count()) === 2, { what: 'one sample from each file' });
    const ids = await group.$('#rows .vlist-row a.sample-link').allTextContents();
    assert.deepEqual(ids.map((t) => t.slice(0, 4)), ['[1] ', '[2] ']);
    assert.match(await group.text('#group-files'), /\[1\] rollouts\/reflexion-gpt4\.jsonl: 1 samples, mean 1\.00.*\[2\] rollouts\/reflexion-gpt35\.jsonl: 1 samples, mean 0\.00/s);
    await group.$('#diff ins.added, #diff del.removed').first().waitFor({ timeout: 20000 });
    assert.match(await group.text('#diff-title'), /A = HumanEval\/\d+, B = HumanEval\/\d+/);
    await shot('group');
  }, { prepare, settings: { 'workbench.colorTheme': theme } });
}
