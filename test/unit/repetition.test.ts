import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repetition } from '../../src/core/rewards/repetition';
import { hermes, r1Records, rec } from './helpers/rewardData';

const rp = (c: string, o: object = {}) => repetition.score(rec(c), { ...repetition.defaults, ...o });

test('no repetition → 0; fewer words than n → 0; empty → 0', () => {
  assert.equal(rp('the quick brown fox jumps').value, 0);
  assert.equal(rp('two words').value, 0);
  assert.equal(rp('').value, 0);
});

test('open-r1 formula: (1 − unique/total) × maxPenalty', () => {
  // "a b c a b c a b c": 7 trigrams, 3 unique → (1 − 3/7) × −1
  const r = rp('ab bc cd ab bc cd ab bc cd');
  assert.ok(Math.abs((r.value ?? 0) + (1 - 3 / 7)) < 1e-12, r.detail);
  assert.equal(r.items![0], '"ab bc cd" ×3');
  assert.equal(rp('ab bc cd ab bc cd ab bc cd', { maxPenalty: -0.5 }).value, -(1 - 3 / 7) * 0.5);
  assert.equal(rp('ab bc ab bc ab bc', { ngramSize: 2 }).value, -(1 - 2 / 5));
});

test('case-insensitive words; repeated spans highlighted and merged', () => {
  const text = 'Wait let me. wait LET me. Wait let me.';
  const r = rp(text);
  assert.ok((r.value ?? 0) < 0);
  assert.ok(r.highlights!.length >= 1);
  for (const h of r.highlights!) assert.equal(h.kind, 'repeated');
  assert.equal(text.slice(r.highlights![0].start, r.highlights![0].end), 'wait LET me. Wait let me');
});

test('Chinese characters are words', () => {
  const r = rp('我们再算一遍我们再算一遍我们再算一遍');
  assert.ok((r.value ?? 0) < -0.5, r.detail);
});

test('real outputs: a looping truncated DeepHermes trace is penalized more than R1 answers', () => {
  const looping = hermes('bridge_torch_easy#2').completion;
  const lv = rp(looping).value ?? 0;
  for (const r of r1Records()) {
    const v = repetition.score({ ...r, completion: r.completion.split('</think>')[1] }, repetition.defaults).value ?? 0;
    assert.ok(v > lv, `${r.id}: ${v} vs looping ${lv}`);
  }
});

test('a 1 MB completion; highlight and item caps', () => {
  const big = 'lorem ipsum dolor '.repeat(60000);
  const r = rp(big, { maxHighlights: 5, maxItems: 2 });
  assert.ok((r.value ?? 0) < -0.99);
  assert.ok(r.highlights!.length <= 5);
  assert.equal(r.items!.length, 2);
});
