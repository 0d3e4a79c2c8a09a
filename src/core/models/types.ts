/**
 * What the model layer hands out, the same whether a model runs in this thread (tests, benchmarks)
 * or in the model worker (editor, CLI: modelHost.ts). Plain data, so it crosses postMessage as is.
 */
import type { ChatMessage } from '../rewards/types';
import type { BatchingOptions } from './batcher';
import type { ModelVariant } from './modelFolder';
import type { ProviderChoice, ProviderStatus } from './providers';

export interface LoadOptions {
  /** 'auto' (default) tries GPU providers and falls back to CPU; a name forces one provider, without fallback. */
  provider?: ProviderChoice;
  /** Which ONNX file: 'default' (model.onnx), 'quantized' (model_quantized.onnx), 'fp16' (model_fp16.onnx), or a file name. */
  variant?: ModelVariant;
  /** Cut inputs to this many tokens; default and upper bound: the model's position embeddings. */
  maxLength?: number;
  /** CPU intra-op threads (default min(4, cores)). */
  threads?: number;
}

export interface RewardModelOptions extends LoadOptions {
  batching?: Partial<BatchingOptions>;
  /** Class whose probability is the score, by id2label name or index (default: a "positive/good/chosen…" label, else the last). */
  positiveLabel?: string | number;
  /**
   * How a prompt and a completion become one text for a model without a chat template (default
   * `{prompt}\n\n{completion}` for decoders; encoders use the tokenizer's pair encoding
   * [CLS] prompt [SEP] completion [SEP] unless this is set).
   */
  pairTemplate?: string;
  /** Append EOS to decoder inputs when the tokenizer does not (default true without a chat template: GPT-2-style RMs are trained with it). */
  appendEos?: boolean;
}

export type ModelKind = 'reward' | 'prm' | 'causal-lm';

export interface ModelInfo {
  dir: string;
  name: string;
  modelFile: string;
  variant: string;
  kind: ModelKind;
  family: 'encoder' | 'decoder';
  architecture: string;
  maxLength: number;
  vocabSize: number;
  labels: string[];
  /** Index of the class read as "good" (reward models with several classes, PRMs). */
  positiveLabel: number;
  /** True when inputs are formatted with the tokenizer's chat template. */
  chatTemplate: boolean;
  provider: ProviderStatus;
  inputNames: string[];
  outputNames: string[];
}

/** One thing to score: a prompt and a response (text or chat messages), or a raw text used as is. */
export type RmInput = { prompt?: string | ChatMessage[]; completion: string | ChatMessage[] } | { text: string };

export interface Truncation {
  from: number;
  to: number;
  /** 'prompt': only the prompt's beginning was cut; 'completion': the whole prompt and the completion's end; 'text': a raw text's end (PRM: the steps'). */
  part?: 'prompt' | 'completion' | 'text';
}

export interface RmScore {
  /** Logit of the positive class (the only logit of a single-logit RM). */
  logit: number;
  logits: number[];
  /** In [0, 1]: sigmoid(logit) for one logit, softmax probability of the positive class otherwise. */
  score: number;
  /** Tokens the model saw. */
  tokens: number;
  truncated?: Truncation;
}

export interface ScoreOptions {
  signal?: AbortSignal;
  /** Called as results come in: (scored so far, total). */
  onProgress?: (done: number, total: number) => void;
}

/** A reward model, wherever it runs. */
export interface RewardScorer {
  readonly info: ModelInfo;
  score(inputs: RmInput[], options?: ScoreOptions): Promise<RmScore[]>;
  dispose(): Promise<void>;
}

export interface StepScore {
  /** Index into segmentSteps(completion) (the trace explorer's steps). */
  stepIndex: number;
  start: number;
  end: number;
  /** P(good) at the separator after this step; null when truncation cut the step off. */
  score: number | null;
}

export interface PrmResult {
  steps: StepScore[];
  tokens: number;
  truncated?: Truncation;
}

export interface PrmInput {
  prompt: string;
  completion: string;
}

export interface ProcessRewardScorer {
  readonly info: ModelInfo;
  scoreSteps(input: PrmInput, options?: { signal?: AbortSignal }): Promise<PrmResult>;
  dispose(): Promise<void>;
}

export type { BatchingOptions, ProviderChoice, ProviderStatus };
