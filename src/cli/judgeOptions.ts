/**
 * The generative-reward-model flags `judge` and `score` share: the judge endpoint, k, the meta RM,
 * sampling and prices. The API key is read from the environment variable named by --judge-key-env,
 * never from argv (argv shows in `ps` and shell history).
 */
import type { ParseArgsConfig } from 'node:util';
import { OpenAiChatGenerator } from '../core/models/generators/openai';
import { llmMetaJudge, rewardModelMeta, type MetaRewardModel } from '../core/models/grm/meta';
import type { TextGenerator } from '../core/models/generation';
import { ModelHost } from '../core/models/modelHost';
import { ModelError } from '../core/models/errors';
import { MAX_K, type GrmJudgeOptions } from '../core/models/grm/judge';
import type { Prices } from '../core/models/grm/usage';
import { errorMessage } from '../core/shared/errors';
import { UsageError, workerScript } from './common';

export const JUDGE_OPTIONS = {
  'judge-url': { type: 'string' },
  'judge-local': { type: 'string' },
  'meta-rm': { type: 'string' },
  'judge-model': { type: 'string' },
  'judge-key-env': { type: 'string' },
  k: { type: 'string' },
  'meta-k': { type: 'string' },
  'meta-model': { type: 'string' },
  temperature: { type: 'string' },
  'max-tokens': { type: 'string' },
  concurrency: { type: 'string' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  seed: { type: 'string' },
  'price-in': { type: 'string' },
  'price-out': { type: 'string' },
  'no-stream': { type: 'boolean', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const JUDGE_USAGE = `    --judge-url <url>        OpenAI-compatible API root of the judge (vLLM, Ollama …/v1, llama.cpp, LM Studio)
    --judge-model <name>     the model the server serves
    --judge-key-env <VAR>    read the API key from this environment variable (never pass a key in argv)
    --judge-local <dir>      or judge with a local ONNX causal LM folder (instead of --judge-url)
    --k <n>                  judgements sampled in parallel and voted (default 4, max ${MAX_K})
    --meta-k <n>             meta-RM-guided voting: an LLM meta-judge (same server) keeps the best n of k
    --meta-model <name>      model of the meta-judge (default: the judge model)
    --meta-rm <dir>          use this ONNX reward model folder as the meta RM instead of an LLM meta-judge
    --temperature <t>        sampling temperature of the judgements (default 0.7)
    --max-tokens <n>         per judgement (default 1024)
    --concurrency <n>        requests in flight (default 4)
    --timeout-ms <ms>        per request attempt (default 120000)
    --retries <n>            retries on 429 / 5xx / dropped connections (default 4)
    --seed <n>               judgement i uses seed n + i
    --price-in <usd>         USD per 1M prompt tokens, for the cost (default 0)
    --price-out <usd>        USD per 1M completion tokens (default 0)
    --no-stream              ask for whole JSON answers instead of server-sent events`;

/** The judge flags as parseArgs gives them. */
export type JudgeValues = { [K in keyof typeof JUDGE_OPTIONS]?: (typeof JUDGE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/**
 * The judge flags, checked: what `judge` and `score` open the judge with. The checks that need the
 * final k (the spec's, when --k is absent) or the opened models are made by judgeOptionsFrom.
 */
export interface JudgeFlags {
  /** OpenAI-compatible API root (--judge-url). */
  url?: string;
  /** A local ONNX causal LM folder that judges instead (--judge-local). */
  local?: string;
  /** The model the server serves (--judge-model; required with --judge-url). */
  model?: string;
  /** From the environment variable --judge-key-env names. */
  apiKey?: string;
  k?: number;
  metaK?: number;
  metaModel?: string;
  metaRm?: string;
  temperature?: number;
  maxTokens?: number;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  seed?: number;
  prices?: Prices;
  stream: boolean;
}

function number(name: string, raw: string | undefined, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const bad =
    raw.trim() === '' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max);
  if (bad) throw rangeError(name, raw, opts);
  return v;
}

function rangeError(name: string, raw: string, opts: { integer?: boolean; min?: number; max?: number }): UsageError {
  const range = opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : opts.min !== undefined ? ` ≥ ${opts.min}` : '';
  return new UsageError(`--${name} must be ${opts.integer ? 'an integer' : 'a number'}${range}, got "${raw}"`);
}

/** Refuse a key given on the command line before parseArgs reports it as an unknown option. */
export function refuseKeyInArgv(args: string[]): void {
  if (args.some((a) => /^--(judge-key|api-key|key)(=|$)/.test(a))) {
    throw new UsageError('pass the API key through an environment variable: --judge-key-env VAR (a key in argv shows in ps and shell history)');
  }
}

/** Whether the flags name a judge (--judge-url or --judge-local). */
export function judgeConfigured(values: JudgeValues): boolean {
  return values['judge-url'] !== undefined || values['judge-local'] !== undefined;
}

/** The judge flags checked into JudgeFlags (every usage error that does not depend on the final k). */
export function parseJudgeFlags(values: JudgeValues): JudgeFlags {
  const url = values['judge-url'];
  const local = values['judge-local'];
  if (url !== undefined && local !== undefined) throw new UsageError('give either --judge-url or --judge-local, not both');
  const model = values['judge-model'];
  if (url && !model) throw new UsageError('--judge-model is required with --judge-url (the model name the server serves)');
  if (values['meta-rm'] !== undefined && values['meta-model'] !== undefined) throw new UsageError('give either --meta-model (LLM meta-judge) or --meta-rm (ONNX reward model), not both');
  let apiKey: string | undefined;
  const keyVar = values['judge-key-env'];
  if (keyVar !== undefined) {
    apiKey = process.env[keyVar];
    if (!apiKey) throw new UsageError(`--judge-key-env ${keyVar}: the environment variable ${keyVar} is not set or empty`);
  }
  const k = number('k', values.k, { integer: true, min: 1, max: MAX_K });
  const metaK = number('meta-k', values['meta-k'], { integer: true, min: 1, max: k ?? MAX_K });
  if (metaK === undefined && (values['meta-model'] !== undefined || values['meta-rm'] !== undefined)) {
    throw new UsageError(`--${values['meta-rm'] !== undefined ? 'meta-rm' : 'meta-model'} needs --meta-k (how many judgements the meta RM keeps)`);
  }
  const priceIn = number('price-in', values['price-in'], { min: 0 });
  const priceOut = number('price-out', values['price-out'], { min: 0 });
  return {
    url,
    local,
    model,
    apiKey,
    k,
    metaK,
    metaModel: values['meta-model'],
    metaRm: values['meta-rm'],
    temperature: number('temperature', values.temperature, { min: 0, max: 2 }),
    maxTokens: number('max-tokens', values['max-tokens'], { integer: true, min: 1 }),
    concurrency: number('concurrency', values.concurrency, { integer: true, min: 1, max: 64 }),
    timeoutMs: number('timeout-ms', values['timeout-ms'], { integer: true, min: 1 }),
    retries: number('retries', values.retries, { integer: true, min: 0, max: 20 }),
    seed: number('seed', values.seed, { integer: true }),
    prices: priceIn !== undefined || priceOut !== undefined ? { inputPerMTok: priceIn ?? 0, outputPerMTok: priceOut ?? 0 } : undefined,
    stream: !values['no-stream'],
  };
}

/** Models the flags need opened first (local LM judge, ONNX meta RM); undefined = from the URL. */
export interface JudgeModels {
  generator?: TextGenerator;
  metaRm?: MetaRewardModel;
}

/**
 * The judge options with the local models opened in the model worker (--judge-local, --meta-rm);
 * `dispose` stops the worker. A model that cannot be opened is a clear error (ModelError's message).
 */
export async function openJudge(flags: JudgeFlags, defaultK?: number): Promise<{ options: GrmJudgeOptions; dispose(): Promise<void> }> {
  if (flags.local === undefined && flags.metaRm === undefined) return { options: judgeOptionsFrom(flags, defaultK), dispose: async () => undefined };
  judgeOptionsFrom(flags, defaultK, { generator: placeholder, metaRm: flags.metaRm ? placeholderMeta : undefined }); // usage errors before loading anything
  const host = new ModelHost(workerScript('modelWorker'));
  try {
    const models: JudgeModels = {};
    if (flags.local) models.generator = await host.openLocalLm(flags.local);
    if (flags.metaRm) {
      const rm = await host.openRewardModel(flags.metaRm);
      models.metaRm = rewardModelMeta(rm, `reward model ${rm.info.name}`);
    }
    return { options: judgeOptionsFrom(flags, defaultK, models), dispose: () => host.dispose() };
  } catch (err) {
    await host.dispose();
    if (err instanceof ModelError) throw new UsageError(err.message);
    throw err;
  }
}

const placeholder: TextGenerator = { id: 'local', label: 'local', generate: () => Promise.reject(new Error('not opened')) };
const placeholderMeta: MetaRewardModel = { label: 'rm', score: () => Promise.reject(new Error('not opened')) };

/** GrmJudgeOptions from the checked flags; `defaultK` is the spec's k when --k is absent. */
export function judgeOptionsFrom(flags: JudgeFlags, defaultK?: number, models: JudgeModels = {}): GrmJudgeOptions {
  if (flags.local !== undefined && !models.generator) throw new UsageError('--judge-local needs the model opened first (openJudge)');
  if (!flags.url && !models.generator) throw new UsageError('--judge-url is required (e.g. http://127.0.0.1:8000/v1), or --judge-local <dir>');
  const k = flags.k ?? defaultK ?? 4;
  if (flags.metaK !== undefined && flags.metaK > k) throw rangeError('meta-k', String(flags.metaK), { integer: true, min: 1, max: k });
  if (k > 1 && flags.temperature === 0) throw new UsageError(`--temperature 0 would make the ${k} judgements identical; use a temperature > 0 or --k 1`);
  const common = { baseUrl: flags.url ?? '', apiKey: flags.apiKey, stream: flags.stream, timeoutMs: flags.timeoutMs, maxRetries: flags.retries };
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  const chat = (model: string) => {
    try {
      return new OpenAiChatGenerator(defined({ ...common, model }));
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
  };
  const generator = models.generator ?? chat(flags.model!);
  const options: GrmJudgeOptions = {
    generator,
    k,
    temperature: flags.temperature,
    maxTokens: flags.maxTokens,
    concurrency: flags.concurrency,
    seed: flags.seed,
    prices: flags.prices,
  };
  if (flags.metaK !== undefined) {
    const metaJudge = () => llmMetaJudge(flags.url ? chat(flags.metaModel ?? flags.model!) : generator, { prices: flags.prices });
    options.meta = { model: models.metaRm ?? metaJudge(), keep: flags.metaK };
  }
  return defined(options);
}
