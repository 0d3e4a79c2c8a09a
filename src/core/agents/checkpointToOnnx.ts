/**
 * A saved agent checkpoint exported to ONNX after the fact (the editor's Export Agent to ONNX), through
 * the exporters `train … --onnx` uses at the end of a run, with the same metadata: a CartPole
 * checkpoint becomes one policy model; a synthesis or code agent checkpoint its two policies
 * (macro-policy.onnx, micro-q.onnx) in a folder.
 */
import * as fs from 'node:fs';
import { exportCartPolePolicy, loadCheckpoint as loadCartPoleCheckpoint } from './cartpoleTrain';
import { CHECKPOINT_KIND_LABELS, checkpointKind, type CheckpointKind } from './checkpointKinds';
import { exportCodePolicies } from './code/exportOnnx';
import { loadCodeCheckpoint } from './code/train';
import { exportSynthPolicies } from './synth/exportOnnx';
import { loadCheckpoint as loadSynthCheckpoint } from './synth/train';
import type { OutputOptions } from '../shared/safeOutput';

/**
 * Exports checkpoint `file` to `target` (a .onnx file for CartPole, a folder for the two-layer agents);
 * an existing output is replaced only with `output.replace`. Errors name the file and what is wrong.
 */
export async function exportCheckpointToOnnx(file: string, target: string, output: OutputOptions = {}): Promise<{ kind: CheckpointKind; files: string[] }> {
  const kind = await checkpointKind(file);
  if (!kind) throw new Error(`${file}: not an agent checkpoint (a CartPole, synthesis agent or code agent checkpoint written by Train Agent or reasoning-lab train)`);
  if (kind === 'cartpole') {
    exportCartPolePolicy(loadCartPoleCheckpoint(file), target, output);
    return { kind, files: [target] };
  }
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) throw new Error(`${target} is a file: a ${CHECKPOINT_KIND_LABELS[kind]} exports two models (macro-policy.onnx, micro-q.onnx) into a folder`);
  let files: { macro: string; micro: string };
  if (kind === 'synth') {
    const { checkpoint, agent } = loadSynthCheckpoint(file);
    files = exportSynthPolicies(agent, target, trainingMetadata(checkpoint), output);
  } else {
    const { checkpoint, agent } = loadCodeCheckpoint(file);
    files = exportCodePolicies(agent, target, trainingMetadata(checkpoint), output);
  }
  return { kind, files: [files.macro, files.micro] };
}

/** The metadata train … --onnx writes with the models. */
const trainingMetadata = (c: { state: { step: number }; config: { seed: number } }) => ({ steps: String(c.state.step), seed: String(c.config.seed) });
