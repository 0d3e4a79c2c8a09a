/**
 * How many decimals to show so that numbers that differ look different: a lost pair whose logits agree
 * to three decimals (0.42131 against 0.42134) must not show the same logit twice.
 */

const MIN = 3;
const MAX = 8;

/** Decimals (3 to 8) that tell every distinct value of `values` apart. */
export function digitsToTell(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  const distinct = new Set(finite).size;
  for (let d = MIN; d < MAX; d++) if (new Set(finite.map((v) => v.toFixed(d))).size === distinct) return d;
  return MAX;
}

/** A value with `digits` decimals, or more when it would round to zero without being zero (a margin of −0.00004). */
export function fixedNonZero(x: number, digits = MIN): string {
  if (!Number.isFinite(x)) return String(x);
  let d = digits;
  while (d < MAX && x !== 0 && Number(x.toFixed(d)) === 0) d++;
  return x.toFixed(d);
}
