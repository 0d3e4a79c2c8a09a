/**
 * What an evaluation file holds, told from its first record, for Run Evaluation's pickers: a problem set
 * (HumanEval, HumanEval+, MBPP, LeetCodeDataset records: what loadProblemSet reads), samples (task_id and
 * a completion, solution or code string: what loadSamples reads), or neither (preference pairs, traces).
 * Only the head of the file is read, so listing a workspace's files stays quick whatever their size.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { recordFormat } from './problems';

export type EvalFileKind = 'problems' | 'samples';

/** How much of a file (decompressed) is read to find its first record. */
const HEAD_BYTES = 1 << 20;

export function recordKind(r: Record<string, unknown>): EvalFileKind | undefined {
  if (recordFormat(r)) return 'problems';
  if (r.task_id !== undefined && [r.completion, r.solution, r.code].some((v) => typeof v === 'string')) return 'samples';
  return undefined;
}

/** The kind of a .jsonl, .json (an array of records) or either gzipped; undefined when it is neither or cannot be read. */
export async function evalFileKind(file: string): Promise<EvalFileKind | undefined> {
  let head: string;
  try {
    head = await readHead(file);
  } catch {
    return undefined;
  }
  const first = firstRecord(head);
  return first ? recordKind(first) : undefined;
}

async function readHead(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const raw = fs.createReadStream(file);
  const stream = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= HEAD_BYTES) break;
    }
  } finally {
    raw.destroy();
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES).toString('utf8');
}

/** The first JSON object of a JSONL text or of a JSON array, when it is complete within `text`. */
function firstRecord(text: string): Record<string, unknown> | undefined {
  const start = text.search(/\S/);
  if (start < 0) return undefined;
  const from = text[start] === '[' ? text.indexOf('{', start) : start;
  if (from < 0 || text[from] !== '{') return undefined;
  const end = objectEnd(text, from);
  if (end < 0) return undefined;
  try {
    const v = JSON.parse(text.slice(from, end + 1)) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The index of the `}` that closes the object opening at `from` (strings skipped), or -1. */
function objectEnd(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
