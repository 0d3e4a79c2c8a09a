/**
 * The entry index: byte start, byte length and 1-based line of every entry, in typed-array chunks that
 * grow by allocation of a new chunk (never by copying), 16 bytes per entry. A JS array of objects
 * would cost ~5× that and stress the GC on millions of entries.
 */
const CHUNK = 1 << 16;

export class EntryOffsets {
  private starts: Float64Array[] = [];
  private lengths: Uint32Array[] = [];
  private lines: Uint32Array[] = [];
  private n = 0;

  get count(): number {
    return this.n;
  }

  push(start: number, length: number, line: number): void {
    const c = this.n >>> 16;
    const j = this.n & (CHUNK - 1);
    if (j === 0 && c === this.starts.length) {
      this.starts.push(new Float64Array(CHUNK));
      this.lengths.push(new Uint32Array(CHUNK));
      this.lines.push(new Uint32Array(CHUNK));
    }
    this.starts[c][j] = start;
    // lengths over 4 GiB cannot be read into one Buffer anyway: clamp and let the reader report it
    this.lengths[c][j] = Math.min(length, 0xffffffff);
    this.lines[c][j] = line;
    this.n++;
  }

  start(i: number): number {
    return this.starts[i >>> 16][i & (CHUNK - 1)];
  }
  length(i: number): number {
    return this.lengths[i >>> 16][i & (CHUNK - 1)];
  }
  line(i: number): number {
    return this.lines[i >>> 16][i & (CHUNK - 1)];
  }

  /** Drop every entry from `i` on (used when re-indexing a changed tail). */
  truncate(i: number): void {
    this.n = Math.min(this.n, i);
    const keep = Math.ceil(this.n / CHUNK);
    this.starts.length = keep;
    this.lengths.length = keep;
    this.lines.length = keep;
  }

  /** Bytes held by the index (for the benchmark and diagnostics). */
  get memoryBytes(): number {
    return this.starts.length * CHUNK * 16;
  }
}
