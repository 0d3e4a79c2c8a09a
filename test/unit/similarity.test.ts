import { test } from 'node:test';
import assert from 'node:assert/strict';
import { similarity } from '../../src/core/rewards/similarity';
import { rec } from './helpers/rewardData';

const sim = (c: string, extra: object, o: object = {}) => similarity.score(rec(c, extra), { ...similarity.defaults, ...o });

test('identical → 1, disjoint → 0, one edit', () => {
  assert.equal(sim('<think>x</think> kitten ', { reference: 'kitten' }).value, 1);
  assert.equal(sim('abc', { reference: 'xyz' }).value, 0);
  assert.equal(sim('kitten', { reference: 'sitten' }).value, 1 - 1 / 6);
});

test('reference falls back to answer; none → null', () => {
  const r = sim('42', { answer: '42' });
  assert.equal(r.value, 1);
  assert.match(r.detail, /vs the answer/);
  assert.match(sim('42', { answer: '41', reference: '42' }).detail, /vs the reference/);
  const n = sim('42', {});
  assert.equal(n.value, null);
  assert.match(n.detail, /no reference/);
});

test('only the answer part is compared (after </think>)', () => {
  assert.equal(sim('<think>long reasoning about it</think>Paris', { reference: 'Paris' }).value, 1);
});

test('empty both → 1; empty answer → 0', () => {
  assert.equal(sim('', { reference: '' }).value, 1);
  assert.equal(sim('', { reference: 'abc' }).value, 0);
});

test('long inputs are cut to maxChars and the detail says so', () => {
  const long = 'a'.repeat(30000);
  const r = sim(long, { reference: 'a'.repeat(25000) });
  assert.equal(r.value, 1);
  assert.match(r.detail, /answer cut from 30000 to 20000 chars; reference cut from 25000 to 20000 chars/);
  assert.match(sim('abcd', { reference: 'abce' }, { maxChars: 3 }).detail, /cut/);
});
