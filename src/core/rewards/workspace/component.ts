/**
 * A workspace reward function as a component of the composite sum. The function itself runs in the
 * sandbox ahead of the sum (runner.ts), in batches; its result rides on the record as
 * `functionScores[name]`, as a model's does in `modelScores`. A record without one was not scored by
 * the function, which is a failure of the run, not "not applicable": the component says so.
 */
import type { ComponentError, RewardRecord, RewardValue, WorkspaceFunctionSpec } from '../types';

export interface WorkspaceComponent {
  range: readonly [number, number];
  score(record: RewardRecord): RewardValue & { error?: ComponentError; output?: string; source?: string };
}

export const DEFAULT_FUNCTION_RANGE: readonly [number, number] = [0, 1];

/** "rewards/trl_rewards.py:accuracy_reward (trl)": where a function comes from, for details and messages. */
export function functionSource(f: Pick<WorkspaceFunctionSpec, 'module' | 'function' | 'style'>): string {
  return `${f.module}:${f.function} (${f.style})`;
}

export function workspaceComponent(f: WorkspaceFunctionSpec): WorkspaceComponent {
  const source = functionSource(f);
  return {
    range: f.range ?? DEFAULT_FUNCTION_RANGE,
    score(record) {
      const s = record.functionScores?.[f.name];
      if (!s) {
        const message = 'not run: workspace reward functions run in the sandbox before the sum, and nothing ran this one for this sample';
        return { value: null, detail: message, error: { kind: 'not-run', message }, source };
      }
      const out: ReturnType<WorkspaceComponent['score']> = { value: s.error ? null : s.value, detail: s.detail, source };
      if (s.error) out.error = s.error;
      if (s.output) out.output = s.output;
      if (s.items?.length) out.items = s.items;
      return out;
    },
  };
}
