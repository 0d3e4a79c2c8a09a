// The GRM on the real local models: the tiny ONNX causal LM as the judge (its text is gibberish: it must be
// reported as unparseable, never turned into a score), and the tiny ONNX reward model as the meta RM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { LocalLm } from '../../src/core/models/localLm';
import { RewardModel } from '../../src/core/models/rewardModel';
import { judgePointwise, judgeResponses, toModelScore } from '../../src/core/models/grm/judge';
import { rewardModelMeta } from '../../src/core/models/grm/meta';
import { OpenAiChatGenerator } from '../../src/core/models/generators/openai';
import { startOpenAiServer } from '../fixtures/openaiServer.mjs';
import { ROOT } from './helpers/runCli';

const MODELS = path.join(ROOT, 'examples', 'models');

test('the tiny local causal LM as judge: real tokens counted, gibberish reported as unparseable, grm null', async () => {
  const lm = await LocalLm.load(path.join(MODELS, 'tiny-gpt2-lm'));
  try {
    const r = await judgePointwise('What is 2+2?', 'It is 4.', { generator: lm, k: 3, seed: 1, maxTokens: 24, concurrency: 1 });
    assert.equal(r.generator, lm.id);
    for (const j of r.judgements) {
      assert.equal(j.status, 'unparseable', `judgement ${j.index}: ${j.text}`);
      assert.match(j.error!, /no scores found|cut off at maxTokens/);
      assert.ok(j.text.length > 0);
      assert.ok(j.usage.promptTokens > 100 && !j.usage.estimated, 'the SPCT prompt, counted by the real tokenizer');
      assert.equal(j.cost, 0);
    }
    assert.equal(r.voting.judgements, 0);
    const ms = toModelScore(r);
    assert.equal(ms.value, null);
    assert.match(ms.detail, /^no valid judgement of 3/);
  } finally {
    await lm.dispose?.();
  }
});

test('the tiny ONNX reward model as the meta RM ranks judgements by its logit', async () => {
  const rm = await RewardModel.load(path.join(MODELS, 'tiny-bert-rm'));
  const texts = [
    'Principles:\n1. Correct arithmetic\nCritique:\nThe response computes 2+2 = 4 and states it clearly.\nScores: \\boxed{9}',
    'Principles:\n1. Style\nCritique:\nbanana banana banana.\nScores: \\boxed{3}',
    'Critique:\nIt is a unit test; the key point is easier once you can verify.\nScores: \\boxed{6}',
  ];
  const server = await startOpenAiServer({ script: { replies: texts.map((text, seed) => ({ match: { seed }, text })) } });
  try {
    const generator = new OpenAiChatGenerator({ baseUrl: server.url, model: 'judge' });
    const r = await judgeResponses('What is 2+2?', ['It is 4.'], { generator, k: 3, seed: 0, meta: { model: rewardModelMeta(rm, 'tiny-bert-rm'), keep: 2 } });
    const metas = r.judgements.map((j) => j.meta!.score!);
    assert.ok(metas.every((m) => Number.isFinite(m)));
    // the same logits as scoring the (query + responses, judgement) pairs directly
    const direct = await rm.score(texts.map((completion) => ({ prompt: 'What is 2+2?\n\n[Response 1]\nIt is 4.\n[End of Response 1]', completion })));
    direct.forEach((d, i) => assert.ok(Math.abs(d.logit - metas[i]) < 1e-5, `judgement ${i}: ${d.logit} vs ${metas[i]}`));
    const order = [0, 1, 2].sort((a, b) => metas[b] - metas[a] || a - b);
    assert.deepEqual(r.metaVoting!.counted, order.slice(0, 2).sort());
    assert.deepEqual(r.judgements.map((j) => j.meta!.kept), [0, 1, 2].map((i) => order.slice(0, 2).includes(i)));
  } finally {
    await server.close();
    await rm.dispose();
  }
});
