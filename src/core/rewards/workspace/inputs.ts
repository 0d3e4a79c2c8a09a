/**
 * What a workspace reward function is called with, built the way each trainer builds it:
 *
 * - TRL (GRPOTrainer._calculate_rewards): keyword arguments `prompts`, `completions`,
 *   `completion_ids` and one list per other dataset column (all columns but prompt / completion /
 *   completion_ids), for a batch of samples. Conversational data passes chat messages:
 *   prompts as message lists, completions as `[{"role": "assistant", "content": …}]`.
 * - verl (NaiveRewardManager): one call per sample, `data_source`, `solution_str` (the decoded
 *   response), `ground_truth` (`reward_model.ground_truth` of the data row) and `extra_info`.
 * - OpenRLHF (reward_func(queries, prompts, labels)): a batch of queries (prompt + response text),
 *   prompts, and labels (the field its --label_key names).
 *
 * The samples come from a record as read (its raw JSON fields are the dataset's columns) or, in the
 * editor, from a document (the front matter's keys are the columns).
 */
import type { ChatMessage, RewardRecord, WorkspaceFunctionSpec } from '../types';

/** One sample to score: the record, and the fields of the line it came from. */
export interface FunctionSample {
  /** The prompt as the data has it: text, or chat messages. */
  prompt: string | ChatMessage[];
  /** The completion as the data has it: text, or chat messages. */
  completion: string | ChatMessage[];
  promptText: string;
  completionText: string;
  answer?: string;
  /** The record's other fields: the dataset columns TRL passes as keyword arguments. */
  columns: Record<string, unknown>;
  /** The training step, when the record has one (TRL's trainer_state.global_step). */
  step?: number;
}

/** One call of the function: its arguments, and which samples (indices into the batch given) it scores. */
export interface FunctionCall {
  kwargs: Record<string, unknown>;
  step?: number;
  samples: number[];
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isMessages = (v: unknown): v is ChatMessage[] => Array.isArray(v) && v.every((m) => isObject(m) && typeof m.role === 'string');

/** Fields that are the sample itself, never a column (as TRL leaves out prompt, completion, completion_ids). */
const NOT_COLUMNS = new Set(['prompt', 'completion', 'messages', 'completion_ids']);

/**
 * A sample from a record and, when known, the JSON object it was read from (a JSONL line). A chat
 * record (`messages`) gives the turns before the last assistant message as the prompt and that message
 * as the completion, as TRL's conversational format does.
 */
export function functionSample(record: RewardRecord, raw?: Record<string, unknown>, step?: number): FunctionSample {
  let prompt: string | ChatMessage[] = record.prompt;
  let completion: string | ChatMessage[] = record.completion;
  const columns: Record<string, unknown> = {};
  if (raw) {
    if (typeof raw.prompt === 'string' || isMessages(raw.prompt)) prompt = raw.prompt;
    if (isMessages(raw.completion)) completion = raw.completion;
    if (raw.completion === undefined && isMessages(raw.messages)) {
      const last = raw.messages.map((m) => m.role).lastIndexOf('assistant');
      if (last >= 0) {
        prompt = raw.messages.slice(0, last);
        completion = [raw.messages[last]];
      }
    }
    for (const [k, v] of Object.entries(raw)) if (!NOT_COLUMNS.has(k)) columns[k] = v;
    if (raw.completion_ids !== undefined) columns.completion_ids = raw.completion_ids;
  } else {
    for (const k of ['id', 'answer', 'reference', 'language'] as const) if (record[k] !== undefined) columns[k] = record[k];
  }
  const sample: FunctionSample = { prompt, completion, promptText: record.prompt, completionText: record.completion, columns };
  if (record.answer !== undefined) sample.answer = record.answer;
  const s = step ?? (typeof raw?.step === 'number' ? raw.step : undefined);
  if (s !== undefined) sample.step = s;
  return sample;
}

function asMessages(v: string | ChatMessage[], role: 'user' | 'assistant'): ChatMessage[] {
  return typeof v === 'string' ? [{ role, content: v }] : v;
}

/** TRL's batch: prompts, completions, completion_ids and a list per column (missing values are None). */
function trlCall(f: WorkspaceFunctionSpec, samples: FunctionSample[], indices: number[]): FunctionCall {
  const batch = indices.map((i) => samples[i]);
  const chat = f.conversational === true || ((f.conversational ?? 'auto') === 'auto' && batch.some((s) => typeof s.prompt !== 'string' || typeof s.completion !== 'string'));
  const kwargs: Record<string, unknown> = {
    prompts: batch.map((s) => (chat ? asMessages(s.prompt, 'user') : s.promptText)),
    completions: batch.map((s) => (chat ? asMessages(s.completion, 'assistant') : s.completionText)),
    completion_ids: batch.map((s) => s.columns.completion_ids ?? null),
  };
  const keys: string[] = [];
  for (const s of batch) for (const k of Object.keys(s.columns)) if (!NOT_COLUMNS.has(k) && !keys.includes(k)) keys.push(k);
  for (const k of keys) kwargs[k] = batch.map((s) => (k in s.columns ? s.columns[k] : null));
  const call: FunctionCall = { kwargs, samples: indices };
  if (batch[0].step !== undefined) call.step = batch[0].step;
  return call;
}

/** verl's ground truth: the data row's reward_model.ground_truth, else a ground_truth / gts column, else the answer. */
function groundTruth(s: FunctionSample): unknown {
  const rm = s.columns.reward_model;
  if (isObject(rm) && rm.ground_truth !== undefined) return rm.ground_truth;
  return s.columns.ground_truth ?? s.columns.gts ?? s.answer ?? null;
}

function verlCall(s: FunctionSample, index: number): FunctionCall {
  return {
    kwargs: {
      data_source: s.columns.data_source ?? null,
      solution_str: s.completionText,
      ground_truth: groundTruth(s),
      extra_info: isObject(s.columns.extra_info) ? s.columns.extra_info : {},
    },
    samples: [index],
  };
}

function openrlhfCall(f: WorkspaceFunctionSpec, samples: FunctionSample[], indices: number[]): FunctionCall {
  const batch = indices.map((i) => samples[i]);
  const key = f.labelKey ?? 'answer';
  return {
    kwargs: {
      queries: batch.map((s) => (typeof s.columns.query === 'string' ? s.columns.query : s.promptText + s.completionText)),
      prompts: batch.map((s) => s.promptText),
      labels: batch.map((s) => (key in s.columns ? s.columns[key] : key === 'answer' ? (s.answer ?? null) : null)),
    },
    samples: indices,
  };
}

export const DEFAULT_BATCH_SIZE = 8;

/** The calls that score `samples` with `f`: batches of `batchSize` in order (trl, openrlhf), one per sample (verl). */
export function functionCalls(f: WorkspaceFunctionSpec, samples: FunctionSample[]): FunctionCall[] {
  if (f.style === 'verl') return samples.map((s, i) => verlCall(s, i));
  const size = Math.max(1, f.batchSize ?? DEFAULT_BATCH_SIZE);
  const calls: FunctionCall[] = [];
  for (let at = 0; at < samples.length; at += size) {
    const indices = Array.from({ length: Math.min(size, samples.length - at) }, (_, k) => at + k);
    calls.push(f.style === 'trl' ? trlCall(f, samples, indices) : openrlhfCall(f, samples, indices));
  }
  return calls;
}
