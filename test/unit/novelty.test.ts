import { test } from 'node:test';
import assert from 'node:assert/strict';
import { novelty } from '../../src/core/rewards/novelty';
import { r1Records, rec } from './helpers/rewardData';

const nv = (c: string) => novelty.score(rec(c), novelty.defaults);

test('0 or 1 step → 0', () => {
  assert.equal(nv('').value, 0);
  assert.equal(nv('<think>one</think>').value, 0);
});

test('one kind only → 0; all five kinds equally → 1', () => {
  assert.equal(nv('<think>a\n\nb\n\nc</think>').value, 0);
  const five = '<think>We add.\n\nWait, hmm.\n\nAlternatively, subtract.\n\nLet me verify: ok.\n\nTherefore 3.</think>';
  const r = nv(five);
  assert.ok(Math.abs((r.value ?? 0) - 1) < 1e-12, r.detail);
  assert.match(r.detail, /reasoning 1, reflection 1, backtrack 1, verification 1, conclusion 1/);
});

test('two kinds split evenly → log 2 / log 5', () => {
  const r = nv('<think>We add.\n\nWait, hmm.</think>');
  assert.ok(Math.abs((r.value ?? 0) - Math.log(2) / Math.log(5)) < 1e-12);
  assert.deepEqual(r.items, ['reasoning 1', 'reflection 1']);
});

test('real R1 reasoning has a mix of kinds', () => {
  for (const r of r1Records()) {
    const v = novelty.score(r, novelty.defaults);
    assert.ok(v.value !== null && v.value > 0 && v.value <= 1, `${r.id}: ${v.detail}`);
  }
});
