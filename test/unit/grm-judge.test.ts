// The GRM judge (SPCT, k sampled judgements, voting, meta RM) against a real OpenAI-compatible server on
// 127.0.0.1 whose scripted judgements are picked by the seed each judgement is sampled with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAiServer, type Script, type ScriptReply } from '../fixtures/openaiServer.mjs';
import { OpenAiChatGenerator } from '../../src/core/models/generators/openai';
import { judgePointwise, judgeRecords, judgeResponses, metaSelect, toModelScore, vote, type Judgement } from '../../src/core/models/grm/judge';
import { llmMetaJudge, rewardModelMeta } from '../../src/core/models/grm/meta';
import { resolveRewardSpec, scoreRecord } from '../../src/core/rewards';
import type { RewardRecord } from '../../src/core/rewards/types';

const judgement = (tag: string, scores: number[]) =>
  `Principles:\n1. Correct final answer (weight: 70%)\n2. Clear steps (weight: 30%)\nCritique:\n${tag}: Response 1 is checked against the principles.\nScores: \\boxed{${scores.join(', ')}}`;
const bySeed = (seed: number, text: string, extra: Partial<ScriptReply> = {}): ScriptReply => ({ match: { seed }, text, ...extra });

// A=[8,4] B=[3,9] C=unparseable D=[7,5] E=[2,8]: plain voting picks response 2, the meta RM (A, D best) response 1.
const FIVE: ScriptReply[] = [
  bySeed(0, judgement('CRIT-A', [8, 4])),
  bySeed(1, judgement('CRIT-B', [3, 9])),
  bySeed(2, 'Both responses have merit and I would not want to pick.'),
  bySeed(3, judgement('CRIT-D', [7, 5])),
  bySeed(4, judgement('CRIT-E', [2, 8])),
];
const META: ScriptReply[] = [
  { match: { contains: 'CRIT-A' }, text: 'Sound and correct.\nMeta score: \\boxed{9}' },
  { match: { contains: 'CRIT-B' }, text: 'Misreads response 2.\nMeta score: \\boxed{2}' },
  { match: { contains: 'CRIT-D' }, text: 'Good.\nMeta score: \\boxed{8}' },
  { match: { contains: 'CRIT-E' }, text: 'Weak.\nMeta score: \\boxed{3}' },
];

async function withServer(script: Script, fn: (gen: OpenAiChatGenerator, server: Awaited<ReturnType<typeof startOpenAiServer>>) => Promise<void>) {
  const server = await startOpenAiServer({ script });
  try {
    await fn(new OpenAiChatGenerator({ baseUrl: server.url, model: 'judge', retryBaseMs: 5, maxRetries: 0 }), server);
  } finally {
    await server.close();
  }
}

test('k judgements sampled in parallel at temperature > 0, voted by summing; the unparseable one is reported and left out', async () => {
  await withServer({ replies: FIVE }, async (generator, server) => {
    const seen: number[] = [];
    const r = await judgeResponses('Which is right: 17 × 3?', ['51', '41'], { generator, k: 5, seed: 0, temperature: 0.9, onJudgement: (j) => seen.push(j.index) });
    assert.deepEqual(seen.sort(), [0, 1, 2, 3, 4]);
    const sent = server.completions().map((q) => q.body);
    assert.deepEqual(sent.map((b) => b.seed).sort(), [0, 1, 2, 3, 4]);
    assert.ok(sent.every((b) => b.temperature === 0.9));
    assert.match(sent[0].messages[1].content, /\[Response 2\]\n41\n\[End of Response 2\]/);

    assert.deepEqual(r.judgements.map((j) => j.status), ['ok', 'ok', 'unparseable', 'ok', 'ok']);
    assert.deepEqual(r.judgements[0].scores, [8, 4]);
    assert.deepEqual(r.judgements[0].principles, [
      { text: 'Correct final answer', weight: 0.7 },
      { text: 'Clear steps', weight: 0.3 },
    ]);
    assert.match(r.judgements[0].critique, /^CRIT-A/);
    assert.match(r.judgements[2].error!, /no scores found/);
    assert.equal(r.judgements[2].scores, null);
    assert.equal(r.judgements[2].text, 'Both responses have merit and I would not want to pick.');

    assert.deepEqual(r.voting.sums, [20, 26]);
    assert.deepEqual(r.voting.means, [5, 6.5]);
    assert.equal(r.voting.judgements, 4);
    assert.equal(r.voting.winner, 1);
    assert.deepEqual(r.voting.counted, [0, 1, 3, 4]);
    assert.deepEqual(r.voting.values, [4 / 9, 5.5 / 9]);
    assert.equal(r.final, r.voting);
    assert.equal(r.cancelled, false);
  });
});

test('the scaling curve: the vote over the first k judgements for k = 1..K, ties reported', async () => {
  await withServer({ replies: FIVE }, async (generator) => {
    const r = await judgeResponses('q', ['a', 'b'], { generator, k: 5, seed: 0, concurrency: 5 });
    const curve = r.curve.map((p) => ({ k: p.k, sums: p.voting.sums, n: p.voting.judgements, winner: p.voting.winner, tied: p.voting.tied }));
    assert.deepEqual(curve, [
      { k: 1, sums: [8, 4], n: 1, winner: 0, tied: [] },
      { k: 2, sums: [11, 13], n: 2, winner: 1, tied: [] },
      { k: 3, sums: [11, 13], n: 2, winner: 1, tied: [] },
      { k: 4, sums: [18, 18], n: 3, winner: null, tied: [0, 1] },
      { k: 5, sums: [20, 26], n: 4, winner: 1, tied: [] },
    ]);
    assert.equal(r.curve[4].metaVoting, undefined);
  });
});

test('meta-RM-guided voting (LLM meta-judge over the same server) keeps the top k_meta and can change the winner', async () => {
  await withServer({ replies: [...FIVE, ...META] }, async (generator, server) => {
    const prices = { inputPerMTok: 2, outputPerMTok: 10 };
    const r = await judgeResponses('q', ['a', 'b'], { generator, k: 5, seed: 0, prices, meta: { model: llmMetaJudge(generator, { prices }), keep: 2 } });
    assert.deepEqual(
      r.judgements.map((j) => j.meta && { score: j.meta.score, kept: j.meta.kept }),
      [{ score: 9, kept: true }, { score: 2, kept: false }, undefined, { score: 8, kept: true }, { score: 3, kept: false }],
    );
    assert.equal(r.voting.winner, 1);
    assert.deepEqual(r.metaVoting!.sums, [15, 9]);
    assert.equal(r.metaVoting!.winner, 0);
    assert.equal(r.final, r.metaVoting);
    assert.deepEqual(r.meta, { label: `LLM meta-judge (${generator.label})`, keep: 2 });
    // meta curve keeps max(1, round(k·2/5)) of the first k
    assert.deepEqual(r.curve.map((p) => p.metaVoting!.counted), [[0], [0], [0], [0, 3], [0, 3]]);
    const metaCalls = server.completions().filter((q) => q.body.messages[1].content.includes('[Judgement]'));
    assert.equal(metaCalls.length, 4);
    assert.ok(metaCalls.every((q) => q.body.temperature === 0));

    // cost: per judgement from its own usage, totals summed, meta-judge accounted apart
    for (const j of r.judgements) assert.equal(j.cost, (j.usage.promptTokens * 2 + j.usage.completionTokens * 10) / 1e6);
    assert.ok(r.judgements[0].usage.promptTokens > 50 && !r.judgements[0].usage.estimated);
    assert.equal(r.usage.promptTokens, r.judgements.reduce((s, j) => s + j.usage.promptTokens, 0));
    assert.equal(r.usage.completionTokens, r.judgements.reduce((s, j) => s + j.usage.completionTokens, 0));
    assert.ok(Math.abs(r.usage.cost - r.judgements.reduce((s, j) => s + j.cost, 0)) < 1e-12);
    assert.equal(r.usage.metaPromptTokens, r.judgements.reduce((s, j) => s + (j.meta?.usage?.promptTokens ?? 0), 0));
    assert.ok(r.usage.metaCost > 0 && r.usage.metaCompletionTokens > 0);
    assert.equal(r.usage.estimated, false);
  });
});

test('a meta RM backed by a reward model ranks by its logit; a failing meta score ranks last, reported', async () => {
  await withServer({ replies: FIVE }, async (generator) => {
    const seenInputs: { prompt?: string; completion: string }[] = [];
    // A reward-model scorer with the ONNX RewardScorer's shape: here it reads the critique's tag.
    const rm = {
      async score(inputs: { prompt?: string; completion: string }[]) {
        seenInputs.push(...inputs);
        return inputs.map((i) => {
          if (i.completion.includes('CRIT-E')) throw new Error('RM worker crashed');
          const logit = i.completion.includes('CRIT-B') ? 3 : i.completion.includes('CRIT-D') ? 2 : -1;
          return { logit, score: 1 / (1 + Math.exp(-logit)) };
        });
      },
    };
    const r = await judgeResponses('q?', ['a', 'b'], { generator, k: 5, seed: 0, meta: { model: rewardModelMeta(rm, 'tiny RM'), keep: 2 } });
    assert.deepEqual(r.metaVoting!.counted, [1, 3]);
    assert.equal(r.judgements[4].meta!.score, null);
    assert.match(r.judgements[4].meta!.error!, /RM worker crashed/);
    assert.match(seenInputs[0].prompt!, /^q\?\n\n\[Response 1\]\na\n/);
  });
  const j = (index: number, score: number | null): Judgement => ({
    index, status: 'ok', scores: [5], principles: [], principlesText: '', critique: '', text: '', usage: { promptTokens: 0, completionTokens: 0 }, cost: 0, latencyMs: 0, attempts: 1, model: 'm',
    meta: { score, cost: 0, kept: false },
  });
  assert.deepEqual(metaSelect([j(0, null), j(1, 1), j(2, 1), j(3, 5)], 3).map((x) => x.index), [3, 1, 2]);
  assert.deepEqual(vote([], 2), { judgements: 0, sums: [], means: [], winner: null, tied: [], values: [null, null], counted: [] });
});

test('a failed request is one failed judgement; the vote goes on with the rest', async () => {
  await withServer(
    { replies: [bySeed(7, judgement('X', [6])), bySeed(8, '', { status: 500, body: '{"error":{"message":"engine died"}}' }), bySeed(9, judgement('Y', [9]))] },
    async (generator) => {
      const r = await judgePointwise('q', 'a', { generator, k: 3, seed: 7 });
      assert.deepEqual(r.judgements.map((j) => j.status), ['ok', 'error', 'ok']);
      assert.match(r.judgements[1].error!, /500 .*engine died/);
      assert.deepEqual(r.voting.means, [7.5]);
      const ms = toModelScore(r);
      assert.equal(ms.value, 6.5 / 9);
      assert.match(ms.detail, /^vote 7\.50\/10 over 2 of 3 judgements; \d+ tokens$/);
      assert.match(ms.items![1], /^#2 error: POST .*500/);
      assert.match(ms.items![0], /^#1 6 — Correct final answer; Clear steps/);
    },
  );
});

test('judgeRecords fills record.modelScores.grm, which the reward engine sums with the rule rewards', async () => {
  await withServer({ default: { text: judgement('Z', [10]), repeat: true } }, async (generator) => {
    const record: RewardRecord = { id: 'r1', prompt: 'What is 2+2?', completion: '<think>2+2=4</think>\nThe answer is 4.', answer: '4' };
    const bare: RewardRecord = { id: 'r2', prompt: 'p', completion: 'c' };
    await judgeRecords([record], { generator, k: 2 });
    assert.equal(record.modelScores!.grm!.value, 1);
    const spec = resolveRewardSpec('r1', () => '').spec!;
    const withGrm = { ...spec, components: { ...spec.components, grm: { weight: 0.5 } } };
    const scored = scoreRecord(record, withGrm);
    assert.equal(scored.components.grm!.value, 1);
    assert.equal(scored.components.grm!.contribution, 0.5);
    assert.match(scored.components.grm!.detail, /vote 10\/10 over 2 of 2 judgements/);
    assert.equal(scoreRecord(bare, withGrm).components.grm!.value, null);
  });
});

test('an unusable judge gives a null grm with the reason, never a score', async () => {
  await withServer({ default: { text: 'lorem ipsum dolor', repeat: true } }, async (generator) => {
    const r = await judgePointwise('q', 'a', { generator, k: 2 });
    const ms = toModelScore(r);
    assert.equal(ms.value, null);
    assert.match(ms.detail, /no valid judgement of 2: no scores found/);
  });
});

test('cancellation stops outstanding requests; unstarted judgements are never sent (bounded concurrency)', async () => {
  await withServer({ default: { hang: true, repeat: true } }, async (generator, server) => {
    const controller = new AbortController();
    const pending = judgeResponses('q', ['a', 'b'], { generator, k: 6, concurrency: 2, signal: controller.signal });
    for (let i = 0; i < 400 && server.completions().length < 2; i++) await new Promise((res) => setTimeout(res, 5));
    controller.abort();
    const r = await pending;
    assert.equal(r.cancelled, true);
    assert.deepEqual(r.judgements.map((j) => j.status), Array(6).fill('cancelled'));
    assert.equal(server.completions().length, 2);
    for (let i = 0; i < 300 && !server.completions().every((q) => q.aborted); i++) await new Promise((res) => setTimeout(res, 10));
    assert.ok(server.completions().every((q) => q.aborted), 'the server saw both connections closed');
    assert.equal(toModelScore(r).value, null);
    assert.match(toModelScore(r).detail, /\(cancelled\)/);
  });
});

test('bad options are refused with the reason', async () => {
  const generator = new OpenAiChatGenerator({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm' });
  await assert.rejects(judgeResponses('q', [], { generator }), /no responses/);
  await assert.rejects(judgeResponses('q', ['a'], { generator, k: 0 }), /k must be an integer from 1 to 64/);
  await assert.rejects(judgeResponses('q', ['a'], { generator, k: 3, temperature: 0 }), /temperature must be > 0/);
  await assert.rejects(judgeResponses('q', ['a'], { generator, k: 2, meta: { model: rewardModelMeta({ score: async () => [] }, 'x'), keep: 3 } }), /k_meta.*1 to k = 2/);
});
