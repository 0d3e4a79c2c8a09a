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

export interface RewardSpec {
  /** Preset name or the file the spec came from, shown in the panel and CLI. */
  name: string;
  description?: string;
  components: Partial<Record<ComponentName, ComponentSpec>>;
}

export interface ComponentScore extends RewardValue {
  weight: number;
  /** weight × value; 0 when value is null. */
  contribution: number;
  range: readonly [number, number];
}

export interface CompositeScore {
  id: string;
  spec: string;
  total: number;
  /** The largest total this spec can give (Σ weight × range max for positive weights). */
  max: number;
  /** The smallest total this spec can give. */
  min: number;
  components: Partial<Record<ComponentName, ComponentScore>>;
}
