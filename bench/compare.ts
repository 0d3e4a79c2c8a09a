/**
 * Checkpoint comparison benchmark: `compare` of two generated rollout logs of real reasoning traces
 * (scripts/make-large-traces.mjs: the same prompts in both, as two checkpoints would have), against a
 * bare pass that reads both files and JSON.parses every line, in the same run, as CPU time (on a shared
 * machine the wall clock measures the others' load). Also the peak RSS while comparing (sampled every
 * 10 ms): per prompt a few numbers are kept, never the file. The files go to os.tmpdir() and are removed.
 *
 *   BENCH_COMPARE_MB=256 (default; 1024 for the 1 GB case)   BENCH_ROUNDS=1 (best of)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareCheckpoints } from '../src/core/compare';
// @ts-expect-error a plain .mjs script without types
import { writeLargeTraceFile } from '../scripts/make-large-traces.mjs';

const MB = Number(process.env.BENCH_COMPARE_MB ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);

function parsePass(file: string): number {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 24);
  let n = 0;
  let carry = '';
  for (let read = fs.readSync(fd, buf); read > 0; read = fs.readSync(fd, buf)) {
    const lines = (carry + buf.toString('utf8', 0, read)).split('\n');
    carry = lines.pop() ?? '';
    for (const l of lines) if (l) (JSON.parse(l), n++);
  }
  if (carry) (JSON.parse(carry), n++);
  fs.closeSync(fd);
  return n;
}

const cpu = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

async function bestOf<T>(fn: () => Promise<T> | T): Promise<{ cpu: number; seconds: number; value: T }> {
  let best = { cpu: Infinity, seconds: Infinity, value: undefined as T };
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = Date.now();
    const c0 = process.cpuUsage();
    const value = await fn();
    const run = { cpu: cpu(c0), seconds: (Date.now() - t0) / 1000, value };
    if (run.cpu < best.cpu) best = run;
  }
  return best;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-compare-'));
  try {
    const files = ['step100.jsonl', 'step200.jsonl'].map((n) => path.join(dir, n));
    let records = 0;
    for (const f of files) records = (writeLargeTraceFile(f, MB) as { records: number }).records;
    console.log(`compare: 2 files of ${MB} MB of real R1 / R1-Distill / QwQ / DeepHermes-3 traces, ${records.toLocaleString()} records each`);
    parsePass(files[0]); // warm the page cache and the JIT alike
    const parse = await bestOf(() => files.reduce((n, f) => n + parsePass(f), 0));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const rss0 = process.memoryUsage().rss;
    const cmp = await bestOf(() => compareCheckpoints(files, { by: 'length' }));
    clearInterval(sampler);
    const c = cmp.value.comparison;
    if (c.common === 0) throw new Error('no prompt in common');
    const times = (x: { seconds: number; cpu: number }) => `${x.seconds.toFixed(2)} s (CPU ${x.cpu.toFixed(2)} s)`;
    console.log(`  read + JSON.parse both: ${times(parse)} (the baseline)`);
    console.log(`  compare:                ${times(cmp)} = ${(cmp.cpu / parse.cpu).toFixed(2)}× (${c.common.toLocaleString()} prompts joined; steps, CoT tokens and reflections of every sample)`);
    console.log(`  peak RSS while comparing: ${(peak / 1048576).toFixed(0)} MB (${((peak - rss0) / 1048576).toFixed(0)} MB above the start)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
