// The editor side of the model features that runs without VS Code: model results as webview views (a real judge
// run against the scripted OpenAI server, real PRM step offsets), the margin histogram, and the
// vscode.lm adapter's stream / cancellation / max-tokens / error logic with a stand-in chat model
// (no chat model exists in the test VS Code, so that is the only way to run it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgePointwise } from '../../src/core/models/grm/judge';
import { OpenAiChatGenerator } from '../../src/core/models/generators/openai';
import { segmentSteps } from '../../src/core/rewards/reasoningSteps';
import { reasoningSteps } from '../../src/core/rewards/reasoningSteps';
import { alignStepScores, grmView, marginHistogram } from '../../src/vscode/models/modelViews';
import { digitsToTell, fixedNonZero } from '../../media/rmEval/digits';
import { VscodeLmGenerator, openVscodeLm } from '../../src/vscode/models/vscodeLmGenerator';
import { GRM_TEXT_MAX } from '../../src/contracts/breakdown';
import { startOpenAiServer } from '../fixtures/openaiServer.mjs';

const judgement = (score: number, extra = '') => `Principles:\n1. Correct answer (weight: 70%)\n2. Clear steps (weight: 30%)\nCritique:\nFine.${extra}\nScores: \\boxed{${score}}`;

test('grmView keeps every judgement, the vote on the first response and the k curve', async () => {
  const server = await startOpenAiServer({ script: { replies: [{ text: judgement(9) }, { text: 'no score here' }, { text: judgement(5, 'x'.repeat(GRM_TEXT_MAX + 10)) }] } });
  try {
    const generator = new OpenAiChatGenerator({ baseUrl: server.url, model: 'judge' });
    const r = await judgePointwise('What is 2+2?', '<think>2+2=4</think> 4', { generator, k: 3, concurrency: 1, prices: { inputPerMTok: 1, outputPerMTok: 1 } });
    const v = grmView(r);
    assert.equal(v.k, 3);
    assert.deepEqual(v.judgements.map((j) => j.status), ['ok', 'unparseable', 'ok']);
    assert.equal(v.voting.judgements, 2);
    assert.equal(v.voting.mean, 7);
    assert.ok(Math.abs((v.voting.value ?? -1) - 6 / 9) < 1e-9);
    assert.deepEqual(v.curve.map((p) => p.mean), [9, 9, 7], 'k = 1, 2 (the unparseable one adds nothing), 3');
    assert.deepEqual(v.judgements[0].principles, [{ text: 'Correct answer', weight: 0.7 }, { text: 'Clear steps', weight: 0.3 }]);
    const long = v.judgements[2];
    assert.ok(long.text.length <= GRM_TEXT_MAX + 1 && long.textLength > GRM_TEXT_MAX, 'long judge text is cut and its length kept');
    assert.ok(v.usage.cost > 0);
    assert.match(v.judgements[1].error ?? '', /./);
  } finally {
    await server.close();
  }
});

test('alignStepScores maps PRM steps (whole completion) onto the stepper steps (inside <think>)', () => {
  const completion = '<think>First I add 2 and 2.\n\nThen I check: 4.\n\nSo the answer is 4.</think>\nThe answer is 4.';
  const prmSteps = segmentSteps(completion).map((s, i) => ({ stepIndex: s.index, start: s.start, end: s.end, score: i / 10 }));
  const stepper = reasoningSteps(completion);
  const scores = alignStepScores({ starts: stepper.map((s) => s.start), ends: stepper.map((s) => s.end) }, prmSteps);
  assert.equal(scores.length, stepper.length);
  assert.ok(scores.every((s) => s !== null), `every stepper step gets a score: ${JSON.stringify(scores)}`);
  // a step the PRM never saw (truncation) stays null
  assert.deepEqual(alignStepScores({ starts: [0, 500], ends: [10, 600] }, [{ stepIndex: 0, start: 0, end: 10, score: 0.3 }]), [0.3, null]);
});

test('marginHistogram: equal-width bins over [min, max], every margin counted once', () => {
  const h = marginHistogram([-1, -0.5, 0, 0.5, 1, 1], 4)!;
  assert.deepEqual([h.lo, h.hi], [-1, 1]);
  assert.deepEqual(h.counts, [1, 1, 1, 3]);
  assert.equal(marginHistogram([]), undefined);
  const same = marginHistogram([2, 2], 3)!;
  assert.equal(same.counts.reduce((a, b) => a + b, 0), 2);
});

test('marginHistogram: one far outlier does not squeeze the others into one bin; it is counted in the end bin', () => {
  // 200 margins spread over about −2 … 2, and one pair the model gets wrong by 250
  const margins = [...Array.from({ length: 200 }, (_, i) => -2 + (4 * i) / 199), -250];
  const h = marginHistogram(margins, 20)!;
  assert.ok(h.lo > -10 && h.hi === 2, JSON.stringify([h.lo, h.hi]));
  assert.equal(h.below, 1);
  assert.equal(h.above, undefined);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 201, 'every margin counted once');
  assert.ok(h.counts.filter((c) => c > 0).length >= 10, `the spread stays visible: ${h.counts}`);
  // without outliers nothing is clipped
  assert.deepEqual([marginHistogram(margins.slice(0, 200), 20)!.below, marginHistogram(margins.slice(0, 200), 20)!.above], [undefined, undefined]);
});

test('logits and margins shown with the digits that tell them apart', () => {
  assert.equal(digitsToTell([0.42131, 0.42134]), 5);
  assert.equal(digitsToTell([1.5, 1.5]), 3);
  assert.equal(digitsToTell([2.123456, 2.123457, 0.1]), 6);
  assert.equal(digitsToTell([1, 2, 3]), 3);
  assert.equal(fixedNonZero(-0.00004), '-0.00004');
  assert.equal(fixedNonZero(-0.0004, 4), '-0.0004');
  assert.equal(fixedNonZero(0), '0.000');
  assert.equal(fixedNonZero(-1.23456), '-1.235');
});

// --- vscode.lm: a stand-in for the parts of the `vscode` namespace the adapter uses ---------------
class Cts {
  token = { isCancellationRequested: false, listeners: [] as Array<() => void>, onCancellationRequested(f: () => void) { this.listeners.push(f); } };
  cancel() {
    this.token.isCancellationRequested = true;
    for (const f of this.token.listeners) f();
  }
  dispose() {}
}
class LanguageModelError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
  static NoPermissions = { name: 'NoPermissions' };
  static Blocked = { name: 'Blocked' };
  static NotFound = { name: 'NotFound' };
}
function fakeVscode(models: unknown[]) {
  return {
    lm: { selectChatModels: async () => models },
    LanguageModelChatMessage: { User: (c: string) => ({ role: 'user', c }), Assistant: (c: string) => ({ role: 'assistant', c }) },
    CancellationTokenSource: Cts,
    LanguageModelError,
  } as never;
}
function chatModel(chunks: string[], opts: { failWith?: Error; delayMs?: number; countFails?: boolean } = {}) {
  const seen: { messages?: unknown[]; cancelled?: boolean } = {};
  return {
    seen,
    id: 'gpt-test',
    family: 'gpt-test-family',
    name: 'GPT Test',
    vendor: 'test',
    countTokens: async (t: string) => {
      if (opts.countFails) throw new Error('cannot count');
      return t.split(/\s+/).filter(Boolean).length;
    },
    sendRequest: async (messages: unknown[], _o: unknown, token: Cts['token']) => {
      seen.messages = messages;
      if (opts.failWith) throw opts.failWith;
      return {
        text: (async function* () {
          for (const c of chunks) {
            if (token.isCancellationRequested) {
              seen.cancelled = true;
              throw new Error('Canceled');
            }
            if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
            yield c;
          }
        })(),
      };
    },
  };
}

test('vscode.lm adapter: streams, counts tokens with the model, system message as a user turn', async () => {
  const m = chatModel(['Scores: ', '\\boxed{7}']);
  const gen = await openVscodeLm(fakeVscode([m]), { model: 'gpt-test-family' });
  assert.equal(gen.id, 'vscode-lm:test/gpt-test');
  const deltas: string[] = [];
  const r = await gen.generate({ messages: [{ role: 'system', content: 'judge' }, { role: 'user', content: 'score this answer' }], maxTokens: 100, temperature: 0.7, onText: (d) => deltas.push(d) });
  assert.equal(r.text, 'Scores: \\boxed{7}');
  assert.deepEqual(deltas, ['Scores: ', '\\boxed{7}']);
  assert.equal(r.finishReason, 'stop');
  assert.deepEqual(r.usage, { promptTokens: 4, completionTokens: 2, estimated: false });
  assert.deepEqual((m.seen.messages as Array<{ role: string }>).map((x) => x.role), ['user', 'user']);
});

test('vscode.lm adapter: maxTokens stops the stream, cancellation returns what came, estimates when counting fails', async () => {
  const long = await new VscodeLmGenerator(fakeVscode([]), chatModel(['abcd'.repeat(10), 'efgh'.repeat(10), 'never'], { countFails: true }) as never).generate({ messages: [{ role: 'user', content: 'x' }], maxTokens: 12, temperature: 0 });
  assert.equal(long.finishReason, 'length');
  assert.ok(long.text.length >= 48 && !long.text.includes('never'));
  assert.equal(long.usage.estimated, true);
  const controller = new AbortController();
  const slow = chatModel(['a ', 'b ', 'c ', 'd '], { delayMs: 30 });
  const p = new VscodeLmGenerator(fakeVscode([]), slow as never).generate({ messages: [{ role: 'user', content: 'x' }], maxTokens: 100, temperature: 0, signal: controller.signal, onText: () => controller.abort() });
  const r = await p;
  assert.equal(r.finishReason, 'cancelled');
  assert.equal(r.text, 'a ');
});

test('vscode.lm adapter: no model, no match and no consent are clear errors', async () => {
  await assert.rejects(openVscodeLm(fakeVscode([])), /VS Code offers no language model.*Copilot.*reasoningLab\.grm\.provider/);
  await assert.rejects(openVscodeLm(fakeVscode([chatModel([])]), { model: 'claude' }), /no VS Code language model matches reasoningLab\.grm\.model "claude"; available: gpt-test-family \(test, id gpt-test\)/);
  const denied = new VscodeLmGenerator(fakeVscode([]), chatModel([], { failWith: new LanguageModelError('user said no', 'NoPermissions') }) as never);
  await assert.rejects(denied.generate({ messages: [{ role: 'user', content: 'x' }], maxTokens: 10, temperature: 0 }), /may not use this language model.*allow it/);
});
