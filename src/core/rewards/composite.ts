/**
 * The composite score: Σ weightᵢ · valueᵢ over the spec's components. A null value contributes 0 and
 * stays null in the output. min / max are the extreme totals the spec can give (from each function's
 * range and the sign of its weight). Components come out in the fixed COMPONENT_NAMES order.
 * A function that throws gives value null with the error in the detail; the other components go on.
 */
import { COMPONENT_NAMES, type ComponentName, type ComponentScore, type CompositeScore, type RewardFunction, type RewardRecord, type RewardSpec } from './types';
import { REWARD_FUNCTIONS } from './registry';
import { errorMessage } from '../shared/errors';

interface Resolved {
  name: ComponentName;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fn: RewardFunction<any>;
  weight: number;
  options: Record<string, unknown>;
}
interface ResolvedSpec {
  components: Resolved[];
  min: number;
  max: number;
}

/**
 * Specs resolved once (options merged over defaults, order fixed), keyed by the spec object: treat a
 * spec as immutable once it has scored something (make a new object to change it).
 */
const resolvedCache = new WeakMap<RewardSpec, ResolvedSpec>();

function resolve(spec: RewardSpec): ResolvedSpec {
  const hit = resolvedCache.get(spec);
  if (hit) return hit;
  const components: Resolved[] = [];
  let min = 0;
  let max = 0;
  for (const name of COMPONENT_NAMES) {
    const c = spec.components[name];
    if (!c) continue;
    const fn = REWARD_FUNCTIONS[name];
    const options = c.options ? { ...fn.defaults, ...c.options } : { ...fn.defaults };
    components.push({ name, fn, weight: c.weight, options });
    const lo = c.weight * fn.range[0];
    const hi = c.weight * fn.range[1];
    min += Math.min(lo, hi);
    max += Math.max(lo, hi);
  }
  // 0.6 + 0.3 + 0.1 is 0.9999999999999999 in floating point: show 1
  const value = { components, min: roundBound(min), max: roundBound(max) };
  resolvedCache.set(spec, value);
  return value;
}

function roundBound(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}

export function scoreRecord(record: RewardRecord, spec: RewardSpec): CompositeScore {
  const r = resolve(spec);
  let total = 0;
  const components: CompositeScore['components'] = {};
  for (const c of r.components) {
    let value: number | null;
    let detail: string;
    let highlights;
    let items;
    try {
      const v = c.fn.score(record, c.options);
      value = v.value !== null && Number.isFinite(v.value) ? v.value : null;
      detail = v.detail;
      highlights = v.highlights;
      items = v.items;
    } catch (e) {
      value = null;
      detail = `error: ${errorMessage(e)}`;
    }
    const contribution = value === null ? 0 : c.weight * value;
    total += contribution;
    const score: ComponentScore = { value, detail, weight: c.weight, contribution, range: c.fn.range };
    if (highlights) score.highlights = highlights;
    if (items) score.items = items;
    components[c.name] = score;
  }
  return { id: record.id, spec: spec.name, total, max: r.max, min: r.min, components };
}
