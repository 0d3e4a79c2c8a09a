// Hostile files, as an attacker (or an unlucky user) would hand them over: each read ends with a clear
// message naming the file and the place, in bounded memory; the rest of the file is read where that
// makes sense; nothing is left in the spill folder. The large inputs are made here, at test time, and
// the limits are lowered (as --limit does) so the same code paths run on megabytes instead of gigabytes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32, createGzip, deflateRawSync, gzipSync } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { parquetMetadata } from 'hyparquet';
import { openTraceFile } from '../../src/core/traces';
import { readLimits } from '../../src/core/shared/readLimits';
import { readFileBounded } from '../../src/core/shared/inputFile';
import { readText } from '../../src/core/eval/problems';
import { readJsonl } from '../../src/core/records/jsonl';
import { ROOT, runCli } from './helpers/runCli';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-hostile-'));
const spill = path.join(work, 'spill');
process.env.REASONING_LAB_SPILL_DIR = spill;
after(() => fs.rmSync(work, { recursive: true, force: true }));

const FIX = path.join(ROOT, 'test', 'fixtures', 'traces');
const MiB = 1024 * 1024;
const file = (name: string, content: string | Buffer) => {
  const f = path.join(work, name);
  fs.writeFileSync(f, content);
  return f;
};
const rec = (i: number) => JSON.stringify({ id: `r${i}`, prompt: `Q${i}`, completion: `<think>\nstep ${i}\n</think>\n\nThe answer is ${i}.`, reward: i % 2 });
const spillLeft = () => (fs.existsSync(spill) ? fs.readdirSync(spill) : []);
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

// --- Parquet: a footer that claims more than the file can hold ---

/** The fixture with `bytes` put in place of `length` bytes at `at` in its footer (the footer length fixed). */
function patchFooter(src: Buffer, at: number, length: number, bytes: number[]): Buffer {
  const len = src.readUInt32LE(src.length - 8);
  const start = src.length - 8 - len;
  const footer = Buffer.concat([src.subarray(start, start + at), Buffer.from(bytes), src.subarray(start + at + length, start + len)]);
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(footer.length, 0);
  tail.write('PAR1', 4, 'latin1');
  return Buffer.concat([src.subarray(0, start), footer, tail]);
}

/** Thrift's compact varint of a zigzagged i64. */
function zigzagVarint(n: bigint): number[] {
  let z = n << 1n;
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

const meta = (b: Buffer) => parquetMetadata(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);

/** The fixture with row group `group`'s row count (a 1-byte varint `was`) set to `rows`: tried at each place the bytes occur, kept where hyparquet reads the change. */
function lyingRowGroup(group: number, was: number, rows: bigint): Buffer {
  const src = fs.readFileSync(path.join(FIX, 'trl_completions.parquet'));
  const len = src.readUInt32LE(src.length - 8);
  const footer = src.subarray(src.length - 8 - len, src.length - 8);
  const field = [0x16, ...zigzagVarint(BigInt(was))];
  for (let i = 0; i < footer.length; i++) {
    if (footer[i] !== field[0] || footer[i + 1] !== field[1]) continue;
    const b = patchFooter(src, i + 1, 1, zigzagVarint(rows));
    try {
      if (meta(b).row_groups[group].num_rows === rows) return b;
    } catch {
      // not that field
    }
  }
  throw new Error('row count field not found');
}

test('Parquet: a 3 KB file whose footer claims 2^53 rows is read as the 6 rows its row groups hold, and says so', async () => {
  const src = fs.readFileSync(path.join(FIX, 'trl_completions.parquet'));
  const len = src.readUInt32LE(src.length - 8);
  const footer = src.subarray(src.length - 8 - len, src.length - 8);
  const at = footer.indexOf(Buffer.from([0x16, 0x0c, 0x19])); // FileMetaData.num_rows = 6, then the row groups list
  const f = file('claims-2^53.parquet', patchFooter(src, at + 1, 1, zigzagVarint(2n ** 53n)));
  assert.equal(meta(fs.readFileSync(f)).num_rows, 2n ** 53n);
  const tf = await openTraceFile(f);
  assert.equal(tf.count, 6);
  assert.match(tf.malformed[0].reason, /footer claims 9,007,199,254,740,992 rows; its row groups hold 6/);
  assert.equal((await tf.analyze()).records, 6);
  await tf.close();
});

test('Parquet: a row group claiming 2^53 rows is skipped with its number; the other row group is read', async () => {
  const f = file('group-2^53.parquet', lyingRowGroup(0, 4, 2n ** 53n));
  const tf = await openTraceFile(f);
  assert.equal(tf.count, 2);
  assert.match(tf.malformed[0].reason, /^row group 1 claims 9,007,199,254,740,992 rows, more than a file of 3,\d+ bytes can hold .*skipped$/);
  assert.equal((await tf.analyze()).records, 2);
  await tf.close();
  const r = await runCli(['traces', f, '--stats']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).records, 2);
});

test('Parquet with a lying schema: a row group claims 5 rows and holds 2; the missing rows are errors naming the row group', async () => {
  const f = file('lying.parquet', lyingRowGroup(1, 2, 5n));
  const tf = await openTraceFile(f);
  assert.equal(tf.count, 9);
  const a = await tf.analyze();
  assert.ok(a.records >= 4 && a.records <= 6, `records ${a.records}`);
  const bad = a.malformed.filter((m) => m.line > 0);
  assert.ok(bad.length >= 3);
  for (const m of bad) assert.match(m.reason, /^row group 2: cannot decode row/);
  await tf.close();
});

test('Parquet: not Parquet after all (cut off, no PAR1 at the end) is refused with the file name', async () => {
  const src = fs.readFileSync(path.join(FIX, 'trl_completions.parquet'));
  const f = file('cut.parquet', src.subarray(0, 2000));
  await assert.rejects(openTraceFile(f), (e: Error) => e.message.startsWith(`${f}: not a readable Parquet file: no "PAR1" at the end`));
});

// --- Inspect .eval zips ---

/**
 * A zip of the members (deflated), written by hand so tests can then make it lie: the central records
 * are returned with their offsets. Enough of the format for yauzl: local headers, central directory, end record.
 */
function zipOf(members: { name: string; data: Buffer }[]): { zip: Buffer; central: number[] } {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const body = deflateRawSync(m.data);
    const crc = crc32(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(m.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    centrals.push(Buffer.concat([central, name]));
    offset += 30 + name.length + body.length;
  }
  const central: number[] = [];
  let at = offset;
  for (const c of centrals) {
    central.push(at);
    at += c.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(at - offset, 12);
  end.writeUInt32LE(offset, 16);
  return { zip: Buffer.concat([...parts, ...centrals, end]), central };
}
const sample = (id: number) =>
  Buffer.from(JSON.stringify({ id, epoch: 1, input: `Q${id}`, target: `${id}`, output: { choices: [{ message: { role: 'assistant', content: `The answer is ${id}.` } }] }, scores: { s: { value: 1 } } }));

test('.eval: a member that inflates past the record limit is skipped with its name; the other samples read', async () => {
  const bomb = Buffer.alloc(24 * MiB, 0x20); // whitespace: valid JSON padding, deflates ~1000×
  const { zip } = zipOf([
    { name: 'header.json', data: Buffer.from('{}') },
    { name: 'samples/1_epoch_1.json', data: sample(1) },
    { name: 'samples/2_epoch_1.json', data: Buffer.concat([bomb, sample(2)]) },
    { name: 'samples/3_epoch_1.json', data: sample(3) },
  ]);
  assert.ok(zip.length < 100_000);
  const f = file('bomb.eval', zip);
  const tf = await openTraceFile(f, { limits: readLimits({ maxRecordBytes: 4 * MiB }) });
  assert.equal(tf.count, 3);
  const a = await tf.analyze();
  assert.equal(a.records, 2);
  assert.equal(a.malformed.length, 1);
  assert.match(a.malformed[0].reason, /^samples\/2_epoch_1\.json: inflates to 24\.0 MiB, over the 4 MiB limit for one record: skipped/);
  await tf.close();
});

test('.eval: a member whose header lies about its size is stopped at the limit while it inflates', async () => {
  const { zip, central } = zipOf([
    { name: 'samples/1_epoch_1.json', data: sample(1) },
    { name: 'samples/2_epoch_1.json', data: Buffer.alloc(8 * MiB, 0x20) },
  ]);
  zip.writeUInt32LE(10, central[1] + 24); // member 2's central record says it inflates to 10 bytes
  const f = file('liar.eval', zip);
  const tf = await openTraceFile(f, { limits: readLimits({ maxRecordBytes: 1 * MiB }) });
  const e = await tf.read(1);
  assert.match(e.error ?? '', /^samples\/2_epoch_1\.json: (inflates to more than 1 MiB|too many bytes in the stream)/);
  assert.equal((await tf.read(0)).error, undefined);
  await tf.close();
});

test('.eval: members whose data overlap (a zip bomb trick) are refused by name', async () => {
  const { zip, central } = zipOf([
    { name: 'samples/1_epoch_1.json', data: sample(1) },
    { name: 'samples/2_epoch_1.json', data: sample(2) },
    { name: 'samples/3_epoch_1.json', data: sample(3) },
  ]);
  zip.writeUInt32LE(zip.readUInt32LE(central[1] + 42), central[2] + 42); // member 3's record points at member 2's data
  const f = file('overlap.eval', zip);
  const tf = await openTraceFile(f);
  const a = await tf.analyze();
  assert.equal(a.records, 1);
  assert.deepEqual(
    a.malformed.map((m) => m.reason),
    ['samples/2_epoch_1.json: its data overlaps member samples/3_epoch_1.json (a zip bomb\'s trick, or a damaged zip): skipped', 'samples/3_epoch_1.json: its data overlaps member samples/2_epoch_1.json (a zip bomb\'s trick, or a damaged zip): skipped'],
  );
  await tf.close();
});

test('.eval: a sample nested 10,000 deep is refused by the depth limit; the others read', async () => {
  const { zip } = zipOf([
    { name: 'samples/1_epoch_1.json', data: sample(1) },
    { name: 'samples/2_epoch_1.json', data: Buffer.from(`{"id":2,"input":"Q","target":"A","scores":{},"output":${deep(10_000)}}`) },
  ]);
  const f = file('deep.eval', zip);
  const tf = await openTraceFile(f);
  const a = await tf.analyze();
  assert.equal(a.records, 1);
  assert.equal(a.malformed[0].reason, 'samples/2_epoch_1.json: nested deeper than 512 levels (the limit for one JSON value)');
  await tf.close();
});

test('.eval: a zip cut in half is refused with the file name', async () => {
  const { zip } = zipOf([{ name: 'samples/1_epoch_1.json', data: sample(1) }]);
  const f = file('half.eval', zip.subarray(0, Math.floor(zip.length / 2)));
  await assert.rejects(openTraceFile(f), (e: Error) => e.message.startsWith(`${f}: not a readable Inspect .eval log (zip)`));
});

// --- gzip ---

test('a gzip bomb stops at the inflate ratio with what came before it read, and the spill file is gone on close', async () => {
  const f = path.join(work, 'bomb.jsonl.gz');
  const head = Buffer.from([rec(0), rec(1)].join('\n') + '\n');
  await pipeline(
    Readable.from((function* () {
      yield head;
      const zeros = Buffer.alloc(MiB, 0x20);
      for (let i = 0; i < 64; i++) yield zeros;
    })()),
    createGzip(),
    fs.createWriteStream(f),
  );
  const size = fs.statSync(f).size;
  assert.ok(size < 200_000);
  const tf = await openTraceFile(f, { limits: readLimits({ maxInflateRatio: 50, maxRecordBytes: 1 * MiB }) });
  assert.equal(tf.count, 2);
  const last = tf.malformed[tf.malformed.length - 1];
  assert.match(last.reason, /^it decompresses to more than .*, 50× its .* \(the limit for a compressed file: a gzip bomb, or raise it with --limit inflate-ratio=…\): the rest of the file was not read$/);
  assert.deepEqual(spillLeft(), []); // unlinked as soon as it was open
  await tf.close();
  assert.deepEqual(spillLeft(), []);
});

test('a gzip file damaged midway: the records before the damage are read and the damage is reported', async () => {
  const gz = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => rec(i)).join('\n') + '\n'));
  const cut = Buffer.from(gz.subarray(0, Math.floor(gz.length * 0.7)));
  const f = file('damaged.jsonl.gz', cut);
  const tf = await openTraceFile(f);
  assert.ok(tf.count > 100 && tf.count < 2000, String(tf.count));
  assert.ok(tf.malformed.some((m) => /compressed data is damaged after|^truncated/.test(m.reason)), JSON.stringify(tf.malformed));
  await tf.close();
});

test('a process killed (SIGKILL) while it reads a gzipped log leaves nothing in the spill folder', async () => {
  const gz = file('kill.jsonl.gz', gzipSync(Buffer.from(Array.from({ length: 20_000 }, (_, i) => rec(i)).join('\n') + '\n')));
  const script = `
    const { openTraceFile } = require(${JSON.stringify(path.join(ROOT, 'src/core/traces'))});
    openTraceFile(${JSON.stringify(gz)}).then(() => { process.stdout.write('open\\n'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, REASONING_LAB_SPILL_DIR: spill }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => resolve());
    child.on('exit', () => reject(new Error('the child ended before it opened the file')));
  });
  assert.deepEqual(spillLeft(), []);
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  assert.deepEqual(spillLeft(), []);
});

// --- JSONL and JSON ---

test('JSONL: one line longer than the record limit is listed with its size; the lines around it read', async () => {
  const big = JSON.stringify({ id: 'big', completion: 'x'.repeat(3 * MiB) });
  const f = file('long-line.jsonl', [rec(0), big, rec(2)].join('\n') + '\n');
  const tf = await openTraceFile(f, { limits: readLimits({ maxRecordBytes: 1 * MiB }) });
  assert.equal(tf.count, 2);
  assert.deepEqual(tf.malformed, [{ line: 2, reason: 'a record of 3.0 MiB, over the 1 MiB limit for one record: skipped (raise it with --limit record=…)' }]);
  await tf.close();
  const r = await runCli(['traces', f, '--stats', '--limit', 'record=1MB']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).malformed[0].line, 2);
});

test('JSONL: a file of one huge line with no newline (a sparse 3 GiB file) ends with one clear entry, never a crash', async () => {
  const f = path.join(work, 'one-line.jsonl');
  const fd = fs.openSync(f, 'w');
  fs.writeSync(fd, '{"completion": "');
  fs.ftruncateSync(fd, 3 * 1024 * MiB); // zeros, on disk only as a hole
  fs.closeSync(fd);
  const r = await runCli(['traces', f, '--stats']);
  assert.equal(r.code, 1, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.records, 0);
  assert.equal(o.malformed.length, 1);
  assert.match(o.malformed[0].reason, /^(truncated|incomplete|a record of 3 GiB)/);
  fs.rmSync(f);
});

test('JSONL: a record nested 10,000 deep is refused by the depth limit (traces and score)', async () => {
  const f = file('deep.jsonl', [rec(0), `{"id":"d","prompt":"Q","completion":"A","meta":${deep(10_000)}}`, rec(2)].join('\n') + '\n');
  const tf = await openTraceFile(f);
  const a = await tf.analyze();
  assert.equal(a.records, 2);
  assert.deepEqual(a.malformed.map((m) => [m.line, m.reason]), [[2, 'nested deeper than 512 levels (the limit for one JSON value)']]);
  await tf.close();
  const items = [];
  for await (const it of readJsonl(fs.createReadStream(f))) items.push(it);
  assert.equal(items[1].error, 'nested deeper than 512 levels (the limit for one JSON value)');
  assert.equal(items.filter((i) => i.value).length, 2);
});

test('CRLF and LF mixed, a BOM at the start: every record reads', async () => {
  const f = file('crlf.jsonl', '\ufeff' + rec(0) + '\r\n' + rec(1) + '\n' + rec(2) + '\r\n\r\n' + rec(3));
  const tf = await openTraceFile(f);
  const a = await tf.analyze();
  assert.equal(a.records, 4);
  assert.deepEqual(a.malformed, []);
  await tf.close();
});

test('a file truncated while it is being read: the entries now past its end are errors that say so', async () => {
  const f = file('shrinks.jsonl', Array.from({ length: 100 }, (_, i) => rec(i)).join('\n') + '\n');
  const tf = await openTraceFile(f);
  assert.equal(tf.count, 100);
  fs.truncateSync(f, 1000);
  const e = await tf.read(90);
  assert.match(e.error ?? '', /truncated/);
  assert.equal(await tf.checkChanged(), 'truncated');
  await tf.close();
});

test('bounded memory: a 3 GiB line, a gzip bomb, a Parquet footer claiming 2^53 rows, read with the default limits in one process that stays under 300 MB', async () => {
  const line = path.join(work, 'mem-line.jsonl');
  const fd = fs.openSync(line, 'w');
  fs.writeSync(fd, `${rec(0)}\n{"completion": "`);
  fs.ftruncateSync(fd, 3 * 1024 * MiB);
  fs.closeSync(fd);
  const bomb = path.join(work, 'mem-bomb.jsonl.gz');
  const blanks = Buffer.alloc(MiB, 0x20);
  await pipeline(
    Readable.from((function* () {
      yield Buffer.from(rec(0) + '\n');
      for (let i = 0; i < 256; i++) yield blanks;
    })()),
    createGzip({ level: 1 }),
    fs.createWriteStream(bomb),
  );
  const src = fs.readFileSync(path.join(FIX, 'trl_completions.parquet'));
  const len = src.readUInt32LE(src.length - 8);
  const at = src.subarray(src.length - 8 - len, src.length - 8).indexOf(Buffer.from([0x16, 0x0c, 0x19]));
  const parquet = file('mem.parquet', patchFooter(src, at + 1, 1, zigzagVarint(2n ** 53n)));
  const script = `
    const { openTraceFile } = require(${JSON.stringify(path.join(ROOT, 'src/core/traces'))});
    (async () => {
      const out = [];
      for (const f of ${JSON.stringify([line, bomb, parquet])}) {
        const tf = await openTraceFile(f);
        const a = await tf.analyze({ keepSamples: false });
        out.push({ records: a.records, malformed: a.malformed.map((m) => m.reason) });
        await tf.close();
      }
      process.stdout.write(JSON.stringify({ out, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    })();`;
  const r = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, REASONING_LAB_SPILL_DIR: spill }, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}`))));
  });
  const { out, maxRssMB } = JSON.parse(r) as { out: { records: number; malformed: string[] }[]; maxRssMB: number };
  assert.equal(out[0].records, 1);
  assert.match(out[0].malformed[0], /^(truncated|incomplete|a record of)/);
  assert.equal(out[1].records, 1);
  assert.match(out[1].malformed.at(-1)!, /^it decompresses to more than [\d.]+ MiB, 100× its/);
  assert.equal(out[2].records, 6);
  assert.ok(maxRssMB < 300, `peak RSS ${maxRssMB.toFixed(0)} MB`);
  assert.deepEqual(spillLeft(), []);
  fs.rmSync(line);
});

// --- things that are not files ---

test('a folder, a named pipe, /dev/zero: refused at once, naming what they are (library and CLI)', async () => {
  const fifo = path.join(work, 'pipe.jsonl');
  execFileSync('mkfifo', [fifo]);
  const cases: [string, RegExp][] = [
    [work, /is a folder, not a file/],
    [fifo, /is a named pipe \(FIFO\), not a file/],
    ['/dev/zero', /is a device \(such as \/dev\/zero or a terminal\), not a file/],
    [path.join(work, 'missing.jsonl'), /no such file/],
  ];
  for (const [f, re] of cases) {
    await assert.rejects(openTraceFile(f), (e: Error) => e.message.startsWith(f) && re.test(e.message));
    const r = await runCli(['traces', f, '--stats']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, re);
    assert.throws(() => readFileBounded(f, 'a test file'), re);
  }
  // score reads a named pipe as it reads stdin, but not a device
  const r = await runCli(['score', '/dev/zero']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\/dev\/zero is a device/);
});

test('a file read whole stops at its limit, and a gzipped problem set stops when it inflates past it', () => {
  const f = file('big.txt', Buffer.alloc(2 * MiB, 0x61));
  assert.throws(() => readFileBounded(f, 'a test file', MiB), new RegExp(`^Error: ${f}: a test file larger than 1 MiB`));
  assert.equal(readFileBounded(f, 'a test file', 2 * MiB).length, 2 * MiB);
  const gz = file('bomb.jsonl.gz', gzipSync(Buffer.alloc(8 * MiB, 0x20)));
  assert.throws(() => readText(gz, MiB), /bomb\.jsonl\.gz: decompresses to more than 1 MiB \(the limit for a file read whole\)/);
  assert.equal(readText(gz).length, 8 * MiB);
});

test('--limit: a bad name or value is a usage error that lists the names', async () => {
  const r = await runCli(['traces', path.join(FIX, 'trl_completions.parquet'), '--limit', 'rows=5']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--limit expected name=value with name one of record, depth, inflate-ratio, spill, min-free, whole-file; got "rows=5"/);
  const r2 = await runCli(['traces', path.join(FIX, 'trl_completions.parquet'), '--limit', 'depth=12MB']);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /depth: expected a whole number/);
});
