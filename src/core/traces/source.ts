/**
 * Where entries come from. A source knows how many entries it has and reads one (or a range) on
 * demand as parsed JSON values; it never holds the file.
 *
 * - ByteSource: JSONL and JSON documents (also gzipped: decompressed once, streaming, into a temporary
 *   file that random reads then use; removed on close). Entries are byte ranges from the scanners.
 * - Parquet and Inspect `.eval` sources live in parquet.ts and inspectEval.ts.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { EntryOffsets } from './offsets';
import { scanJsonArray, scanJsonl, type JsonlCursor } from './scan';
import type { FileChange, JobControl, MalformedEntry, TraceContainer } from './types';
import { errorMessage } from '../shared/errors';

/** A value read from the file, or why it could not be. */
export interface RawEntry {
  index: number;
  line: number;
  bytes: number;
  value?: unknown;
  error?: string;
}

export interface EntrySource {
  readonly container: TraceContainer;
  readonly count: number;
  /** Entries the index pass rejected (lines that are not JSON objects, a truncated last line). */
  readonly malformed: MalformedEntry[];
  /** The top-level key of a JSON document whose array holds the entries. */
  readonly arrayKey?: string;
  read(i: number): Promise<RawEntry>;
  readRange(from: number, to: number): Promise<RawEntry[]>;
  /** Compare the file on disk with what was indexed. */
  checkChanged(): Promise<FileChange>;
  /** Index what was appended (or everything again after a rewrite); returns how many entries were added. */
  refresh(control?: JobControl & { follow?: boolean }): Promise<{ change: FileChange; added: number; message?: string }>;
  readonly memoryBytes: number;
  /** The document around the entries (an Inspect JSON log's eval, plan, results, stats), when it has one. */
  header?(): Promise<unknown>;
  close(): Promise<void>;
}

/** The file was truncated or rewritten under an open TraceFile. */
export class TraceFileChangedError extends Error {
  constructor(
    readonly change: FileChange,
    file: string,
  ) {
    super(
      change === 'deleted'
        ? `${file} was deleted while open`
        : `${file} was ${change === 'truncated' ? 'truncated (it is shorter than when it was indexed)' : 'rewritten'} while open: re-open it (refresh) to index it again`,
    );
  }
}

/** Shorten V8's JSON.parse message (drop the input echo), as the JSONL reader does. */
function jsonMessage(e: unknown): string {
  let m = errorMessage(e);
  m = m.replace(/, "(?:[^"\\]|\\.)*"(?:\.\.\.)? is not valid JSON$/s, '').replace(/ is not valid JSON$/, '');
  if (m.length > 200) m = m.slice(0, 199) + '…';
  return `${m} (not valid JSON)`;
}

/** Byte offset of the first invalid UTF-8 sequence (called only when isUtf8 said no; lead/continuation structure only). */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : (c & 0xf0) === 0xe0 ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length + (n === 0 ? 1 : 0)) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return 0;
}

/** Parse one entry's bytes: UTF-8 check, BOM, JSON. */
export function parseEntryBytes(buf: Buffer): { value?: unknown; error?: string } {
  if (!isUtf8(buf)) return { error: `invalid UTF-8 near byte ${firstInvalidUtf8(buf)} of the record` };
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: jsonMessage(e) };
  }
}

interface Fingerprint {
  size: number;
  ino: number;
  head: Buffer;
}

const HEAD_BYTES = 4096;
/** Read ranges of up to this many bytes in one fs.read. */
const RANGE_BYTES = 8 << 20;

/** The most bytes read for a document's header (what comes before its entries). */
const HEADER_MAX = 4 * 1024 * 1024;

export class ByteSource implements EntrySource {
  readonly malformed: MalformedEntry[] = [];
  arrayKey?: string;
  private offsets = new EntryOffsets();
  private cursor: JsonlCursor = { offset: 0, line: 1 };
  private truncatedTail?: JsonlCursor;
  private fp!: Fingerprint;

  private constructor(
    readonly container: 'jsonl' | 'json-array',
    /** The file the user opened. */
    readonly file: string,
    /** The bytes we index (the file itself, or its decompressed temporary copy). */
    private dataPath: string,
    private fh: fsp.FileHandle,
    private readonly temp: boolean,
  ) {}

  static async open(file: string, container: 'jsonl' | 'json-array', control: JobControl = {}, follow = false): Promise<ByteSource> {
    let dataPath = file;
    let temp = false;
    if (await isGzip(file)) {
      dataPath = await gunzipToTemp(file, control);
      temp = true;
    }
    const fh = await fsp.open(dataPath, 'r');
    const src = new ByteSource(container, file, dataPath, fh, temp);
    try {
      await src.indexAll(control, follow);
    } catch (e) {
      await src.close();
      throw e;
    }
    return src;
  }

  private async fingerprint(): Promise<Fingerprint> {
    const st = await fs.promises.stat(this.file);
    const fh = await fsp.open(this.file, 'r');
    try {
      const head = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
      await fh.read(head, 0, head.length, 0);
      return { size: st.size, ino: st.ino, head };
    } finally {
      await fh.close();
    }
  }

  private async indexAll(control: JobControl, follow: boolean): Promise<void> {
    this.offsets = new EntryOffsets();
    this.malformed.length = 0;
    this.fp = await this.fingerprint();
    const size = (await this.fh.stat()).size;
    if (this.container === 'jsonl') {
      const r = await scanJsonl(this.fh, { offset: 0, line: 1 }, size, this.offsets, this.malformed, { ...control, tail: follow ? 'pending' : 'judge' });
      if (r.cancelled) throw abortError();
      this.cursor = { offset: r.offset, line: r.line };
      this.truncatedTail = r.truncatedTail;
    } else {
      const r = await scanJsonArray(this.fh, size, this.malformed, control);
      if (r.cancelled) throw abortError();
      this.offsets = r.entries;
      this.arrayKey = r.key;
      this.cursor = { offset: size, line: 0 };
    }
  }

  get count(): number {
    return this.offsets.count;
  }
  get memoryBytes(): number {
    return this.offsets.memoryBytes;
  }

  /** The document before its array of entries, parsed with the array left empty (at most HEADER_MAX bytes). */
  async header(): Promise<unknown> {
    if (this.container !== 'json-array' || this.arrayKey === undefined || this.offsets.count === 0) return undefined;
    const len = Math.min(this.offsets.start(0), HEADER_MAX);
    const buf = Buffer.allocUnsafe(len);
    const { bytesRead } = await this.fh.read(buf, 0, len, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const open = text.lastIndexOf('[');
    if (open < 0) return undefined;
    try {
      return JSON.parse(text.slice(0, open) + '[]}');
    } catch {
      return undefined;
    }
  }

  async read(i: number): Promise<RawEntry> {
    if (!(i >= 0 && i < this.offsets.count)) throw new RangeError(`entry ${i} is out of range (0..${this.offsets.count - 1})`);
    const start = this.offsets.start(i);
    const len = this.offsets.length(i);
    const line = this.offsets.line(i);
    const buf = Buffer.allocUnsafe(len);
    const { bytesRead } = await this.fh.read(buf, 0, len, start);
    if (bytesRead < len) return { index: i, line, bytes: len, error: new TraceFileChangedError('truncated', this.file).message };
    return { index: i, line, bytes: len, ...parseEntryBytes(buf) };
  }

  async readRange(from: number, to: number): Promise<RawEntry[]> {
    from = Math.max(0, from);
    to = Math.min(this.offsets.count, to);
    const out: RawEntry[] = [];
    let i = from;
    while (i < to) {
      // one read for a run of consecutive entries up to RANGE_BYTES
      const start = this.offsets.start(i);
      let j = i;
      let end = start + this.offsets.length(i);
      while (j + 1 < to && this.offsets.start(j + 1) + this.offsets.length(j + 1) - start <= RANGE_BYTES) {
        j++;
        end = this.offsets.start(j) + this.offsets.length(j);
      }
      if (j === i) {
        out.push(await this.read(i));
        i++;
        continue;
      }
      const buf = Buffer.allocUnsafe(end - start);
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, start);
      for (let k = i; k <= j; k++) {
        const s = this.offsets.start(k) - start;
        const len = this.offsets.length(k);
        const line = this.offsets.line(k);
        if (s + len > bytesRead) out.push({ index: k, line, bytes: len, error: new TraceFileChangedError('truncated', this.file).message });
        else out.push({ index: k, line, bytes: len, ...parseEntryBytes(buf.subarray(s, s + len)) });
      }
      i = j + 1;
    }
    return out;
  }

  async checkChanged(): Promise<FileChange> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(this.file);
    } catch {
      return 'deleted';
    }
    if (st.ino !== this.fp.ino) return 'rewritten';
    if (st.size < this.fp.size) return 'truncated';
    const head = Buffer.alloc(this.fp.head.length);
    const fh = await fsp.open(this.file, 'r');
    try {
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
    if (!head.equals(this.fp.head)) return 'rewritten';
    return st.size > this.fp.size ? 'appended' : 'unchanged';
  }

  async refresh(control: JobControl & { follow?: boolean } = {}): Promise<{ change: FileChange; added: number; message?: string }> {
    const change = await this.checkChanged();
    if (change === 'unchanged' || change === 'deleted') return { change, added: 0, message: change === 'deleted' ? `${this.file} was deleted` : undefined };
    const before = this.offsets.count;
    if (change === 'appended' && this.container === 'jsonl' && !this.temp) {
      // a truncated last line may have been completed by the append: scan it again
      if (this.truncatedTail) {
        const t = this.truncatedTail;
        const k = this.malformed.findIndex((m) => m.line === t.line && m.reason.startsWith('truncated'));
        if (k >= 0) this.malformed.splice(k, 1);
        this.cursor = t;
        this.truncatedTail = undefined;
      }
      const size = (await this.fh.stat()).size;
      const r = await scanJsonl(this.fh, this.cursor, size, this.offsets, this.malformed, { ...control, tail: control.follow ? 'pending' : 'judge' });
      this.cursor = { offset: r.offset, line: r.line };
      this.truncatedTail = r.truncatedTail;
      this.fp = await this.fingerprint();
      return { change, added: this.offsets.count - before };
    }
    // truncated, rewritten, or appended to a file we cannot extend in place: index it all again
    await this.fh.close();
    if (this.temp) {
      await fsp.rm(path.dirname(this.dataPath), { recursive: true, force: true });
      this.dataPath = await gunzipToTemp(this.file, control);
    }
    this.fh = await fsp.open(this.dataPath, 'r');
    await this.indexAll(control, !!control.follow);
    const message = `${this.file} was ${change} while open: indexed again (${this.offsets.count} entries; earlier entry numbers may now point at other records)`;
    return { change, added: this.offsets.count - before, message };
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    if (this.temp) await fsp.rm(path.dirname(this.dataPath), { recursive: true, force: true }).catch(() => undefined);
  }
}

export function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await fsp.open(file, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Decompress a .gz file, streaming, into a new file under os.tmpdir(); returns its path. */
async function gunzipToTemp(file: string, control: JobControl = {}): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'reasoning-lab-trace-'));
  const out = path.join(dir, path.basename(file).replace(/\.gz$/i, ''));
  const total = (await fsp.stat(file)).size;
  let done = 0;
  let last = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length;
      if (control.onProgress && Date.now() - last > 200) {
        last = Date.now();
        control.onProgress({ phase: 'index', done, total, unit: 'bytes', entries: 0 });
      }
      cb(null, chunk);
    },
  });
  try {
    await pipeline(fs.createReadStream(file), counter, createGunzip(), fs.createWriteStream(out), { signal: control.signal });
  } catch (e) {
    await fsp.rm(dir, { recursive: true, force: true });
    if (control.signal?.aborted) throw abortError();
    throw new Error(`${file}: cannot decompress: ${(e as Error).message}`);
  }
  return out;
}
