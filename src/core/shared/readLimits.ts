/**
 * The limits every reader of a user's file keeps to, in one place. Rollout logs, eval runs and problem
 * sets come from other machines, other tools and half-finished runs, and are opened without a look:
 * a reader allocates only what these limits allow, and says so, naming the file and the place (line,
 * member, row group), when a file asks for more. What is within the limits is still read.
 *
 * - maxRecordBytes: the largest record: a JSONL line, an element of a JSON document, an Inspect
 *   sample member (inflated), a Parquet page (decompressed), a Parquet footer.
 * - maxJsonDepth: the deepest nesting of a JSON value (structured clone and JSON.stringify, which
 *   carry values to workers and panels, recurse once per level).
 * - maxInflateRatio: a compressed file or member may inflate to at most this many times its
 *   compressed size (beyond maxRecordBytes, always allowed): gzip and deflate reach ~1000× only on
 *   made-up input; rollout text compresses 3–20×.
 * - maxSpillBytes / minFreeDiskBytes: what one reader may put on disk (spill.ts), and the free space
 *   it leaves on that disk at least.
 * - maxWholeFileBytes: a file read whole (a reward spec, a checkpoint, a problem set, a judge's input).
 * - Parquet row counts: a footer may claim at most ROWS_PER_FILE_BYTE rows per byte of the file (a row
 *   takes at least one bit), so a 3 KB file cannot claim 2^53 rows.
 */
export interface ReadLimits {
  maxRecordBytes: number;
  maxJsonDepth: number;
  maxInflateRatio: number;
  maxSpillBytes: number;
  minFreeDiskBytes: number;
  maxWholeFileBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxRecordBytes: 64 * MiB,
  maxJsonDepth: 512,
  maxInflateRatio: 100,
  maxSpillBytes: 16 * GiB,
  minFreeDiskBytes: 1 * GiB,
  maxWholeFileBytes: 256 * MiB,
});

/** A Parquet footer may claim at most this many rows per byte of the file. */
export const ROWS_PER_FILE_BYTE = 8;

/** The limits with some of them changed. */
export function readLimits(overrides: Partial<ReadLimits> = {}): ReadLimits {
  const out = { ...DEFAULT_READ_LIMITS };
  for (const k of Object.keys(out) as (keyof ReadLimits)[]) {
    const v = overrides[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The names a limit has on the command line (`--limit record=128MB`), with the field each sets and whether it is a size. */
export const LIMIT_NAMES: Record<string, { field: keyof ReadLimits; size: boolean }> = {
  record: { field: 'maxRecordBytes', size: true },
  depth: { field: 'maxJsonDepth', size: false },
  'inflate-ratio': { field: 'maxInflateRatio', size: false },
  spill: { field: 'maxSpillBytes', size: true },
  'min-free': { field: 'minFreeDiskBytes', size: true },
  'whole-file': { field: 'maxWholeFileBytes', size: true },
};

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: MiB, mb: MiB, mib: MiB, g: GiB, gb: GiB, gib: GiB };

/** `record=128MB` → { maxRecordBytes: 134217728 }; throws with what is wrong. */
export function parseLimit(text: string): Partial<ReadLimits> {
  const eq = text.indexOf('=');
  const name = text.slice(0, eq).trim().toLowerCase();
  const spec = LIMIT_NAMES[name];
  if (eq <= 0 || !spec) throw new Error(`expected name=value with name one of ${Object.keys(LIMIT_NAMES).join(', ')}; got "${text}"`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text.slice(eq + 1));
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined || (!spec.size && m[2] !== '')) {
    throw new Error(`${name}: expected ${spec.size ? 'a size such as 128MB or 2GB' : 'a whole number'}; got "${text.slice(eq + 1)}"`);
  }
  const value = Math.floor(Number(m[1]) * unit);
  if (!(value >= 1)) throw new Error(`${name}: must be at least 1`);
  return { [spec.field]: value };
}

/** A byte count for messages: "64 MiB", "2.0 GiB", "3,049 bytes". */
export function formatBytes(n: number): string {
  if (n < 1024 * 10) return `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/**
 * True when `value` nests deeper than `max` levels (an array or object is one level). Iterative, with
 * its own stack, and it stops at the first path that is too deep: cheap next to parsing.
 */
export function jsonTooDeep(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length) {
    const v = stack.pop() as object;
    const d = depths.pop()!;
    if (d > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) {
      if (c !== null && typeof c === 'object') {
        stack.push(c);
        depths.push(d + 1);
      }
    }
  }
  return false;
}

/** The message of a value nested too deeply (callers put the file and place in front). */
export const tooDeepMessage = (max: number) => `nested deeper than ${max} levels (the limit for one JSON value)`;
