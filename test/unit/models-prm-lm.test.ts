// The process reward model, the local causal LM and the model worker, run for real on the tiny
// models in examples/models/ and checked against their PyTorch references.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalLm, plainPrompt } from '../../src/core/models/localLm';
import { ModelError } from '../../src/core/models/errors';
import { ModelHost } from '../../src/core/models/modelHost';
import { ProcessRewardModel } from '../../src/core/models/prm';
import { segmentSteps } from '../../src/core/rewards/reasoningSteps';
import { ROOT } from './helpers/runCli';

const MODELS = path.join(ROOT, 'examples', 'models');
const reference = (name: string) => JSON.parse(fs.readFileSync(path.join(MODELS, name, 'reference.json'), 'utf8'));

describe('process reward model (tiny-prm, trained on PRM800K step labels)', () => {
  const ref = reference('tiny-prm') as {
    traces: Array<{ prompt: string; completion: string; steps: string[]; input_ids: number[]; step_probabilities: number[] }>;
  };
  let prm: ProcessRewardModel;
  before(async () => {
    prm = await ProcessRewardModel.load(path.join(MODELS, 'tiny-prm'));
  });
  after(() => prm.dispose());

  test('steps are the trace explorer\'s steps; token ids identical and P(good) within 1e-4 of PyTorch', async () => {
    for (const t of ref.traces) {
      const steps = segmentSteps(t.completion);
      assert.deepEqual(steps.map((s) => s.text), t.steps, 'segmentSteps finds the reference steps');
      assert.deepEqual(prm.encode({ prompt: t.prompt, completion: t.completion }).ids, t.input_ids);
      const r = await prm.scoreSteps({ prompt: t.prompt, completion: t.completion });
      assert.equal(r.steps.length, t.steps.length);
      r.steps.forEach((s, i) => {
        assert.equal(s.stepIndex, steps[i].index);
        assert.equal(s.start, steps[i].start);
        assert.equal(s.end, steps[i].end);
        assert.ok(s.score !== null && Math.abs(s.score - t.step_probabilities[i]) < 1e-4, `step ${i}: ${s.score} vs ${t.step_probabilities[i]}`);
      });
      assert.equal(r.truncated, undefined);
    }
  });

  test('concurrent traces are batched with padding and score the same; too long: the prompt is cut first, then steps get null', async () => {
    const all = await Promise.all(ref.traces.map((t) => prm.scoreSteps({ prompt: t.prompt, completion: t.completion })));
    all.forEach((r, k) => r.steps.forEach((s, i) => assert.ok(Math.abs(s.score! - ref.traces[k].step_probabilities[i]) < 1e-4)));
    const t = ref.traces[0];
    const short = await ProcessRewardModel.load(path.join(MODELS, 'tiny-prm'), { maxLength: t.input_ids.length - 2 });
    try {
      const r = await short.scoreSteps({ prompt: t.prompt, completion: t.completion });
      assert.ok(r.steps.every((s) => s.score !== null), 'the prompt lost its beginning, every step is scored');
      assert.equal(r.truncated?.part, 'prompt');
      assert.equal(r.truncated?.from, t.input_ids.length);
      assert.ok(r.tokens <= t.input_ids.length - 2);
      // no prompt to cut: the last step's separator falls off the end
      const noPrompt = prm.encode({ prompt: '', completion: t.completion }).ids.length;
      const tiny = await ProcessRewardModel.load(path.join(MODELS, 'tiny-prm'), { maxLength: noPrompt - 1 });
      try {
        const q = await tiny.scoreSteps({ prompt: '', completion: t.completion });
        assert.equal(q.steps[q.steps.length - 1].score, null, 'the last separator was cut off');
        assert.ok(q.steps[0].score !== null, 'earlier steps keep a score');
        assert.deepEqual(q.truncated, { from: noPrompt, to: noPrompt - 1, part: 'text' });
      } finally {
        await tiny.dispose();
      }
    } finally {
      await short.dispose();
    }
  });
});

describe('local causal LM (tiny-gpt2-lm, KV cache)', () => {
  const ref = reference('tiny-gpt2-lm') as { prompt: string; prompt_ids: number[]; greedy_ids: number[] };
  let lm: LocalLm;
  before(async () => {
    lm = await LocalLm.load(path.join(MODELS, 'tiny-gpt2-lm'));
  });
  after(() => lm.dispose());

  test('greedy generation with the KV cache reproduces the PyTorch reference (no cache) exactly', async () => {
    assert.deepEqual(lm.promptIds([{ role: 'user', content: ref.prompt }]), ref.prompt_ids);
    const r = await lm.generateFromIds(ref.prompt_ids, { maxTokens: ref.greedy_ids.length, temperature: 0 });
    assert.deepEqual(r.ids, ref.greedy_ids);
    assert.equal(r.finishReason, 'length');
    assert.deepEqual(r.usage, { promptTokens: ref.prompt_ids.length, completionTokens: ref.greedy_ids.length });
    const viaMessages = await lm.generate({ messages: [{ role: 'user', content: ref.prompt }], maxTokens: ref.greedy_ids.length, temperature: 0 });
    assert.equal(viaMessages.text, lm.tokenizer.decode(ref.greedy_ids));
  });

  test('sampling: the same seed gives the same text, streamed deltas add up to it; EOS stops; abort cancels', async () => {
    const req = { messages: [{ role: 'user', content: 'Explain recursion.' }], maxTokens: 40, temperature: 0.9, topP: 0.9, seed: 11 };
    let streamed = '';
    const a = await lm.generate({ ...req, onText: (d) => (streamed += d) });
    const b = await lm.generate(req);
    assert.equal(a.text, b.text);
    assert.equal(streamed, a.text);
    assert.ok(['stop', 'length'].includes(a.finishReason));
    const differentSeeds = new Set<string>();
    for (const seed of [1, 2, 3, 4]) differentSeeds.add((await lm.generate({ ...req, seed })).text);
    assert.ok(differentSeeds.size > 1, 'different seeds sample different texts');
    // the tiny LM was trained on answers that end with EOS: greedy stops by itself
    const stop = await lm.generate({ messages: [{ role: 'user', content: 'Let me explain caching step by step' }], maxTokens: 200, temperature: 0 });
    assert.equal(stop.finishReason, 'stop');
    assert.ok(stop.usage.completionTokens < 200);
    // the greedy reference continuation has no EOS in its first 12 tokens: aborting after 3 stops it there
    const controller = new AbortController();
    let deltas = 0;
    const cancelled = await lm.generate({
      messages: [{ role: 'user', content: ref.prompt }],
      maxTokens: 200,
      temperature: 0,
      signal: controller.signal,
      onText: () => ++deltas === 3 && controller.abort(),
    });
    assert.equal(cancelled.finishReason, 'cancelled');
    assert.equal(cancelled.usage.completionTokens, 3);
    assert.equal(cancelled.text, lm.tokenizer.decode(ref.greedy_ids.slice(0, 3)));
  });

  test('without a chat template: one user message is its content; a conversation gets role prefixes', () => {
    assert.equal(plainPrompt([{ role: 'user', content: 'Hi' }]), 'Hi');
    assert.equal(plainPrompt([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]), 'System: Be brief.\n\nUser: Hi\n\nAssistant:');
  });
});

test('the model worker: same scores and generation as in-process, progress, cancellation, errors keep their code', async () => {
  const host = new ModelHost(path.join(ROOT, 'src', 'workers', 'modelWorker.ts'));
  try {
    const rmRef = reference('tiny-bert-rm') as { samples: string[]; logits: number[] };
    const rm = await host.openRewardModel(path.join(MODELS, 'tiny-bert-rm'));
    assert.equal(rm.info.provider.provider, 'cpu');
    const progress: number[] = [];
    const scores = await rm.score(rmRef.samples.map((text) => ({ text })), { onProgress: (done) => progress.push(done) });
    scores.forEach((s, i) => assert.ok(Math.abs(s.logit - rmRef.logits[i]) < 1e-4));
    assert.deepEqual(progress, [1, 2, 3]);
    // two callers at once: the worker's batcher serves both
    const [x, y] = await Promise.all([rm.score([{ text: rmRef.samples[0] }]), rm.score([{ text: rmRef.samples[1] }])]);
    assert.ok(Math.abs(x[0].logit - rmRef.logits[0]) < 1e-4 && Math.abs(y[0].logit - rmRef.logits[1]) < 1e-4);

    const controller = new AbortController();
    const many = rm.score(Array.from({ length: 400 }, (_, i) => ({ text: `answer number ${i} `.repeat(1 + (i % 40)) })), { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(many, (err: unknown) => err instanceof ModelError && err.code === 'cancelled');

    const lmRef = reference('tiny-gpt2-lm') as { prompt: string; greedy_ids: number[] };
    const lm = await host.openLocalLm(path.join(MODELS, 'tiny-gpt2-lm'));
    let streamed = '';
    const g = await lm.generate({ messages: [{ role: 'user', content: lmRef.prompt }], maxTokens: lmRef.greedy_ids.length, temperature: 0, onText: (d) => (streamed += d) });
    assert.equal(g.usage.completionTokens, lmRef.greedy_ids.length);
    assert.equal(streamed, g.text);
    assert.ok(g.text.length > 10);
    assert.equal(lm.id, `onnx:${path.join(MODELS, 'tiny-gpt2-lm')}`);

    const prmRef = reference('tiny-prm') as { traces: Array<{ prompt: string; completion: string; step_probabilities: number[] }> };
    const prm = await host.openPrm(path.join(MODELS, 'tiny-prm'));
    const steps = await prm.scoreSteps({ prompt: prmRef.traces[0].prompt, completion: prmRef.traces[0].completion });
    steps.steps.forEach((st, i) => assert.ok(Math.abs(st.score! - prmRef.traces[0].step_probabilities[i]) < 1e-4));
    await prm.dispose();

    await assert.rejects(host.openRewardModel(path.join(MODELS, 'tiny-gpt2-lm')), (err: unknown) => err instanceof ModelError && err.code === 'not-a-classifier');
    await rm.dispose();
    await assert.rejects(rm.score([{ text: 'x' }]), /no open model/);
  } finally {
    await host.dispose();
  }
});
