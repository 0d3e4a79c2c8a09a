// The explorer's sample list without VS Code: the filters, orders and follow updates that the Trace
// Explorer tree and `traces --samples` share (core SampleSet), on the example rollout logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS } from '../../src/core/rewards';
import { analyzeForExplorer, compareSamples, describeFilter, formatFailed, openTraceFile, parseRange, SampleSet, type SampleFilter, type SampleSort, type SampleSummary } from '../../src/core/traces';

const GAME24 = path.join(__dirname, '..', '..', 'examples', 'rollouts', 'game24-gpt4-cot.jsonl');
const R1 = path.join(__dirname, '..', '..', 'examples', 'rollouts', 'r1-misguided-attention.jsonl');
const spec = PRESETS.r1;
const quiet = () => ({ signal: new AbortController().signal, onProgress: () => undefined });

async function opened(file: string) {
  const tf = await openTraceFile(file);
  const samples = await SampleSet.analyze(tf, spec);
  assert.ok(samples);
  return { tf, samples };
}

async function shown(samples: SampleSet, tf: Awaited<ReturnType<typeof openTraceFile>>, filter: SampleFilter, sort: SampleSort = 'file') {
  assert.equal(await samples.prepare(tf, filter, quiet()), true);
  return samples.visibleGroups(filter, sort);
}

const count = (groups: Array<{ samples: SampleSummary[] }>) => groups.reduce((n, g) => n + g.samples.length, 0);

test('filters: reward range, text, and both together (the numbers the editor shows)', async () => {
  const { tf, samples } = await opened(GAME24);
  assert.equal(samples.sampleCount, 72);
  assert.equal(samples.groupCount, 10);
  assert.equal(count(await shown(samples, tf, {})), 72);
  const correct = await shown(samples, tf, { rewardMin: 1 });
  assert.equal(count(correct), 12);
  assert.equal(correct.length, 7, '7 of the 10 puzzles have a correct sample');
  assert.ok(correct.every((g) => g.samples.every((s) => s.reward === 1)));
  // text search reads the file: every shown sample mentions it, and no other sample does
  const text = '(10 - 4)';
  const withText = await shown(samples, tf, { text });
  const ids = new Set(withText.flatMap((g) => g.samples.map((s) => s.id)));
  const all = (await tf.readRange(0, tf.count)).flatMap((e) => e.samples);
  assert.deepEqual(ids, new Set(all.filter((s) => (s.prompt + s.completion).toLowerCase().includes(text)).map((s) => s.id)));
  const both = await shown(samples, tf, { rewardMin: 1, text });
  assert.ok(count(both) >= 1 && count(both) < 12);
  assert.equal(describeFilter({ rewardMin: 1, text }), 'reward 1…∞, text “(10 - 4)”');
  assert.equal(describeFilter({}), '');
  await tf.close();
});

test('sorting: samples within a group, and groups by their first sample; no reward goes last', async () => {
  const { tf, samples } = await opened(GAME24);
  const groups = await shown(samples, tf, {}, 'reward-desc');
  for (const g of groups) for (let i = 1; i < g.samples.length; i++) assert.ok(compareSamples('reward-desc', g.samples[i - 1], g.samples[i]) <= 0);
  for (let i = 1; i < groups.length; i++) assert.ok(compareSamples('reward-desc', groups[i - 1].samples[0], groups[i].samples[0]) <= 0);
  assert.equal(groups[0].samples[0].reward, 1);
  const byLength = await shown(samples, tf, {}, 'length-desc');
  assert.ok(byLength[0].samples.every((s, i, a) => i === 0 || a[i - 1].tokens >= s.tokens));
  // file order keeps the file's order
  const inFile = (await shown(samples, tf, {}, 'file')).flatMap((g) => g.samples.map((s) => s.entry));
  assert.deepEqual(inFile, [...inFile].sort((a, b) => a - b));
  const none = { reward: null, advantage: null, entry: 0, sub: 0 } as SampleSummary;
  const one = { reward: 0, advantage: -1, entry: 1, sub: 0 } as SampleSummary;
  assert.ok(compareSamples('reward-asc', none, one) > 0 && compareSamples('reward-desc', none, one) > 0, 'a sample without reward is last both ways');
  await tf.close();
});

test('reflection, format and language filters on R1 traces', async () => {
  const { tf, samples } = await opened(R1);
  assert.equal(samples.sampleCount, 39);
  const reflective = await shown(samples, tf, { hasReflection: true });
  assert.ok(count(reflective) > 0 && reflective.every((g) => g.samples.every((s) => s.reflections > 0)));
  // R1's outputs here all follow the template: nothing fails the format
  assert.equal(count(await shown(samples, tf, { hasReflection: true, formatFailed: true })), 0);
  // and none of them mixes languages
  assert.equal(count(await shown(samples, tf, { languageMixed: true })), 0);
  const measured = (await tf.readRange(0, tf.count)).flatMap((e) => e.samples).map((s) => samples.languageOf(samples.summary(s.entry, s.sub)!));
  assert.ok(measured.every((v) => typeof v === 'number' && v >= 0.9 && v <= 1), 'the language pass measured every sample');
  await tf.close();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-samples-'));
  try {
    const file = path.join(dir, 'mixed.jsonl');
    const rec = (id: string, completion: string) => JSON.stringify({ id, prompt_id: 'p', prompt: 'What is two plus two?', completion, answer: '4' });
    fs.writeFileSync(file, [
      rec('english', '<think>\nTwo plus two is four.\n</think>\n\nThe answer is \\boxed{4}.'),
      rec('mixed', '<think>\n我们先算二加二等于四。 So two plus two is four.\n</think>\n\nThe answer is \\boxed{4}.'),
      rec('cut', '<think>\nTwo plus two is'),
    ].join('\n') + '\n');
    const small = await opened(file);
    const ids = async (filter: SampleFilter) => (await shown(small.samples, small.tf, filter)).flatMap((g) => g.samples.map((s) => s.id));
    assert.deepEqual(await ids({ languageMixed: true }), ['mixed']);
    assert.deepEqual(await ids({ formatFailed: true }), ['cut']);
    assert.deepEqual(await ids({}), ['english', 'mixed', 'cut']);
    await small.tf.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(formatFailed({ format: 1, think: 'unclosed' } as SampleSummary), true);
  assert.equal(formatFailed({ format: null, think: 'tagged' } as SampleSummary), false);
});

test('a cancelled filter pass says so and leaves the set as it was', async () => {
  const { tf, samples } = await opened(GAME24);
  const controller = new AbortController();
  controller.abort();
  assert.equal(await samples.prepare(tf, { text: '(10 - 4)' }, { signal: controller.signal, onProgress: () => undefined }), false);
  assert.equal(samples.languageOf(samples.summary(0, 0)!), undefined);
  await tf.close();
});

test('following: records added batch by batch give the same groups, advantages and step curve as one analysis', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-samples-'));
  try {
    const lines = fs.readFileSync(GAME24, 'utf8').trim().split('\n').map((l, i) => JSON.stringify({ ...JSON.parse(l), step: Math.floor(i / 20) }));
    const file = path.join(dir, 'live.jsonl');
    fs.writeFileSync(file, lines.slice(0, 30).join('\n') + '\n');
    const tf = await openTraceFile(file, { follow: true });
    const live = await SampleSet.analyze(tf, spec);
    assert.ok(live);
    assert.equal(live.sampleCount, 30);
    for (const [from, to] of [[30, 31], [31, 55], [55, 72]]) {
      const before = tf.count;
      fs.appendFileSync(file, lines.slice(from, to).join('\n') + '\n');
      await tf.refresh({ follow: true });
      live.add(await tf.readRange(before, tf.count), spec);
    }
    assert.equal(live.sampleCount, 72);
    const whole = await opened(file);
    assert.equal(live.groupCount, whole.samples.groupCount);
    assert.deepEqual(live.trainingSteps, whole.samples.trainingSteps);
    assert.equal(live.trainingSteps.length, 4);
    const strip = (groups: ReturnType<SampleSet['visibleGroups']>) => groups.map((g) => ({ stats: g.stats, samples: g.samples }));
    assert.deepEqual(strip(live.visibleGroups({}, 'advantage-desc')), strip(whole.samples.visibleGroups({}, 'advantage-desc')));
    await whole.tf.close();
    await tf.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parseRange: min..max with either side optional; anything else is refused', () => {
  assert.deepEqual(parseRange('1..'), { min: 1, max: undefined });
  assert.deepEqual(parseRange(' 0 .. 0.5 '), { min: 0, max: 0.5 });
  assert.deepEqual(parseRange('..0'), { min: undefined, max: 0 });
  assert.deepEqual(parseRange('-1e-2 to 2'), { min: -0.01, max: 2 });
  for (const bad of ['', 'abc', '1', '1..2..3', '.. x', '1.2.3..4']) assert.equal(parseRange(bad), undefined, bad);
});

test('first page: the first records summarized as the full analysis summarizes them, then the analysis replaces them', async () => {
  const tf = await openTraceFile(R1);
  try {
    const first = await SampleSet.firstPage(tf, spec);
    const full = await analyzeForExplorer(tf, spec);
    assert.ok(first.sampleCount > 0 && first.sampleCount < full.samples, `${first.sampleCount} of ${full.samples}`);
    for (const s of full.sampleSummaries) {
      const f = first.summary(s.entry, s.sub);
      if (s.entry < 32) assert.deepEqual({ ...f, advantage: null }, { ...s, advantage: null }, `${s.id}`);
      else assert.equal(f, undefined);
    }
    first.load(full);
    assert.equal(first.sampleCount, 39);
    assert.equal(first.groupCount, 13);
  } finally {
    await tf.close();
  }
});
