/**
 * Trace index benchmark: index a generated rollout file (verl-style JSONL: input, output
 * with a real <think> trace, gts, score, step) and compare with a plain line count of the same file
 * in the same run (`wc -l`, spawned). Also: time to the first page (open + read 50 records) and the
 * peak RSS of this process while indexing (sampled every 10 ms). Goals: index ≤ 3× `wc -l`, peak RSS
 * under 300 MB. The file goes to os.tmpdir() and is removed afterwards.
 *
 *   BENCH_TRACE_MB=1024 (default)   BENCH_ROUNDS=2 (best of)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { openTraceFile } from '../src/core/traces';
import { mulberry32 } from './random';

const MB = Number(process.env.BENCH_TRACE_MB ?? 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures');

/** Write ~MB megabytes of rollout records made from real R1 reasoning (test/fixtures, see SOURCES.md). */
function writeRollouts(file: string): { bytes: number; records: number } {
  const traces = fs
    .readFileSync(path.join(FIXTURES, 'r1_misguided_attention.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { prompt: string; thinking: string; output: string });
  const rand = mulberry32(7);
  const target = MB * 1024 * 1024;
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
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
      const chunk = batch.join('\n') + '\n';
      bytes += fs.writeSync(fd, chunk);
      batch = [];
    }
  }
  if (batch.length) bytes += fs.writeSync(fd, batch.join('\n') + '\n');
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

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-traces-'));
  const file = path.join(dir, 'rollouts.jsonl');
  try {
    const t0 = Date.now();
    const { bytes, records } = writeRollouts(file);
    console.log(`trace index: ${(bytes / 1048576).toFixed(0)} MB of verl-style rollouts, ${records.toLocaleString()} records (${(bytes / records / 1024).toFixed(1)} KB mean), written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
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
    if (wc.lines !== idx.count) throw new Error(`wc -l counted ${wc.lines} lines, the index ${idx.count} records`);
    const ratio = idx.seconds / wc.seconds;
    const peakMb = idx.peakRss / 1048576;
    console.log(`  wc -l:        ${wc.seconds.toFixed(2)} s (${wc.lines.toLocaleString()} lines)`);
    console.log(`  index:        ${idx.seconds.toFixed(2)} s (${idx.count.toLocaleString()} records, ${(bytes / 1048576 / idx.seconds).toFixed(0)} MB/s), first page of 50 records after ${idx.firstPage.toFixed(2)} s`);
    console.log(`  ratio:        ${ratio.toFixed(2)}× wc -l (goal ≤ 3×) ${ratio <= 3 ? 'OK' : 'OVER'}`);
    console.log(`  peak RSS:     ${peakMb.toFixed(0)} MB (goal < 300 MB) ${peakMb < 300 ? 'OK' : 'OVER'}; offset index ${(idx.indexBytes / 1048576).toFixed(1)} MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
