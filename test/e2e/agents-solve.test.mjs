// Solve with Agent on a workspace problem, from the CodeLens on its problem.md: a corrupt checkpoint
// is a clear error; a small checkpoint trained by the CLI finds the program, writes readable Python as
// the problem's solution file, and Run Tests passes it; a second solve never replaces that file without
// consent; the search's episodes open in the Trace Explorer. From the palette, a workspace problem
// (MBPP's pos_count) is solved with all three of its tests shown to the agent; with no problem folder
// left in the workspace, the palette offers the built-in problems.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, test } from './harness.mjs';
import { TraceTree } from './trace-explorer.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function prepare(ws) {
  const problem = path.join(ws, 'agent-problems', 'double-all');
  mkdirSync(problem, { recursive: true });
  writeFileSync(path.join(problem, 'problem.md'), '---\nid: double-all\ntitle: Double All\ndifficulty: easy\n---\nReturn the list with every number doubled.\n');
  writeFileSync(path.join(problem, 'signature.json'), JSON.stringify({ python: { entry: 'double_all', params: ['nums'] }, javascript: { entry: 'doubleAll', params: ['nums'] } }));
  const cases = [[1, 2, 3], [0], [-4, 5], [7, 7, 1, 2], [], [10, -1], [3, 3, 3, 3, 3], [100]];
  writeFileSync(path.join(problem, 'tests.json'), JSON.stringify(cases.map((xs) => ({ input: [xs], expected: xs.map((x) => x * 2) }))));
  // MBPP task 66 (CC-BY-4.0): its three asserts as the folder's tests
  const mbpp = path.join(ws, 'agent-problems', 'pos-count');
  mkdirSync(mbpp, { recursive: true });
  writeFileSync(path.join(mbpp, 'problem.md'), '---\nid: mbpp-66\ntitle: Count Positives\n---\nWrite a python function to count the number of positive numbers in a list.\n');
  writeFileSync(path.join(mbpp, 'signature.json'), JSON.stringify({ python: { entry: 'pos_count', params: ['list'] } }));
  writeFileSync(path.join(mbpp, 'tests.json'), JSON.stringify([{ input: [[1, -2, 3, -4]], expected: 2 }, { input: [[3, 4, 5, -1]], expected: 3 }, { input: [[1, 2, 3, 4]], expected: 4 }]));
  // a small checkpoint trained through the CLI, as a run folder of the editor
  const agents = path.join(ws, '.reasoning-lab', 'agents');
  const good = path.join(agents, 'synth-prepared');
  mkdirSync(good, { recursive: true });
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'train', 'synth', '--steps', '300', '--seed', '1', '--out', path.join(good, 'checkpoint.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`train synth failed: ${r.stderr}`);
  writeFileSync(path.join(good, 'run.json'), JSON.stringify({ agent: 'synth', problems: 'generated', seed: 1, steps: 300, createdAt: '2025-01-02T00:00:00.000Z' }));
  // and a corrupt one (older, so the good one is the latest)
  const bad = path.join(agents, 'synth-corrupt');
  mkdirSync(bad, { recursive: true });
  writeFileSync(path.join(bad, 'checkpoint.json'), '{"kind": "reasoning-lab/synth-agent", "version": 1, "agent": {"macro": {"trunc');
  writeFileSync(path.join(bad, 'run.json'), JSON.stringify({ agent: 'synth', problems: 'generated', seed: 2, steps: 300, createdAt: '2025-01-01T00:00:00.000Z' }));
  utimesSync(path.join(bad, 'checkpoint.json'), new Date('2025-01-01'), new Date('2025-01-01'));
}

test('agents: Solve with Agent writes a passing solution, never overwrites without consent, corrupt checkpoint error', async ({ vs, ws, page, shot }) => {
  const solveFromLens = async (checkpointRow) => {
    await vs.openFile('agent-problems/double-all/problem.md');
    const lens = vs.codeLenses().filter({ hasText: 'Solve with Agent' }).first();
    await lens.waitFor({ timeout: 20000 });
    await lens.click();
    await vs.chooseQuickPickItem(checkpointRow);
  };

  // a corrupt checkpoint: a clear error that names the file
  await solveFromLens('synth-corrupt');
  const err = await vs.waitForNotification(/Solve with Agent: .*synth-corrupt[/\\]checkpoint\.json: not a checkpoint \(invalid JSON/, 30000);
  assert.ok(err);
  await shot('corrupt-checkpoint');

  // the trained agent: the latest checkpoint is first and marked
  await vs.runCommand('Reasoning Lab: Solve with Agent');
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  await first.waitFor({ timeout: 15000 });
  assert.match((await first.textContent()) ?? '', /synth-prepared.*latest/);
  await page.keyboard.press('Escape');
  await solveFromLens('synth-prepared');
  const done = await vs.waitForNotification(/Agent's solution for double-all written to solutions\/double-all\.py .*tests passed/, 120000);
  assert.match(done, /all 8 test cases passed/);
  const file = path.join(ws, 'solutions', 'double-all.py');
  const code = readFileSync(file, 'utf8');
  assert.match(code, /^# Written by the Reasoning Lab agent for double-all/);
  // readable Python with the problem's signature: one named statement per program line
  assert.match(code, /\ndef double_all\(nums\):\n( {4}[a-z_0-9]+ = .+\n)+ {4}return [a-z_0-9]+\n$/);
  await eventually(async () => (await vs.codeLenses().allTextContents()).find((t) => /Passed/.test(t)), { timeout: 30000, what: 'a Passed CodeLens on the solution' });
  await shot('solved');

  // solving again: the existing solution is not replaced without consent
  writeFileSync(file, code + '\n# my notes\n');
  await solveFromLens('synth-prepared');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 120000 });
  assert.match((await dialog.textContent()) ?? '', /solutions\/double-all\.py already exists/);
  await shot('replace-dialog');
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
  await vs.waitForNotification(/Kept solutions\/double-all\.py/);
  assert.match(readFileSync(file, 'utf8'), /# my notes\n$/, 'the file is unchanged');
  assert.ok(!existsSync(path.join(ws, 'solutions', 'double-all.agent.py')));

  // the search's episodes in the Trace Explorer
  await vs.runCommand('Reasoning Lab: Open Agent Episodes…');
  await vs.chooseQuickPickItem('double-all-');
  const tree = new TraceTree(vs);
  await tree.waitForMessage(/double-all-[\d-]+\.jsonl: \d+ samples? in 1 group/);
  await shot('episodes');

  // from the palette, no problem open: the workspace's problems first, then the built-in ones
  await vs.runCommand('View: Close All Editors');
  await vs.runCommand('Reasoning Lab: Solve with Agent');
  await vs.chooseQuickPickItem('synth-prepared'); // the agent first, then the problem
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.filter({ hasText: 'Count Positives' }).first().waitFor({ timeout: 15000 });
  const listed = await rows.allTextContents();
  const firstBuiltin = listed.findIndex((t) => /built-in/.test(t));
  assert.ok(firstBuiltin > 0, `built-in problems are offered too: ${JSON.stringify(listed)}`);
  for (const title of ['Double All', 'Count Positives']) {
    const at = listed.findIndex((t) => t.includes(title));
    assert.ok(at >= 0 && at < firstBuiltin, `${title} is listed before the built-in problems: ${JSON.stringify(listed)}`);
  }
  await vs.chooseQuickPickItem('Count Positives');
  assert.match(await vs.waitForNotification(/Agent's solution for mbpp-66 written to solutions\/mbpp-66\.py .*tests passed/, 120000), /all 3 test cases passed/);
  // the agent was shown all three of MBPP's tests, not one
  const solves = path.join(ws, '.reasoning-lab', 'agents', 'solves');
  const episodes = readdirSync(solves).find((f) => f.startsWith('mbpp-66-'));
  assert.ok(episodes, `the solve's episodes in ${solves}`);
  const firstEpisode = JSON.parse(readFileSync(path.join(solves, episodes), 'utf8').split('\n')[0]);
  assert.deepEqual(firstEpisode.agent.problem.shown.map((e) => e.output), [2, 3, 4]);

  // no problem folder left in the workspace: the palette offers the built-in problems (not "No problem folder")
  rmSync(path.join(ws, 'agent-problems'), { recursive: true, force: true });
  await vs.runCommand('View: Close All Editors');
  await vs.runCommand('Reasoning Lab: Solve with Agent');
  await vs.chooseQuickPickItem('synth-prepared');
  await rows.filter({ hasText: 'built-in' }).first().waitFor({ timeout: 15000 });
  const filterBox = page.locator('.quick-input-widget .quick-input-box input');
  assert.match((await filterBox.getAttribute('placeholder')) ?? '', /built-in problem \(no problem folder in this workspace\)/);
  assert.ok(!(await rows.allTextContents()).some((t) => /Count Positives|Double All/.test(t)));
  await shot('builtin-problems');
  await filterBox.fill('Majority Value');
  await vs.chooseQuickPickItem('Majority Value');
  // the small agent's program matches the shown tests but not the rest: written, judged by Run Tests, said so
  await vs.waitForNotification(/Agent's solution for majority-value written to solutions\/majority-value\.py after \d+ programs; tests failed/, 120000);
  assert.ok(existsSync(path.join(ws, 'solutions', 'majority-value.py')));
}, { timeoutMs: 300000, prepare, settings: { 'workbench.colorTheme': 'Default Light Modern', 'reasoningLab.agents.budget': 400 } });
