/**
 * npm run bench — scoring throughput of the `r1` preset on realistic 2–8 KB completions, as a ratio to
 * the bare cost of reading and parsing the same JSONL file, both measured in this process and this run.
 * Goal: scoring costs no more than 3× the bare parse.
 *
 * Records are made from real DeepSeek-R1 and DeepHermes-3 reasoning (test/fixtures, see SOURCES.md):
 * a random slice of a real trace inside <think>…</think>, then the model's real answer text.
 *
 * Then the accuracy reward alone on real answers of every style (math-verify's 267 cases: LaTeX, sets,
 * matrices, formulas that take the symbolic path; 60 plain-text answers), against JSON.parse of the same
 * lines; and on hostile answers (unbalanced \boxed{, dollars, nested braces) of 50, 200 and 800 KB: each
 * 4× larger input should take about 4× longer (linear), not 16× (quadratic).
 *
 *   BENCH_RECORDS=100000 (default)   BENCH_ROUNDS=2 (best of)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { readJsonl } from '../src/core/records/jsonl';
import { toRewardRecord } from '../src/core/records/record';
import { PRESETS, REWARD_FUNCTIONS, scoreRecord } from '../src/core/rewards';
import { toScoreLine } from '../src/core/rewards/scoreLine';
import type { ComponentName, RewardRecord } from '../src/core/rewards/types';
import { mulberry32 } from './random';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures');

function realTraces(): { prompt: string; thinking: string; output: string }[] {
  const read = (f: string) =>
    fs
      .readFileSync(path.join(FIXTURES, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  const r1 = read('r1_misguided_attention.jsonl').map((r) => ({ prompt: r.prompt, thinking: r.thinking, output: r.output }));
  const hermes = read('deephermes3_outputs.jsonl')
    .map((r) => {
      const close = r.completion.lastIndexOf('</think>');
      const thinking = r.completion.slice(r.completion.indexOf('<think>') + 7, close < 0 ? undefined : close).trim();
      return { prompt: r.prompt, thinking, output: close < 0 ? 'The answer is 42.' : r.completion.slice(close + 8).trim() };
    })
    .filter((t) => t.thinking.length > 1500);
  return [...r1, ...hermes];
}

function writeRecords(file: string): number {
  const traces = realTraces();
  const rand = mulberry32(42);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let batch: string[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const size = 1500 + Math.floor(rand() * 5500);
    const long = traces.filter((c) => c.thinking.length >= size);
    const t = long[Math.floor(rand() * long.length)];
    const start = Math.floor(rand() * Math.max(1, t.thinking.length - size));
    const thinking = t.thinking.slice(start, start + size);
    const output = t.output.slice(0, 600);
    const answer = String(Math.floor(rand() * 100));
    const correct = rand() < 0.5;
    const completion = `<think>\n${thinking}\n</think>\n\n${output}\n\nThe final answer is \\boxed{${correct ? answer : Number(answer) + 1}}.`;
    batch.push(JSON.stringify({ id: `bench-${i}`, prompt: t.prompt, completion, answer }));
    if (batch.length === 1000) {
      const chunk = batch.join('\n') + '\n';
      bytes += Buffer.byteLength(chunk);
      fs.writeSync(fd, chunk);
      batch = [];
    }
  }
  if (batch.length) {
    const chunk = batch.join('\n') + '\n';
    bytes += Buffer.byteLength(chunk);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  return bytes;
}

/** Bare cost: stream the file and JSON.parse every line — what any consumer of the file pays. */
async function parseOnly(file: string): Promise<number> {
  let n = 0;
  for await (const item of readJsonl(fs.createReadStream(file))) if (item.value !== undefined) n++;
  return n;
}

/** What `reasoning-lab score` does per record, minus the terminal: read, score with r1, serialize. */
async function parseAndScore(file: string, rssSamples: number[]): Promise<number> {
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  rssSamples.length = 0;
  let n = 0;
  for await (const item of readJsonl(fs.createReadStream(file))) {
    const { record } = toRewardRecord(item.value, `line-${item.line}`);
    if (!record) continue;
    sink.write(JSON.stringify(toScoreLine(scoreRecord(record, PRESETS.r1))) + '\n');
    if (++n % Math.max(1, Math.floor(RECORDS / 4)) === 0) rssSamples.push(process.memoryUsage().rss);
  }
  return n;
}

async function best(fn: () => Promise<number>): Promise<{ seconds: number; count: number }> {
  let seconds = Infinity;
  let count = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    count = await fn();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds, count };
}

/** Each reward function alone on records already in memory, against JSON.parse of the same lines. */
function perComponent(file: string): { name: string; ratio: number }[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n', Math.min(RECORDS, 20_000)).filter(Boolean);
  const t0 = process.hrtime.bigint();
  const records: RewardRecord[] = lines.map((l, i) => toRewardRecord(JSON.parse(l), `line-${i}`).record!);
  const parse = Number(process.hrtime.bigint() - t0);
  return (Object.keys(REWARD_FUNCTIONS) as ComponentName[]).map((name) => {
    const fn = REWARD_FUNCTIONS[name];
    const s = process.hrtime.bigint();
    for (const r of records) fn.score(r, fn.defaults);
    return { name, ratio: Number(process.hrtime.bigint() - s) / parse };
  });
}

/** The accuracy reward alone on real answers of every style, against JSON.parse of the same lines. */
function answerStyles(): { records: number; ratio: number; usPerRecord: number } {
  const lines = [
    ...fs.readFileSync(path.join(FIXTURES, 'math-verify', 'cases.jsonl'), 'utf8').split('\n'),
    ...fs
      .readFileSync(path.join(FIXTURES, 'text_answers.jsonl'), 'utf8')
      .split('\n')
      .map((l) => (l ? JSON.stringify({ ...JSON.parse(l), completion: `</think>\n\n${JSON.parse(l).output}` }) : l)),
  ].filter(Boolean);
  const fn = REWARD_FUNCTIONS.accuracy;
  let parse = Infinity;
  let score = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    const records: RewardRecord[] = lines.map((l) => JSON.parse(l) as RewardRecord);
    const t1 = process.hrtime.bigint();
    for (const r of records) fn.score(r, fn.defaults);
    const t2 = process.hrtime.bigint();
    parse = Math.min(parse, Number(t1 - t0));
    score = Math.min(score, Number(t2 - t1));
  }
  return { records: lines.length, ratio: score / parse, usPerRecord: score / 1e3 / lines.length };
}

/** Hostile answers of growing size: the CPU time of each 4× larger input over the previous one. */
function linearGrowth(): { name: string; ms: number[] }[] {
  const kinds: Record<string, (bytes: number) => string> = {
    'unbalanced \\boxed{': (n) => '\\boxed{'.repeat(Math.floor(n / 7)),
    'dollar signs': (n) => '$1 and $'.repeat(Math.floor(n / 8)),
    'nested braces': (n) => '\\boxed{' + '{'.repeat(Math.floor(n / 2)) + '}'.repeat(Math.floor(n / 2)),
    'math spans': (n) => '\\( x^2 \\) and '.repeat(Math.floor(n / 15)),
  };
  const fn = REWARD_FUNCTIONS.accuracy;
  return Object.entries(kinds).map(([name, make]) => ({
    name,
    ms: [50, 200, 800].map((kb) => {
      const completion = `<think>r</think>${make(kb * 1024)}`;
      let best = Infinity;
      for (let round = 0; round < 5; round++) {
        // CPU time: one synchronous call, and a growth ratio must not depend on what else the machine runs
        const t0 = process.cpuUsage();
        fn.score({ id: 'hostile', prompt: '', completion, answer: '1' }, fn.defaults);
        const t = process.cpuUsage(t0);
        best = Math.min(best, (t.user + t.system) / 1e3);
      }
      return best;
    }),
  }));
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-'));
  const file = path.join(dir, 'records.jsonl');
  try {
    const bytes = writeRecords(file);
    console.log(`records: ${RECORDS.toLocaleString()} real-trace completions, ${(bytes / 1e6).toFixed(0)} MB (${(bytes / RECORDS / 1024).toFixed(1)} KB mean line)`);
    await parseOnly(file); // warm the page cache and the JIT for both runs alike
    const base = await best(() => parseOnly(file));
    const rss: number[] = [];
    const scored = await best(() => parseAndScore(file, rss));
    const ratio = scored.seconds / base.seconds;
    const rate = (r: { seconds: number; count: number }) => Math.round(r.count / r.seconds).toLocaleString();
    console.log(`baseline  read + JSON.parse            ${rate(base)} records/s  (${base.seconds.toFixed(2)} s)`);
    console.log(`scored    read + parse + r1 + output   ${rate(scored)} records/s  (${scored.seconds.toFixed(2)} s)`);
    console.log(`ratio     scored / baseline            ${ratio.toFixed(2)}×   (goal ≤ 3×: ${ratio <= 3 ? 'met' : 'NOT met'})`);
    const mb = rss.map((b) => (b / 1e6).toFixed(0));
    console.log(`memory    RSS at 25/50/75/100% of the file: ${mb.join(' / ')} MB`);
    console.log('per component, alone, as a multiple of JSON.parse of the same lines (in memory):');
    for (const { name, ratio: r } of perComponent(file)) console.log(`  ${name.padEnd(11)} ${r.toFixed(2)}×`);
    const styles = answerStyles();
    console.log(
      `accuracy on ${styles.records} real answers of every style (math-verify cases, plain text): ${styles.ratio.toFixed(1)}× JSON.parse of the same lines (${styles.usPerRecord.toFixed(0)} µs per record)`,
    );
    console.log('accuracy on hostile answers of 50 / 200 / 800 KB, CPU time (each 4× larger; linear ≈ 4×, quadratic ≈ 16×):');
    for (const { name, ms } of linearGrowth()) {
      const growth = ms.slice(1).map((m, i) => (m / Math.max(ms[i], 0.01)).toFixed(1) + '×');
      console.log(`  ${name.padEnd(20)} ${ms.map((m) => m.toFixed(1) + ' ms').join(' / ')}   growth ${growth.join(', ')}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
