/**
 * Which agent a checkpoint file holds, told from its first bytes, and where its ONNX export goes:
 * light enough for the extension host, which lists checkpoints and asks where to export before the
 * agent worker loads one (checkpointToOnnx.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type CheckpointKind = 'cartpole' | 'synth' | 'code';

export const CHECKPOINT_KIND_LABELS: Record<CheckpointKind, string> = {
  cartpole: 'CartPole policy',
  synth: 'synthesis agent',
  code: 'code agent',
};

/** The two models of a hierarchical agent's export (the PPO actor, the DQN Q-network). */
export const MACRO_ONNX = 'macro-policy.onnx';
export const MICRO_ONNX = 'micro-q.onnx';

/**
 * What a checkpoint's first key says: CartPole's `format` (cartpoleTrain.ts), the agents' `kind`
 * (synth/train.ts, code/train.ts). Every writer puts it first; a reformatted file keeps it near the top.
 */
const SIGNATURES: [CheckpointKind, RegExp][] = [
  ['cartpole', /"format"\s*:\s*"reasoning-lab\.cartpole-checkpoint"/],
  ['synth', /"kind"\s*:\s*"reasoning-lab\/synth-agent"/],
  ['code', /"kind"\s*:\s*"reasoning-lab\/code-agent"/],
];
/** How much of a file is read to tell (checkpoints run to megabytes). */
const HEAD_BYTES = 4096;

/** The kind of agent checkpoint `file` is; undefined when it is none (or unreadable). */
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

/** The two files a hierarchical agent's export writes into `dir`. */
export function layeredPolicyFiles(dir: string): { macro: string; micro: string } {
  return { macro: path.join(dir, MACRO_ONNX), micro: path.join(dir, MICRO_ONNX) };
}

/** The files an export of a `kind` checkpoint to `target` writes: the model file itself, or the two in the folder. */
export function onnxExportFiles(kind: CheckpointKind, target: string): string[] {
  if (kind === 'cartpole') return [target];
  const { macro, micro } = layeredPolicyFiles(target);
  return [macro, micro];
}
