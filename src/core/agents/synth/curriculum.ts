/**
 * The synthesis agent's default curriculum on generated problems, in a module of its own (no DSL, no
 * training code) so that the editor's pickers and panels describe it from the same numbers training uses.
 */

/** Longest program the DSL writes (the same as encode.ts's MAX_LINES; checked by the curriculum test). */
const LONGEST = 5;

export const CURRICULUM_DEFAULTS = { startLength: 1, maxLength: LONGEST, threshold: 0.15, window: 100, replayShorter: 0.3, lineSlack: 1 };

/** The curriculum in words. */
export function describeCurriculum(c: { startLength: number; maxLength: number; threshold: number; window: number } = CURRICULUM_DEFAULTS): string {
  return `program length ${c.startLength} → ${c.maxLength} lines, the next once the solve rate of the last ${c.window} episodes passes ${Math.round(c.threshold * 100)} %`;
}
