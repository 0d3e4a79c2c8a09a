// The traces worker reached as the Trace Explorer reaches it (src/vscode/traces/tracesWorkerClient.ts
// over the one WorkerClient), running the real src/workers/tracesWorker.ts: the analysis, the filter
// passes, best-of-n export and the word diff give what the same core functions give in-process; a
// cancelled analysis says so; and the editor's trace adapters leave every whole-file pass and every
// diff to the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS } from '../../src/core/rewards';
import { analyzeForExplorer, exportBestOfNToFile, filePasses, openTraceFile, SampleSet, watchTraceFile, type TraceAnalysis } from '../../src/core/traces';
import { wordDiff } from '../../src/core/traces/wordDiff';
import { TracesWorker } from '../../src/vscode/traces/tracesWorkerClient';
// @ts-expect-error a plain .mjs script without types
import { writeLargeTraceFile } from '../../scripts/make-large-traces.mjs';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'src', 'workers', 'tracesWorker.ts');
const DISTILL = path.join(ROOT, 'test', 'fixtures', 'traces', 'r1_distill_llama70b_outputs.json');
const GAME24 = path.join(ROOT, 'examples', 'rollouts', 'game24-gpt4-cot.jsonl');
const quiet = () => ({ signal: new AbortController().signal, onProgress: () => undefined });
const withoutTiming = (a: TraceAnalysis) => ({ ...a, timing: undefined });

test('the worker analyzes, filters and exports as the same core functions do in-process', { timeout: 120_000 }, async () => {
  const worker = new TracesWorker(SCRIPT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-worker-'));
  try {
    for (const file of [DISTILL, GAME24]) {
      const tf = await openTraceFile(file);
      try {
        const here = await analyzeForExplorer(tf, PRESETS.r1);
        const there = await worker.analyze({ file }, PRESETS.r1);
        assert.ok(here.samples > 0);
        assert.deepEqual(withoutTiming(there), withoutTiming(here), path.basename(file));

        const passes = worker.filterPasses({ file });
        assert.deepEqual(await passes.languageShares(quiet()), await filePasses(tf).languageShares(quiet()));
        assert.deepEqual(await passes.textMatches('JUG', quiet()), await filePasses(tf).textMatches('JUG', quiet()));

        const a = path.join(dir, `${path.basename(file)}.here.jsonl`);
        const b = path.join(dir, `${path.basename(file)}.there.jsonl`);
        const options = { k: 1, rewards: PRESETS.r1 };
        assert.deepEqual(await worker.exportBest({ file }, b, options), await exportBestOfNToFile(tf, a, options));
        assert.equal(fs.readFileSync(b, 'utf8'), fs.readFileSync(a, 'utf8'));
        // never over an existing file, in the worker too
        await assert.rejects(worker.exportBest({ file }, b, options), /exists/);
      } finally {
        await tf.close();
      }
    }
  } finally {
    worker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the word diff of two long R1-Distill traces, in the worker, while an analysis runs there', { timeout: 120_000 }, async () => {
  const worker = new TracesWorker(SCRIPT);
  try {
    const { results } = JSON.parse(fs.readFileSync(DISTILL, 'utf8'));
    const [a, b] = results.find((r: { prompt_id: string }) => r.prompt_id === 'jugs_3_liters').output as string[];
    const analysis = worker.analyze({ file: DISTILL }, PRESETS.r1);
    const diff = await worker.wordDiff(a.repeat(3), b.repeat(3), 30_000);
    assert.deepEqual(diff, wordDiff(a.repeat(3), b.repeat(3), 30_000));
    assert.ok(diff.parts.some((p) => p.kind === 'same') && diff.parts.some((p) => p.kind !== 'same'));
    assert.equal((await analysis).samples, 156);
  } finally {
    worker.dispose();
  }
});

test('a cancelled analysis stops and says so; a missing file is a clear error; the worker keeps serving', { timeout: 120_000 }, async () => {
  const worker = new TracesWorker(SCRIPT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-worker-'));
  try {
    const file = path.join(dir, 'large.jsonl');
    writeLargeTraceFile(file, 3);
    const total = (await openTraceFile(file)).count;
    // cancelled as soon as it is asked for: the worker stops at its first await (opening or reading the file)
    const controller = new AbortController();
    const analysis = worker.analyze({ file }, PRESETS.r1, { signal: controller.signal });
    controller.abort();
    const outcome = await analysis.then((a) => a, (e: Error) => e);
    if (outcome instanceof Error) assert.match(outcome.message, /abort|cancel/i);
    else {
      assert.equal(outcome.cancelled, true);
      assert.ok(outcome.records < total, `stopped early: ${outcome.records} of ${total} records`);
    }

    await assert.rejects(worker.analyze({ file: path.join(dir, 'missing.jsonl') }, PRESETS.r1), /missing\.jsonl/);
    assert.equal((await worker.analyze({ file: GAME24 }, PRESETS.r1)).samples, 72);
  } finally {
    worker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('following: the records a file gains are read and summarized in the worker; added, they give what one analysis gives; a cancel says so', { timeout: 120_000 }, async () => {
  const worker = new TracesWorker(SCRIPT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-worker-'));
  try {
    const lines = fs.readFileSync(GAME24, 'utf8').trim().split('\n').map((l, i) => JSON.stringify({ ...JSON.parse(l), step: Math.floor(i / 20) }));
    const file = path.join(dir, 'live.jsonl');
    fs.writeFileSync(file, lines.slice(0, 30).join('\n') + '\n');
    const tf = await openTraceFile(file, { follow: true });
    const live = new SampleSet(await worker.analyze({ file }, PRESETS.r1));
    const control = new AbortController();
    const growths = watchTraceFile(tf, { signal: control.signal, fromStart: false, pollMs: 20 });
    for (const [from, to] of [[30, 31], [31, 55], [55, 72]]) {
      fs.appendFileSync(file, lines.slice(from, to).join('\n') + '\n');
      // the host only indexes: the worker reads and summarizes what the index says is new
      const g = (await growths.next()).value!;
      assert.deepEqual([g.from, g.to, g.reset], [from, to, false]);
      live.addSummaries((await worker.summarizeNew({ file }, PRESETS.r1, g.from, g.to))!.samples);
    }
    control.abort();
    await growths.return(undefined);
    const whole = new SampleSet(await worker.analyze({ file }, PRESETS.r1));
    assert.equal(live.sampleCount, 72);
    assert.deepEqual(live.trainingSteps, whole.trainingSteps);
    const strip = (groups: ReturnType<SampleSet['visibleGroups']>) => groups.map((g) => ({ stats: g.stats, samples: g.samples }));
    assert.deepEqual(strip(live.visibleGroups({}, 'advantage-desc')), strip(whole.visibleGroups({}, 'advantage-desc')));

    const cancelled = new AbortController();
    const pending = worker.summarizeNew({ file }, PRESETS.r1, 0, 72, { signal: cancelled.signal });
    cancelled.abort();
    assert.equal(await pending, undefined);
    assert.equal((await worker.summarizeNew({ file }, PRESETS.r1, 70, 72))!.samples.length, 2, 'the worker keeps serving');
    await tf.close();
  } finally {
    worker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the editor's trace adapters run no whole-file pass, no diff and no summary of followed records on the extension host", () => {
  const dir = path.join(ROOT, 'src', 'vscode', 'traces');
  const heavy = [/\bfollowTraceFile\(/, /\bsummarize(TraceSample|NewSamples)\(/, /\.add\(\s*(batch\.)?entries\b/, /(?<!\.)\bwordDiff\(/, /(?<!this\.worker|this)\.analyze\(/, /\banalyzeForExplorer\b/, /\bexportBestOfN(ToFile)?\(/, /\bfilePasses\(/, /\.reanalyze\(/, /\.prepare\(\s*this\.file\b/, /\bSampleSet\.analyze\b/];
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'tracesWorkerClient.ts')) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    for (const re of heavy) assert.doesNotMatch(text, re, `${name} runs ${re} on the extension host`);
  }
});
