/**
 * One-pass byte scanners that find entries without decoding or parsing them:
 *
 * - scanJsonl: finds '\n' with Buffer.indexOf on 1 MiB chunks read into one reused buffer; an entry is
 *   a non-blank line. A line that does not look like a JSON object (first non-blank byte not `{`/`[`,
 *   or no matching closing byte at its end, as in a truncated last line) is listed as malformed here;
 *   JSON and UTF-8 errors inside a line are found when it is read.
 * - scanJsonArray: a JSON document, byte by byte outside strings and with indexOf jumps inside them;
 *   an entry is an object element of the top-level array, or of the array under a top-level key
 *   (`{"results": [...]}`, Inspect's `{"samples": [...]}`).
 *
 * Neither holds more than one chunk: memory is the chunk plus the index (16 bytes per entry).
 */
import type { FileHandle } from 'node:fs/promises';
import { EntryOffsets } from './offsets';
import type { JobControl, MalformedEntry } from './types';

export const CHUNK_BYTES = 1 << 20;
const PROGRESS_MS = 200;

function isWs(b: number): boolean {
  // JSON whitespace, and the UTF-8 BOM bytes (only ever at the very start)
  return b === 32 || b === 10 || b === 13 || b === 9 || b === 0xef || b === 0xbb || b === 0xbf;
}

function show(b: number): string {
  return b >= 32 && b < 127 ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
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
  control: JobControl & { tail: 'judge' | 'pending'; totalForProgress?: number; progressBase?: number },
): Promise<JsonlScanResult> {
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
          if (!isWs(b)) {
            first = b;
            break;
          }
        }
      }
      if (first !== -1) {
        let l = -1;
        for (let j = nl - 1; j >= i; j--) {
          const b = v[j];
          if (!isWs(b)) {
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
          if (!isWs(v[j])) {
            first = v[j];
            break;
          }
        }
      }
      for (let j = bytesRead - 1; j >= i; j--) {
        if (!isWs(v[j])) {
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

/** Index the object elements of a JSON document's top-level array (or of the array under one of its top-level keys). */
export async function scanJsonArray(fh: FileHandle, size: number, malformed: MalformedEntry[], control: JobControl): Promise<JsonArrayScanResult> {
  const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, size)));
  let top = 0; // 0x5b '[' or 0x7b '{' once seen
  let topStart = -1;
  let depth = 0;
  let line = 1;
  let inStr = false;
  let carriedBackslashes = 0;
  let keyParts: Buffer[] = [];
  let capturing = false;
  let lastKey = '';
  let elemStart = -1;
  let elemLine = 0;
  let current: EntryOffsets | undefined; // entries of the array being read
  const arrays = new Map<string, EntryOffsets>();
  let elemDepth = 1; // depth at which an element's '{' is seen
  let pos = 0;
  let lastReport = Date.now();

  while (pos < size) {
    if (control.signal?.aborted) return { entries: new EntryOffsets(), top: 'none', cancelled: true };
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
    if (bytesRead === 0) break;
    const v = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    const base = pos;
    let i = 0;
    while (i < bytesRead) {
      if (inStr) {
        const q = v.indexOf(0x22, i);
        if (q === -1) {
          // count the backslash run at the chunk's end (an escape may straddle chunks)
          let k = 0;
          for (let j = bytesRead - 1; j >= i && v[j] === 0x5c; j--) k++;
          carriedBackslashes = k === bytesRead - i ? carriedBackslashes + k : k;
          if (capturing) keyParts.push(Buffer.from(v.subarray(i, bytesRead)));
          i = bytesRead;
          break;
        }
        let k = 0;
        for (let j = q - 1; j >= i && v[j] === 0x5c; j--) k++;
        if (k === q - i) k += carriedBackslashes;
        carriedBackslashes = 0;
        if (capturing) keyParts.push(Buffer.from(v.subarray(i, q)));
        i = q + 1;
        if (k % 2 === 1) {
          if (capturing) keyParts.push(Buffer.from('"'));
          continue;
        }
        inStr = false;
        if (capturing) {
          capturing = false;
          lastKey = Buffer.concat(keyParts).toString('utf8').slice(0, 200);
          keyParts = [];
        }
        continue;
      }
      const b = v[i];
      switch (b) {
        case 0x22:
          inStr = true;
          carriedBackslashes = 0;
          capturing = top === 0x7b && depth === 1;
          keyParts = [];
          break;
        case 0x0a:
          line++;
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (depth === 0) {
            if (top !== 0) {
              malformed.push({ line, reason: 'more than one JSON value in the file: the rest is ignored' });
              pos = size;
              i = bytesRead;
              continue;
            }
            top = b;
            topStart = base + i;
            if (b === 0x5b) {
              current = new EntryOffsets();
              arrays.set('', current);
              elemDepth = 1;
            }
          } else if (b === 0x5b && top === 0x7b && depth === 1) {
            current = arrays.get(lastKey) ?? new EntryOffsets();
            arrays.set(lastKey, current);
            elemDepth = 2;
          } else if (b === 0x7b && current && depth === elemDepth) {
            elemStart = base + i;
            elemLine = line;
          }
          depth++;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          depth--;
          if (b === 0x7d && depth === elemDepth && current && elemStart >= 0) {
            current.push(elemStart, base + i + 1 - elemStart, elemLine);
            elemStart = -1;
          } else if (b === 0x5d && current && depth === elemDepth - 1) {
            current = undefined;
          }
          if (depth < 0) {
            malformed.push({ line, reason: `unbalanced '${String.fromCharCode(b)}'` });
            depth = 0;
          }
          break;
        default:
          if (depth === 0 && !isWs(b) && top === 0) {
            malformed.push({ line, reason: `not JSON: the file starts with ${show(b)}` });
            return { entries: new EntryOffsets(), top: 'none', cancelled: false };
          }
      }
      i++;
    }
    pos = base + bytesRead;
    if (control.onProgress && Date.now() - lastReport >= PROGRESS_MS) {
      lastReport = Date.now();
      let n = 0;
      for (const a of arrays.values()) n = Math.max(n, a.count);
      control.onProgress({ phase: 'index', done: pos, total: size, unit: 'bytes', entries: n });
    }
  }
  if (elemStart >= 0) malformed.push({ line: elemLine, reason: 'truncated: this element never closes (the file was cut off)' });
  else if (depth > 0 || inStr) malformed.push({ line, reason: 'truncated: the JSON document ends before it closes (the file was cut off)' });

  if (top === 0x5b) return { entries: arrays.get('') ?? new EntryOffsets(), top: 'array', cancelled: false };
  if (top === 0x7b) {
    let key: string | undefined;
    for (const k of PREFERRED_KEYS) if ((arrays.get(k)?.count ?? 0) > 0) {
      key = k;
      break;
    }
    if (key === undefined) {
      let best = 0;
      for (const [k, a] of arrays) if (a.count > best) {
        best = a.count;
        key = k;
      }
    }
    if (key !== undefined) return { entries: arrays.get(key)!, key, top: 'array', cancelled: false };
    // no array of objects: the document itself is the one entry
    const one = new EntryOffsets();
    if (depth === 0) one.push(topStart, pos - topStart, 1);
    return { entries: one, top: 'object', cancelled: false };
  }
  return { entries: new EntryOffsets(), top: 'none', cancelled: false };
}
