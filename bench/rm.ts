/**
 * npm run bench — reward-model scoring throughput: a small encoder RM at sequence lengths 128
 * and 512 and batch sizes 1–32, against a bare onnxruntime-node session run on the same token ids in
 * the same process with the same session options. The engine's time includes tokenization,
 * truncation, dynamic batching (sort, pad, masks), tensor creation and reading the logits; the bare
 * session's only the runs on ready-made tensors. Overhead = engine time / bare time − 1; goal < 15%.
 * Also: batching off (one sequence per run, against bare batch 1) and the same through the model
 * worker (what the editor and the CLI use: + postMessage both ways).
 *
 * Model: examples/models/tiny-bert-rm (4 layers, hidden 128). With RL_BENCH_MODELS=<dir> made by
 * `/usr/bin/python3 scripts/models/make_tiny_models.py <dir> --bench`, also bench-minilm-rm
 * (6 layers, hidden 384, MiniLM size; random weights, given tiny-bert-rm's tokenizer).
 * Each figure is the best of several rounds, engine and bare interleaved. Throughput is wall-clock;
 * the overhead is given on CPU time too (process.cpuUsage: every thread of the process, the worker's
 * and onnxruntime's included), which other work on a shared machine disturbs much less.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { padBatch } from '../src/core/models/batcher';
import { ModelHost } from '../src/core/models/modelHost';
import { int64Tensor, loadOrt } from '../src/core/models/onnxSession';
import { RewardModel } from '../src/core/models/rewardModel';
import type { RewardModelOptions, RewardScorer, RmInput } from '../src/core/models/types';
import { mulberry32 } from './random';

const ROOT = path.join(__dirname, '..');
const BATCHES = [1, 4, 8, 16, 32];
const LENGTHS = [128, 512];
const THREADS = Math.max(1, Math.min(4, os.availableParallelism()));

const WORDS = (
  'the model explains caching and recursion step by step first define the inputs then handle the edge cases ' +
  'finally test the result with a small example and a note on common mistakes to avoid keep functions small ' +
  'name things clearly and measure before you optimize binary search hash maps threads memory promises closures'
).split(' ');

/** Deterministic texts long enough to be cut to `tokens` (so every sequence has exactly that length). */
function texts(n: number, tokens: number, seed: number): string[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => Array.from({ length: tokens + 20 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ') + '.');
}

async function bareSession(modelFile: string): Promise<Ort.InferenceSession> {
  return loadOrt().InferenceSession.create(modelFile, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
}

interface Timing {
  wall: number;
  cpu: number;
}

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

const best = (a: Timing, b: Timing): Timing => ({ wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu) });

/** Time for the bare session to run all `ids` in batches of `batch` (tensors built beforehand). */
async function timeBare(session: Ort.InferenceSession, ids: number[][], batch: number, padId: number): Promise<Timing> {
  const feeds: Array<Record<string, Ort.Tensor>> = [];
  for (let i = 0; i < ids.length; i += batch) {
    const p = padBatch(ids.slice(i, i + batch).map((x) => ({ ids: x })), padId);
    const dims = [p.batch, p.seqLen];
    feeds.push({ input_ids: int64Tensor(p.inputIds, dims), attention_mask: int64Tensor(p.attentionMask, dims), token_type_ids: int64Tensor(p.tokenTypeIds, dims) });
  }
  return timed(async () => {
    for (const f of feeds) await session.run(f);
  });
}

const timeEngine = (scorer: RewardScorer, inputs: RmInput[]): Promise<Timing> => timed(() => scorer.score(inputs));

async function benchModel(dir: string, label: string, rounds: number): Promise<number[]> {
  const session = await bareSession(fs.existsSync(path.join(dir, 'model.onnx')) ? path.join(dir, 'model.onnx') : path.join(dir, 'onnx', 'model.onnx'));
  const overheads: number[] = [];
  console.log(`${label}: cpu, ${THREADS} threads, best of ${rounds} rounds`);
  const host = new ModelHost(path.join(ROOT, 'src', 'workers', 'modelWorker.ts'));
  try {
    for (const len of LENGTHS) {
      const n = len === 128 ? 64 : 16;
      const inputs: RmInput[] = texts(n, len, len).map((text) => ({ text }));
      const open = (o: RewardModelOptions) => RewardModel.load(dir, { provider: 'cpu', threads: THREADS, maxLength: len, ...o });
      // the ids the engine feeds (formatted and cut to len), so the bare session runs exactly the same
      const probe = await open({});
      const ids = inputs.map((i) => probe.encode(i).ids);
      const padId = probe.tokenizer.padId!;
      await probe.dispose();
      if (!ids.every((x) => x.length === len)) throw new Error(`inputs are not all ${len} tokens`);
      for (const batch of [...BATCHES, 0]) {
        const on = batch > 0;
        const engine = await open({ batching: { enabled: on, maxBatch: on ? batch : 1, maxWaitMs: 2 } });
        const worker = await host.openRewardModel(dir, { provider: 'cpu', threads: THREADS, maxLength: len, batching: { enabled: on, maxBatch: on ? batch : 1, maxWaitMs: 2 } });
        const none = { wall: Infinity, cpu: Infinity };
        let bare = none;
        let eng = none;
        let wrk = none;
        await timeEngine(engine, inputs.slice(0, 4)); // warm-up
        await timeEngine(worker, inputs.slice(0, 4));
        for (let r = 0; r < rounds; r++) {
          bare = best(bare, await timeBare(session, ids, on ? batch : 1, padId));
          eng = best(eng, await timeEngine(engine, inputs));
          wrk = best(wrk, await timeEngine(worker, inputs));
        }
        await engine.dispose();
        await worker.dispose();
        const overhead = eng.cpu / bare.cpu - 1;
        overheads.push(overhead);
        const rate = (t: Timing) => `${(n / t.wall).toFixed(0).padStart(5)} seq/s`;
        const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
        const name = on ? `batch ${String(batch).padStart(2)}` : 'batching off';
        console.log(
          `  seq ${len}  ${name.padEnd(12)} bare ${rate(bare)} | engine ${rate(eng)}: overhead ${pct(overhead)} cpu, ${pct(eng.wall / bare.wall - 1)} wall | via worker ${rate(wrk)}: ${pct(wrk.cpu / bare.cpu - 1)} cpu, ${pct(wrk.wall / bare.wall - 1)} wall`,
        );
      }
    }
  } finally {
    await host.dispose();
    await session.release();
  }
  return overheads;
}

/** bench-minilm-rm has only model.onnx: give it tiny-bert-rm's tokenizer and a config of its size. */
function minilmFolder(benchDir: string): string | undefined {
  const src = path.join(benchDir, 'bench-minilm-rm', 'model.onnx');
  if (!fs.existsSync(src)) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-minilm-'));
  fs.symlinkSync(src, path.join(dir, 'model.onnx'));
  const tiny = path.join(ROOT, 'examples', 'models', 'tiny-bert-rm');
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) fs.copyFileSync(path.join(tiny, f), path.join(dir, f));
  const cfg = JSON.parse(fs.readFileSync(path.join(tiny, 'config.json'), 'utf8'));
  Object.assign(cfg, { _name_or_path: 'bench-minilm-rm', vocab_size: 30522, hidden_size: 384, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 1536 });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
  return dir;
}

async function main() {
  console.log(`rm: reward-model scoring throughput against a bare onnxruntime-node session (goal: overhead < 15%)`);
  const all = await benchModel(path.join(ROOT, 'examples', 'models', 'tiny-bert-rm'), 'tiny-bert-rm (4 layers, hidden 128)', 7);
  const benchDir = process.env.RL_BENCH_MODELS;
  const minilm = benchDir ? minilmFolder(benchDir) : undefined;
  if (minilm) {
    try {
      all.push(...(await benchModel(minilm, 'bench-minilm-rm (6 layers, hidden 384)', 2)));
    } finally {
      fs.rmSync(minilm, { recursive: true, force: true });
    }
  }
  const worst = Math.max(...all);
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  console.log(`  engine overhead (cpu time): mean ${(mean * 100).toFixed(1)}%, worst ${(worst * 100).toFixed(1)}% (goal < 15%: ${worst < 0.15 ? 'met' : 'NOT met'})`);
}

void main();
