/**
 * Streaming JSONL reader: yields one item per non-blank line, `{ line, value }` or `{ line, error }`,
 * and never throws on bad lines. Memory stays flat in the file size (one chunk plus the current line).
 *
 * - CRLF and LF line ends; a UTF-8 BOM at the start; blank (whitespace-only) lines skipped; a last line
 *   without a newline; multi-byte characters split across chunks (StringDecoder).
 * - A line that is not JSON → `{ line: 7, error: 'Unexpected token … (not valid JSON)' }` (callers add
 *   the file name and line number, so the message does not repeat them).
 * - A value nested deeper than the JSON depth limit (readLimits.ts) → an error for that line.
 * - A line longer than `maxLineChars` (default 64 Mi UTF-16 units, ~64 MB) → an error for that line;
 *   its bytes are dropped as they stream in, the reader goes on with the next line.
 * - `signal`: when it aborts, the generator stops (returns) before the next chunk or line; callers
 *   check `signal.aborted` to tell an interruption from the end of the input.
 *
 * Splitting decoded chunks with indexOf is faster than node:readline: measured 2–3× faster than
 * readline + JSON.parse on 180 MB of 6 KB R1 lines (Node 20).
 */
import { StringDecoder } from 'node:string_decoder';
import { errorMessage } from '../shared/errors';
import { DEFAULT_READ_LIMITS, jsonTooDeep, tooDeepMessage } from '../shared/readLimits';

export interface JsonlItem {
  /** 1-based line number. */
  line: number;
  value?: unknown;
  error?: string;
}

export interface ReadJsonlOptions {
  signal?: AbortSignal;
  /** Longest accepted line in UTF-16 code units (default 64 Mi). */
  maxLineChars?: number;
}

export const DEFAULT_MAX_LINE_CHARS = 64 * 1024 * 1024;

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c === 32 || c === 9 || c === 13 || c === 10 || c === 0xfeff)) return false;
  }
  return true;
}

/** Shorten V8's JSON.parse message: drop the echo of the input it includes. */
function jsonMessage(e: unknown): string {
  let m = errorMessage(e);
  m = m.replace(/, "(?:[^"\\]|\\.)*"(?:\.\.\.)? is not valid JSON$/s, '').replace(/ is not valid JSON$/, '');
  if (m.length > 200) m = m.slice(0, 199) + '…';
  return `${m} (not valid JSON)`;
}

function parseLine(text: string, line: number): JsonlItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { line, error: jsonMessage(e) };
  }
  const depth = DEFAULT_READ_LIMITS.maxJsonDepth;
  return jsonTooDeep(value, depth) ? { line, error: tooDeepMessage(depth) } : { line, value };
}

export async function* readJsonl(input: NodeJS.ReadableStream, opts: ReadJsonlOptions = {}): AsyncGenerator<JsonlItem> {
  const signal = opts.signal;
  const maxLine = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const decoder = new StringDecoder('utf8');
  let pending: string[] = []; // pieces of the current line
  let pendingLen = 0;
  let oversized = false; // current line went over the limit: drop until newline
  let lineNo = 0;
  let first = true;

  const finishLine = (tail: string): JsonlItem | undefined => {
    lineNo++;
    if (oversized) {
      oversized = false;
      pending = [];
      pendingLen = 0;
      return { line: lineNo, error: `longer than ${maxLine} characters` };
    }
    let text = pending.length === 0 ? tail : pending.join('') + tail;
    pending = [];
    pendingLen = 0;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > maxLine) return { line: lineNo, error: `longer than ${maxLine} characters` };
    if (isBlank(text)) return undefined;
    return parseLine(text, lineNo);
  };

  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    if (signal?.aborted) return;
    const s = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let nl = s.indexOf('\n');
    while (nl !== -1) {
      const item = finishLine(oversized ? '' : s.slice(start, nl));
      if (item) {
        yield item;
        if (signal?.aborted) return;
      }
      start = nl + 1;
      nl = s.indexOf('\n', start);
    }
    if (start < s.length && !oversized) {
      const rest = start === 0 ? s : s.slice(start);
      pendingLen += rest.length;
      if (pendingLen > maxLine) {
        oversized = true;
        pending = [];
        pendingLen = 0;
      } else {
        pending.push(rest);
      }
    }
  }
  const last = decoder.end();
  if (last && !oversized) {
    pending.push(last);
    pendingLen += last.length;
  }
  if (pending.length > 0 || oversized) {
    const item = finishLine('');
    if (item) yield item;
  }
}
