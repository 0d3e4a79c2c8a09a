// The code agent in the editor: Solve with Agent on a HumanEval task with recorded CodeGen-16B
// generations (replay) and a checkpoint trained by the CLI; on a workspace problem with the scripted
// OpenAI-compatible server (test/fixtures/openaiServer.mjs) and the untrained policy, watched live in the
// Trace Stepper while the server holds the model's answers; Train Agent for the code agent a few steps.
// The episode opens in the Trace Stepper as a reasoning path, its candidates in the Group View; the
// solution is written where Run Tests judges it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOpenAiServer } from '../fixtures/openaiServer.mjs';
import { TrainingPanel } from './agents-training.mjs';
import { eventually, test } from './harness.mjs';
import { GroupPanel, StepperPanel, TraceTree } from './trace-explorer.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(REPO, 'test', 'fixtures');

/** Types into the open quick pick (long lists are virtual: a row shows only once filtered), then picks the row. */
async function choose(vs, filter, row = filter) {
  await (await vs.waitForInputBox(30000)).fill(filter);
  await vs.chooseQuickPickItem(row);
}

function copyData(ws) {
  mkdirSync(path.join(ws, 'humaneval'), { recursive: true });
  mkdirSync(path.join(ws, 'generations'), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'eval', 'humaneval_5.jsonl'), path.join(ws, 'humaneval', 'humaneval_5.jsonl'));
  copyFileSync(path.join(FIXTURES, 'code-agent', 'codet_3.jsonl'), path.join(ws, 'generations', 'codet_3.jsonl'));
}

async function showTab(vs, title) {
  await vs.tab(title).first().click();
}

test('agents: Solve with Agent, code agent with recorded generations: the episode in the Trace Stepper, candidates in the Group View (light)', async ({ vs, ws, shot }) => {
  await vs.runCommand('Reasoning Lab: Solve with Agent');
  await vs.chooseQuickPickItem('code-prepared');
  await choose(vs, 'A task of a problems file');
  await choose(vs, 'humaneval_5.jsonl');
  await choose(vs, 'HumanEval/0');
  await choose(vs, 'Recorded generations');
  await choose(vs, 'codet_3.jsonl');
  // the decisions stream into the notification as they happen (a search served from the run cache can
  // end before a poll sees one: then its result is what shows)
  const done = /Agent's solution for HumanEval\/0 written to solutions\/HumanEval-0\.py|Not solved: the code agent's submission for HumanEval\/0/;
  const live = await vs.waitForNotification(new RegExp(`Solving HumanEval\\/0 with the code agent.*step \\d+ · (expand|verify|backtrack|submit)|${done.source}`), 60000);
  assert.ok(live);
  const result = await vs.waitForNotification(done, 180000);
  if (/Not solved/.test(result)) await vs.page.locator('.notification-list-item .monaco-button', { hasText: 'Write It Anyway' }).first().click();
  const written = await vs.waitForNotification(/Agent's solution for HumanEval\/0 written to solutions\/HumanEval-0\.py after \d+ candidate runs? \(\d+ candidates, \d+ generated tests, \d+ LLM calls\); hidden tests (pass|fail)/, 60000);
  const code = readFileSync(path.join(ws, 'solutions', 'HumanEval-0.py'), 'utf8');
  assert.match(code, /^# Written by the Reasoning Lab code agent for HumanEval\/0 \(candidate #\d+; hidden tests (pass|fail)/);
  assert.match(code, /def has_close_elements\(numbers: List\[float\], threshold: float\) -> bool:/, 'the whole program: the prompt and the completion');
  assert.equal(/hidden tests pass/.test(written), /hidden tests pass/.test(code.split('\n')[0]));

  // the episode as a reasoning path in the Trace Stepper
  const tree = new TraceTree(vs);
  await tree.waitForMessage(/HumanEval-0-[\d-]+\.jsonl: \d+ samples in 2 groups/);
  await showTab(vs, 'Trace: ');
  const stepper = new StepperPanel(vs);
  await stepper.waitForOpen();
  assert.match(await stepper.text('#sample-id'), /^solve-/);
  const steps = Number(await stepper.text('#step-count'));
  assert.ok(steps >= 3, `${steps} decisions`);
  assert.match(await stepper.text('#current-text'), /^Step 1 · expand · \[macro\] draw-plain {2}p=\d\.\d{3}[\s\S]*policy: draw-plain[\s\S]*candidates #0–#4 drawn/);
  await shot('code-stepper');

  // the candidates side by side, with a word diff
  await showTab(vs, 'Group: ');
  const group = new GroupPanel(vs);
  await group.waitForOpen();
  const n = Number(await group.text('#group-size'));
  assert.ok(n >= 5, `${n} candidates`);
  await eventually(async () => (await group.rows().count()) >= Math.min(n, 5), { what: 'candidate rows' });
  await group.$('#diff ins.added, #diff del.removed').first().waitFor({ timeout: 15000 });
  await shot('code-candidates');
}, {
  timeoutMs: 360000,
  prepare: (ws) => {
    copyData(ws);
    // a small code agent checkpoint trained through the CLI, as a run folder of the editor
    const run = path.join(ws, '.reasoning-lab', 'agents', 'code-prepared');
    mkdirSync(run, { recursive: true });
    const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'train', 'code-agent', '--problems', path.join(ws, 'humaneval', 'humaneval_5.jsonl'), '--generator', `replay:${path.join(ws, 'generations', 'codet_3.jsonl')}`, '--steps', '60', '--budget', '4', '--seed', '1', '--out', path.join(run, 'checkpoint.json')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`train code-agent failed: ${r.stderr}`);
    writeFileSync(path.join(run, 'run.json'), JSON.stringify({ agent: 'code', problems: path.join(ws, 'humaneval', 'humaneval_5.jsonl'), replay: path.join(ws, 'generations', 'codet_3.jsonl'), budget: 4, seed: 1, steps: 60, createdAt: '2025-01-02T00:00:00.000Z' }));
  },
  settings: { 'workbench.colorTheme': 'Default Light Modern', 'reasoningLab.agents.codeBudget': 4 },
});

const server = { current: undefined };

test('agents: Solve with Agent, code agent with an OpenAI-compatible endpoint, untrained policy: Run Tests passes the solution, never overwrites (dark)', async ({ vs, ws, page, shot }) => {
  try {
    const solve = async () => {
      await vs.openFile('code-problems/add-two/problem.md');
      const lens = vs.codeLenses().filter({ hasText: 'Solve with Agent' }).first();
      await lens.waitFor({ timeout: 20000 });
      await lens.click();
      await choose(vs, 'Code agent, untrained');
      await choose(vs, 'coder', 'OpenAI-compatible endpoint');
    };
    // the endpoint holds each request until the test lets it through: the episode waits for the model
    // mid-way while the test looks at the Trace Stepper (no clock involved)
    const endpoint = server.current;
    endpoint.hold();
    await solve();
    let allowed = 0;
    const waitsForModel = () => eventually(() => endpoint.completions().length > allowed && endpoint.waiting() > 0, { timeout: 60000, what: 'the episode to wait for the model' });
    const solves = path.join(ws, '.reasoning-lab', 'agents', 'solves');
    /** The first record of the newest episode file (their names end with the time they started). */
    const episodeRecord = () => {
      const file = readdirSync(solves).filter((n) => n.startsWith('add-two-')).sort().at(-1);
      return JSON.parse(readFileSync(path.join(solves, file), 'utf8').split('\n')[0]);
    };
    const stepper = new StepperPanel(vs);
    // it opens when the episode starts: no decision yet, the model writes the first candidates
    await waitsForModel();
    await stepper.waitForOpen();
    await eventually(async () => /^solve-/.test(await stepper.text('#sample-id')), { what: 'the running episode in the stepper' });
    assert.equal(await stepper.text('#live'), 'live');
    assert.equal(await stepper.text('#step-count'), '0');
    assert.match(await stepper.text('#answer-text'), /^Running: the agent is choosing its first move\.\n?0\/3 runs, 0 candidates, 0 generated tests\./);
    const liveId = await stepper.text('#sample-id');
    /** Lets one draw's candidates through, then waits until the episode waits again and the stepper shows every decision in the file. */
    const nextDecisions = async () => {
      endpoint.allow(5);
      allowed += 5;
      await waitsForModel();
      const record = episodeRecord();
      assert.equal(record.agent.unfinished, 'running');
      const n = record.agent.decisions.length;
      await eventually(async () => Number(await stepper.text('#step-count')) === n, { timeout: 20000, what: `the stepper to show ${n} decisions` });
      return n;
    };
    // each decision appears as it is made: the view follows the newest one
    const first = await nextDecisions();
    assert.ok(first >= 1);
    assert.equal(await stepper.currentStep(), `Step ${first} of ${first}`);
    assert.match(await stepper.text('#current-text'), new RegExp(`^Step ${first} · expand · \\[macro\\] draw-\\S+ {2}p=\\d\\.\\d{3}[\\s\\S]*policy: draw-[\\w-]+ \\d\\.\\d{3} · [\\s\\S]*candidates #\\d+–#\\d+ drawn · \\d+ candidates, 0 tests, 0/3 runs`));
    assert.match(await stepper.text('#answer-text'), new RegExp(`^Running: ${first} decisions? so far`));
    const second = await nextDecisions();
    assert.ok(second > first);
    assert.equal(await stepper.currentStep(), `Step ${second} of ${second}`);
    // stepped back, the user stays where they are while decisions arrive
    await stepper.$('#step-list [data-step="0"]').click();
    assert.equal(await stepper.currentStep(), `Step 1 of ${second}`);
    const third = await nextDecisions();
    assert.ok(third > second);
    assert.equal(await stepper.currentStep(), `Step 1 of ${third}`);
    assert.match(await stepper.text('#current-text'), /^Step 1 · expand · \[macro\] draw-/);
    assert.ok(await vs.waitForNotification(/Solving add-two with the code agent \(untrained policy\)/), 'still solving');
    await shot('code-openai-live');
    endpoint.release();
    const done = await vs.waitForNotification(/Agent's solution for add-two written to solutions\/add-two\.py after \d+ candidate runs?.*tests passed/, 180000);
    assert.match(done, /all 3 test cases passed/);
    const code = readFileSync(path.join(ws, 'solutions', 'add-two.py'), 'utf8');
    assert.match(code, /^# Written by the Reasoning Lab code agent for add-two \(candidate #\d+, untrained policy; hidden tests pass/);
    assert.match(code, /def add_two\(x\):\n {4}return x \+ 2\n/);
    const requests = server.current.completions();
    assert.ok(requests.length >= 1, 'the endpoint wrote the candidates');
    assert.ok(requests.some((r) => /add_two/.test(JSON.stringify(r.body))), 'the problem went to the endpoint');
    await eventually(async () => (await vs.codeLenses().allTextContents()).find((t) => /Passed/.test(t)), { timeout: 30000, what: 'a Passed CodeLens on the solution' });
    // the episode's final record, as when nothing was shown live
    await showTab(vs, 'Trace: ');
    await stepper.waitForOpen();
    await eventually(async () => (await stepper.$('#live').count()) === 0 && /^Submitted candidate #\d+: hidden tests pass/.test(await stepper.text('#answer-text')), { what: 'the final record in the stepper' });
    assert.equal(await stepper.text('#sample-id'), liveId);
    assert.equal(await stepper.currentStep(), `Step 1 of ${episodeRecord().agent.decisions.length}`);
    assert.match(await stepper.text('#current-text'), /^Step 1 · expand · \[macro\] draw-/);
    await shot('code-openai-stepper');

    // again: the solution is never replaced without consent
    writeFileSync(path.join(ws, 'solutions', 'add-two.py'), code + '\n# my notes\n');
    await solve();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 180000 });
    assert.match((await dialog.textContent()) ?? '', /solutions\/add-two\.py already exists/);
    await shot('code-replace-dialog');
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
    await vs.waitForNotification(/Kept solutions\/add-two\.py/);
    assert.match(readFileSync(path.join(ws, 'solutions', 'add-two.py'), 'utf8'), /# my notes\n$/);

    // cancelled mid-way: the decisions it made stay, in the file and in the Trace Stepper (opened afresh:
    // code-server sometimes paints a webview blank when the extension reveals it from behind a text editor)
    await vs.closeTab('Trace: ');
    endpoint.hold();
    allowed = endpoint.completions().length;
    await solve();
    await waitsForModel();
    await stepper.waitForOpen();
    const made = await nextDecisions();
    await vs.page.locator('.notifications-toasts .notification-list-item', { hasText: 'Solving add-two' }).locator('.monaco-button', { hasText: 'Cancel' }).first().click();
    await vs.waitForNotification(/Solving add-two was cancelled; nothing was written \(the decisions it made stay in the Trace Stepper\)/, 30000);
    await eventually(async () => /^Cancelled after \d+ decisions?: nothing was submitted\./.test(await stepper.text('#answer-text')) && (await stepper.$('#live').count()) === 0, { timeout: 30000, what: 'the cancelled episode in the stepper' });
    const cancelled = episodeRecord();
    assert.equal(cancelled.agent.unfinished, 'cancelled');
    assert.equal(cancelled.agent.decisions.length, made);
    assert.equal(await stepper.text('#step-count'), String(made));
    assert.notEqual(await stepper.text('#sample-id'), liveId);
    assert.match(readFileSync(path.join(ws, 'solutions', 'add-two.py'), 'utf8'), /# my notes\n$/);
    await shot('code-openai-cancelled');
  } finally {
    await server.current?.close();
  }
}, {
  timeoutMs: 360000,
  prepare: async (ws) => {
    server.current = await startOpenAiServer({
      script: {
        models: ['coder'],
        replies: [
          { match: { contains: '# check the correctness of add_two' }, text: 'assert add_two(1) == 3\nassert add_two(-2) == 0', repeat: true },
          { text: 'Here it is:\n```python\ndef add_two(x):\n    return x + 2\n```', repeat: true },
        ],
      },
    });
    const dir = path.join(ws, 'code-problems', 'add-two');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'problem.md'), '---\nid: add-two\ntitle: Add Two\ndifficulty: easy\n---\nWrite `add_two(x)` that returns x + 2.\n\n>>> add_two(3)\n5\n');
    writeFileSync(path.join(dir, 'signature.json'), JSON.stringify({ python: { entry: 'add_two', params: ['x'] } }));
    writeFileSync(path.join(dir, 'tests.json'), JSON.stringify([{ input: [1], expected: 3 }, { input: [0], expected: 2 }, { input: [-5], expected: -3 }]));
    // the project's OpenAI-compatible endpoint setting, pointed at the scripted server
    const settings = path.join(ws, '.vscode', 'settings.json');
    const s = JSON.parse(readFileSync(settings, 'utf8'));
    writeFileSync(settings, JSON.stringify({ ...s, 'reasoningLab.grm.url': server.current.url, 'reasoningLab.grm.model': 'coder' }, null, 2));
  },
  settings: { 'workbench.colorTheme': 'Default Dark Modern', 'reasoningLab.agents.codeBudget': 3 },
});

test('agents: Train Agent, the code agent on recorded generations a few steps; its episodes open as reasoning paths (dark)', async ({ vs, ws, shot }) => {
  const panel = new TrainingPanel(vs);
  await vs.runCommand('Reasoning Lab: Train Agent…');
  await vs.chooseQuickPickItem('Code agent');
  await choose(vs, 'humaneval_5.jsonl');
  await choose(vs, 'codet_3.jsonl');
  await vs.answerInputBox('80');
  await vs.answerInputBox('3');
  await vs.tab('Training').first().waitFor({ timeout: 30000 });
  await panel.waitForStatus(/^done$/, 240000);
  assert.match(await panel.text('#step .card-value'), /^\d+ \/ 80$/);
  assert.match(await panel.text('#solve-rate .card-value'), /^\d+\.\d %$/);
  assert.equal(await panel.$('#level').count(), 0, 'no curriculum level for the code agent');
  await panel.$('#chart-length').waitFor({ timeout: 10000 });
  assert.equal(await panel.$('.chart-box h3').filter({ hasText: 'Candidate runs per episode' }).count(), 1);
  const root = path.join(ws, '.reasoning-lab', 'agents');
  const [runId] = readdirSync(root).filter((n) => n.startsWith('code-'));
  const checkpoint = path.join(root, runId, 'checkpoint.json');
  assert.ok(existsSync(checkpoint));
  assert.equal(JSON.parse(readFileSync(checkpoint, 'utf8')).kind, 'reasoning-lab/code-agent');
  await shot('code-training');

  const episodes = readFileSync(path.join(root, runId, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  await panel.click('open-episodes');
  const tree = new TraceTree(vs);
  // a problem's episodes form one group (the step counts thousands of decisions)
  const groups = new Set(episodes.map((e) => e.prompt)).size;
  await tree.waitForMessage(new RegExp(`episodes\\.jsonl: ${episodes.length} samples in ${groups} groups?`));
  await eventually(async () => (await tree.topLabels()).some((l) => /HumanEval\/\d/.test(l)), { what: 'problem groups in the tree' });
  await shot('code-episodes');
}, { timeoutMs: 360000, prepare: copyData, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
