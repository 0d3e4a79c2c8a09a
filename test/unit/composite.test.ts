import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESETS, REWARD_FUNCTIONS, scoreRecord, COMPONENT_NAMES, type RewardSpec } from '../../src/core/rewards';
import { hermes, r1Records, rec } from './helpers/rewardData';

test('presets: r1 = accuracy 1, strict format 1, language 1; accuracy-efficiency-novelty = 0.6 / 0.3 / 0.1', () => {
  assert.deepEqual(Object.keys(PRESETS.r1.components), ['accuracy', 'format', 'language']);
  assert.equal(PRESETS.r1.components.format?.options?.mode, 'strict');
  const aen = PRESETS['accuracy-efficiency-novelty'].components;
  assert.deepEqual([aen.accuracy?.weight, aen.steps?.weight, aen.novelty?.weight], [0.6, 0.3, 0.1]);
});

test('r1 on a correct, well-formed English completion: 3 of 3', () => {
  const s = scoreRecord(rec('<think>2 and 2 make 4.</think>\\boxed{4}', { prompt: 'What is 2+2?', answer: '4' }), PRESETS.r1);
  assert.equal(s.total, 3);
  assert.deepEqual([s.min, s.max], [0, 3]);
  assert.equal(s.spec, 'r1');
  assert.deepEqual(Object.keys(s.components), ['accuracy', 'format', 'language']);
  assert.equal(s.components.format?.contribution, 1);
});

test('r1: null accuracy contributes 0 and stays null', () => {
  const s = scoreRecord(rec('<think>reasoning</think>answer', { prompt: 'Q?' }), PRESETS.r1);
  assert.equal(s.components.accuracy?.value, null);
  assert.equal(s.components.accuracy?.contribution, 0);
  assert.equal(s.total, 2);
});

test('r1 on real DeepHermes outputs: unclosed think fails format; stray close fails strict', () => {
  const unclosed = hermes('bridge_torch_easy#2');
  const s = scoreRecord({ id: unclosed.id, prompt: unclosed.prompt, completion: unclosed.completion, answer: '17' }, PRESETS.r1);
  assert.equal(s.components.format?.value, 0);
  assert.match(s.components.format!.detail, /no closing <\/think>/);
  const ice = hermes('Ice cream parlor#1');
  const t = scoreRecord({ id: ice.id, prompt: ice.prompt, completion: ice.completion, answer: '16' }, PRESETS.r1);
  assert.equal(t.components.accuracy?.value, 1);
  assert.equal(t.components.format?.value, 0, 'no think tags at all');
  assert.equal(t.components.language?.value, 1);
  assert.equal(t.total, 2);
});

test('accuracy-efficiency-novelty on real R1 samples: total = Σ w·v within [min, max]', () => {
  for (const r of r1Records()) {
    const s = scoreRecord({ ...r, answer: 'no' }, PRESETS['accuracy-efficiency-novelty']);
    assert.deepEqual(Object.keys(s.components), ['accuracy', 'steps', 'novelty']);
    let sum = 0;
    for (const c of Object.values(s.components)) sum += c!.value === null ? 0 : c!.weight * c!.value;
    assert.ok(Math.abs(s.total - sum) < 1e-12);
    assert.ok(s.total >= s.min && s.total <= s.max, `${s.total} in [${s.min}, ${s.max}]`);
    assert.deepEqual([s.min, s.max], [0, 1]);
  }
});

test('negative weights flip min/max; every function composes; component order is fixed', () => {
  const spec: RewardSpec = {
    name: 'all',
    components: Object.fromEntries([...COMPONENT_NAMES].reverse().map((n) => [n, { weight: n === 'repetition' ? -2 : 1 }])),
  };
  const s = scoreRecord(rec('<think>a\n\nWait, b</think>\\boxed{1}', { answer: '1' }), spec);
  assert.deepEqual(Object.keys(s.components), [...COMPONENT_NAMES]);
  // repetition range [-1, 0] × −2 → [0, 2]
  const expectMax = COMPONENT_NAMES.reduce((m, n) => m + (n === 'repetition' ? 2 : REWARD_FUNCTIONS[n].range[1]), 0);
  assert.equal(s.max, expectMax);
  for (const c of Object.values(s.components)) assert.equal(typeof c!.detail, 'string');
});

test('options from the spec reach the function', () => {
  const lenient: RewardSpec = { name: 'x', components: { format: { weight: 1, options: { mode: 'lenient' } } } };
  assert.equal(scoreRecord(rec('reasoning</think>answer'), lenient).total, 1);
  assert.equal(scoreRecord(rec('reasoning</think>answer'), PRESETS.r1).components.format?.value, 0);
});

test('empty completion and HTML never throw', () => {
  for (const c of ['', '<script>alert(1)</script>', '</think>', '<think>']) {
    for (const p of Object.values(PRESETS)) {
      const s = scoreRecord(rec(c, { answer: '1' }), p);
      assert.ok(Number.isFinite(s.total));
    }
  }
});
