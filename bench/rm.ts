/**
 * npm run bench — reward-model scoring throughput: encoder RMs at sequence lengths 128 and 512
 * and batch sizes 1–32, and on a realistic mix (256 real hh-rlhf dialogues of 128–512 tokens, prompt +
 * completion, in the file's order), against a bare onnxruntime-node session run on the same token ids in
 * the same process with the same session options. The engine's time includes tokenization,
 * truncation, dynamic batching (sort, pad, masks), tensor creation and reading the logits; the bare
 * session's only the runs on ready-made tensors, its batches cut from the ids sorted by length (the
 * least padding a hand-written loop can have). Overhead = engine time / bare time − 1; goal < 15%.
 * Also: batching off (one sequence per run, against bare batch 1) and the same through the model
 * worker (what the editor and the CLI use: + postMessage both ways).
 *
 * Model: examples/models/tiny-bert-rm (4 layers, hidden 128). With RL_BENCH_MODELS=<dir> made by
 * `/usr/bin/python3 scripts/models/make_tiny_models.py <dir> --bench`, also bench-minilm-rm
 * (6 layers, hidden 384, MiniLM size) and bench-bertbase-rm (12 layers, hidden 768, BERT-base size;
 * real mix only), random weights at the real shapes, given tiny-bert-rm's tokenizer.
 * Each figure is the best of several rounds, engine and bare interleaved. Throughput is wall-clock;
 * the overhead is given on CPU time too (process.cpuUsage: every thread of the process, the worker's
 * and onnxruntime's included), which other work on a shared machine disturbs much less.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
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
const HH_RLHF = 'hh-rlhf_harmless-base_test.jsonl.gz';
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

/**
 * One set of inputs: all of one length (cut to `maxLength`), or the real texts' mix of lengths. The
 * engine gets them in their own order; the bare session gets them sorted by length before they are
 * cut into batches (the least padding a hand-written loop can have).
 */
interface BenchCase {
  name: string;
  inputs: RmInput[];
  maxLength: number;
  batches: number[];
}

const fixedLength = (len: number): BenchCase => ({ name: `seq ${len}`, inputs: texts(len === 128 ? 64 : 16, len, len).map((text) => ({ text })), maxLength: len, batches: [...BATCHES, 0] });

async function benchModel(dir: string, label: string, rounds: number, cases: BenchCase[]): Promise<number[]> {
  const session = await bareSession(fs.existsSync(path.join(dir, 'model.onnx')) ? path.join(dir, 'model.onnx') : path.join(dir, 'onnx', 'model.onnx'));
  const overheads: number[] = [];
  console.log(`${label}: cpu, ${THREADS} threads, best of ${rounds} rounds`);
  const host = new ModelHost(path.join(ROOT, 'src', 'workers', 'modelWorker.ts'));
  try {
    for (const c of cases) {
      const { inputs, maxLength } = c;
      const n = inputs.length;
      const open = (o: RewardModelOptions) => RewardModel.load(dir, { provider: 'cpu', threads: THREADS, maxLength, ...o });
      // the ids the engine feeds (formatted and cut to maxLength), so the bare session runs exactly the same
      const probe = await open({});
      const ids = inputs.map((i) => probe.encode(i).ids).sort((a, b) => a.length - b.length);
      const padId = probe.tokenizer.padId!;
      await probe.dispose();
      for (const batch of c.batches) {
        const on = batch > 0;
        const engine = await open({ batching: { enabled: on, maxBatch: on ? batch : 1, maxWaitMs: 2 } });
        const worker = await host.openRewardModel(dir, { provider: 'cpu', threads: THREADS, maxLength, batching: { enabled: on, maxBatch: on ? batch : 1, maxWaitMs: 2 } });
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
        const ratio = (a: Timing, b: Timing) => `${(a.cpu / b.cpu).toFixed(3)} cpu, ${(a.wall / b.wall).toFixed(3)} wall`;
        const name = on ? `batch ${String(batch).padStart(2)}` : 'batching off';
        console.log(`  ${c.name.padEnd(8)} ${name.padEnd(12)} bare ${rate(bare)} | engine ${rate(eng)}: ${ratio(eng, bare)} × bare | via worker ${rate(wrk)}: ${ratio(wrk, bare)} × bare`);
      }
    }
  } finally {
    await host.dispose();
    await session.release();
  }
  return overheads;
}

/**
 * The realistic mix: 256 real texts of 128–512 tokens (hh-rlhf test dialogues, prompt = the
 * conversation before the last assistant turn, completion = that turn), in the file's order.
 */
function realTexts(): BenchCase | undefined {
  const data = [process.env.REASONING_LAB_DATA, path.join(ROOT, '..', 'shared', 'data'), '/work/shared/data'].find((d) => d && fs.existsSync(path.join(d, HH_RLHF)));
  if (!data) return undefined;
  const lines = zlib.gunzipSync(fs.readFileSync(path.join(data, HH_RLHF))).toString('utf8').split('\n').filter(Boolean);
  return {
    name: 'real',
    maxLength: 512,
    batches: [4, 16],
    inputs: lines.map((line): RmInput => {
      const chosen = String(JSON.parse(line).chosen);
      const at = chosen.lastIndexOf('\n\nAssistant:');
      return { prompt: chosen.slice(0, at).trim(), completion: chosen.slice(at + '\n\nAssistant:'.length).trim() };
    }),
  };
}

/** The first 256 inputs whose encoding (before any cut) has 128–512 tokens under `dir`'s tokenizer. */
async function pickLengths(c: BenchCase, dir: string): Promise<BenchCase> {
  const probe = await RewardModel.load(dir, { provider: 'cpu', maxLength: 100_000 });
  try {
    const inputs = c.inputs.filter((i) => {
      const n = probe.encode(i).ids.length;
      return n >= 128 && n <= 512;
    });
    if (inputs.length < 256) throw new Error(`only ${inputs.length} real texts of 128–512 tokens`);
    return { ...c, inputs: inputs.slice(0, 256) };
  } finally {
    await probe.dispose();
  }
}

/** The --bench models have only model.onnx: give them tiny-bert-rm's tokenizer and a config of their size. */
function benchFolder(benchDir: string, name: string, size: { hidden_size: number; num_hidden_layers: number; intermediate_size: number }): string | undefined {
  const src = path.join(benchDir, name, 'model.onnx');
  if (!fs.existsSync(src)) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rl-${name}-`));
  fs.symlinkSync(src, path.join(dir, 'model.onnx'));
  const tiny = path.join(ROOT, 'examples', 'models', 'tiny-bert-rm');
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) fs.copyFileSync(path.join(tiny, f), path.join(dir, f));
  const cfg = JSON.parse(fs.readFileSync(path.join(tiny, 'config.json'), 'utf8'));
  Object.assign(cfg, { _name_or_path: name, vocab_size: 30522, num_attention_heads: 12, ...size });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
  return dir;
}

async function main() {
  console.log(`rm: reward-model scoring throughput against a bare onnxruntime-node session (ratios engine / bare; goal: overhead < 15%)`);
  const tinyDir = path.join(ROOT, 'examples', 'models', 'tiny-bert-rm');
  const real = realTexts();
  const realCase = real && (await pickLengths(real, tinyDir)); // one tokenizer for every model: the same 256 texts
  if (!realCase) console.log(`  (no ${HH_RLHF} found: set REASONING_LAB_DATA to the shared data folder for the real-text mix)`);
  const sizes: Array<{ dir: string | undefined; label: string; rounds: number; cases: BenchCase[] }> = [
    { dir: tinyDir, label: 'tiny-bert-rm (4 layers, hidden 128)', rounds: 7, cases: [fixedLength(128), fixedLength(512), ...(realCase ? [realCase] : [])] },
  ];
  const benchDir = process.env.RL_BENCH_MODELS;
  if (benchDir) {
    sizes.push(
      { dir: benchFolder(benchDir, 'bench-minilm-rm', { hidden_size: 384, num_hidden_layers: 6, intermediate_size: 1536 }), label: 'bench-minilm-rm (6 layers, hidden 384)', rounds: 2, cases: [fixedLength(128), fixedLength(512), ...(realCase ? [realCase] : [])] },
      // BERT-base scores about one of these texts a second on two CPU cores: only the realistic mix, at
      // the default batch size, one round (bare, engine and worker: about 15 minutes on a quiet machine)
      { dir: benchFolder(benchDir, 'bench-bertbase-rm', { hidden_size: 768, num_hidden_layers: 12, intermediate_size: 3072 }), label: 'bench-bertbase-rm (12 layers, hidden 768, BERT-base)', rounds: 1, cases: realCase ? [{ ...realCase, batches: [16] }] : [] },
    );
  } else {
    console.log('  (RL_BENCH_MODELS not set: MiniLM and BERT-base sizes skipped; make them with scripts/models/make_tiny_models.py DIR --bench)');
  }
  const all: number[] = [];
  for (const size of sizes) {
    if (!size.dir || !size.cases.length) continue;
    try {
      all.push(...(await benchModel(size.dir, size.label, size.rounds, size.cases)));
    } finally {
      if (size.dir !== tinyDir) fs.rmSync(size.dir, { recursive: true, force: true });
    }
  }
  const worst = Math.max(...all);
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  console.log(`  engine / bare (cpu time): mean ${(1 + mean).toFixed(3)}, worst ${(1 + worst).toFixed(3)} (goal < 1.15: ${worst < 0.15 ? 'met' : 'NOT met'})`);
}

void main();
