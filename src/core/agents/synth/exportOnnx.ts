/**
 * The synthesis agent's two policies as ONNX models, for inference with onnxruntime-node (any
 * execution provider): the macro layer's PPO actor (which function next, or STOP) and the micro
 * layer's DQN Q-network (which argument), each with the action mask input, so an exported agent picks
 * exactly the greedy decisions the training code would (argmax of the masked logits / Q-values).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportPolicy } from '../onnxExport';
import type { SynthAgent } from './agent';
import { MACRO_ACTIONS, MACRO_OBS_SIZE, MICRO_ACTIONS, MICRO_OBS_SIZE } from './env';

export const MACRO_ONNX = 'macro-policy.onnx';
export const MICRO_ONNX = 'micro-q.onnx';

/** Writes `dir`/macro-policy.onnx and `dir`/micro-q.onnx (replacing earlier exports there); returns their paths. */
export function exportSynthPolicies(agent: SynthAgent, dir: string, metadata: Record<string, string> = {}): { macro: string; micro: string } {
  fs.mkdirSync(dir, { recursive: true });
  const macro = path.join(dir, MACRO_ONNX);
  const micro = path.join(dir, MICRO_ONNX);
  const common = { ...metadata, env: 'reasoning-lab/synth' };
  exportPolicy(agent.macro.actor, macro, {
    mask: true,
    metadata: { ...common, layer: 'macro', algo: 'ppo', obs: String(MACRO_OBS_SIZE), actions: `${MACRO_ACTIONS} (functions, then STOP)` },
  });
  exportPolicy(agent.micro.qNetwork, micro, {
    mask: true,
    metadata: { ...common, layer: 'micro', algo: 'dqn', obs: String(MICRO_OBS_SIZE), actions: `${MICRO_ACTIONS} (slots, lambdas, constants)`, outputs: 'logits are Q-values' },
  });
  return { macro, micro };
}
