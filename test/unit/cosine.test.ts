import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosine } from '../../src/core/rewards/cosine';
import { rec } from './helpers/rewardData';

const cs = (c: string, answer: string | undefined, o: object = {}) => cosine.score(rec(c, answer === undefined ? {} : { answer }), { ...cosine.defaults, ...o });
const words = (n: number) => Array.from({ length: n }, () => 'w').join(' ');

test('correct: 1 when short, 0.5 at maxLen and beyond; wrong: -1 when short, -0.5 when long', () => {
  const o = { maxLen: 100 };
  assert.ok(Math.abs((cs('\\boxed{7}', '7', o).value ?? 0) - (0.5 + 0.25 * (1 + Math.cos(Math.PI / 100)))) < 1e-12);
  assert.equal(cs(words(99) + ' \\boxed{7}', '7', o).value, 0.5);
  assert.equal(cs(words(500) + ' \\boxed{7}', '7', o).value, 0.5);
  assert.ok((cs('\\boxed{8}', '7', o).value ?? 0) < -0.99);
  assert.equal(cs(words(500) + ' \\boxed{8}', '7', o).value, -0.5);
  const mid = cs(words(49) + ' \\boxed{7}', '7', o); // 50 tokens: cos(π/2) = 0
  assert.ok(Math.abs((mid.value ?? 0) - 0.75) < 1e-12);
  assert.match(mid.detail, /correct, 50 tokens \(approx\.\) of maxLen 100/);
});

test('custom values', () => {
  const r = cs('\\boxed{7}', '7', { maxValueCorrect: 2, minValueCorrect: 0, maxLen: 1 });
  assert.equal(r.value, 0, 'progress clamps at 1');
});

test('accuracy null → cosine null', () => {
  const r = cs('\\boxed{7}', undefined);
  assert.equal(r.value, null);
  assert.match(r.detail, /no reference answer/);
});

test('CJK characters count one token each', () => {
  const r = cs('答'.repeat(50) + ' \\boxed{7}', '7', { maxLen: 102 });
  assert.match(r.detail, /51 tokens/);
});
