// The JSON array scanner on its own: which byte ranges it indexes as entries, on which lines, which
// array of a JSON object it picks, and what it says about broken documents, including strings and
// escapes that straddle its 1 MiB read chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHUNK_BYTES, scanJsonArray } from '../../src/core/traces/scan';
import type { MalformedEntry } from '../../src/core/traces';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-scan-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Scan `content` written to a file; entries come back as their text and line. */
async function scan(content: string | Buffer, signal?: AbortSignal) {
  const file = path.join(dir, `doc-${n++}.json`);
  fs.writeFileSync(file, content);
  const bytes = fs.readFileSync(file);
  const fh = await fsp.open(file, 'r');
  const malformed: MalformedEntry[] = [];
  try {
    const r = await scanJsonArray(fh, bytes.length, malformed, { signal });
    const entries: Array<{ text: string; line: number }> = [];
    for (let i = 0; i < r.entries.count; i++) {
      entries.push({ text: bytes.subarray(r.entries.start(i), r.entries.start(i) + r.entries.length(i)).toString('utf8'), line: r.entries.line(i) });
    }
    return { ...r, entries, malformed };
  } finally {
    await fh.close();
  }
}

test('a top-level array: each object element is an entry, with the line it starts on; other elements are not', async () => {
  const doc = '\ufeff[\n  {"a": 1},\n  2, "s", [3, {"nested": true}],\n  {"b": {"c": [1, 2]}}\n]\n';
  const r = await scan(doc);
  assert.equal(r.top, 'array');
  assert.equal(r.key, undefined);
  assert.deepEqual(r.entries, [
    { text: '{"a": 1}', line: 2 },
    { text: '{"b": {"c": [1, 2]}}', line: 4 },
  ]);
  assert.deepEqual(r.malformed, []);
});

test('brackets, braces, quotes and backslashes inside strings are text, not structure', async () => {
  const objs = [{ s: '}{][' }, { s: 'say "hi" {' }, { s: 'ends with a backslash \\' }, { s: '\\\\"[' }, { 'k"}': 'v' }];
  const doc = JSON.stringify(objs, null, 1);
  const r = await scan(doc);
  assert.deepEqual(r.entries.map((e) => JSON.parse(e.text)), objs);
  assert.deepEqual(r.malformed, []);
});

test('a JSON object: the entries are the objects of a preferred key, else of its longest array', async () => {
  const preferred = await scan(JSON.stringify({ meta: [{ x: 1 }, { x: 2 }, { x: 3 }], results: [{ y: 1 }], other: 'results' }));
  assert.equal(preferred.key, 'results');
  assert.deepEqual(preferred.entries.map((e) => e.text), ['{"y":1}']);
  const longest = await scan(JSON.stringify({ a: [{ x: 1 }], b: [{ x: 2 }, { x: 3 }], c: { d: [{ x: 4 }, { x: 5 }, { x: 6 }] } }));
  assert.equal(longest.key, 'b', 'only top-level keys count');
  assert.equal(longest.entries.length, 2);
  // an array with no objects does not count; a key with an escaped quote is kept as written
  const escaped = await scan('{"nums": [1, 2, 3], "a\\"b": [{"x": 1}]}');
  assert.equal(escaped.key, 'a\\"b');
  assert.deepEqual(escaped.entries.map((e) => e.text), ['{"x": 1}']);
});

test('a JSON object with no array of objects is one entry: the whole document', async () => {
  const doc = '  {"prompt": "Q", "completion": "A", "tags": [1, 2]}\n';
  const r = await scan(doc);
  assert.equal(r.top, 'object');
  assert.deepEqual(r.entries, [{ text: doc.slice(2), line: 1 }]);
});

test('broken documents: not JSON, unbalanced, cut off, more than one value', async () => {
  const notJson = await scan('hello [{"a": 1}]');
  assert.equal(notJson.top, 'none');
  assert.equal(notJson.entries.length, 0);
  assert.deepEqual(notJson.malformed, [{ line: 1, reason: "not JSON: the file starts with 'h'" }]);

  const unbalanced = await scan('[{"a": 1}]\n]');
  assert.deepEqual(unbalanced.entries.map((e) => e.text), ['{"a": 1}']);
  assert.deepEqual(unbalanced.malformed, [{ line: 2, reason: "unbalanced ']'" }]);

  const cutElement = await scan('[\n{"a": 1},\n{"b": "never');
  assert.deepEqual(cutElement.entries.map((e) => e.text), ['{"a": 1}']);
  assert.deepEqual(cutElement.malformed, [{ line: 3, reason: 'truncated: this element never closes (the file was cut off)' }]);

  const cutDocument = await scan('[\n{"a": 1},\n2');
  assert.equal(cutDocument.entries.length, 1);
  assert.deepEqual(cutDocument.malformed, [{ line: 3, reason: 'truncated: the JSON document ends before it closes (the file was cut off)' }]);

  const two = await scan('[{"a": 1}]\n[{"b": 2}]\n');
  assert.deepEqual(two.entries.map((e) => e.text), ['{"a": 1}']);
  assert.deepEqual(two.malformed, [{ line: 2, reason: 'more than one JSON value in the file: the rest is ignored' }]);
});

test('a second JSON value beyond the first read chunk is ignored too, without further complaints', async () => {
  const first = JSON.stringify([{ a: 1 }]);
  const pad = ' '.repeat(CHUNK_BYTES - first.length - 2);
  const second = JSON.stringify([{ b: 'x'.repeat(CHUNK_BYTES) }, { c: 3 }]);
  const r = await scan(`${first}${pad}\n${second}\n`);
  assert.deepEqual(r.entries.map((e) => e.text), [first.slice(1, -1)]);
  assert.deepEqual(r.malformed, [{ line: 2, reason: 'more than one JSON value in the file: the rest is ignored' }]);
});

test('escapes that straddle a read chunk: an odd run of backslashes escapes the quote, an even run does not', async () => {
  const head = '[{"s": "';
  for (const run of [1, 2, 3, 4]) {
    // the backslash run ends exactly at the end of the first chunk; its quote opens the next
    const fill = 'y'.repeat(CHUNK_BYTES - head.length - run);
    const escaped = run % 2 === 1;
    const rest = escaped ? ' still the string"}, {"u": 2}]' : '}, {"u": 2}]';
    const r = await scan(`${head}${fill}${'\\'.repeat(run)}"${rest}`);
    assert.deepEqual(r.malformed, [], `run of ${run}`);
    assert.equal(r.entries.length, 2, `run of ${run}`);
    const s = `${fill}${'\\'.repeat(Math.floor(run / 2))}${escaped ? '" still the string' : ''}`;
    assert.deepEqual(JSON.parse(r.entries[0].text), { s }, `run of ${run}`);
    assert.equal(r.entries[1].text, '{"u": 2}');
  }
});

test('a backslash run longer than a whole chunk is carried across chunks', async () => {
  const head = '[{"s": "ab';
  for (const run of [2 * CHUNK_BYTES + 1, 2 * CHUNK_BYTES + 2]) {
    const escaped = run % 2 === 1;
    const rest = escaped ? 'x", "t": 1}, {"u": 2}]' : ', "t": 1}, {"u": 2}]';
    const r = await scan(`${head}${'\\'.repeat(run)}"${rest}`);
    assert.deepEqual(r.malformed, []);
    assert.equal(r.entries.length, 2);
    assert.deepEqual(JSON.parse(r.entries[0].text), { s: `ab${'\\'.repeat(Math.floor(run / 2))}${escaped ? '"x' : ''}`, t: 1 });
    assert.equal(r.entries[1].text, '{"u": 2}');
  }
});

test('a cancelled scan says so and indexes nothing', async () => {
  const controller = new AbortController();
  controller.abort();
  const r = await scan('[{"a": 1}]', controller.signal);
  assert.equal(r.cancelled, true);
  assert.equal(r.entries.length, 0);
});
