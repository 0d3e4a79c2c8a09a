// What users of Inspect's log viewer and of trace viewers expect from the Trace Explorer: the file's own
// scorer first, the sample's transcript and events, the eval header, a record's raw JSON (also inside
// .gz and .eval), search, rendered Markdown and math, and the order a sort asks for.
import assert from 'node:assert/strict';
import { eventually, test } from './harness.mjs';
import { TraceTree } from './trace-explorer.mjs';

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
  const moved = await eventually(async () => {
    const now = await childIds(tree, '3 4 4 13');
    return now.length >= 3 ? now : null;
  }, { what: 'the moved group\'s children' });
  assert.deepEqual(moved.slice(0, 3), ['game24-903#0', 'game24-903#2', 'game24-903#5'], 'longest first under the moved group');
  await vs.runCommand('Reasoning Lab: Sort Samples');
  await vs.chooseQuickPickItem('Reward, highest first');
  await tree.waitForMessage(/sorted by reward ↓/);
  const ids = await eventually(async () => {
    const now = await childIds(tree, '4 5 6 10');
    return now.length >= 3 ? now : null;
  }, { timeout: 10000, what: 'the children of the expanded group' });
  assert.deepEqual(ids.slice(0, 3), ['game24-900#10', 'game24-900#15', 'game24-900#0'], 'the best samples first under the expanded group');
  await shot('sorted-children');
});
