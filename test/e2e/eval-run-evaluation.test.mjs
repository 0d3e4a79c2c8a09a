// Run Evaluation from the palette, then the Eval Dashboard: pass@k, the problem table (sort, filter),
// a problem's failing test with expected vs actual, two runs compared, the charts over runs.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, test } from './harness.mjs';
import { EvalDashboard } from './eval-dashboard.mjs';

test('run evaluation: the built-in set with its reference solutions all passes', async ({ vs, ws, shot }) => {
  const dash = new EvalDashboard(vs);
  const done = await dash.runEvaluation('Built-in problems', 'Reference solutions');
  assert.match(done, /pass@1 100\.0%/);
  await dash.waitForRun();
  assert.equal(await dash.passAt(1), '100.0%');
  assert.match(await dash.text('#run-counts'), /^47 problems · 94 samples/);
  await dash.waitForRows((ids) => ids.length === 47, '47 rows');
  assert.deepEqual([...new Set(await dash.rowVerdicts())], ['passed']);
  assert.match(await dash.text('#protections'), /sandbox: /);
  // the run is stored in the workspace, where a cancelled run would be resumed from
  const runs = path.join(ws, '.reasoning-lab', 'runs');
  assert.ok(existsSync(runs) && readdirSync(runs).some((f) => f.endsWith('.jsonl')), 'a run file under .reasoning-lab/runs/');
  await shot('all-pass');
}, { timeoutMs: 240000 });

test('run evaluation: wrong answers fail in the dashboard with expected vs actual; sort and filter', async ({ vs, shot }) => {
  const dash = new EvalDashboard(vs);
  await dash.runEvaluation('Built-in problems', 'eval/builtin-samples.jsonl');
  await dash.waitForRun();
  // 7 problems: merge-intervals 1/2, roman-to-integer 1/2, missing-number 1/1, majority-value 1/1, 3 others 0/1
  assert.match(await dash.text('#run-counts'), /^7 problems · 9 samples/);
  assert.equal(await dash.passAt(1), '42.9%');

  // filter: only problems that did not pass
  await dash.filterVerdict('failing');
  const failing = await dash.waitForRows((ids) => ids.length === 5, '5 failing problems');
  assert.deepEqual([...failing].sort(), ['balanced-brackets', 'merge-intervals', 'move-zeros', 'roman-to-integer', 'stair-climbing-ways']);
  await dash.filterVerdict('syntax_error');
  await dash.waitForRows((ids) => ids.length === 1 && ids[0] === 'move-zeros', 'only the syntax error');
  await dash.filterVerdict('all');
  await dash.waitForRows((ids) => ids.length === 7, 'all 7 rows back');

  // sort by time, slowest first: the exponential recursion that timed out comes first
  await dash.sortBy('time');
  await dash.waitForRows((ids) => ids[0] === 'stair-climbing-ways', 'the timeout first when sorted by time');
  // sort by pass@1 ascending, then descending
  await dash.sortBy('passAt1');
  const asc = await dash.waitForRows((ids) => ids.length === 7 && ['missing-number', 'majority-value'].includes(ids[6]), 'pass@1 ascending');
  assert.ok(!['missing-number', 'majority-value'].includes(asc[0]));
  await dash.sortBy('passAt1');
  await dash.waitForRows((ids) => ['missing-number', 'majority-value'].includes(ids[0]), 'pass@1 descending');
  await shot('table-sorted');

  // a problem: its statement, the failing sample's code and the failing test, expected vs actual
  await dash.openProblem('merge-intervals');
  assert.match(await dash.text('#statement'), /closed intervals/);
  const ea = await dash.expectedActual();
  assert.equal(ea.expected, '[[1,6],[8,10],[15,20]]');
  assert.equal(ea.actual, '[[1,6],[8,10],[15,18],[18,20]]'); // both sides as JSON: outputs are compared outside the sandbox
  assert.match(await dash.text('#detail article.sample[data-verdict="failed"] pre.code'), /forgets that touching ones merge/);
  await shot('problem-detail');

  await dash.openProblem('balanced-brackets');
  assert.match(await dash.text('#detail article.sample'), /IndexError: pop from empty list/);
}, { timeoutMs: 240000 });

test('run evaluation: files in the runs folder that are not runs are named in the dashboard with the reason', async ({ vs, shot }) => {
  const dash = new EvalDashboard(vs);
  await vs.runCommand('Reasoning Lab: Show Eval Dashboard');
  await dash.$('#empty').waitFor({ timeout: 30000 });
  const notice = dash.$('#unreadable-runs');
  await notice.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await dash.text('#unreadable-runs summary'), /^2 files in the runs folder could not be read as runs and are not shown$/);
  await notice.locator('summary').click();
  const items = await notice.locator('li').allTextContents();
  assert.deepEqual(items.map((t) => t.replace(/\s+/g, ' ').trim()), ['half-written.jsonl: line 1: not a run header: "timeouts" is missing', 'my-notes.jsonl: not a run file (no header line)']);
  await shot('unreadable-no-runs');

  // a real run next to them is shown, and they are still named
  await dash.runEvaluation('Built-in problems', 'eval/builtin-samples.jsonl');
  await dash.waitForRun();
  assert.match(await dash.text('#run-counts'), /^7 problems · 9 samples/);
  assert.match(await dash.text('#unreadable-runs summary'), /^2 files in the runs folder could not be read/);
  assert.equal(await notice.locator('li').first().isVisible(), true, 'the list the user opened stays open as the dashboard redraws');
  await shot('unreadable-beside-a-run');
}, {
  timeoutMs: 240000,
  prepare(ws) {
    const runs = path.join(ws, '.reasoning-lab', 'runs');
    mkdirSync(runs, { recursive: true });
    writeFileSync(path.join(runs, 'my-notes.jsonl'), 'notes about the runs, not a run\n');
    writeFileSync(path.join(runs, 'half-written.jsonl'), JSON.stringify({ type: 'header', version: 1, runId: 'x', createdAt: '2026-01-01T00:00:00Z', k: [1], protections: {}, totalSamples: 3 }) + '\n');
  },
});

for (const [kind, theme] of [['light', 'Default Light Modern'], ['dark', 'Default Dark Modern']]) {
  test(`run evaluation: compare two runs and the Pareto plot (${kind} theme)`, async ({ vs, shot }) => {
    const dash = new EvalDashboard(vs);
    await dash.runEvaluation('Built-in problems', 'eval/builtin-samples.jsonl');
    await dash.waitForRun();
    await dash.openProblem('roman-to-integer');
    await shot('detail');
    await vs.runCommand('Reasoning Lab: Run Evaluation');
    await vs.chooseQuickPickItem('humaneval-5.jsonl');
    await vs.chooseQuickPickItem('humaneval-5-samples.jsonl');
    await vs.waitForNotification(/Evaluation done/, 150000);
    await dash.waitForRun();
    await eventually(async () => (await dash.$('#run-select option').count()) === 2, { what: 'two runs listed' });
    // HumanEval: 5 tasks × 3 models of real reflexion generations (the dashboard may show the new run's
    // first, empty state for a moment before the finished run's refresh arrives)
    await eventually(async () => /^5 problems · 15 samples/.test(await dash.text('#run-counts')), { what: 'the finished HumanEval run in the dashboard' });
    assert.match(await dash.text('#run-counts'), /^5 problems · 15 samples/);

    await dash.tab('compare');
    await dash.$('table#compare tbody tr').first().waitFor({ timeout: 15000 });
    // different problem sets: every problem is in one run only, none of them a change, and pass@1 is not compared
    await eventually(async () => /only in A 7/.test(await dash.text('#compare-counts')), { what: 'the comparison counts' });
    assert.match(await dash.text('#compare-counts'), /^fixed 0\s*broken 0\s*changed 0\s*same 0\s*only in A 7\s*only in B 5$/);
    assert.match(await dash.text('#compare-scope'), /no judged problem in common: pass@1 is not compared\. 7 only in A, 5 only in B/);
    assert.equal(await dash.text('#compare-delta'), 'not comparable');
    assert.equal(await dash.$('table#compare tbody tr[data-change="changed"]').count(), 0);
    assert.equal(await dash.$('table#compare tbody tr[data-change="only-a"]').count(), 7);
    await shot('compare');

    await dash.tab('runs');
    await dash.$('#pareto-chart g.point').nth(1).waitFor({ timeout: 10000 });
    assert.equal(await dash.$('#pareto-chart g.point').count(), 2);
    assert.ok((await dash.$('#pareto-chart g.point.on-front').count()) >= 1, 'at least one run on the Pareto front');
    assert.equal(await dash.$('#runs-chart rect.bar').count(), 2);
    const body = await dash.$('body').getAttribute('class');
    assert.match(body ?? '', new RegExp(`vscode-${kind}`));
    await shot('charts');
  }, { timeoutMs: 300000, settings: { 'workbench.colorTheme': theme } });
}

test('run evaluation: compare runs over overlapping problem sets on the problems both judged', async ({ vs, shot }) => {
  const dash = new EvalDashboard(vs);
  await dash.runEvaluation('Built-in problems', 'eval/builtin-samples.jsonl');
  await dash.waitForRun();
  await dash.runEvaluation('Built-in problems', 'Reference solutions', { timeout: 200000 });
  await dash.waitForRun();
  await eventually(async () => /^47 problems/.test(await dash.text('#run-counts')), { what: 'the finished reference run in the dashboard', timeout: 120000 });

  await dash.tab('compare');
  await eventually(async () => /only in B 40/.test(await dash.text('#compare-counts')), { what: 'the comparison counts' });
  // A: 7 built-in problems with wrong and right samples (42.9%); B: all 47 with reference solutions.
  // On the 7 both judged, B passes all: +57.1 pts, not the runs' own 42.9% against 100% over other problems.
  assert.match(await dash.text('#compare-counts'), /^fixed 3\s*broken 0\s*changed 2\s*same 2\s*only in B 40$/);
  assert.match(await dash.text('#compare-scope'), /^Compared on the 7 problems both runs judged\. 0 only in A, 40 only in B/);
  assert.equal(await dash.text('#compare-side-a .card-value'), '42.9%');
  assert.equal(await dash.text('#compare-side-b .card-value'), '100.0%');
  assert.match(await dash.text('#compare-side-b'), /pass@1 on the 7 common problems \(run: 100\.0% on 47\)/);
  assert.equal(await dash.text('#compare-delta'), '+57.1 pts');
  // only changed problems: the 40 that B alone has are not changes
  await dash.$('#only-changed').check();
  await eventually(async () => (await dash.$('table#compare tbody tr').count()) === 5, { what: 'the 5 changed problems' });
  await shot('compare-overlap');
}, { timeoutMs: 420000 });

test('run evaluation: ten samples per problem show pass@10 beside pass@1 (pass@100 would need 100)', async ({ vs, shot }) => {
  const dash = new EvalDashboard(vs);
  await dash.runEvaluation('Built-in problems', 'eval/ten-per-problem.jsonl');
  await dash.waitForRun();
  assert.match(await dash.text('#run-counts'), /^1 problems? · 10 samples/);
  // merge-intervals: 5 of 10 samples pass → pass@1 50%, pass@10 = 1 − C(5,10)/C(10,10) = 100%
  assert.equal(await dash.passAt(1), '50.0%');
  assert.equal(await dash.passAt(10), '100.0%');
  assert.equal(await dash.$('#pass-at-k [data-k="100"]').count(), 0);
  await shot('pass-at-10');
}, {
  timeoutMs: 240000,
  prepare(ws) {
    const lines = readFileSync(path.join(ws, 'eval', 'builtin-samples.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"merge-intervals"'));
    assert.equal(lines.length, 2);
    writeFileSync(path.join(ws, 'eval', 'ten-per-problem.jsonl'), Array.from({ length: 5 }, () => lines.join('\n')).join('\n') + '\n');
  },
});

test('run evaluation: the pickers list files by what they hold (MBPP\'s .json is a problem set; rollouts and records are not samples)', async ({ vs }) => {
  const dash = new EvalDashboard(vs);
  await vs.runCommand('Reasoning Lab: Run Evaluation');
  const rows = vs.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.filter({ hasText: 'sanitized-mbpp.json' }).first().waitFor({ timeout: 15000 });
  const sets = (await rows.allTextContents()).join('\n');
  assert.match(sets, /eval\/humaneval-5\.jsonl/);
  assert.doesNotMatch(sets, /samples\.jsonl|rollouts\/|records\.jsonl/);
  await vs.chooseQuickPickItem('sanitized-mbpp.json');
  await rows.filter({ hasText: 'Reference solutions' }).first().waitFor({ timeout: 15000 });
  await eventually(async () => (await rows.allTextContents()).some((t) => t.includes('builtin-samples.jsonl')), { what: 'the samples files listed' });
  const samples = (await rows.allTextContents()).join('\n');
  assert.match(samples, /eval\/humaneval-5-samples\.jsonl/);
  assert.doesNotMatch(samples, /rollouts\/|records\.jsonl|sanitized-mbpp|eval\/humaneval-5\.jsonl/);
  await vs.chooseQuickPickItem('Reference solutions');
  assert.match(await vs.waitForNotification(/Evaluation done/, 150000), /pass@1 100\.0%/);
  await dash.waitForRun();
  assert.match(await dash.text('#run-counts'), /^3 problems · 3 samples/);
}, {
  timeoutMs: 240000,
  prepare(ws) {
    // MBPP as its maintainers publish it: one JSON array (here 3 of its records)
    const records = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'eval', 'mbpp_3.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    writeFileSync(path.join(ws, 'eval', 'sanitized-mbpp.json'), JSON.stringify(records, null, 1));
  },
});
