/** Messages between the host and the Trace Explorer webviews: Trace Stepper, Group View, Training Steps, Reward Hacks. */
import type { HackFinding, HackRuleId, HackScanSummary } from '../core/hacks/types';
export type { HackEvidence, HackFinding, HackRuleId, HackScanSummary } from '../core/hacks/types';
// A sample is named by its entry (0-based record index in the file) and sub (its place in that entry).
// The panels never get a whole trace: the stepper asks for windows of text and pages of steps, the
// group view for pages of rows, so a 50 MB record or a 100k-sample group stays responsive.

/** Step kinds as one letter each, in TraceStepperView.kinds: reasoning, reflection, backtrack, verification, conclusion. */
export type StepKindLetter = 'r' | 'f' | 'b' | 'v' | 'c';

export interface TraceSampleRef {
  entry: number;
  sub: number;
  /** In a compared prompt's Group View: which of the compared files (0-based, in their order). */
  file?: number;
}

/** The reasoning path tree, laid out for drawing: one lane per attempt, x = depth on the path. */
export interface TraceTreeDrawing {
  attempts: number;
  abandonedBranches: number;
  maxDepth: number;
  /** One segment per attempt: it leaves its branch point (fromDepth on lane fromAttempt) and runs along its lane. */
  segments: Array<{ attempt: number; abandoned: boolean; fromDepth: number; fromAttempt: number; startDepth: number; endDepth: number; firstStep: number; lastStep: number }>;
  /** Every node, when there are few enough to draw one by one (else null: only the segments are drawn). */
  nodes: Array<{ depth: number; attempt: number; step: number; kind: string; action: string; abandoned: boolean; candidate?: string }> | null;
  /** The submitted answer's node (depth, lane), when the trace has one. */
  submit: { depth: number; attempt: number; candidate?: string } | null;
}

/** What the Trace Stepper shows first: everything but the text, which it asks for in windows. */
export interface TraceStepperView {
  file: { label: string; path: string };
  sample: TraceSampleRef & { id: string; line: number; group: string; reward: number | null; advantage: number | null; rewardSource: string };
  /** The prompt, cut to its first few thousand characters (promptLength says how long it is). */
  prompt: string;
  promptLength: number;
  completionLength: number;
  think: { state: string; thinkStart: number; thinkEnd: number; answerStart: number; answerEnd: number };
  /** Per step: kind letter, [start, end) offsets into the completion, approximate tokens. */
  kinds: string;
  starts: number[];
  ends: number[];
  tokens: number[];
  /** Per-step scores from the record (process rewards), when it has them; else null. */
  stepScores: Array<number | null> | null;
  /** The reward engine's breakdown of this sample with the current spec. */
  score: { spec: string; total: number; max: number; components: Array<{ name: string; value: number | null; weight: number; detail: string; output?: string; failed?: 'error' | 'not run' }> } | null;
  tree: TraceTreeDrawing;
  /** Number of samples in this sample's group (the group view's button says it). */
  groupSize: number;
  /** Approximate tokens of the whole completion, as the tree counts them (the steps leave out tags and blank lines between them). */
  totalTokens: number;
  /** The file's own verdict on the sample and who gave it ("model_graded_fact", "score"), shown before ours. */
  verdict: { value: 'correct' | 'incorrect' | 'partial'; by: string } | null;
  /** The file's own scorers (Inspect's `scores`), in the file's order. */
  fileScores: Array<{ name: string; value: string; answer?: string; explanation?: string; metadata?: string }>;
  /** The record's conversation (chat and Inspect `messages`), each turn cut to a size the page holds. */
  transcript: Array<{ role: string; text: string; cut: number; toolCalls?: string[] }> | null;
  turnsLeftOut: number;
  /** The record's events (Inspect): kind, time, one line each. */
  events: Array<{ kind: string; time?: string; summary: string }> | null;
  eventsLeftOut: number;
  /** The sample's facts: epoch, target, token usage, metadata. */
  facts: Array<[string, string]>;
  /** The eval's header (Inspect: task, model, scorers, metrics, token usage), when the file has one. */
  header: Array<[string, string]> | null;
  /** True when the editor can open the file as text at the record's line; else the line button opens the record's JSON. */
  lineOpensText: boolean;
  /** The process reward model's last update for this sample, for a panel that loads after it was sent. */
  prmState?: StepScoresUpdate;
  /** True while the file is followed and the sample is shown as it is rewritten (a running agent episode). */
  live?: boolean;
}

/** Where a search within the shown sample found its text. */
export interface TraceSearchResult {
  /** Start offsets in the completion (at most the first 1,000). */
  matches: number[];
  /** All matches, also those past the cap. */
  total: number;
  /** Matches in the prompt. */
  inPrompt: number;
}


export interface TraceStepRow {
  index: number;
  kind: StepKindLetter;
  tokens: number;
  /** The step's first characters, as text. */
  preview: string;
}

export type TraceStepperRequests = {
  ready: { params: Record<string, never>; result: TraceStepperView | null };
  /** Steps [from, to) with previews (the step list scrolls virtually). */
  steps: { params: { from: number; to: number }; result: TraceStepRow[] };
  /** The completion's text in [start, end), at most TEXT_WINDOW_MAX characters. */
  text: { params: { start: number; end: number }; result: string };
  /** The full prompt is long: a window of it. */
  promptText: { params: { start: number; end: number }; result: string };
  /** Open the trace file at the sample's line (the record's JSON when the file is compressed, binary or huge). */
  openSource: { params: Record<string, never>; result: void };
  /** Open the record as written in the file, pretty-printed JSON, in an editor. */
  rawJson: { params: Record<string, never>; result: void };
  /** Find text in the sample (case-insensitive). */
  search: { params: { query: string }; result: TraceSearchResult };
  /** Open the group view of this sample's prompt. */
  openGroup: { params: Record<string, never>; result: void };
};

export type TraceStepperEvents = {
  show: TraceStepperView;
  /** The shown sample again, as its file now has it (a live sample): the view stays on the step the user is on. */
  update: TraceStepperView;
  error: { message: string };
  /** Per-step scores of the process reward model (reasoningLab.prm.path) for the shown sample, computed after `show`. */
  stepScores: StepScoresUpdate;
  /** The breakdown again once the workspace reward functions ran on the shown sample (in the traces worker), after `show`. */
  score: { sample: TraceSampleRef; score: TraceStepperView['score'] };
};

/** PRM per-step scores for one sample: `running` while the model works, then scores or an error. */
export interface StepScoresUpdate {
  sample: TraceSampleRef;
  state: 'running' | 'done' | 'error';
  /** One per stepper step (null: the model gave none, e.g. cut off by truncation). */
  scores?: Array<number | null>;
  /** "tiny-prm on cpu; cut from 900 to 512 tokens" or the error message. */
  detail: string;
}

/** Longest window of text the host sends in one response. */
export const TEXT_WINDOW_MAX = 200_000;

export interface TraceGroupView {
  file: { label: string; path: string };
  key: string;
  prompt: string;
  size: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  zeroAdvantage: boolean;
  /** Decimals that tell apart every two different rewards of the group (2 unless rounding would hide a difference). */
  rewardDecimals: number;
  /** Two samples to diff first (the top and the bottom by reward), when the group has two. */
  defaultPair: [TraceSampleRef, TraceSampleRef] | null;
  /** A prompt of compared checkpoint files: each file's group (rows carry `file`; advantages are within a file's group). */
  files?: Array<{ label: string; size: number; mean: number | null; std: number | null }>;
}

export interface TraceGroupRow extends TraceSampleRef {
  id: string;
  reward: number | null;
  advantage: number | null;
  tokens: number;
  cotTokens: number;
  steps: number;
  reflections: number;
  /** The answer part (after the reasoning), cut short, as text. */
  answer: string;
  /** The final answer: the file's scorer's, else the one Reasoning Lab extracts (\boxed{}, "the answer is …", the last number); null when none is found. */
  extracted: string | null;
  /** Who found `extracted`: the scorer's name, or the extraction rule. */
  extractedBy: string | null;
  format: number | null;
  accuracy: number | null;
  /** The file's own verdict (its scorer's, a boolean reward), which outranks `accuracy`. */
  verdict: 'correct' | 'incorrect' | 'partial' | null;
}

export interface TraceDiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export type TraceGroupRequests = {
  ready: { params: Record<string, never>; result: TraceGroupView | null };
  /** Rows [from, to) of the group, in file order (the table scrolls virtually). */
  rows: { params: { from: number; to: number }; result: TraceGroupRow[] };
  /** Word-level diff of two samples' completions (each cut to DIFF_MAX_CHARS). */
  diff: { params: { a: TraceSampleRef; b: TraceSampleRef }; result: { parts: TraceDiffPart[]; truncated: boolean; a: string; b: string } };
  /** Open a sample in the Trace Stepper. */
  openSample: { params: TraceSampleRef; result: void };
};

export type TraceGroupEvents = {
  show: TraceGroupView;
  error: { message: string };
};

export const DIFF_MAX_CHARS = 30_000;

export interface TrainingStepsView {
  file: { label: string; path: string };
  following: boolean;
  records: number;
  points: Array<{ step: number; samples: number; meanReward: number | null; meanCotTokens: number }>;
  message?: string;
}

export type TrainingStepsRequests = {
  ready: { params: Record<string, never>; result: TrainingStepsView | null };
};

export type TrainingStepsEvents = {
  show: TrainingStepsView;
};

/** The Reward Hacks panel: the finder's ranked findings over the open trace file, painted as they arrive. */
export interface HacksView {
  file: { label: string; path: string };
  state: 'running' | 'done' | 'cancelled' | 'error';
  /** Share of the file scanned (0…1). */
  fraction: number;
  /** Best-ranked first: provisional while running, the final list when done (at most HACKS_SHOWN). */
  findings: HackFinding[];
  /** The finder's summary, once done. */
  summary: HackScanSummary | null;
  /** Per rule: its title and what it looks for (the legend). */
  rules: Partial<Record<HackRuleId, { title: string; about: string }>>;
  error?: string;
}

/** Findings the panel lists (the finder keeps more; the CLI lists them all). */
export const HACKS_SHOWN = 500;

export type HacksRequests = {
  ready: { params: Record<string, never>; result: HacksView | null };
  /** Open a finding's sample in the Trace Stepper. */
  open: { params: TraceSampleRef; result: null };
  /** Stop the scan: what was found so far stays listed. */
  cancel: { params: Record<string, never>; result: null };
};

export type HacksEvents = {
  show: HacksView;
};
