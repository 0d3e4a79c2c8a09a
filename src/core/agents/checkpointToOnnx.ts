/**
 * A saved agent checkpoint exported to ONNX after the fact (the editor's Export Agent to ONNX), through
 * the exporters `train … --onnx` uses at the end of a run, with the same metadata: a CartPole
 * checkpoint becomes one policy model; a synthesis or code agent checkpoint its two policies
 * (macro-policy.onnx, micro-q.onnx) in a folder.
 */
import * as fs from 'node:fs';
import { CHECKPOINT_FORMAT, exportCartPolePolicy, loadCheckpoint as loadCartPoleCheckpoint } from './cartpoleTrain';
import { exportCodePolicies } from './code/exportOnnx';
import { loadCodeCheckpoint } from './code/train';
import { layeredPolicyFiles } from './onnxExport';
import { exportSynthPolicies } from './synth/exportOnnx';
import { loadCheckpoint as loadSynthCheckpoint } from './synth/train';
import type { OutputOptions } from '../shared/safeOutput';

export type CheckpointKind = 'cartpole' | 'synth' | 'code';

export const CHECKPOINT_KIND_LABELS: Record<CheckpointKind, string> = {
  cartpole: 'CartPole policy',
  synth: 'synthesis agent',
  code: 'code agent',
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** What a checkpoint's first key says (every writer puts it first; a reformatted file keeps it near the top). */
const SIGNATURES: [CheckpointKind, RegExp][] = [
  ['cartpole', new RegExp(`"format"\\s*:\\s*"${escapeRe(CHECKPOINT_FORMAT)}"`)],
  ['synth', /"kind"\s*:\s*"reasoning-lab\/synth-agent"/],
  ['code', /"kind"\s*:\s*"reasoning-lab\/code-agent"/],
];
/** How much of a file is read to tell whether it is a checkpoint (checkpoints run to megabytes). */
const HEAD_BYTES = 4096;

/** The kind of agent checkpoint `file` is, from its first bytes; undefined when it is none (or unreadable). */
export async function checkpointKind(file: string): Promise<CheckpointKind | undefined> {
  let head: string;
  try {
    const fh = await fs.promises.open(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
  return SIGNATURES.find(([, re]) => re.test(head))?.[0];
}

/** The files an export of a `kind` checkpoint to `target` writes: the model file itself, or the two in the folder. */
export function onnxExportFiles(kind: CheckpointKind, target: string): string[] {
  if (kind === 'cartpole') return [target];
  const { macro, micro } = layeredPolicyFiles(target);
  return [macro, micro];
}

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
