/**
 * Execution reward with partial credit. An example whose output is exactly right scores 1; a wrong one
 * of the right type scores PARTIAL × its similarity to the wanted output:
 *   int       1 − |got − want| / (1 + |got| + |want|)          (a bounded relative distance)
 *   string    1 − Levenshtein(got, want) / max length
 *   list      1 − edit distance over elements / max length    (insert, delete, substitute an element)
 * A wrong type or an undefined run (overflow) scores 0. The program's reward is the mean over the SHOWN
 * examples minus LINE_COST per line, so of two right programs the shorter earns more.
 * "Solved" is stricter and is never part of the reward: every shown AND every held-back example exact.
 */
import { distance } from 'fastest-levenshtein';
import { runProgram, valuesEqual, type Program, type Value } from './dsl';
import type { Example } from './problems';

export const PARTIAL = 0.5;
export const LINE_COST = 0.01;

function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length];
}

/** Similarity in [0, 1] of a produced value to the wanted one (1 only when equal; 0 for a different type). */
export function similarity(got: Value | undefined, want: Value): number {
  if (got === undefined) return 0;
  if (valuesEqual(got, want)) return 1;
  if (typeof want === 'number') return typeof got === 'number' ? Math.max(0, 1 - Math.abs(got - want) / (1 + Math.abs(got) + Math.abs(want))) : 0;
  if (typeof want === 'string') {
    if (typeof got !== 'string') return 0;
    const n = Math.max(got.length, want.length);
    return n ? 1 - distance(got, want) / n : 1;
  }
  if (!Array.isArray(got)) return 0;
  // element types must agree ([] matches either)
  const kind = (xs: unknown[]) => (xs.length ? typeof xs[0] : undefined);
  if (kind(got) && kind(want) && kind(got) !== kind(want)) return 0;
  const n = Math.max(got.length, want.length);
  return n ? 1 - editDistance(got as unknown[], want as unknown[]) / n : 1;
}

/** The credit of one example: 1 exact, PARTIAL × similarity otherwise. */
export function exampleScore(got: Value | undefined, want: Value): number {
  if (got === undefined) return 0;
  return valuesEqual(got, want) ? 1 : PARTIAL * similarity(got, want);
}

export interface Evaluation {
  /** Mean example score over the shown examples minus LINE_COST × lines. */
  reward: number;
  /** Shown examples matched exactly. */
  matched: number;
  total: number;
  /** The outputs on the shown examples (undefined: overflow). */
  outputs: (Value | undefined)[];
}

/** Runs a program on examples and scores it. */
export function evaluateProgram(program: Program, examples: readonly Example[]): Evaluation {
  let score = 0;
  let matched = 0;
  const outputs = examples.map((e) => {
    const r = runProgram(program, e.input);
    const got = r.ok ? r.output : undefined;
    score += exampleScore(got, e.output);
    if (got !== undefined && valuesEqual(got, e.output)) matched++;
    return got;
  });
  return { reward: (examples.length ? score / examples.length : 0) - LINE_COST * program.lines.length, matched, total: examples.length, outputs };
}

/** Exact on every example given (the held-back check, and the shown one). */
export function passesAll(program: Program, examples: readonly Example[]): boolean {
  return examples.every((e) => {
    const r = runProgram(program, e.input);
    return r.ok && valuesEqual(r.output, e.output);
  });
}
