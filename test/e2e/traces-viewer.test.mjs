// What users of Inspect's log viewer and of trace viewers expect from the Trace Explorer: the file's own
// scorer first, the sample's transcript and events, the eval header, a record's raw JSON (also inside
// .gz and .eval), search, rendered Markdown and math, and the order a sort asks for.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/code-server.mjs';
import { eventually, test } from './harness.mjs';
import { GroupPanel, StepperPanel, TraceTree } from './trace-explorer.mjs';

/** Ids of the samples shown under the expanded group whose label contains `groupText`, in screen order. */
async function childIds(tree, groupText) {
  const rows = tree.page.locator('.part.sidebar .monaco-list-row');
  const n = await rows.count();
  const ids = [];
  let inside = false;
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    const level = await row.getAttribute('aria-level');
    const label = ((await row.locator('.label-name').textContent()) ?? '').trim();
    if (level === '1') {
      if (inside) break;
      inside = label.includes(groupText);
    } else if (inside) ids.push(label);
  }
  return ids;
}

/**
 * Waits until the first children of a group are `want`: the view's message changes at once, the rows
 * repaint a moment later, so the order is read until it matches or the wait ends, then compared.
 */
async function expectFirstChildren(tree, groupText, want, what) {
  let seen = [];
  await eventually(async () => {
    seen = (await childIds(tree, groupText)).slice(0, want.length);
    return JSON.stringify(seen) === JSON.stringify(want);
  }, { timeout: 15000, what }).catch(() => {});
  assert.deepEqual(seen, want, what);
}

test('Sort Samples reorders the children of expanded groups, also of a group that moves', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/game24-gpt4-cot.jsonl');
  await tree.expand('Use the numbers 4 5 6 10');
  await tree.sample('game24-900#10').waitFor({ timeout: 10000 });
  assert.equal((await childIds(tree, '4 5 6 10'))[0], 'game24-900#0', 'file order first');
  await tree.expand('Use the numbers 3 4 4 13');
  await tree.sample('game24-903#0').waitFor({ timeout: 10000 });
  await vs.runCommand('Reasoning Lab: Sort Samples');
  await vs.chooseQuickPickItem('Length (tokens), longest first');
  await tree.waitForMessage(/sorted by length ↓/);
  await eventually(async () => (await tree.topLabels())[0]?.includes('3 4 4 13'), { what: 'the group with the longest sample on top' });
  await expectFirstChildren(tree, '3 4 4 13', ['game24-903#0', 'game24-903#2', 'game24-903#5'], 'longest first under the moved group');
  await vs.runCommand('Reasoning Lab: Sort Samples');
  await vs.chooseQuickPickItem('Reward, highest first');
  await tree.waitForMessage(/sorted by reward ↓/);
  await expectFirstChildren(tree, '4 5 6 10', ['game24-900#10', 'game24-900#15', 'game24-900#0'], 'the best samples first under the expanded group');
  await shot('sorted-children');
});

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'traces');
const copyFixture = (name, as) => (ws) => copyFileSync(path.join(FIXTURES, name), path.join(ws, 'rollouts', as));

/** The text of the active editor's visible lines. */
async function editorText(vs) {
  return ((await vs.page.locator('.editor-group-container .monaco-editor .view-lines').first().textContent({ timeout: 10000 })) ?? '').replace(/\u00a0/g, ' ');
}

for (const [kind, theme] of [['light', 'Default Light Modern'], ['dark', 'Default Dark Modern']]) {
  test(`An Inspect log in the stepper: its scorer first, eval header, transcript, events, search and raw JSON (${kind})`, async ({ vs, shot }) => {
    const tree = new TraceTree(vs);
    await tree.open('rollouts/security-guide.json');
    await tree.expand('How do I prevent SQL Injection attacks?');
    // the tree names the file's scorer first and our rules' verdict apart
    const row = tree.sample('1#1');
    await row.waitFor({ timeout: 10000 });
    assert.match((await row.textContent()) ?? '', /✓ model_graded_fact/);
    const stepper = new StepperPanel(vs);
    await tree.openSample('1#1', stepper);
    assert.equal(await stepper.text('#file-verdict'), '✓ correct');
    assert.equal(await stepper.text('#file-scores .scorer-name'), 'model_graded_fact');
    assert.equal(await stepper.text('#file-scores .scorer-value'), 'C');
    assert.match(await stepper.text('#file-scores h3'), /Reasoning Lab's own rules/);
    await stepper.$('#file-scores .scorer-explanation summary').click();
    assert.match(await stepper.text('#file-scores .scorer-explanation .block-text'), /expert/);
    // the eval header: task, model, scorer, metrics
    await stepper.$('#eval-header summary').click();
    const header = await stepper.text('#eval-header dl');
    for (const want of ['security_guide', 'openai/gpt-4o-mini', 'model_graded_fact', 'accuracy 1', '959 in, 1033 out']) assert.ok(header.includes(want), `${want} in the header: ${header}`);
    await stepper.$('#sample-facts summary').click();
    assert.match(await stepper.text('#sample-facts dl'), /target\s*use parameterized queries/);
    // the conversation, turn by turn
    await stepper.$('#transcript summary').click();
    assert.deepEqual(await stepper.$('#transcript .turn-role').allTextContents(), ['system', 'user', 'assistant']);
    assert.match(await stepper.text('#transcript .turn.role-user .block-text'), /SQL Injection/);
    await stepper.$('#events summary').click();
    assert.ok((await stepper.$('#events tr.event-model').count()) >= 2, 'the model calls are listed');
    assert.match(await stepper.text('#events tr.event-score'), /score C/);
    await shot('inspect-sample');
    // search within the trace
    await stepper.$('#search').fill('prepared');
    await stepper.$('#search').press('Enter');
    await eventually(async () => /^1 of 1/.test(await stepper.text('#search-status')), { what: 'one match' });
    assert.equal((await stepper.text('#search-hit')).toLowerCase(), 'prepared');
    await stepper.$('#search').fill('no such words');
    await stepper.$('#search').press('Enter');
    await eventually(async () => /no match/.test(await stepper.text('#search-status')), { what: 'no match' });
    // the record as written in the file
    const line = /^Line (\d+)$/.exec(await stepper.text('#open-source'))?.[1];
    await stepper.$('#raw-json').click();
    await vs.page.locator(`.tabs-container .tab.active[aria-label^="security-guide.json record ${line}.json"]`).waitFor({ timeout: 15000 });
    await eventually(async () => /"model_graded_fact"|"id": 1/.test(await editorText(vs)), { what: 'the record as JSON in an editor' });
  }, { prepare: copyFixture('inspect_security_guide.json', 'security-guide.json'), settings: { 'workbench.colorTheme': theme } });
}

test('A .gz trace: the stepper\'s line button opens the record as JSON; the tree and the stepper count the same tokens', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/tot.json.gz');
  await tree.expand('900');
  const row = tree.sample('900#3');
  await row.waitFor({ timeout: 10000 });
  const treeTokens = /([\d,]+) tok/.exec((await row.textContent()) ?? '')?.[1];
  assert.ok(treeTokens, 'the tree shows a token count');
  const stepper = new StepperPanel(vs);
  await tree.openSample('900#3', stepper);
  assert.match(await stepper.text('#token-total'), new RegExp(`^\\(${treeTokens} tokens`), 'the stepper says the tree\'s total');
  const line = await stepper.text('#open-source');
  assert.match(line, /^Line \d+ \(JSON\)$/);
  await stepper.$('#open-source').click();
  await vs.page.locator(`.tabs-container .tab.active[aria-label^="tot.json.gz record ${line.match(/\d+/)[0]}.json"]`).waitFor({ timeout: 15000 });
  await eventually(async () => /"idx": 900/.test(await editorText(vs)), { what: 'the record\'s JSON' });
  assert.deepEqual((await vs.notificationTexts()).filter((t) => /binary or too large/.test(t)), []);
  await shot('gz-record-json');
}, { prepare: copyFixture('tot_game24_100_samples.json.gz', 'tot.json.gz') });

test('Group View: the answer column shows the extracted final answer', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/game24-gpt4-cot.jsonl');
  await vs.runCommand('Reasoning Lab: Open Group View');
  await vs.chooseQuickPickItem('Use the numbers 4 5 6 10');
  const group = new GroupPanel(vs);
  await group.waitForOpen();
  await eventually(async () => (await group.rows().count()) === 8, { what: '8 rows' });
  const row = (id) => group.$(`#rows .vlist-row[data-id="${id}"] .c-answer .extracted`);
  assert.equal(await row('game24-900#10').textContent(), '(10 - 4) * 5 - 6 = 24');
  assert.equal(await row('game24-900#0').textContent(), 'None');
  assert.match((await group.$('#rows .vlist-row[data-id="game24-900#10"] .c-answer').getAttribute('title')) ?? '', /^found by phrase/);
  await shot('answers');
}, { settings: { 'workbench.colorTheme': 'Default Dark Modern' } });

// ours: a short R1-style record with Markdown, LaTeX in the three usual delimiters, and HTML that must stay text
const MATH_RECORD = JSON.stringify({
  id: 'md-1',
  prompt: 'Find $x$ such that \\(x^2 = 2\\). Use **exact** form.',
  completion: '<think>\nWe need x^2 = 2, so x = sqrt(2).\n</think>\n\n## Answer\n- positive root: $x = \\sqrt{2}$\n- check: \\((\\sqrt{2})^2 = 2\\)\n\\[ \\left(\\sqrt{2}\\right)^2 = 2 \\]\n$$\\boxed{\\sqrt{2}}$$\n<img src=x onerror=alert(1)> `code`',
  answer: '\\sqrt{2}',
}) + '\n';

test('Markdown and LaTeX in a completion and its prompt are rendered with KaTeX; HTML stays text', async ({ vs, dialogs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/math.jsonl');
  await tree.expand('Find $x$');
  const stepper = new StepperPanel(vs);
  await tree.openSample('md-1', stepper);
  // as written first: the answer part is plain text
  await eventually(async () => /## Answer/.test(await stepper.text('#answer-text')), { what: 'the answer part as text' });
  await stepper.$('#render-md').check();
  await eventually(async () => (await stepper.$('#answer-text .katex').count()) >= 4, { what: 'four typeset formulas in the answer' });
  assert.equal(await stepper.$('#answer-text h2').textContent(), 'Answer');
  assert.equal(await stepper.$('#answer-text li').count(), 2);
  assert.ok((await stepper.$('#answer-text .math-display .katex-display').count()) >= 2, 'display math is set apart');
  assert.match(await stepper.text('#answer-text'), /<img src=x onerror=alert\(1\)>/, 'the HTML is shown as text');
  assert.equal(await stepper.$('#answer-text img, img[src="x"]').count(), 0, 'no element was made from it');
  assert.equal(await stepper.$('#answer-text code').last().textContent(), 'code');
  assert.match(await stepper.text('#current-text'), /We need x\^2 = 2/, 'the current step is shown too');
  await stepper.$('#prompt summary').click();
  assert.equal(await stepper.$('.prompt-text .katex').count(), 2, 'both formulas of the prompt are typeset');
  assert.equal(await stepper.$('.prompt-text strong').textContent(), 'exact');
  assert.deepEqual(dialogs, []);
  await shot('markdown-math');
  // off again: the text exactly as written
  await stepper.$('#render-md').uncheck();
  await eventually(async () => (await stepper.$('.katex').count()) === 0, { what: 'plain text again' });
  assert.match(await stepper.text('.prompt-text'), /^Find \$x\$ such that \\\(x\^2 = 2\\\)/);
}, { prepare: (ws) => writeFileSync(path.join(ws, 'rollouts', 'math.jsonl'), MATH_RECORD), settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
