// Bad input: each case gets a clear message (line, reason) and the rest of the file stays usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openTraceFile } from '../../src/core/traces';

function tmp(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-bad-'));
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}
const rec = (i: number, extra: Record<string, unknown> = {}) => JSON.stringify({ id: `r${i}`, prompt: `Q${i % 3}`, completion: `<think>\nstep ${i}\n</think>\n\nThe answer is ${i}.`, reward: i % 2, ...extra });

test('truncated last line: listed as truncated with its line number; the other records read', async () => {
  const f = tmp('cut.jsonl', [rec(0), rec(1), rec(2)].join('\n') + '\n' + rec(3).slice(0, 40));
  const tf = await openTraceFile(f);
  assert.equal(tf.count, 3);
  assert.equal(tf.malformed.length, 1);
  assert.equal(tf.malformed[0].line, 4);
  assert.match(tf.malformed[0].reason, /^truncated/);
  assert.equal((await tf.analyze()).records, 3);
  await tf.close();
});

test('the same truncated file, gzipped: same result (decompressed to a temporary file, removed on close)', async () => {
  const f = tmp('cut.jsonl.gz', gzipSync([rec(0), rec(1)].join('\n') + '\n' + rec(2).slice(0, 30)));
  const tf = await openTraceFile(f);
  assert.equal(tf.count, 2);
  assert.match(tf.malformed[0].reason, /^truncated/);
  await tf.close();
});

test('invalid UTF-8 inside a record: that record is listed (line, "invalid UTF-8") and skipped', async () => {
  const bad = Buffer.concat([Buffer.from(rec(1).slice(0, 30)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(rec(1).slice(30))]);
  const f = tmp('utf8.jsonl', Buffer.concat([Buffer.from(rec(0) + '\n'), bad, Buffer.from('\n' + rec(2) + '\n')]));
  const tf = await openTraceFile(f);
  assert.equal(tf.count, 3);
  const e = await tf.read(1);
  assert.match(e.error ?? '', /invalid UTF-8 near byte 3\d/);
  const a = await tf.analyze();
  assert.equal(a.records, 2);
  assert.deepEqual(a.malformed.map((m) => m.line), [2]);
  await tf.close();
});

test('a 50 MB single record is indexed and read whole; the records around it are unaffected', async () => {
  const big = JSON.stringify({ id: 'big', prompt: 'Q', completion: '<think>\n' + 'Wait, let me re-check. '.repeat(2_300_000) + '\n</think>\n\nDone.' });
  assert.ok(big.length > 50_000_000);
  const f = tmp('big.jsonl', rec(0) + '\n' + big + '\n' + rec(2) + '\n');
  const tf = await openTraceFile(f);
  assert.equal(tf.count, 3);
  assert.equal(tf.malformed.length, 0);
  const page = await tf.readRange(0, 3);
  assert.equal(page[1].samples[0].id, 'big');
  assert.ok(page[1].samples[0].completion.length > 50_000_000);
  assert.equal(page[2].samples[0].id, 'r2');
  await tf.close();
});

test('a JSON array file (pretty-printed, even named .jsonl) is read element by element with the right lines', async () => {
  const arr = JSON.stringify([JSON.parse(rec(0)), JSON.parse(rec(1)), JSON.parse(rec(2))], null, 2);
  for (const name of ['arr.json', 'arr.jsonl']) {
    const tf = await openTraceFile(tmp(name, arr));
    assert.equal(tf.shape.container, 'json-array');
    assert.equal(tf.count, 3);
    const e = await tf.read(1);
    assert.equal(e.samples[0].id, 'r1');
    assert.equal(e.line, arr.split('\n').findIndex((l) => l.includes('"r1"')));
    await tf.close();
  }
  // a truncated JSON array: the complete elements read, the cut one is listed
  const tf = await openTraceFile(tmp('cut.json', arr.slice(0, arr.length - 40)));
  assert.equal(tf.count, 2);
  assert.match(tf.malformed[0].reason, /truncated/);
  await tf.close();
});

test('records with missing or wrong fields: the field is named, the rest is read', async () => {
  const lines = [rec(0), JSON.stringify({ id: 'x', prompt: 'Q' }), JSON.stringify({ id: 'y', prompt: 'Q', completion: 42 }), 'not json at all', '{"id": "z", "completion": "ok", bad}', rec(5)];
  const tf = await openTraceFile(tmp('missing.jsonl', lines.join('\n') + '\n'));
  const a = await tf.analyze();
  assert.equal(a.records, 2);
  const byLine = Object.fromEntries(a.malformed.map((m) => [m.line, m.reason]));
  assert.match(byLine[2], /field "completion": missing/);
  assert.match(byLine[3], /field "completion": expected a string or a list of chat messages, got number/);
  assert.match(byLine[4], /not a JSON object: the line starts with 'n'/);
  assert.match(byLine[5], /not valid JSON/);
  await tf.close();
});

test('HTML and script tags inside completions are kept as data, byte for byte', async () => {
  const evil = '<think>\n<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n</think>\n\n<b>42</b>';
  const tf = await openTraceFile(tmp('html.jsonl', JSON.stringify({ prompt: '<iframe src="javascript:alert(3)">', completion: evil }) + '\n'));
  const s = (await tf.read(0)).samples[0];
  assert.equal(s.completion, evil);
  assert.equal(s.prompt, '<iframe src="javascript:alert(3)">');
  const d = await tf.detail(0);
  assert.ok(d.steps.some((st) => st.text.includes('<script>alert(1)</script>')));
  await tf.close();
});

test('a file that changes while open: appended records are picked up; truncation and rewrites are detected and re-indexed with a message', async () => {
  const f = tmp('live.jsonl', [rec(0), rec(1)].join('\n') + '\n');
  const tf = await openTraceFile(f);
  assert.equal(await tf.checkChanged(), 'unchanged');
  fs.appendFileSync(f, rec(2) + '\n' + rec(3).slice(0, 20));
  assert.equal(await tf.checkChanged(), 'appended');
  let r = await tf.refresh();
  assert.equal(r.added, 1);
  assert.equal(tf.count, 3);
  assert.match(tf.malformed.at(-1)!.reason, /^truncated/);
  // the writer finishes the line: the truncated entry is replaced by the record
  fs.appendFileSync(f, rec(3).slice(20) + '\n');
  r = await tf.refresh();
  assert.equal(r.added, 1);
  assert.equal(tf.malformed.length, 0);
  assert.equal((await tf.read(3)).samples[0].id, 'r3');

  fs.writeFileSync(f, rec(9) + '\n'); // truncated in place
  assert.equal(await tf.checkChanged(), 'truncated');
  const stale = await tf.read(2);
  assert.match(stale.error ?? '', /truncated .*while open/);
  r = await tf.refresh();
  assert.equal(r.change, 'truncated');
  assert.match(r.message ?? '', /indexed again/);
  assert.equal(tf.count, 1);
  assert.equal((await tf.read(0)).samples[0].id, 'r9');

  // rewritten through a new file (rename over it): a different inode
  const next = f + '.new';
  fs.writeFileSync(next, [rec(4), rec(5), rec(6)].join('\n') + '\n');
  fs.renameSync(next, f);
  assert.equal(await tf.checkChanged(), 'rewritten');
  r = await tf.refresh();
  assert.equal(tf.count, 3);
  await tf.close();
});

test('cancellation: an aborted signal stops the index pass with an AbortError', async () => {
  const f = tmp('many.jsonl', Array.from({ length: 2000 }, (_, i) => rec(i)).join('\n') + '\n');
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(openTraceFile(f, {}, { signal: ac.signal }), { name: 'AbortError' });
  // and the analysis pass stops early, marked cancelled
  const tf = await openTraceFile(f);
  const ac2 = new AbortController();
  let calls = 0;
  const a = await tf.analyze({ signal: ac2.signal, onProgress: () => calls++ });
  assert.equal(a.cancelled, false);
  ac2.abort();
  const b = await tf.analyze({ signal: ac2.signal });
  assert.equal(b.cancelled, true);
  assert.equal(b.records, 0);
  await tf.close();
});
