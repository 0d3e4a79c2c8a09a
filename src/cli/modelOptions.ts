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

/** The reward-model flags as parseArgs gives them. */
export type ModelValues = { [K in keyof typeof MODEL_OPTIONS]?: (typeof MODEL_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The reward-model flags checked into the options the model worker opens a model with (--model is apart). */
export function rewardModelOptions(values: ModelValues): RewardModelOptions {
  const provider = values.provider ?? 'auto';
  if (!isProviderChoice(provider)) throw new UsageError(`--provider must be auto or one of ${PROVIDER_NAMES.join(', ')}, got "${provider}"`);
  return {
    provider,
    variant: values.variant ?? 'default',
    maxLength: positiveInt(values['max-length'], 'max-length'),
    threads: positiveInt(values.threads, 'threads'),
    batching: {
      enabled: !values['no-batching'],
      maxBatch: positiveInt(values['batch-size'], 'batch-size') ?? 16,
    },
  };
}
