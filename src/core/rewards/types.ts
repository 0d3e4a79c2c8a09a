/**
 * The reward engine's vocabulary. A reward function is a small pure function from one record to one
 * value plus a human-readable detail (the TRL / open-r1 shape), and the composite is a weighted sum.
 */

export interface ChatMessage {
  role: string;
  content: string;
}

/** One thing to score. `completion` is always plain text: chat forms are flattened by the record reader. */
export interface RewardRecord {
  id: string;
  /** The prompt as plain text (chat prompts flattened to their user turns). */
  prompt: string;
  completion: string;
  /** Reference final answer (for accuracy and the cosine length reward). */
  answer?: string;
  /** Reference text for the similarity reward; falls back to `answer`. */
  reference?: string;
  /** Target language of the chain of thought, e.g. "en", "zh". Defaults to the prompt's dominant language. */
  language?: string;
  /** Scores a model computed for this record before the composite sum (see modelScores.ts). */
  modelScores?: Partial<Record<ModelComponentName, ModelScore>>;
  /** Values of the spec's workspace reward functions, computed in the sandbox before the sum (see workspace/). */
  functionScores?: Record<string, FunctionScore>;
}

/** The components whose value a model computes ahead of the (synchronous) composite sum. */
export type ModelComponentName = 'rm' | 'grm';

/** A model's score of one record, already normalized to [0, 1]; null when the model could not judge. */
export interface ModelScore {
  value: number | null;
  /** Raw model output and notes (logit, truncation, votes), shown in the breakdown and CLI. */
  detail: string;
  items?: string[];
}

/** The fixed component names scripts can rely on (CLI output keys). */
export const COMPONENT_NAMES = [
  'accuracy',
  'format',
  'language',
  'steps',
  'cosine',
  'repetition',
  'novelty',
  'similarity',
  'rm',
  'grm',
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** A span of the completion text (UTF-16 offsets, end exclusive) that evidence points at. */
export interface Highlight {
  start: number;
  end: number;
  /** What the span is, shown on hover and as its CSS class: 'think', 'answer', 'extracted', 'off-language', 'repeated', 'step'. */
  kind: HighlightKind;
  note?: string;
}
export type HighlightKind = 'think' | 'answer' | 'extracted' | 'off-language' | 'repeated' | 'step';

export interface RewardValue {
  /** The value in the function's documented range, or null when it cannot be judged (reason in `detail`). */
  value: number | null;
  /** Short human-readable reason: what was extracted, what counted, what failed. */
  detail: string;
  /** Spans of the completion that explain the value, for the breakdown panel. */
  highlights?: Highlight[];
  /** Items worth listing under the detail (off-language words, repeated n-grams, steps...). Capped by the function. */
  items?: string[];
}

/**
 * Why a component has no value because something went wrong (not because it does not apply): the
 * function raised, returned something that is not a reward, ran out of time or memory, or was not run
 * (an untrusted workspace). Such a component contributes nothing and marks the total incomplete.
 */
export interface ComponentError {
  kind: 'exception' | 'invalid' | 'timeout' | 'limit' | 'sandbox' | 'not-run';
  message: string;
  /** The Python traceback, when the function raised. */
  traceback?: string;
}

/** A workspace reward function's result for one sample (a FunctionScore rides on the record like a ModelScore). */
export interface FunctionScore {
  /** The reward; null when the function said "not applicable" (TRL's None) or when `error` is set. */
  value: number | null;
  detail: string;
  error?: ComponentError;
  /** What the function printed (stdout and stderr, interleaved) during the call that scored this sample. */
  output?: string;
  /** Extra values the function returned or logged for this sample: verl's dict keys, TRL's log_extra, OpenRLHF's scores. */
  items?: string[];
}

export interface RewardFunction<Options = Record<string, unknown>> {
  name: ComponentName;
  /** Closed range of the value, documented in the README. */
  range: readonly [number, number];
  description: string;
  defaults: Options;
  score(record: RewardRecord, options: Options): RewardValue;
}

/** One component of a composite spec: its weight and the function's options. */
export interface ComponentSpec {
  weight: number;
  options?: Record<string, unknown>;
}

/** The trainer whose calling convention a workspace reward function follows. */
export type FunctionStyle = 'trl' | 'verl' | 'openrlhf';

/**
 * A reward function of the user's own, named in the spec by module and function name (as verl's
 * custom_reward_function.path / .name): run in the evaluation sandbox's Python, in batches.
 */
export interface WorkspaceFunctionSpec {
  /** The component's name in the spec (and in every output). */
  name: string;
  weight: number;
  /** A .py file relative to the workspace, or a dotted module name importable from the virtual environment. */
  module: string;
  function: string;
  style: FunctionStyle;
  /** Extra keyword arguments of every call (verl's reward_kwargs). */
  kwargs?: Record<string, unknown>;
  /** Samples per call for the batch styles (trl, openrlhf); verl calls once per sample. */
  batchSize?: number;
  /** Wall-clock limit of the module's import and of each call, in seconds. */
  timeoutSeconds?: number;
  memoryMB?: number;
  /** TRL: pass prompts and completions as chat messages (true), as text (false), or as the record has them (auto). */
  conversational?: boolean | 'auto';
  /** OpenRLHF: the record field passed as `labels` (its --label_key). */
  labelKey?: string;
  /** The value's range, for the total's range in the breakdown (default [0, 1]). */
  range?: readonly [number, number];
}

export interface RewardSpec {
  /** Preset name or the file the spec came from, shown in the panel and CLI. */
  name: string;
  description?: string;
  components: Partial<Record<ComponentName, ComponentSpec>>;
  /** Workspace reward functions, in the spec's order; they come after the built-in components. */
  functions?: WorkspaceFunctionSpec[];
  /** The virtual environment the functions run with (relative to the workspace), so their imports resolve. */
  venv?: string;
}

export interface ComponentScore extends RewardValue {
  weight: number;
  /** weight × value; 0 when value is null. */
  contribution: number;
  range: readonly [number, number];
  /** Set when the value is missing because of a failure (see ComponentError); the total is then incomplete. */
  error?: ComponentError;
  /** A workspace reward function's printed output for this sample. */
  output?: string;
  /** A workspace reward function: where it comes from, e.g. "rewards/trl_rewards.py:accuracy_reward (trl)". */
  source?: string;
}

export interface CompositeScore {
  id: string;
  spec: string;
  total: number;
  /** The largest total this spec can give (Σ weight × range max for positive weights). */
  max: number;
  /** The smallest total this spec can give. */
  min: number;
  /** Built-in components by their fixed names, then workspace reward functions by their spec names. */
  components: Partial<Record<string, ComponentScore>>;
  /**
   * Components whose value is missing because of a failure (an exception, a bad return value, a timeout,
   * a function not run). Each contributed 0 to `total`, which is then the sum of the others only, not the
   * reward the spec defines: shown as "incomplete" beside it, never as a plain number.
   */
  incomplete?: string[];
}
