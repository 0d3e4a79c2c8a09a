/**
 * TRL completion tables (and any table of rollouts) stored as Parquet, read with hyparquet: the
 * metadata (footer) once, then only the row groups and columns a read needs, through a file handle.
 * Rows are read in blocks of BLOCK rows and the last block is cached, so paging through a table does
 * not decode a row group once per row. Entries are rows; `line` is the 1-based row number.
 */
import * as fsp from 'node:fs/promises';
import type { EntrySource, RawEntry } from './source';
import { WholeFileSource } from './wholeFileSource';

const BLOCK = 256;

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

export class ParquetSource extends WholeFileSource implements EntrySource {
  readonly container = 'parquet' as const;
  private block?: { start: number; rows: unknown[] };

  private constructor(
    file: string,
    private fh: fsp.FileHandle,
    size: number,
    mtimeMs: number,
    private lib: Hyparquet,
    private metadata: Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>,
    private asyncBuffer: { byteLength: number; slice(start: number, end?: number): Promise<ArrayBuffer> },
    readonly count: number,
  ) {
    super(file, size, mtimeMs, 'open it again (a Parquet file is only complete once written)');
  }

  static async open(file: string): Promise<ParquetSource> {
    const lib: Hyparquet = await import('hyparquet');
    const fh = await fsp.open(file, 'r');
    try {
      const st = await fh.stat();
      const asyncBuffer = {
        byteLength: st.size,
        async slice(start: number, end?: number): Promise<ArrayBuffer> {
          const stop = end === undefined ? st.size : Math.min(end, st.size);
          const buf = Buffer.alloc(Math.max(0, stop - start));
          await fh.read(buf, 0, buf.length, start);
          return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
        },
      };
      const metadata = await lib.parquetMetadataAsync(asyncBuffer);
      return new ParquetSource(file, fh, st.size, st.mtimeMs, lib, metadata, asyncBuffer, Number(metadata.num_rows));
    } catch (e) {
      await fh.close();
      throw new Error(`${file}: not a readable Parquet file: ${(e as Error).message}`);
    }
  }

  get memoryBytes(): number {
    return 0;
  }

  private async rows(start: number): Promise<unknown[]> {
    if (this.block && this.block.start === start) return this.block.rows;
    const rows = await this.lib.parquetReadObjects({ file: this.asyncBuffer, metadata: this.metadata, rowStart: start, rowEnd: Math.min(this.count, start + BLOCK) });
    this.block = { start, rows };
    return rows;
  }

  async read(i: number): Promise<RawEntry> {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`row ${i} is out of range (0..${this.count - 1})`);
    const start = i - (i % BLOCK);
    try {
      const rows = await this.rows(start);
      return { index: i, line: i + 1, bytes: 0, value: plain(rows[i - start]) };
    } catch (e) {
      return { index: i, line: i + 1, bytes: 0, error: `cannot decode row: ${(e as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}
