// The one number format of every panel and the Trace Explorer tree: two decimals unless they would
// hide a difference (a value rounding onto a whole number it is not, two different values in a group
// looking the same).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distinctDecimals, formatCount, formatNumber, formatSigned } from '../../src/contracts/numberFormat';
import { groupStats } from '../../src/core/traces';

test('a value never rounds onto a whole number it is not', () => {
  assert.equal(formatNumber(0.996), '0.996', 'language 0.996 is not 1.00');
  assert.equal(formatNumber(0.9952), '0.995');
  assert.equal(formatNumber(1), '1.00');
  assert.equal(formatNumber(1.004), '1.004');
  assert.equal(formatNumber(0.0003), '0.0003', 'a std of 0.0003 is not 0.00');
  assert.equal(formatNumber(0), '0.00');
  assert.equal(formatNumber(-0.004), '-0.004');
  assert.equal(formatNumber(2 / 3), '0.67', 'ordinary values keep two decimals');
  assert.equal(formatNumber(0.1 + 0.2), '0.30', 'floating-point noise is not a difference');
  assert.equal(formatNumber(3e-9), '3.00e-9');
  assert.equal(formatNumber(null), 'n/a');
  assert.equal(formatNumber(Number.NaN), 'n/a');
  assert.equal(formatNumber(0.5, 3), '0.500');
  assert.equal(formatSigned(1.62), '+1.62');
  assert.equal(formatSigned(-1.62), '-1.62');
  assert.equal(formatSigned(0), '0.00');
});

test('values side by side get the decimals that tell apart the ones that differ', () => {
  assert.equal(distinctDecimals([2, 2, 2, 1.9995]), 4);
  assert.equal(distinctDecimals([1, 0, 0.5]), 2);
  assert.equal(distinctDecimals([0.3, 0.1 + 0.2]), 2);
  assert.equal(distinctDecimals([]), 2);
  assert.equal(distinctDecimals([null, 1]), 2);
  assert.equal(distinctDecimals([1, 1 + 1e-9]), 6, 'capped');
  assert.equal(formatCount(5735), '5,735');
});

test('the group the issue saw: every reward "2.00" and std "0.00" while one sample has advantage -1.62, now told apart', () => {
  const members = [2, 2, 2, 2, 1.9995].map((reward, i) => ({ entry: i, sub: 0, id: `s${i}`, reward }));
  const g = groupStats('prompt:x', 'p', members);
  const d = distinctDecimals(g.members.map((m) => m.reward));
  const shown = g.members.map((m) => formatNumber(m.reward, d));
  assert.equal(new Set(shown).size, 2, shown.join(' '));
  assert.notEqual(formatNumber(g.std), '0.00');
  assert.ok(Math.abs(g.members[4].advantage as number) > 1, 'the advantage is large although the rewards look equal at two decimals');
});
