/**
 * TRL completion tables (and any table of rollouts) stored as Parquet, read with hyparquet: the
 * metadata (footer) once, then only the row groups and columns a read needs, through a file handle.
 * Rows are read in blocks of BLOCK rows and the last block is cached, so paging through a table does
 * not decode a row group once per row. Entries are rows; `line` is the 1-based row number.
 *
 * The footer is believed only as far as the file can back it (readLimits.ts): it is at most the record
 * limit long; a row group may claim at most ROWS_PER_FILE_BYTE rows per byte of the file, and its
 * columns at most the inflate ratio times what they take in the file, or the row group is skipped
 * (listed as malformed with its number) and the others are read; the table's row count is the sum of
 * the row groups kept, whatever the footer's own total says.
 */
import * as fsp from 'node:fs/promises';
import type { EntrySource, RawEntry } from './source';
import { WholeFileSource } from './wholeFileSource';
import { errorMessage } from '../shared/errors';
import { DEFAULT_READ_LIMITS, formatBytes, ROWS_PER_FILE_BYTE, type ReadLimits } from '../shared/readLimits';

const BLOCK = 256;
/** hyparquet reads a column chunk in one piece; past this a Buffer cannot hold it anyway (V8 caps one at 2 GiB). */
const MAX_READ_BYTES = 1024 * 1024 * 1024;

/** BigInt (INT64 columns) → number, so the rows are plain JSON values. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

type Hyparquet = typeof import('hyparquet');
type Metadata = Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>;

/** The footer's length, from the file's last 8 bytes (4 bytes of length, then "PAR1"). */
async function footerLength(fh: fsp.FileHandle, size: number): Promise<number> {
  if (size < 12) throw new Error(`${formatBytes(size)} is too short for a Parquet file`);
  const tail = Buffer.alloc(8);
  await fh.read(tail, 0, 8, size - 8);
  if (tail.subarray(4).toString('latin1') !== 'PAR1') throw new Error('no "PAR1" at the end (a cut-off file?)');
  return tail.readUInt32LE(0);
}

/**
 * The row groups the file can back, and why each other one was skipped (row group numbers 1-based).
 * Returns metadata with only the kept row groups and their sum as the row count.
 */
export function checkRowGroups(metadata: Metadata, fileBytes: number, limits: ReadLimits): { metadata: Metadata; skipped: { group: number; reason: string }[] } {
  const maxRows = ROWS_PER_FILE_BYTE * fileBytes;
  const kept: Metadata['row_groups'] = [];
  const skipped: { group: number; reason: string }[] = [];
  let rows = 0;
  metadata.row_groups.forEach((g, k) => {
    const n = Number(g.num_rows);
    let compressed = 0;
    let inflated = 0;
    for (const c of g.columns) {
      compressed += Number(c.meta_data?.total_compressed_size ?? 0);
      inflated += Number(c.meta_data?.total_uncompressed_size ?? 0);
    }
    let reason: string | undefined;
    if (!(n >= 0) || n > maxRows) reason = `claims ${n.toLocaleString('en-US')} rows, more than a file of ${formatBytes(fileBytes)} can hold (at most ${ROWS_PER_FILE_BYTE} rows per byte)`;
    else if (compressed > fileBytes) reason = `its columns claim ${formatBytes(compressed)}, more than the whole file (${formatBytes(fileBytes)})`;
    else if (inflated > Math.max(limits.maxRecordBytes, compressed * limits.maxInflateRatio)) reason = `its columns decompress to ${formatBytes(inflated)}, over ${limits.maxInflateRatio}× their ${formatBytes(compressed)} (the limit for compressed data; raise it with --limit inflate-ratio=…)`;
    else if (rows + n > maxRows) reason = `with the row groups before it, the table would have more rows than a file of ${formatBytes(fileBytes)} can hold`;
    if (reason) skipped.push({ group: k + 1, reason: `row group ${k + 1} ${reason}: skipped` });
    else {
      kept.push(g);
      rows += n;
    }
  });
  if (!skipped.length && Number(metadata.num_rows) === rows) return { metadata, skipped };
  return { metadata: { ...metadata, row_groups: kept, num_rows: BigInt(rows) }, skipped };
}

export class ParquetSource extends WholeFileSource implements EntrySource {
  readonly container = 'parquet' as const;
  private block?: { start: number; rows?: unknown[]; error?: string };
  /** The first row of each kept row group, and one past the last. */
  private readonly groupStarts: number[];

  private constructor(
    file: string,
    private fh: fsp.FileHandle,
    size: number,
    mtimeMs: number,
    private lib: Hyparquet,
    private metadata: Metadata,
    private asyncBuffer: { byteLength: number; slice(start: number, end?: number): Promise<ArrayBuffer> },
    readonly count: number,
  ) {
    super(file, size, mtimeMs, 'open it again (a Parquet file is only complete once written)');
    this.groupStarts = [0];
    for (const g of metadata.row_groups) this.groupStarts.push(this.groupStarts[this.groupStarts.length - 1] + Number(g.num_rows));
  }

  static async open(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<ParquetSource> {
    const lib: Hyparquet = await import('hyparquet');
    const fh = await fsp.open(file, 'r');
    try {
      const st = await fh.stat();
      const footer = await footerLength(fh, st.size);
      if (footer > limits.maxRecordBytes) throw new Error(`its footer claims ${formatBytes(footer)}, over the ${formatBytes(limits.maxRecordBytes)} limit for one record (raise it with --limit record=…)`);
      const asyncBuffer = {
        byteLength: st.size,
        async slice(start: number, end?: number): Promise<ArrayBuffer> {
          const stop = end === undefined ? st.size : Math.min(end, st.size);
          const from = Math.max(0, Math.min(start, stop));
          if (stop - from > MAX_READ_BYTES) throw new Error(`a column chunk of ${formatBytes(stop - from)} at byte ${from}: more than one read may take (${formatBytes(MAX_READ_BYTES)})`);
          const buf = Buffer.alloc(stop - from);
          await fh.read(buf, 0, buf.length, from);
          return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
        },
      };
      const raw = await lib.parquetMetadataAsync(asyncBuffer);
      const { metadata, skipped } = checkRowGroups(raw, st.size, limits);
      const src = new ParquetSource(file, fh, st.size, st.mtimeMs, lib, metadata, asyncBuffer, Number(metadata.num_rows));
      for (const s of skipped) src.malformed.push({ line: 0, reason: s.reason });
      if (Number(raw.num_rows) !== src.count && !skipped.length) {
        src.malformed.push({ line: 0, reason: `the footer claims ${Number(raw.num_rows).toLocaleString('en-US')} rows; its row groups hold ${src.count.toLocaleString('en-US')} (those are read)` });
      }
      return src;
    } catch (e) {
      await fh.close();
      throw new Error(`${file}: not a readable Parquet file: ${errorMessage(e)}`);
    }
  }

  get memoryBytes(): number {
    return 0;
  }

  /** The 1-based row group of row i (of the kept ones, numbered as in the file when none was skipped). */
  private groupOf(i: number): number {
    let lo = 0;
    let hi = this.groupStarts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.groupStarts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** A block of rows, or why it cannot be decoded (remembered, so a bad block is decoded once). */
  private async rows(start: number): Promise<{ rows?: unknown[]; error?: string }> {
    if (this.block && this.block.start === start) return this.block;
    try {
      const rows = await this.lib.parquetReadObjects({ file: this.asyncBuffer, metadata: this.metadata, rowStart: start, rowEnd: Math.min(this.count, start + BLOCK) });
      this.block = { start, rows };
    } catch (e) {
      this.block = { start, error: errorMessage(e) };
    }
    return this.block;
  }

  async read(i: number): Promise<RawEntry> {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`row ${i} is out of range (0..${this.count - 1})`);
    const start = i - (i % BLOCK);
    const b = await this.rows(start);
    const row = b.rows?.[i - start];
    // past the values its columns hold, hyparquet gives rows of undefined for what a row group claims
    if (b.error !== undefined || row === undefined || (typeof row === 'object' && row !== null && Object.values(row).every((v) => v === undefined))) {
      return { index: i, line: i + 1, bytes: 0, error: `row group ${this.groupOf(i)}: cannot decode row: ${b.error ?? 'the row group holds fewer rows than it claims'}` };
    }
    return { index: i, line: i + 1, bytes: 0, value: plain(row) };
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}
