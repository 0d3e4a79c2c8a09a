import { COMPONENT_NAMES, type CompositeScore } from './types';

/** One line of `reasoning-lab score` output. Component names keep their fixed order; no highlights. */
export interface ScoreLine {
  id: string;
  total: number;
  components: Record<string, { value: number | null; weight: number; detail: string }>;
}

export function toScoreLine(result: CompositeScore): ScoreLine {
  const components: ScoreLine['components'] = {};
  for (const name of COMPONENT_NAMES) {
    const c = result.components[name];
    if (c) components[name] = { value: c.value, weight: c.weight, detail: c.detail };
  }
  return { id: result.id, total: Math.round(result.total * 1e6) / 1e6, components };
}
