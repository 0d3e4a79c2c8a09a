#!/usr/bin/env node
// Writes a large rollout log made of real reasoning traces, for the benchmark and the large-file tests
// (never committed: made at bench or test time, removed afterwards).
//
//   node scripts/make-large-traces.mjs <out.jsonl | out.json> [megabytes=110] [data dir]
//
// The records are the prompt rows of the shared data's MisguidedAttention and LRMTokenEconomy files
// (DeepSeek-R1-Distill-Llama-70B, DeepSeek-R1, QwQ-32B, DeepHermes-3: 3–5 samples per prompt in
// `output[]`, QwQ and R1 with `thinking[]`), every field as upstream, repeated until the size is
// reached; each copy gets a new `prompt_id` (`<prompt_id>~<copy>`) so it is a group of its own.
// A `.json` name writes one `{"results": [...]}` document (an element per line), anything else JSONL.
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const TRACE_SOURCES = [
  'misguided_attention_output_queries_r1-distill-llama-70b.json',
  'misguided_attention_deepseek-r1_thinking.json',
  'misguided_attention_output_queries_QwQ-32b.json.gz',
  'lrm_token_economy_output_queries_deephermes3-24b.json.gz',
];

/** The shared data folder: REASONING_LAB_DATA, ../shared/data beside the checkout, or /work/shared/data. */
export function sharedDataDir() {
  const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
  const dir = [process.env.REASONING_LAB_DATA, path.join(repo, '..', 'shared', 'data'), '/work/shared/data'].find((d) => d && existsSync(path.join(d, TRACE_SOURCES[0])));
  if (!dir) throw new Error(`the shared data folder with ${TRACE_SOURCES[0]} was not found (set REASONING_LAB_DATA)`);
  return dir;
}

/** The prompt rows of the real trace files, as parsed objects. */
export function realTraceRows(dataDir = sharedDataDir()) {
  const rows = [];
  for (const name of TRACE_SOURCES) {
    const bytes = readFileSync(path.join(dataDir, name));
    const doc = JSON.parse((name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
    rows.push(...doc.results);
  }
  return rows;
}

/**
 * Write about `mb` megabytes of real traces to `file`: records, copies and bytes written. `json`: one
 * `{"results": [...]}` document with an element per line (default: by the file's extension).
 */
export function writeLargeTraceFile(file, mb = 110, { dataDir, json = /\.json$/i.test(file) } = {}) {
  const rows = realTraceRows(dataDir);
  const target = mb * 1024 * 1024;
  const fd = openSync(file, 'wx');
  const [head, separator, tail] = json ? ['{"results": [\n', ',\n', '\n]}\n'] : ['', '\n', '\n'];
  let bytes = 0;
  let pending = 0;
  let records = 0;
  let batch = [];
  const flush = (last) => {
    const text = (records > batch.length && batch.length ? separator : '') + batch.join(separator) + (last ? tail : '');
    bytes += writeSync(fd, text);
    batch = [];
    pending = 0;
  };
  try {
    bytes += writeSync(fd, head);
    for (let copy = 0; bytes + pending < target; copy++) {
      for (const row of rows) {
        if (bytes + pending >= target) break;
        const line = JSON.stringify({ ...row, prompt_id: `${row.prompt_id}~${copy}` });
        batch.push(line);
        pending += line.length + 1;
        records++;
        if (batch.length === 200) flush(false);
      }
    }
    flush(true);
  } finally {
    closeSync(fd);
  }
  return { records, bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, mb, dataDir] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node scripts/make-large-traces.mjs <out.jsonl | out.json> [megabytes=110] [data dir]');
    process.exit(2);
  }
  const r = writeLargeTraceFile(out, mb ? Number(mb) : 110, { dataDir });
  console.log(`${out}: ${r.records} records, ${(r.bytes / 1048576).toFixed(1)} MB`);
}
