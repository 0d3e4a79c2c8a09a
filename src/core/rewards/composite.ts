/**
 * The composite score: Σ weightᵢ · valueᵢ over the spec's components. A null value contributes 0 and
 * stays null in the output. min / max are the extreme totals the spec can give (from each function's
 * range and the sign of its weight). Components come out in the fixed COMPONENT_NAMES order, then the
 * spec's workspace reward functions in its order (their values are computed ahead, see workspace/).
 *
 * "Not applicable" and "failed" differ: a null value is not applicable (no reference answer, TRL's
 * None) and simply contributes 0; a component that failed (a function that throws, returns something
 * that is not a reward, times out, or was not run) also contributes 0 but is listed in `incomplete`, so
 * the total is never taken for the spec's reward.
 */
import { COMPONENT_NAMES, type ComponentError, type ComponentScore, type CompositeScore, type RewardFunction, type RewardRecord, type RewardSpec, type RewardValue } from './types';
import { REWARD_FUNCTIONS } from './registry';
import { errorMessage } from '../shared/errors';
import { workspaceComponent, type WorkspaceComponent } from './workspace/component';

interface Resolved {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fn: RewardFunction<any> | WorkspaceComponent;
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
  for (const f of spec.functions ?? []) {
    const fn = workspaceComponent(f);
    components.push({ name: f.name, fn, weight: f.weight, options: {} });
    const lo = f.weight * fn.range[0];
    const hi = f.weight * fn.range[1];
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
  const incomplete: string[] = [];
  for (const c of r.components) {
    let v: RewardValue & { error?: ComponentError; output?: string; source?: string };
    try {
      v = c.fn.score(record, c.options);
    } catch (e) {
      v = { value: null, detail: `error: ${errorMessage(e)}`, error: { kind: 'exception', message: errorMessage(e) } };
    }
    const value = v.value !== null && Number.isFinite(v.value) ? v.value : null;
    const contribution = value === null ? 0 : c.weight * value;
    total += contribution;
    const score: ComponentScore = { value, detail: v.detail, weight: c.weight, contribution, range: c.fn.range };
    if (v.highlights) score.highlights = v.highlights;
    if (v.items) score.items = v.items;
    if (v.error) {
      score.error = v.error;
      incomplete.push(c.name);
    }
    if (v.output !== undefined) score.output = v.output;
    if (v.source !== undefined) score.source = v.source;
    components[c.name] = score;
  }
  const result: CompositeScore = { id: record.id, spec: spec.name, total, max: r.max, min: r.min, components };
  if (incomplete.length) result.incomplete = incomplete;
  return result;
}
