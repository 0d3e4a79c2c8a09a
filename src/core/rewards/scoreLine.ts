import type { ComponentError, CompositeScore } from './types';

/**
 * One line of `reasoning-lab score` output. Components in the score's order (the built-in ones, then
 * the workspace reward functions); no highlights. A workspace function's line also says where it
 * comes from, what it printed and the extra values it returned; a failed component carries its error,
 * and `incomplete` lists them (the total then leaves them out).
 */
export interface ScoreLine {
  id: string;
  total: number;
  incomplete?: string[];
  components: Record<string, { value: number | null; weight: number; detail: string; error?: ComponentError; source?: string; output?: string; items?: string[] }>;
}

export function toScoreLine(result: CompositeScore): ScoreLine {
  const components: ScoreLine['components'] = {};
  for (const [name, c] of Object.entries(result.components)) {
    if (!c) continue;
    const line: ScoreLine['components'][string] = { value: c.value, weight: c.weight, detail: c.detail };
    if (c.error) line.error = c.error;
    if (c.source !== undefined) {
      line.source = c.source;
      if (c.output) line.output = c.output;
      if (c.items?.length) line.items = c.items;
    }
    components[name] = line;
  }
  const out: ScoreLine = { id: result.id, total: Math.round(result.total * 1e6) / 1e6, components };
  if (result.incomplete?.length) out.incomplete = result.incomplete;
  return out;
}
