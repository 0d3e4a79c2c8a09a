/**
 * Where entries come from. A source knows how many entries it has and reads one (or a range) on
 * demand as parsed JSON values; it never holds the file.
 *
 * - ByteSource: JSONL and JSON documents (also gzipped: decompressed once, streaming, into a spill file
 *   that random reads then use; bounded, and gone on close or when the process ends: spill.ts).
 *   Entries are byte ranges from the scanners.
 * - Parquet and Inspect `.eval` sources live in parquet.ts and inspectEval.ts.
 *
 * Every source keeps to the read limits (readLimits.ts): no record over the record limit is read, no
 * value nested deeper than the depth limit is handed on, a compressed file inflates only so far.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { constants, createGunzip } from 'node:zlib';
import { EntryOffsets } from './offsets';
import { scanJsonArray, scanJsonl, type JsonlCursor } from './scan';
import type { FileChange, JobControl, MalformedEntry, TraceContainer } from './types';
import { errorMessage } from '../shared/errors';
import { DEFAULT_READ_LIMITS, formatBytes, jsonTooDeep, tooDeepMessage, type ReadLimits } from '../shared/readLimits';
import { SpillFile, SpillFullError } from '../shared/spill';

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

/** Parse one entry's bytes: UTF-8 check, BOM, JSON, nesting depth. */
export function parseEntryBytes(buf: Buffer, maxDepth: number = DEFAULT_READ_LIMITS.maxJsonDepth): { value?: unknown; error?: string } {
  if (!isUtf8(buf)) return { error: `invalid UTF-8 near byte ${firstInvalidUtf8(buf)} of the record` };
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: jsonMessage(e) };
  }
  return jsonTooDeep(value, maxDepth) ? { error: tooDeepMessage(maxDepth) } : { value };
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
  /** Why decompression stopped before the end (a limit, damaged data), said after the entries. */
  private stopped?: string;

  private constructor(
    readonly container: 'jsonl' | 'json-array',
    /** The file the user opened. */
    readonly file: string,
    /** The bytes we index: the file itself, or its decompressed copy in `spill`. */
    private fh: fsp.FileHandle,
    private spill: SpillFile | undefined,
    private readonly limits: ReadLimits,
  ) {}

  static async open(file: string, container: 'jsonl' | 'json-array', control: JobControl = {}, follow = false, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<ByteSource> {
    let src: ByteSource;
    if (await isGzip(file)) {
      const g = await gunzipToSpill(file, limits, control);
      src = new ByteSource(container, file, g.spill.fh, g.spill, limits);
      src.stopped = g.stopped;
    } else {
      src = new ByteSource(container, file, await fsp.open(file, 'r'), undefined, limits);
    }
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
    const size = this.spill ? this.spill.size : (await this.fh.stat()).size;
    const maxRecordBytes = this.limits.maxRecordBytes;
    if (this.container === 'jsonl') {
      const r = await scanJsonl(this.fh, { offset: 0, line: 1 }, size, this.offsets, this.malformed, { ...control, tail: follow && !this.spill ? 'pending' : 'judge', maxRecordBytes });
      if (r.cancelled) throw abortError();
      this.cursor = { offset: r.offset, line: r.line };
      this.truncatedTail = r.truncatedTail;
    } else {
      const r = await scanJsonArray(this.fh, size, this.malformed, { ...control, maxRecordBytes });
      if (r.cancelled) throw abortError();
      this.offsets = r.entries;
      this.arrayKey = r.key;
      this.cursor = { offset: size, line: 0 };
    }
    // where the read stopped: the line after the last one read in JSONL, else the whole file (line 0)
    if (this.stopped) this.malformed.push({ line: this.container === 'jsonl' ? this.cursor.line : 0, reason: this.stopped });
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
    return { index: i, line, bytes: len, ...parseEntryBytes(buf, this.limits.maxJsonDepth) };
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
        else out.push({ index: k, line, bytes: len, ...parseEntryBytes(buf.subarray(s, s + len), this.limits.maxJsonDepth) });
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
    if (change === 'appended' && this.container === 'jsonl' && !this.spill) {
      // a truncated last line may have been completed by the append: scan it again
      if (this.truncatedTail) {
        const t = this.truncatedTail;
        const k = this.malformed.findIndex((m) => m.line === t.line && m.reason.startsWith('truncated'));
        if (k >= 0) this.malformed.splice(k, 1);
        this.cursor = t;
        this.truncatedTail = undefined;
      }
      const size = (await this.fh.stat()).size;
      const r = await scanJsonl(this.fh, this.cursor, size, this.offsets, this.malformed, { ...control, tail: control.follow ? 'pending' : 'judge', maxRecordBytes: this.limits.maxRecordBytes });
      this.cursor = { offset: r.offset, line: r.line };
      this.truncatedTail = r.truncatedTail;
      this.fp = await this.fingerprint();
      return { change, added: this.offsets.count - before };
    }
    // truncated, rewritten, or appended to a file we cannot extend in place: index it all again
    if (this.spill) {
      await this.spill.close();
      this.spill = undefined;
      const g = await gunzipToSpill(this.file, this.limits, control);
      this.spill = g.spill;
      this.stopped = g.stopped;
      this.fh = g.spill.fh;
    } else {
      await this.fh.close();
      this.fh = await fsp.open(this.file, 'r');
    }
    await this.indexAll(control, !!control.follow);
    const message = `${this.file} was ${change} while open: indexed again (${this.offsets.count} entries; earlier entry numbers may now point at other records)`;
    return { change, added: this.offsets.count - before, message };
  }

  async close(): Promise<void> {
    if (this.spill) await this.spill.close();
    else await this.fh.close().catch(() => undefined);
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

/**
 * Decompress a .gz file, streaming, into a spill file. It inflates at most maxInflateRatio times its
 * size (at least the record limit) and at most maxSpillBytes; past a bound, or where the compressed
 * data is damaged (a cut-off download), it stops and `stopped` says why: what came before is read.
 */
async function gunzipToSpill(file: string, limits: ReadLimits, control: JobControl = {}): Promise<{ spill: SpillFile; stopped?: string }> {
  const total = (await fsp.stat(file)).size;
  const byRatio = Math.max(limits.maxRecordBytes, total * limits.maxInflateRatio);
  const spill = await SpillFile.create(file, { maxBytes: Math.min(limits.maxSpillBytes, byRatio), minFreeBytes: limits.minFreeDiskBytes });
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
  let stopped: string | undefined;
  // the bound that stopped the copy (pipeline may report the streams it then ended instead)
  let full: SpillFullError | undefined;
  try {
    await pipeline(
      fs.createReadStream(file),
      counter,
      // a file cut off mid-stream ends where its data ends (its last line is then "truncated"), rather
      // than failing and dropping what zlib still held
      createGunzip({ chunkSize: 1 << 18, finishFlush: constants.Z_SYNC_FLUSH }),
      async (inflated: AsyncIterable<Buffer>) => {
        try {
          for await (const chunk of inflated) await spill.append(chunk);
        } catch (e) {
          full = e instanceof SpillFullError ? e : undefined;
          throw e;
        }
      },
      { signal: control.signal },
    );
  } catch (e) {
    if (control.signal?.aborted) {
      await spill.close();
      throw abortError();
    }
    if (full) {
      stopped =
        full.reason === 'disk'
          ? `decompressing ${full.message}: the rest of the file was not read`
          : limits.maxSpillBytes < byRatio
            ? `it decompresses to ${full.message} (the limit for what one file may put on disk; raise it with --limit spill=…): the rest of the file was not read`
            : `it decompresses to ${full.message}, ${limits.maxInflateRatio}× its ${formatBytes(total)} (the limit for a compressed file: a gzip bomb, or raise it with --limit inflate-ratio=…): the rest of the file was not read`;
    } else if (spill.size > 0) {
      stopped = `the compressed data is damaged after ${formatBytes(spill.size)} decompressed (${errorMessage(e)}; a cut-off download?): the rest of the file was not read`;
    } else {
      await spill.close();
      throw new Error(`${file}: cannot decompress: ${errorMessage(e)}`);
    }
  }
  return { spill, stopped };
}
