/**
 * The records `score` reads, one reader for every input the trace explorer opens: a file goes
 * through the trace reader (openTraceFile: JSONL, JSON arrays and `{"results": [...]}` documents,
 * `.gz`, Parquet, Inspect `.eval` and `.json` logs, several completions per entry), and stdin, which
 * cannot be indexed, streams as JSONL through the same shape detection and the same entry → samples
 * mapping. Either way a record means the same thing to `score` as to `traces`, and items come in file
 * order: a sample (a RewardRecord) or an entry that could not be used, with its line.
 */
import type { RewardRecord } from '../rewards/types';
import { detectShape, toSamples } from './detect';
import { openTraceFile } from './traceFile';
import type { TraceShape } from './types';
import { readJsonl, type JsonlItem } from '../records/jsonl';

export interface RecordItem {
  /** 1-based line of the entry (for a JSON document: the line its element starts on). */
  line: number;
  record?: RewardRecord;
  /** The entry the record comes from, as written (a JSON object; its fields are the dataset columns reward functions get). */
  raw?: Record<string, unknown>;
  /** Why the entry gave no record. */
  error?: string;
}

export interface RecordSource {
  /** How the input was read (format and why), for a note on stderr. */
  shape: TraceShape;
  items: AsyncIterable<RecordItem>;
  close(): Promise<void>;
}

/** How many entries shape detection looks at (as the trace reader does). */
const DETECT_ENTRIES = 20;

/** `reasoning-lab score` output has rewards but no text to score again. */
function refuseScoreOutput(shape: TraceShape, input: string): void {
  if (shape.format === 'score-output') throw new Error(`${input} holds reasoning-lab score output (ids and rewards, no prompts or completions): nothing to score`);
}

/** The records of a file (any format `traces` reads). Throws when the file cannot be opened or holds score output. */
export async function openRecordFile(file: string, signal?: AbortSignal): Promise<RecordSource> {
  const tf = await openTraceFile(file, {}, { signal });
  try {
    refuseScoreOutput(tf.shape, file);
  } catch (err) {
    await tf.close();
    throw err;
  }
  // lines the index pass rejected are reported where they are, between the entries around them
  const rejected = [...tf.malformed].sort((a, b) => a.line - b.line);
  async function* items(): AsyncGenerator<RecordItem> {
    let r = 0;
    for await (const e of tf.entries({ signal })) {
      while (r < rejected.length && rejected[r].line < e.line) yield { line: rejected[r].line, error: rejected[r++].reason };
      if (e.error !== undefined) yield { line: e.line, error: e.error };
      else for (const s of e.samples) yield { line: e.line, record: s, raw: asObject(e.value) };
    }
    if (signal?.aborted) return;
    while (r < rejected.length) yield { line: rejected[r].line, error: rejected[r++].reason };
  }
  return { shape: tf.shape, items: items(), close: () => tf.close() };
}

/** The records of a JSONL stream (stdin), read as it arrives; the shape is detected from its first entries. */
export async function openRecordStream(input: NodeJS.ReadableStream, label: string, signal?: AbortSignal): Promise<RecordSource> {
  const lines = readJsonl(input, { signal })[Symbol.asyncIterator]();
  const head: JsonlItem[] = [];
  let ended = false;
  while (head.filter((i) => i.error === undefined).length < DETECT_ENTRIES) {
    const next = await lines.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
  }
  const shape = detectShape(head.filter((i) => i.error === undefined).map((i) => i.value), 'jsonl');
  refuseScoreOutput(shape, label);
  async function* items(): AsyncGenerator<RecordItem> {
    let entry = 0;
    const toItems = function* (item: JsonlItem): Generator<RecordItem> {
      if (item.error !== undefined) {
        yield { line: item.line, error: item.error };
        return;
      }
      const r = toSamples(item.value, shape, entry++, item.line);
      if (!r.samples) yield { line: item.line, error: r.error ?? 'no samples' };
      else for (const s of r.samples) yield { line: item.line, record: s, raw: asObject(item.value) };
    };
    for (const item of head) yield* toItems(item);
    if (ended) return;
    for (let next = await lines.next(); !next.done; next = await lines.next()) yield* toItems(next.value);
  }
  return { shape, items: items(), close: async () => void (await lines.return?.(undefined)) };
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
