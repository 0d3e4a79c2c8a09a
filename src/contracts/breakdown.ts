/** Messages between the host and the Reward Breakdown webview. Model text is untrusted: render as text. */
import type { ComponentScore, CompositeScore, Highlight, HighlightKind } from '../core/rewards/types';

// The score types are the reward engine's own; webviews take them from here, never from core.
export type { ComponentScore, CompositeScore, Highlight, HighlightKind };

/** What the Reward Breakdown panel shows: one scored completion. */
export interface BreakdownView {
  score: CompositeScore;
  /** The document the completion came from, for the header. */
  document: { label: string; uri: string; version: number };
  /** The completion text the score's highlight offsets refer to. */
  completion: string;
  /** True when the completion is the editor's selection rather than the whole file. */
  fromSelection: boolean;
  /** Where the reference answer came from, shown next to the accuracy component. */
  answerSource: 'front-matter' | 'comment' | 'prompted' | 'none';
  /** Completions above this many characters are sent cut to it; highlights past it are dropped. */
  truncatedAt?: number;
  scoredAt: string;
  /** What the reward model and the generative judge said when one is configured. */
  models?: BreakdownModelsView;
}

// --- models in the Reward Breakdown: the rm and grm components' evidence -------------------

/** The ONNX reward model's score of the completion. */
export interface RmScoreView {
  model: string;
  /** Execution provider in use, e.g. "cpu", "cuda". */
  provider: string;
  logit: number;
  logits: number[];
  /** Normalized to [0, 1] (sigmoid, or softmax probability of the positive class). */
  score: number;
  tokens: number;
  maxLength: number;
  truncated?: { from: number; to: number };
}

/** One sampled judgement of the generative reward model. All text is model output: render as text. */
export interface GrmJudgementView {
  index: number;
  status: 'ok' | 'unparseable' | 'error' | 'cancelled';
  scores: number[] | null;
  error?: string;
  principles: Array<{ text: string; weight?: number }>;
  critique: string;
  /** The judge's whole answer (cut to GRM_TEXT_MAX characters; textLength says how long it was). */
  text: string;
  textLength: number;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  cost: number;
  latencyMs: number;
  attempts: number;
  model: string;
  meta?: { score: number | null; error?: string; kept: boolean };
}

export interface GrmVoteView {
  /** Valid judgements counted. */
  judgements: number;
  /** Σ scores and their mean (first response: the scored completion); null when nothing was counted. */
  sum: number | null;
  mean: number | null;
  /** Mean mapped to [0, 1]. */
  value: number | null;
  counted: number[];
}

export interface GrmScoreView {
  generator: string;
  k: number;
  scale: { min: number; max: number };
  meta?: { label: string; keep: number };
  judgements: GrmJudgementView[];
  voting: GrmVoteView;
  metaVoting?: GrmVoteView;
  /** The vote over the first k judgements, k = 1..K (how the result changes with k). */
  curve: Array<{ k: number; value: number | null; mean: number | null; metaValue?: number | null }>;
  usage: { promptTokens: number; completionTokens: number; estimated: boolean; cost: number; metaCost: number };
  cancelled: boolean;
  latencyMs: number;
  /** Set when the text changed since this judgement (re-scores after edits do not call the judge again). */
  stale?: string;
}

export interface BreakdownModelsView {
  rm?: RmScoreView | { error: string };
  grm?: GrmScoreView | { error: string };
  /** Models still running ("reward model…", "judgement 2 of 4…"); undefined when done. */
  running?: string;
}

export const GRM_TEXT_MAX = 20_000;

// Request and event maps are type aliases (not interfaces) so they satisfy RequestMap's index signature.
export type BreakdownRequests = {
  /** The webview finished loading; answers with the current view, if there is one. */
  ready: { params: Record<string, never>; result: BreakdownView | null };
  /** Score the same document (or selection) again with the current settings. */
  rescore: { params: Record<string, never>; result: BreakdownView | null };
  /** Select a span of the completion in its editor (offsets into `BreakdownView.completion`). */
  revealRange: { params: { start: number; end: number }; result: boolean };
  /** Open the reward spec in use: the workspace spec file, or the setting for presets. */
  openSpec: { params: Record<string, never>; result: void };
  /** Stop the reward model / judge still running for the shown document. */
  cancelModels: { params: Record<string, never>; result: void };
};

export type BreakdownEvents = {
  /** A new or updated score (after Score File/Selection, or an edit of the scored document). */
  breakdown: BreakdownView;
  /** Scoring failed (invalid spec, document closed); the last view stays with this banner above it. */
  error: { message: string };
  /** Progress of the models for the shown view (judgements as they finish), without resending the view. */
  modelProgress: { uri: string; running: string | undefined; judgements?: GrmJudgementView[] };
};
