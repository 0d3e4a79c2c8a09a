/**
 * Trace index benchmark: index a generated rollout file (verl-style JSONL: input, output
 * with a real <think> trace, gts, score, step) and compare with a plain line count of the same file
 * in the same run (`wc -l`, spawned). Also: time to the first page (open + read 50 records) and the
 * peak RSS of this process while indexing (sampled every 10 ms). Goals: index ≤ 3× `wc -l`, peak RSS
 * under 300 MB. Then the same records as one JSON document (`{"results": [...]}`, one element per
 * line), which the JSON array scanner indexes, against `wc -l` of that file.
 *
 * Then 110 MB of real reasoning traces (scripts/make-large-traces.mjs: the shared data's R1, R1-Distill,
 * QwQ and DeepHermes-3 rows, 3–5 samples each), as JSONL and as one `{"results": [...]}` document,
 * against a bare pass that reads the file and JSON.parses it (the document at once, JSONL line by line)
 * in the same run, as CPU time (on a shared machine the wall clock measures the others' load): the
 * explorer's first paint (index, then the first records summarized:
 * what the tree shows before the analysis; goal under 1 s), the `traces --stats` analysis (goal ≤ 3× the
 * bare pass) and the explorer's analysis (badges judged, summaries kept: what the traces worker does).
 * The files go to os.tmpdir() and are removed afterwards.
 *
 *   BENCH_TRACE_MB=1024 (default)   BENCH_TRACE_JSON_MB=256 (default)   BENCH_REAL_TRACE_MB=110 (default)
 *   BENCH_ROUNDS=2 (best of)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { PRESETS } from '../src/core/rewards';
import { analyzeForExplorer, openTraceFile, SampleSet } from '../src/core/traces';
import { mulberry32 } from './random';
// @ts-expect-error a plain .mjs script without types
import { writeLargeTraceFile } from '../scripts/make-large-traces.mjs';

const MB = Number(process.env.BENCH_TRACE_MB ?? 1024);
const JSON_MB = Number(process.env.BENCH_TRACE_JSON_MB ?? 256);
const REAL_MB = Number(process.env.BENCH_REAL_TRACE_MB ?? 110);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures');

/**
 * Write ~mb megabytes of rollout records made from real R1 reasoning (test/fixtures, see SOURCES.md):
 * JSONL, or one JSON document whose "results" array holds the records, one per line.
 */
function writeRollouts(file: string, mb: number, container: 'jsonl' | 'json-array'): { bytes: number; records: number } {
  const traces = fs
    .readFileSync(path.join(FIXTURES, 'r1_misguided_attention.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { prompt: string; thinking: string; output: string });
  const rand = mulberry32(7);
  const target = mb * 1024 * 1024;
  const fd = fs.openSync(file, 'w');
  const [head, separator, tail] = container === 'jsonl' ? ['', '\n', '\n'] : ['{"results": [\n', ',\n', '\n]}\n'];
  let bytes = fs.writeSync(fd, head);
  let records = 0;
  let batch: string[] = [];
  while (bytes < target) {
    const t = traces[Math.floor(rand() * traces.length)];
    const size = 1500 + Math.floor(rand() * 6500);
    const start = Math.floor(rand() * Math.max(1, t.thinking.length - size));
    const step = Math.floor(records / 4096);
    const output = `<think>\n${t.thinking.slice(start, start + size)}\n</think>\n\n${t.output.slice(0, 400)}`;
    batch.push(JSON.stringify({ input: t.prompt, output, gts: '42', score: rand() < 0.4 ? 1 : 0, step }));
    records++;
    if (batch.length === 2000) {
      // the separator goes before each chunk but the first: the array's last element has no comma after it
      bytes += fs.writeSync(fd, (records > batch.length ? separator : '') + batch.join(separator));
      batch = [];
    }
  }
  bytes += fs.writeSync(fd, (batch.length && records > batch.length ? separator : '') + batch.join(separator) + tail);
  fs.closeSync(fd);
  return { bytes, records };
}

function wcLines(file: string): Promise<{ seconds: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('wc', ['-l', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, lines: parseInt(out, 10) }));
  });
}

async function indexOnce(file: string): Promise<{ seconds: number; firstPage: number; count: number; peakRss: number; indexBytes: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t0 = process.hrtime.bigint();
  const tf = await openTraceFile(file);
  const page = await tf.readRange(0, 50);
  const firstPage = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (page.length !== 50 || page.some((e) => e.error)) throw new Error('first page did not read');
  const r = { seconds: tf.indexMs / 1000, firstPage, count: tf.count, peakRss: peak, indexBytes: tf.indexBytes };
  await tf.close();
  return r;
}

/** Best-of-ROUNDS index of `file` against `wc -l` of it; `extraLines`: lines that hold no record. */
async function measure(file: string, bytes: number, extraLines: number): Promise<{ ratio: number }> {
  await wcLines(file); // warm the page cache for both alike
  let wc = { seconds: Infinity, lines: 0 };
  let idx = { seconds: Infinity, firstPage: Infinity, count: 0, peakRss: 0, indexBytes: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const w = await wcLines(file);
    if (w.seconds < wc.seconds) wc = w;
    const i = await indexOnce(file);
    if (i.seconds < idx.seconds) idx = { ...i, peakRss: Math.max(i.peakRss, idx.peakRss) };
    else idx.peakRss = Math.max(idx.peakRss, i.peakRss);
  }
  if (wc.lines !== idx.count + extraLines) throw new Error(`wc -l counted ${wc.lines} lines, the index ${idx.count} records`);
  const ratio = idx.seconds / wc.seconds;
  const peakMb = idx.peakRss / 1048576;
  console.log(`  wc -l:        ${wc.seconds.toFixed(2)} s (${wc.lines.toLocaleString()} lines)`);
  console.log(`  index:        ${idx.seconds.toFixed(2)} s (${idx.count.toLocaleString()} records, ${(bytes / 1048576 / idx.seconds).toFixed(0)} MB/s), first page of 50 records after ${idx.firstPage.toFixed(2)} s`);
  console.log(`  ratio:        ${ratio.toFixed(2)}× wc -l (goal ≤ 3×) ${ratio <= 3 ? 'OK' : 'OVER'}`);
  console.log(`  peak RSS:     ${peakMb.toFixed(0)} MB (goal < 300 MB) ${peakMb < 300 ? 'OK' : 'OVER'}; offset index ${(idx.indexBytes / 1048576).toFixed(1)} MB`);
  return { ratio };
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** The bare pass: read the file and JSON.parse it (a JSON document at once, JSONL line by line); records read. */
function parsePass(file: string): number {
  if (file.endsWith('.json')) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { results: unknown[] }).results.length;
  const buf = fs.readFileSync(file);
  let n = 0;
  for (let start = 0, nl = buf.indexOf(10); start < buf.length; start = nl + 1, nl = buf.indexOf(10, start)) {
    const end = nl === -1 ? buf.length : nl;
    if (end > start) {
      JSON.parse(buf.toString('utf8', start, end));
      n++;
    }
    if (nl === -1) break;
  }
  return n;
}

const cpuSeconds = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/**
 * Best of ROUNDS of `fn`: wall-clock seconds, CPU seconds of this process, and what the last round
 * returned. The ratios are of CPU time: on a shared machine the wall clock measures the other load.
 */
async function bestOf<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; cpu: number; value: T }> {
  let best = Infinity;
  let cpu = Infinity;
  let value!: T;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    value = await fn();
    cpu = Math.min(cpu, cpuSeconds(c0));
    best = Math.min(best, seconds(t0));
  }
  return { seconds: best, cpu, value };
}

/**
 * First paint, `traces --stats` and the explorer's analysis of real traces, against the bare parse
 * pass, for the same records as JSONL and as one `{"results": [...]}` document.
 */
async function realTraces(dir: string): Promise<void> {
  for (const name of ['real-traces.jsonl', 'real-traces.json']) {
    const file = path.join(dir, name);
    const t0 = Date.now();
    const written = writeLargeTraceFile(file, REAL_MB) as { records: number; bytes: number };
    console.log(
      `real traces, ${name.endsWith('.json') ? 'one JSON document' : 'JSONL'}: ${(written.bytes / 1048576).toFixed(0)} MB, ${written.records.toLocaleString()} records of R1 / R1-Distill / QwQ / DeepHermes-3 traces, written in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    parsePass(file); // warm the page cache and the JIT alike
    const parse = await bestOf(() => parsePass(file));
    if (parse.value !== written.records) throw new Error(`the parse pass read ${parse.value} records of ${written.records}`);
    const paint = await bestOf(async () => {
      const tf = await openTraceFile(file);
      const first = await SampleSet.firstPage(tf, PRESETS.r1);
      await tf.close();
      return first.sampleCount;
    });
    const tf = await openTraceFile(file);
    try {
      const stats = await bestOf(() => tf.analyze({ rewards: PRESETS.r1, keepSamples: false }));
      const explorer = await bestOf(() => analyzeForExplorer(tf, PRESETS.r1));
      if (stats.value.records !== written.records) throw new Error(`the analysis read ${stats.value.records} records of ${written.records}`);
      const ratio = (x: { cpu: number }) => `${(x.cpu / parse.cpu).toFixed(2)}×`;
      const times = (x: { seconds: number; cpu: number }) => `${x.seconds.toFixed(2)} s (CPU ${x.cpu.toFixed(2)} s)`;
      console.log(`  read + JSON.parse: ${times(parse)} (the baseline)`);
      console.log(`  first paint:       ${times(paint)} = ${ratio(paint)} (index, then the first ${paint.value} samples summarized; goal < 1 s) ${paint.seconds < 1 ? 'OK' : 'OVER'}`);
      console.log(`  traces --stats:    ${times(stats)} = ${ratio(stats)} (${stats.value.samples.toLocaleString()} samples scored with r1; goal ≤ 3×) ${stats.cpu <= 3 * parse.cpu ? 'OK' : 'OVER'}`);
      console.log(`  explorer analysis: ${times(explorer)} = ${ratio(explorer)} (badges judged, summaries kept; in the traces worker)`);
    } finally {
      await tf.close();
      fs.rmSync(file);
    }
  }
}

/**
 * `traces --stats` on small files of the repository, against the same bare parse pass: the 23 KB
 * Game-of-24 log (short plain-ASCII records) and the 0.47 MB R1-Distill document. Milliseconds, so the
 * best of SMALL_ROUNDS.
 */
async function smallFiles(): Promise<void> {
  const SMALL_ROUNDS = 50;
  for (const file of [path.join(__dirname, '..', 'examples', 'rollouts', 'game24-gpt4-cot.jsonl'), path.join(FIXTURES, 'traces', 'r1_distill_llama70b_outputs.json')]) {
    const tf = await openTraceFile(file);
    try {
      let parse = Infinity;
      let stats = Infinity;
      for (let r = 0; r < SMALL_ROUNDS; r++) {
        let c0 = process.cpuUsage();
        parsePass(file);
        parse = Math.min(parse, cpuSeconds(c0));
        c0 = process.cpuUsage();
        await tf.analyze({ rewards: PRESETS.r1, keepSamples: false });
        stats = Math.min(stats, cpuSeconds(c0));
      }
      const kb = fs.statSync(file).size / 1024;
      console.log(`small file ${path.basename(file)} (${kb.toFixed(0)} KB): read + JSON.parse CPU ${(parse * 1000).toFixed(2)} ms; traces --stats CPU ${(stats * 1000).toFixed(2)} ms = ${(stats / parse).toFixed(2)}× (goal ≤ 3×) ${stats <= 3 * parse ? 'OK' : 'OVER'}`);
    } finally {
      await tf.close();
    }
  }
}

async function main() {
  await smallFiles();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-traces-'));
  try {
    const file = path.join(dir, 'rollouts.jsonl');
    let t0 = Date.now();
    const jsonl = writeRollouts(file, MB, 'jsonl');
    console.log(`trace index: ${(jsonl.bytes / 1048576).toFixed(0)} MB of verl-style rollouts, ${jsonl.records.toLocaleString()} records (${(jsonl.bytes / jsonl.records / 1024).toFixed(1)} KB mean), written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await measure(file, jsonl.bytes, 0);
    fs.rmSync(file);

    const doc = path.join(dir, 'rollouts.json');
    t0 = Date.now();
    const json = writeRollouts(doc, JSON_MB, 'json-array');
    console.log(`trace index, JSON array: ${(json.bytes / 1048576).toFixed(0)} MB, {"results": [...]} with ${json.records.toLocaleString()} records, written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await measure(doc, json.bytes, 2); // the '{"results": [' line and the ']}' line
    fs.rmSync(doc);

    await realTraces(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
