/**
 * The code agent's two policies as ONNX models for onnxruntime-node: the macro layer's PPO actor (draw,
 * draw tests, run, repair, submit) and the micro layer's DQN Q-network (which candidate or cluster),
 * each with the action mask input (see exportLayeredPolicies).
 */
import { exportLayeredPolicies } from '../onnxExport';
import type { OutputOptions } from '../../shared/safeOutput';
import type { CodeAgent } from './agent';
import { MACRO_NAMES, MACRO_OBS_SIZE, MICRO_OBS_SIZE, SLOTS } from './env';

export function exportCodePolicies(agent: CodeAgent, dir: string, metadata: Record<string, string> = {}, output?: OutputOptions): { macro: string; micro: string } {
  return exportLayeredPolicies(
    agent,
    dir,
    { env: 'reasoning-lab/code-agent', macro: { obs: MACRO_OBS_SIZE, actions: MACRO_NAMES.join(' ') }, micro: { obs: MICRO_OBS_SIZE, actions: `${SLOTS} (candidate or cluster slots)` } },
    metadata,
    output,
  );
}
