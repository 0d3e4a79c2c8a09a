/**
 * How every panel and tree shows a number (it sits with the contracts because both the host and the
 * webviews draw numbers, and the webviews import nothing else). Two decimals by default, and more
 * wherever two decimals would hide a difference:
 * - a value never rounds onto a whole number it is not: 0.995 is "0.995", not "1.00"; a std of 0.0003
 *   is "0.0003", not "0.00";
 * - values shown side by side (a group's rewards) get as many decimals as it takes to tell apart the
 *   ones that differ: 2 and 1.9995 are "2.0000" and "1.9995".
 */

/** The most decimals any number gets (past it, a tiny value is written with an exponent). */
export const MAX_DECIMALS = 6;

/** Equal up to floating-point noise (0.1 + 0.2 and 0.3 are one value). */
function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Decimals `v` needs, at least `min`: more while rounding would land on a whole number that `v` is not. */
function decimalsFor(v: number, min: number): number {
  for (let d = min; d < MAX_DECIMALS; d++) {
    const r = Number(v.toFixed(d));
    if (same(r, v) || !Number.isInteger(r)) return d;
  }
  return MAX_DECIMALS;
}

/** A number with `digits` decimals or as many more as it takes not to round onto a whole number it is not; null → "n/a". */
export function formatNumber(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const d = decimalsFor(v, digits);
  const s = v.toFixed(d);
  // smaller than the last decimal: say how small instead of "0.000000"
  if (v !== 0 && Number(s) === 0) return v.toExponential(2);
  return s;
}

/** formatNumber with a "+" before positive values (advantages, deltas). */
export function formatSigned(v: number | null | undefined, digits = 2): string {
  const s = formatNumber(v, digits);
  return typeof v === 'number' && v > 0 ? `+${s}` : s;
}

/** The decimals (at least `min`) that tell apart every two values of `values` that differ, for a column or a group. */
export function distinctDecimals(values: Iterable<number | null | undefined>, min = 2): number {
  const nums: number[] = [];
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) nums.push(v);
  nums.sort((a, b) => a - b);
  let d = min;
  for (let i = 1; i < nums.length; i++) {
    if (same(nums[i - 1], nums[i])) continue;
    while (d < MAX_DECIMALS && nums[i - 1].toFixed(d) === nums[i].toFixed(d)) d++;
  }
  return d;
}

/** A whole count with thousands separators: 5735 → "5,735". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
