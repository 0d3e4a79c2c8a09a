import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { readJsonl, type JsonlItem } from '../../src/core/records/jsonl';
import { FIXTURES } from './helpers/rewardData';

async function collect(input: NodeJS.ReadableStream, opts?: Parameters<typeof readJsonl>[1]): Promise<JsonlItem[]> {
  const out: JsonlItem[] = [];
  for await (const item of readJsonl(input, opts)) out.push(item);
  return out;
}
const fromChunks = (chunks: Array<string | Buffer>) => Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));

test('lines, CRLF, BOM, blank lines, final line without newline', async () => {
  const items = await collect(fromChunks(['\ufeff{"a":1}\r\n', '\r\n  \n{"a":', '2}\n{"a":3}']));
  assert.deepEqual(items, [
    { line: 1, value: { a: 1 } },
    { line: 4, value: { a: 2 } },
    { line: 5, value: { a: 3 } },
  ]);
});

test('broken lines give an error naming the line, the rest goes on', async () => {
  const items = await collect(fromChunks(['{"ok":1}\n', '{"bad": }\n', 'not json\n', '{"trunc', 'ated": \n', '{"ok":2}\n']));
  assert.deepEqual(items.map((i) => i.line), [1, 2, 3, 4, 5]);
  assert.deepEqual(items[0].value, { ok: 1 });
  assert.match(items[1].error!, /^[^\n]*\(not valid JSON\)$/);
  assert.match(items[2].error!, /^Unexpected token .*\(not valid JSON\)$/);
  assert.ok(!items[2].error!.includes('"not json"'), 'the input is not echoed');
  assert.match(items[3].error!, /not valid JSON/);
  assert.deepEqual(items[4].value, { ok: 2 });
});

test('multi-byte characters split across chunks', async () => {
  const buf = Buffer.from('{"t":"中文🙂"}\n');
  const chunks = Array.from(buf).map((b) => Buffer.from([b])); // one byte per chunk
  assert.deepEqual(await collect(Readable.from(chunks)), [{ line: 1, value: { t: '中文🙂' } }]);
});

test('an over-long line is an error for that line only', async () => {
  const long = '{"x":"' + 'a'.repeat(5000) + '"}\n';
  const items = await collect(fromChunks(['{"a":1}\n', long.slice(0, 2000), long.slice(2000), '{"b":2}\n', long]), { maxLineChars: 1000 });
  assert.deepEqual(items.map((i) => [i.line, i.error ? 'error' : 'ok']), [[1, 'ok'], [2, 'error'], [3, 'ok'], [4, 'error']]);
  assert.match(items[1].error!, /^longer than 1000 characters$/);
});

test('empty input; a line that is only a BOM', async () => {
  assert.deepEqual(await collect(fromChunks([])), []);
  assert.deepEqual(await collect(fromChunks(['\ufeff'])), []);
});

test('abort stops the reader', async () => {
  const controller = new AbortController();
  const lines = Array.from({ length: 100 }, (_, i) => `{"i":${i}}\n`);
  const got: JsonlItem[] = [];
  for await (const item of readJsonl(fromChunks(lines), { signal: controller.signal })) {
    got.push(item);
    if (got.length === 3) controller.abort();
  }
  assert.equal(got.length, 3);
});

test('real fixture file from disk', async () => {
  const items = await collect(createReadStream(join(FIXTURES, 'deephermes3_outputs.jsonl')));
  assert.equal(items.length, 13);
  assert.ok(items.every((i) => i.error === undefined));
  assert.equal((items[1].value as { finish_reason: string }).finish_reason, 'length');
});
