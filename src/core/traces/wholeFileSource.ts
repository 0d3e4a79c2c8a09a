/**
 * What the sources of container files share (Parquet tables, Inspect `.eval` zips): such a file is only
 * complete once it is written, so it is read as it was when opened, and a change on disk is detected
 * and reported rather than followed.
 */
import * as fsp from 'node:fs/promises';
import type { RawEntry } from './source';
import type { FileChange, MalformedEntry } from './types';

export abstract class WholeFileSource {
  abstract readonly count: number;
  readonly malformed: MalformedEntry[] = [];

  protected constructor(
    readonly file: string,
    private readonly size: number,
    private readonly mtimeMs: number,
    /** Said when the file changed while open: what the user should do. */
    private readonly changedAdvice: string,
  ) {}

  abstract read(i: number): Promise<RawEntry>;

  async readRange(from: number, to: number): Promise<RawEntry[]> {
    const out: RawEntry[] = [];
    for (let i = Math.max(0, from); i < Math.min(this.count, to); i++) out.push(await this.read(i));
    return out;
  }

  async checkChanged(): Promise<FileChange> {
    try {
      const st = await fsp.stat(this.file);
      if (st.size < this.size) return 'truncated';
      return st.size !== this.size || st.mtimeMs !== this.mtimeMs ? 'rewritten' : 'unchanged';
    } catch {
      return 'deleted';
    }
  }

  async refresh(): Promise<{ change: FileChange; added: number; message?: string }> {
    const change = await this.checkChanged();
    if (change === 'unchanged' || change === 'deleted') return { change, added: 0 };
    return { change, added: 0, message: `${this.file} changed while open: ${this.changedAdvice}` };
  }
}
