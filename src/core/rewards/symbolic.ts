/**
 * Symbolic equality of two formulas, the accuracy reward's last and most expensive check.
 *
 * Khan Academy's KAS (`@khanacademy/kas`, the CAS Khan Academy grades typed answers with) parses the
 * LaTeX into an expression tree. Two expressions are equal when they agree at sampled values of their
 * variables (x/7 + 2/7 = (x + 2)/7, tan²y + 1 = sec²y, 3√13 = √117); two equations when one is a
 * nonzero multiple of the other (2x + 4y − 3 = 0 and y = −x/2 + 3/4); two inequalities when one is a
 * positive multiple of the other, either way round (x ≤ 5 and 5 ≥ x, x < 1 and −x > −1). The sample
 * points come from a fixed seed, so a reward is the same on every run (KAS's own `compare` draws them
 * from Math.random).
 */
import * as KAS from '@khanacademy/kas';
import { mulberry32 } from '../shared/rng';

export interface SymbolicResult {
  equal: boolean;
  how: 'symbolic' | 'equation';
}

interface Expr {
  eval(vars: Record<string, number>): number;
  getVars(excludeFunc?: boolean): string[];
}
interface Parsed {
  /** lhs − rhs for an equation or inequality (after turning > into <), the expression itself otherwise. */
  diff: Expr | { left: Expr; right: Expr };
  /** '' for an expression; '=', '<>', '<', '<=' for a relation. */
  rel: string;
  vars: string[];
}

// KAS reads none of these: intervals, sets, ±, lists, matrices, approximations, percentages.
const UNSUPPORTED_RE = /\\(?:infty|cup|cap|pm|mp|in|begin|approx|setminus|emptyset|varnothing|\{|\})(?![a-z])|[,;%:!'"?&]|\\[a-z]*(?:arrow|implies|iff)/;

const cache = new Map<string, Parsed | null>();
const CACHE_SIZE = 256;

function parse(norm: string): Parsed | null {
  const hit = cache.get(norm);
  if (hit !== undefined) return hit;
  let out: Parsed | null = null;
  if (!UNSUPPORTED_RE.test(norm)) {
    try {
      const r = KAS.parse(norm);
      if (r.parsed && r.expr) out = toParsed(r.expr);
    } catch {
      out = null; // a parser error is "not a formula", never a crash
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(norm, out);
  return out;
}

function toParsed(expr: unknown): Parsed {
  if (expr instanceof KAS.Eq) {
    const eq = expr as unknown as { left: Expr; right: Expr; type: string };
    const flip = eq.type === '>' || eq.type === '>=';
    const left = flip ? eq.right : eq.left;
    const right = flip ? eq.left : eq.right;
    const rel = eq.type === '>' ? '<' : eq.type === '>=' ? '<=' : eq.type;
    return { diff: { left, right }, rel, vars: union(left.getVars(), right.getVars()) };
  }
  const e = expr as Expr;
  return { diff: e, rel: '', vars: e.getVars() };
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function evaluate(p: Parsed, vars: Record<string, number>): number {
  const d = p.diff;
  if ('left' in d) return d.left.eval(vars) - d.right.eval(vars);
  return d.eval(vars);
}

const SAMPLES = 16;

/** Sample points for the variables: small and moderate values of both signs (not 0 or ±1, where many formulas coincide). */
function samplePoints(vars: string[]): Array<Record<string, number>> {
  const rand = mulberry32(0x5eed);
  const points: Array<Record<string, number>> = [];
  for (let k = 0; k < SAMPLES; k++) {
    const p: Record<string, number> = {};
    for (const v of vars) {
      const mag = k % 2 === 0 ? 0.1 + rand() * 2.9 : 1.5 + rand() * 8.5;
      p[v] = k % 4 < 2 ? mag : -mag;
    }
    points.push(p);
  }
  return points;
}

function close(x: number, y: number, tol: number): boolean {
  return Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y));
}

/**
 * Are two normalized answers the same formula? undefined when either is not a formula KAS reads, or
 * when they are of different kinds (an equation against an expression).
 */
export function symbolicEquivalent(a: string, b: string, tolerance: number): SymbolicResult | undefined {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb || (pa.rel === '') !== (pb.rel === '')) return undefined;
  const tol = Math.max(tolerance, 1e-9);
  const vars = union(pa.vars, pb.vars);
  const points = vars.length === 0 ? [{}] : samplePoints(vars);
  if (pa.rel === '') {
    let valid = 0;
    for (const p of points) {
      const x = evaluate(pa, p);
      const y = evaluate(pb, p);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue; // outside a domain (√x, log x at x < 0)
      if (!close(x, y, tol)) return { equal: false, how: 'symbolic' };
      valid++;
    }
    return valid > 0 ? { equal: true, how: 'symbolic' } : undefined;
  }
  // relations: the same kind, and lhs − rhs of one a constant multiple of the other's
  const sameKind = pa.rel === pb.rel || (pa.rel === '=' && pb.rel === '=');
  if (!sameKind) return { equal: false, how: 'equation' };
  let ratio: number | undefined;
  for (const p of points) {
    const x = evaluate(pa, p);
    const y = evaluate(pb, p);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (Math.abs(y) < 1e-12) {
      if (Math.abs(x) > 1e-9) return { equal: false, how: 'equation' };
      continue;
    }
    const r = x / y;
    if (ratio === undefined) ratio = r;
    else if (!close(r, ratio, Math.max(tol, 1e-9))) return { equal: false, how: 'equation' };
  }
  if (ratio === undefined || Math.abs(ratio) < 1e-12) return undefined;
  // an inequality scaled by a negative number flips: x < 1 is not −x < −1
  if ((pa.rel === '<' || pa.rel === '<=') && ratio < 0) return { equal: false, how: 'equation' };
  return { equal: true, how: 'equation' };
}
