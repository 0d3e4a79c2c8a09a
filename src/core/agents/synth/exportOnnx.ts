/**
 * The synthesis agent's two policies as ONNX models, for inference with onnxruntime-node (any
 * execution provider): the macro layer's PPO actor (which function next, or STOP) and the micro
 * layer's DQN Q-network (which argument), each with the action mask input (see exportLayeredPolicies).
 */
import { exportLayeredPolicies } from '../onnxExport';
import type { OutputOptions } from '../../shared/safeOutput';
import type { SynthAgent } from './agent';
import { MACRO_ACTIONS, MACRO_OBS_SIZE, MICRO_ACTIONS, MICRO_OBS_SIZE } from './env';

export { MACRO_ONNX, MICRO_ONNX } from '../onnxExport';

/** Writes `dir`/macro-policy.onnx and `dir`/micro-q.onnx (replacing earlier exports there unless `output` says not to); returns their paths. */
export function exportSynthPolicies(agent: SynthAgent, dir: string, metadata: Record<string, string> = {}, output?: OutputOptions): { macro: string; micro: string } {
  return exportLayeredPolicies(
    agent,
    dir,
    { env: 'reasoning-lab/synth', macro: { obs: MACRO_OBS_SIZE, actions: `${MACRO_ACTIONS} (functions, then STOP)` }, micro: { obs: MICRO_OBS_SIZE, actions: `${MICRO_ACTIONS} (slots, lambdas, constants)` } },
    metadata,
    output,
  );
}
