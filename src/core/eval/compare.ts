/** Compares a program's output with a test's expected value, outside the sandbox. */
import type { CompareMode } from './types';

const REL = 1e-6;

function floatEq(a: number, b: number) {
  if (Object.is(a, b) || a === b) return true;
  return Math.abs(a - b) <= REL * Math.max(1, Math.abs(a), Math.abs(b));
}

export function deepEqual(a: unknown, b: unknown, floats: boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return floats ? floatEq(a, b) : a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i], floats));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], floats));
}

/** A canonical string of a JSON value (object keys sorted), for multiset comparison. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function outputsEqual(got: unknown, expected: unknown, mode: CompareMode): boolean {
  if (mode === 'float') return deepEqual(got, expected, true);
  if (mode === 'unordered' && Array.isArray(got) && Array.isArray(expected)) {
    if (got.length !== expected.length) return false;
    const a = got.map(canonical).sort();
    const b = expected.map(canonical).sort();
    return a.every((x, i) => x === b[i]);
  }
  return deepEqual(got, expected, false);
}
