// Hostile files opened in the Trace Explorer as a person would open them: each ends with the records it
// could read and a clear reason for the rest; a title made of markup stays text in the panel's tab.
import assert from 'node:assert/strict';
import { createWriteStream, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import path from 'node:path';
import { eventually, test } from './harness.mjs';
import { StepperPanel, TraceTree } from './trace-explorer.mjs';

const record = (id, extra = {}) => JSON.stringify({ id, prompt: `Question ${id}`, completion: `<think>\nThink about ${id}.\n</think>\nThe answer is 4.`, answer: '4', ...extra });

/** Two records, then 256 MiB of blanks: 256 KB on disk, past every limit once inflated. */
async function gzipBomb(file) {
  const blanks = Buffer.alloc(1 << 20, 0x20);
  await pipeline(
    Readable.from((function* () {
      yield Buffer.from(`${record('before-1')}\n${record('before-2')}\n`);
      for (let i = 0; i < 256; i++) yield blanks;
    })()),
    createGzip({ level: 1 }),
    createWriteStream(file),
  );
}

test('A gzip bomb: the records before it are shown and the Malformed list says where the read stopped and why', async ({ vs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/bomb.jsonl.gz');
  assert.match(await tree.message(), /bomb\.jsonl\.gz: 2 samples/);
  await vs.waitForNotification(/1 malformed line skipped/);
  await tree.expand('Malformed (1)');
  const row = tree.row('line 3');
  await row.waitFor({ timeout: 10000 });
  assert.match((await row.textContent()) ?? '', /it decompresses to more than [\d.]+ MiB, 100× its .* a gzip bomb/);
  await shot('gzip-bomb');
}, { prepare: (ws) => gzipBomb(path.join(ws, 'rollouts', 'bomb.jsonl.gz')) });

test('A record nested 10,000 deep is listed with the depth limit; the records around it open', async ({ vs }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/deep.jsonl');
  assert.match(await tree.message(), /deep\.jsonl: 2 samples/);
  await tree.expand('Malformed (1)');
  const row = tree.row('line 2');
  await row.waitFor({ timeout: 10000 });
  assert.match((await row.textContent()) ?? '', /nested deeper than 512 levels/);
}, { prepare: (ws) => writeFileSync(path.join(ws, 'rollouts', 'deep.jsonl'), [record('a'), record('deep').replace(/}$/, `, "meta": ${'['.repeat(10000)}${']'.repeat(10000)}}`), record('b')].join('\n') + '\n') });

const TITLE_ID = '</title><script>x';
test('A sample id made of markup: the stepper still runs its script and its tab shows the id as text', async ({ vs, dialogs, shot }) => {
  const tree = new TraceTree(vs);
  await tree.open('rollouts/markup-ids.jsonl');
  await tree.expand('Question <b>');
  const stepper = new StepperPanel(vs);
  await tree.openSample(TITLE_ID, stepper);
  // the panel's own script drew the sample: a dangling <script in the title would have swallowed it
  await eventually(async () => /Think about it/.test(await stepper.text('#text')), { what: 'the stepper to draw the sample' });
  const tab = vs.page.locator('.tabs-container .tab.active');
  assert.equal((await tab.getAttribute('aria-label'))?.startsWith(`Trace: ${TITLE_ID}`), true, await tab.getAttribute('aria-label'));
  assert.equal(await stepper.$('#sample-id *').count(), 0, 'no element was made from the id');
  assert.deepEqual(dialogs, []);
  await shot('markup-title');
}, {
  prepare: (ws) =>
    writeFileSync(
      path.join(ws, 'rollouts', 'markup-ids.jsonl'),
      JSON.stringify({ id: TITLE_ID, prompt: 'Question <b>bold</b></title>', completion: '<think>\nThink about it.\n</think>\nThe answer is 4.', answer: '4' }) + '\n' + record('plain') + '\n',
    ),
});

