/**
 * One-pass byte scanners that find entries without decoding or parsing them:
 *
 * - scanJsonl: finds '\n' with Buffer.indexOf on 1 MiB chunks read into one reused buffer; an entry is
 *   a non-blank line. A line that does not look like a JSON object (first non-blank byte not `{`/`[`,
 *   or no matching closing byte at its end, as in a truncated last line) is listed as malformed here;
 *   JSON and UTF-8 errors inside a line are found when it is read.
 * - scanJsonArray: a JSON document, lexed by JsonLexer (byte by byte outside strings, indexOf jumps
 *   inside them); an entry is an object element of the top-level array, or of the array under a
 *   top-level key (`{"results": [...]}`, Inspect's `{"samples": [...]}`).
 *
 * Neither holds more than one chunk: memory is the chunk plus the index (16 bytes per entry). A record
 * longer than the record limit (readLimits.ts) is listed as malformed with its size and not indexed, so
 * no read ever allocates it; the scan goes on after it.
 */
import type { FileHandle } from 'node:fs/promises';
import { isJsonSpace, JsonLexer, type JsonStructureHandler } from './jsonLexer';
import { EntryOffsets } from './offsets';
import type { JobControl, MalformedEntry } from './types';
import { DEFAULT_READ_LIMITS, formatBytes } from '../shared/readLimits';

export const CHUNK_BYTES = 1 << 20;
const PROGRESS_MS = 200;

function show(b: number): string {
  return b >= 32 && b < 127 ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/** The reason a record over the limit is skipped. */
export function oversizedRecord(bytes: number, limit: number): string {
  return `a record of ${formatBytes(bytes)}, over the ${formatBytes(limit)} limit for one record: skipped (raise it with --limit record=…)`;
}

/** Where a JSONL scan stopped: the next byte to read and that byte's line. */
export interface JsonlCursor {
  offset: number;
  line: number;
}

export interface JsonlScanResult extends JsonlCursor {
  cancelled: boolean;
  /** A last line without a newline that was left for later (`tail: 'pending'`), or judged at the end (`tail: 'judge'`). */
  pendingTail: boolean;
  /** When the judged last line was reported truncated: where it starts (a later append may complete it). */
  truncatedTail?: JsonlCursor;
}

/**
 * Index JSONL lines from `from` to `size`. `tail`: what to do with a last line that has no newline:
 * 'judge' makes it an entry if it looks complete (else malformed: truncated); 'pending' leaves it for a
 * later scan (follow mode: the writer has not finished it).
 */
export async function scanJsonl(
  fh: FileHandle,
  from: JsonlCursor,
  size: number,
  out: EntryOffsets,
  malformed: MalformedEntry[],
  control: JobControl & { tail: 'judge' | 'pending'; totalForProgress?: number; progressBase?: number; maxRecordBytes?: number },
): Promise<JsonlScanResult> {
  const maxRecord = control.maxRecordBytes ?? DEFAULT_READ_LIMITS.maxRecordBytes;
  const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, size - from.offset)));
  let pos = from.offset;
  let line = from.line;
  let lineStart = pos;
  let first = -1;
  let last = -1;
  let lastReport = Date.now();
  const total = control.totalForProgress ?? size;
  const base0 = control.progressBase ?? 0;

  const emit = (start: number, end: number, lineNo: number, f: number, l: number, newline: boolean): boolean => {
    const close = f === 0x7b ? 0x7d : f === 0x5b ? 0x5d : -1;
    if (close === -1) {
      malformed.push({ line: lineNo, reason: `not a JSON object: the line starts with ${show(f)}` });
    } else if (l !== close) {
      if (!newline) return false;
      malformed.push({ line: lineNo, reason: `incomplete JSON: the line ends with ${show(l)}, not '${String.fromCharCode(close)}'` });
    } else if (end - start > maxRecord) {
      malformed.push({ line: lineNo, reason: oversizedRecord(end - start, maxRecord) });
    } else {
      out.push(start, end - start, lineNo);
    }
    return true;
  };

  while (pos < size) {
    if (control.signal?.aborted) return { offset: lineStart, line, cancelled: true, pendingTail: false };
    const want = Math.min(buf.length, size - pos);
    const { bytesRead } = await fh.read(buf, 0, want, pos);
    if (bytesRead === 0) break;
    const v = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    const base = pos;
    let i = 0;
    let nl = v.indexOf(10, 0);
    while (nl !== -1) {
      if (first === -1) {
        for (let j = i; j < nl; j++) {
          const b = v[j];
          if (!isJsonSpace(b)) {
            first = b;
            break;
          }
        }
      }
      if (first !== -1) {
        let l = -1;
        for (let j = nl - 1; j >= i; j--) {
          const b = v[j];
          if (!isJsonSpace(b)) {
            l = b;
            break;
          }
        }
        if (l === -1) l = last;
        emit(lineStart, base + nl, line, first, l, true);
      }
      line++;
      lineStart = base + nl + 1;
      first = -1;
      last = -1;
      i = nl + 1;
      nl = v.indexOf(10, i);
    }
    if (i < bytesRead) {
      if (first === -1) {
        for (let j = i; j < bytesRead; j++) {
          if (!isJsonSpace(v[j])) {
            first = v[j];
            break;
          }
        }
      }
      for (let j = bytesRead - 1; j >= i; j--) {
        if (!isJsonSpace(v[j])) {
          last = v[j];
          break;
        }
      }
    }
    pos = base + bytesRead;
    if (control.onProgress && Date.now() - lastReport >= PROGRESS_MS) {
      lastReport = Date.now();
      control.onProgress({ phase: 'index', done: base0 + pos, total, unit: 'bytes', entries: out.count });
    }
  }
  if (lineStart < pos && first !== -1) {
    if (control.tail === 'pending') return { offset: lineStart, line, cancelled: false, pendingTail: true };
    if (!emit(lineStart, pos, line, first, last, false)) {
      malformed.push({ line, reason: `truncated: the last line ends with ${show(last)} before its closing brace (the file was cut off, or is still being written)` });
      return { offset: pos, line, cancelled: false, pendingTail: false, truncatedTail: { offset: lineStart, line } };
    }
  }
  return { offset: pos, line, cancelled: false, pendingTail: false };
}

export interface JsonArrayScanResult {
  entries: EntryOffsets;
  /** The top-level key whose array was used (undefined for a top-level array or a single object). */
  key?: string;
  /** 'array': entries are elements; 'object': the whole document is one entry (no array of objects inside). */
  top: 'array' | 'object' | 'none';
  cancelled: boolean;
}

/** Keys tried first when a JSON object holds several arrays of objects. */
const PREFERRED_KEYS = ['samples', 'results', 'data', 'records', 'rows', 'items', 'rollouts', 'completions', 'examples'];

/**
 * The indexing policy over the lexer's structure: the first top-level value is the document; when it
 * is an array, its object elements are entries; when it is an object, each of its top-level keys
 * whose value is an array collects that array's object elements, and the end picks one key.
 */
class ArrayIndexer implements JsonStructureHandler {
  /** 0x5b '[' or 0x7b '{' once the top-level value opened. */
  top = 0;
  topStart = -1;
  /** The document does not start like JSON: nothing is indexed. */
  notJson = false;
  /** Entries per top-level key ('' for a top-level array). */
  readonly arrays = new Map<string, EntryOffsets>();
  /** The array whose elements are being read, and the depth its elements open at. */
  private current: EntryOffsets | undefined;
  private elemDepth = 1;
  elemStart = -1;
  elemLine = 0;
  private lastKey = '';

  constructor(
    private readonly malformed: MalformedEntry[],
    private readonly maxRecord: number,
  ) {}

  open(bracket: number, offset: number, depth: number, line: number): boolean {
    if (depth === 0) {
      if (this.top !== 0) {
        this.malformed.push({ line, reason: 'more than one JSON value in the file: the rest is ignored' });
        return false;
      }
      this.top = bracket;
      this.topStart = offset;
      if (bracket === 0x5b) {
        this.current = new EntryOffsets();
        this.arrays.set('', this.current);
        this.elemDepth = 1;
      }
    } else if (bracket === 0x5b && this.top === 0x7b && depth === 1) {
      this.current = this.arrays.get(this.lastKey) ?? new EntryOffsets();
      this.arrays.set(this.lastKey, this.current);
      this.elemDepth = 2;
    } else if (bracket === 0x7b && this.current && depth === this.elemDepth) {
      this.elemStart = offset;
      this.elemLine = line;
    }
    return true;
  }

  close(bracket: number, offset: number, depth: number, line: number): void {
    if (bracket === 0x7d && depth === this.elemDepth && this.current && this.elemStart >= 0) {
      const length = offset + 1 - this.elemStart;
      if (length > this.maxRecord) this.malformed.push({ line: this.elemLine, reason: oversizedRecord(length, this.maxRecord) });
      else this.current.push(this.elemStart, length, this.elemLine);
      this.elemStart = -1;
    } else if (bracket === 0x5d && this.current && depth === this.elemDepth - 1) {
      this.current = undefined;
    }
    if (depth < 0) this.malformed.push({ line, reason: `unbalanced '${String.fromCharCode(bracket)}'` });
  }

  /** Strings at the top object's first level are its keys (and values): the last one names the next array. */
  stringStart(depth: number): boolean {
    return this.top === 0x7b && depth === 1;
  }

  string(text: string): void {
    this.lastKey = text.slice(0, 200);
  }

  stray(byte: number, line: number): boolean {
    if (this.top !== 0) return true; // after the document: ignored
    this.malformed.push({ line, reason: `not JSON: the file starts with ${show(byte)}` });
    this.notJson = true;
    return false;
  }

  /** The key whose array holds the entries: a preferred key that has some, else the longest array. */
  chosenKey(): string | undefined {
    for (const k of PREFERRED_KEYS) if ((this.arrays.get(k)?.count ?? 0) > 0) return k;
    let key: string | undefined;
    let best = 0;
    for (const [k, a] of this.arrays) if (a.count > best) {
      best = a.count;
      key = k;
    }
    return key;
  }

  /** Entries found so far (progress). */
  get found(): number {
    let n = 0;
    for (const a of this.arrays.values()) n = Math.max(n, a.count);
    return n;
  }
}

/** Index the object elements of a JSON document's top-level array (or of the array under one of its top-level keys). */
export async function scanJsonArray(fh: FileHandle, size: number, malformed: MalformedEntry[], control: JobControl & { maxRecordBytes?: number }): Promise<JsonArrayScanResult> {
  const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, size)));
  const maxRecord = control.maxRecordBytes ?? DEFAULT_READ_LIMITS.maxRecordBytes;
  const policy = new ArrayIndexer(malformed, maxRecord);
  const lexer = new JsonLexer(policy);
  let pos = 0;
  let lastReport = Date.now();
  while (pos < size) {
    if (control.signal?.aborted) return { entries: new EntryOffsets(), top: 'none', cancelled: true };
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
    if (bytesRead === 0) break;
    const more = lexer.feed(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead), pos);
    pos += bytesRead;
    if (!more) {
      if (policy.notJson) return { entries: new EntryOffsets(), top: 'none', cancelled: false };
      pos = size; // a second value: the rest of the file is not read
      break;
    }
    if (control.onProgress && Date.now() - lastReport >= PROGRESS_MS) {
      lastReport = Date.now();
      control.onProgress({ phase: 'index', done: pos, total: size, unit: 'bytes', entries: policy.found });
    }
  }
  if (policy.elemStart >= 0) malformed.push({ line: policy.elemLine, reason: 'truncated: this element never closes (the file was cut off)' });
  else if (lexer.depth > 0 || lexer.inString) malformed.push({ line: lexer.line, reason: 'truncated: the JSON document ends before it closes (the file was cut off)' });

  if (policy.top === 0x5b) return { entries: policy.arrays.get('') ?? new EntryOffsets(), top: 'array', cancelled: false };
  if (policy.top === 0x7b) {
    const key = policy.chosenKey();
    if (key !== undefined) return { entries: policy.arrays.get(key)!, key, top: 'array', cancelled: false };
    // no array of objects: the document itself is the one entry
    const one = new EntryOffsets();
    if (lexer.depth === 0 && pos - policy.topStart > maxRecord) malformed.push({ line: 1, reason: oversizedRecord(pos - policy.topStart, maxRecord) });
    else if (lexer.depth === 0) one.push(policy.topStart, pos - policy.topStart, 1);
    return { entries: one, top: 'object', cancelled: false };
  }
  return { entries: new EntryOffsets(), top: 'none', cancelled: false };
}
