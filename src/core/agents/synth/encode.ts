/**
 * The fixed-size observation both policies see: the examples and the program so far.
 *
 *   header     output type one-hot, lines written so far one-hot
 *   examples   per shown example (up to MAX_SHOWN): present flag, the wanted output's value features
 *   slots      per variable slot (MAX_INPUTS inputs, then MAX_LINES line results): present, is-input,
 *              type one-hot, the function that made it (one-hot), read-by-a-later-line flag, its value
 *              features averaged over the examples, and its RELATION to the wanted output averaged and
 *              minimized over the examples (same type, equal, similarity, same length, length ratio,
 *              same multiset, output ⊆ it, best elementwise map lambda, contains the output, same sum)
 *
 * Values are clipped and squashed (symlog) so huge ints and long lists stay in range.
 */
import { FUNCTIONS, LAMBDAS, TYPES, type Type, type Value } from './dsl';
import { MAX_SHOWN } from './problems';
import { similarity } from './reward';

export const MAX_INPUTS = 3;
export const MAX_LINES = 5;
export const SLOTS = MAX_INPUTS + MAX_LINES;
const V = 12;
const R = 10;
const SLOT_SIZE = 2 + TYPES.length + FUNCTIONS.length + 1 + V + 2 * R;
export const OBS_SIZE = TYPES.length + (MAX_LINES + 1) + MAX_SHOWN * (1 + V) + SLOTS * SLOT_SIZE;

const symlog = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x));
const MAPS = LAMBDAS.filter((l) => l.kind === 'map');

function valueFeatures(v: Value | undefined, t: Type, out: Float64Array, o: number, w: number): void {
  if (v === undefined) return;
  out[o + TYPES.indexOf(t)] += w;
  if (typeof v === 'number') {
    out[o + 5] += (w * symlog(v)) / 4;
    return;
  }
  out[o + 4] += v.length === 0 ? w : 0;
  out[o + 5] += (w * Math.min(v.length, 40)) / 10;
  if (typeof v === 'string') {
    let upper = 0;
    let spaces = 0;
    for (const ch of v) {
      if (ch === ' ') spaces++;
      else if (ch !== ch.toLowerCase()) upper++;
    }
    out[o + 6] += (w * upper) / Math.max(1, v.length);
    out[o + 7] += (w * spaces) / Math.max(1, v.length);
    for (let i = 0; i < 4 && i < v.length; i++) out[o + 8 + i] += (w * Math.min(v.charCodeAt(i), 256)) / 128;
    return;
  }
  if (t === '[int]') {
    const xs = v as number[];
    let sorted = 1;
    let sum = 0;
    for (let i = 0; i < xs.length; i++) {
      sum += xs[i];
      if (i && xs[i] < xs[i - 1]) sorted = 0;
    }
    out[o + 6] += w * sorted;
    out[o + 7] += (w * symlog(sum)) / 4;
    for (let i = 0; i < 4 && i < xs.length; i++) out[o + 8 + i] += (w * symlog(xs[i])) / 4;
  } else {
    const xs = v as string[];
    for (let i = 0; i < 4 && i < xs.length; i++) out[o + 8 + i] += (w * Math.min(xs[i].length, 20)) / 10;
  }
}

function multiset(xs: readonly (number | string)[]): Map<number | string, number> {
  const m = new Map<number | string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** Relation features of a slot's value to the wanted output on one example (R values into `rel`). */
function relation(v: Value | undefined, t: Type, want: Value, wantType: Type, rel: Float64Array): void {
  rel.fill(0);
  if (v === undefined) return;
  const same = t === wantType;
  rel[0] = same ? 1 : 0;
  rel[2] = same ? similarity(v, want) : 0;
  rel[1] = rel[2] === 1 ? 1 : 0;
  const lenOf = (x: Value) => (typeof x === 'number' ? undefined : typeof x === 'string' ? [...x].length : x.length);
  const lv = lenOf(v);
  const lw = lenOf(want);
  if (lv !== undefined && lw !== undefined) {
    rel[3] = lv === lw ? 1 : 0;
    rel[4] = lv + lw ? lv / (lv + lw) : 0.5;
  } else if (typeof v === 'number' && lw !== undefined) rel[3] = v === lw ? 1 : 0;
  if (Array.isArray(v) && Array.isArray(want)) {
    const mv = multiset(v);
    const mw = multiset(want);
    let subset = 1;
    for (const [k, c] of mw) if ((mv.get(k) ?? 0) < c) subset = 0;
    rel[6] = subset;
    rel[5] = subset && v.length === want.length ? 1 : 0;
    if (t === '[int]' && wantType === '[int]' && v.length === want.length && v.length) {
      let best = 0;
      for (const l of MAPS) {
        let hit = 0;
        for (let i = 0; i < v.length; i++) if (l.fn(v[i] as number, 0) === want[i]) hit++;
        best = Math.max(best, hit / v.length);
      }
      rel[7] = best;
    }
    if (t === '[int]' && wantType === '[int]') rel[9] = (v as number[]).reduce((a, b) => a + b, 0) === (want as number[]).reduce((a, b) => a + b, 0) ? 1 : 0;
  }
  if (Array.isArray(v) && !Array.isArray(want)) rel[8] = (v as (number | string)[]).includes(want) ? 1 : 0;
  if (typeof v === 'string' && typeof want === 'string') rel[8] = v.includes(want) ? 1 : 0;
  if (typeof v === 'number' && typeof want === 'number') rel[9] = want > v ? 1 : want < v ? -1 : 0;
}

export interface ObservationInput {
  output: Type;
  wanted: readonly Value[];
  /** Types of the variables (inputs first, then line results). */
  types: readonly Type[];
  inputs: number;
  /** values[e][slot]: the value of each variable on each shown example (undefined: overflow). */
  values: readonly (readonly (Value | undefined)[])[];
  /** The function of each line (index into FUNCTIONS). */
  lineFns: readonly number[];
  /** Variables read by some line. */
  used: ReadonlySet<number>;
}

/** Writes the observation into `out` (length OBS_SIZE). */
export function encodeObservation(s: ObservationInput, out: Float64Array): Float64Array {
  out.fill(0);
  let o = 0;
  out[o + TYPES.indexOf(s.output)] = 1;
  o += TYPES.length;
  out[o + Math.min(s.lineFns.length, MAX_LINES)] = 1;
  o += MAX_LINES + 1;
  const E = Math.min(s.wanted.length, MAX_SHOWN);
  for (let e = 0; e < MAX_SHOWN; e++) {
    if (e < E) {
      out[o] = 1;
      valueFeatures(s.wanted[e], s.output, out, o + 1, 1);
    }
    o += 1 + V;
  }
  const rel = new Float64Array(R);
  for (let slot = 0; slot < SLOTS; slot++) {
    const v = slot < MAX_INPUTS ? (slot < s.inputs ? slot : -1) : slot - MAX_INPUTS < s.lineFns.length ? s.inputs + slot - MAX_INPUTS : -1;
    if (v >= 0) {
      const t = s.types[v];
      out[o] = 1;
      out[o + 1] = v < s.inputs ? 1 : 0;
      out[o + 2 + TYPES.indexOf(t)] = 1;
      if (v >= s.inputs) out[o + 2 + TYPES.length + s.lineFns[v - s.inputs]] = 1;
      out[o + 2 + TYPES.length + FUNCTIONS.length] = s.used.has(v) ? 1 : 0;
      const base = o + 3 + TYPES.length + FUNCTIONS.length;
      const mins = new Float64Array(R).fill(Infinity);
      for (let e = 0; e < E; e++) {
        valueFeatures(s.values[e][v], t, out, base, 1 / E);
        relation(s.values[e][v], t, s.wanted[e], s.output, rel);
        for (let k = 0; k < R; k++) {
          out[base + V + k] += rel[k] / E;
          mins[k] = Math.min(mins[k], rel[k]);
        }
      }
      for (let k = 0; k < R; k++) out[base + V + R + k] = E ? mins[k] : 0;
    }
    o += SLOT_SIZE;
  }
  return out;
}

/** The slot of variable `v` (inputs occupy the first MAX_INPUTS slots whatever their number). */
export const slotOf = (v: number, inputs: number) => (v < inputs ? v : MAX_INPUTS + v - inputs);
/** The variable in slot `slot`, or −1 when the slot is empty. */
export const varOfSlot = (slot: number, inputs: number, lines: number) =>
  slot < MAX_INPUTS ? (slot < inputs ? slot : -1) : slot - MAX_INPUTS < lines ? inputs + slot - MAX_INPUTS : -1;
