/** The reward-model options `score --model` and `rm-eval` share, parsed once. */
import { isProviderChoice, PROVIDER_NAMES } from '../core/models/providers';
import type { RewardModelOptions } from '../core/models/types';
import { UsageError } from './common';

export const MODEL_OPTIONS = {
  model: { type: 'string' },
  provider: { type: 'string' },
  variant: { type: 'string' },
  'max-length': { type: 'string' },
  'batch-size': { type: 'string' },
  'no-batching': { type: 'boolean', default: false },
  threads: { type: 'string' },
} as const;

export const MODEL_USAGE = `    --model <dir>            reward model folder (Optimum export: model.onnx, config.json, tokenizer.json)
    --provider <name>        auto (default: GPU if it starts, else CPU) | ${PROVIDER_NAMES.join(' | ')} (forced, no fallback)
    --variant <v>            default (model.onnx) | quantized (model_quantized.onnx) | fp16 (model_fp16.onnx) | <file.onnx>
    --max-length <n>         cut inputs to n tokens (default: the model's maximum)
    --batch-size <n>         dynamic batching: up to n sequences per run (default 16)
    --no-batching            run one sequence at a time
    --threads <n>            CPU threads (default min(4, cores))`;

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

export function rewardModelOptions(values: Record<string, string | boolean | undefined>): RewardModelOptions {
  const provider = (values.provider as string | undefined) ?? 'auto';
  if (!isProviderChoice(provider)) throw new UsageError(`--provider must be auto or one of ${PROVIDER_NAMES.join(', ')}, got "${provider}"`);
  return {
    provider,
    variant: (values.variant as string | undefined) ?? 'default',
    maxLength: positiveInt(values['max-length'] as string | undefined, 'max-length'),
    threads: positiveInt(values.threads as string | undefined, 'threads'),
    batching: {
      enabled: !values['no-batching'],
      maxBatch: positiveInt(values['batch-size'] as string | undefined, 'batch-size') ?? 16,
    },
  };
}
