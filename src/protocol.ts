/**
 * Every message between the extension host and the webviews, typed, in one place.
 *
 * Webviews ask with a request (an id, a method, its params) and the host answers with a response that
 * carries the same id; the host pushes state with events. Webviews only render what arrives here:
 * they never read files or compute scores.
 */
import type { CompositeScore } from './core/rewards/types';
import type { Verdict } from './core/eval/types';

// ---------------------------------------------------------------------------------------------
// Reward Breakdown panel
// ---------------------------------------------------------------------------------------------

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
  /** What the reward model and the generative judge said (issue 5), when one is configured. */
  models?: BreakdownModelsView;
}

// --- models in the Reward Breakdown (issue 5): the rm and grm components' evidence -------------------

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

// ---------------------------------------------------------------------------------------------
// Eval Dashboard panel (issue 4)
// ---------------------------------------------------------------------------------------------

/** One stored evaluation run, as the dashboard lists it. `id` is the run file's path. */
export interface EvalRunInfo {
  id: string;
  label: string;
  createdAt: string;
  problemSet: string;
  samples: string;
  problems: number;
  judged: number;
  total: number;
  complete: boolean;
  passAtK: Record<string, number>;
  verdicts: Record<Verdict, number>;
  /** Mean wall-clock time per problem: the sum of its samples' times, averaged over the problems. */
  msPerProblem: number;
  /** What the sandbox could enforce ("fork server, no network, pid namespace, …"). */
  protections: string;
}

export type EvalVerdictFilter = Verdict | 'all' | 'failing';
export type EvalSortKey = 'problem' | 'difficulty' | 'passed' | 'passAt1' | 'verdict' | 'time';

/** One problem of a run: its samples summed up. */
export interface EvalProblemRow {
  problemId: string;
  title?: string;
  difficulty?: string;
  n: number;
  passed: number;
  passAtK: Record<string, number>;
  /** 'passed' when every sample passed, else the most frequent failing verdict. */
  verdict: Verdict;
  /** The first failing sample's reason (empty when all passed). */
  reason: string;
  ms: number;
}

/** A judged sample, with its code and the failing test, for the detail pane. All text is untrusted. */
export interface EvalSampleView {
  index: number;
  language: string;
  verdict: Verdict;
  reason: string;
  code?: string;
  origin?: string;
  failure?: { case?: number; line?: number; assertion?: string; input?: string; expected?: string; got?: string };
  traceback?: string;
  output?: string;
  wallMs: number;
  timeoutMs: number;
}

export interface EvalProblemDetail {
  run: string;
  problemId: string;
  title?: string;
  difficulty?: string;
  statement: string;
  samples: EvalSampleView[];
  /** Why the statement or code could not be shown (the problem set or samples file moved). */
  note?: string;
}

export interface EvalCompareRow {
  problemId: string;
  a?: { n: number; passed: number; verdict: Verdict };
  b?: { n: number; passed: number; verdict: Verdict };
  /** fixed: fails in A, passes in B; broken: the other way; changed: pass rate moved; same. */
  change: 'fixed' | 'broken' | 'changed' | 'same';
}

export type EvalDashboardRequests = {
  /** The webview loaded: the runs and the one to show. */
  ready: { params: Record<string, never>; result: { runs: EvalRunInfo[]; selected: string | null } };
  /** A page of a run's problem table (big runs are read on demand). */
  rows: {
    params: { run: string; offset: number; limit: number; sort: EvalSortKey; descending: boolean; verdict: EvalVerdictFilter; query: string };
    result: { total: number; rows: EvalProblemRow[] };
  };
  /** One problem of a run: statement, each sample's code and verdict, the failing test. */
  problem: { params: { run: string; problemId: string }; result: EvalProblemDetail };
  /** Two runs side by side, problem by problem (a page of rows). */
  compare: {
    params: { a: string; b: string; offset: number; limit: number; onlyChanged: boolean };
    result: { total: number; rows: EvalCompareRow[]; counts: Record<EvalCompareRow['change'], number> };
  };
  /** Open the problem's source (problem.md, the JSONL line) in an editor. */
  openProblem: { params: { run: string; problemId: string }; result: boolean };
  /** Start "Run Evaluation". */
  runEvaluation: { params: Record<string, never>; result: void };
};

export type EvalDashboardEvents = {
  /** The list of runs changed (a run started, progressed, finished); `selected` is the run to show. */
  runs: { runs: EvalRunInfo[]; selected: string | null };
};

// ---------------------------------------------------------------------------------------------
// Trace Explorer (issue 3): Trace Stepper, Group View, Training Steps
// ---------------------------------------------------------------------------------------------
// A sample is named by its entry (0-based record index in the file) and sub (its place in that entry).
// The panels never get a whole trace: the stepper asks for windows of text and pages of steps, the
// group view for pages of rows, so a 50 MB record or a 100k-sample group stays responsive.

/** Step kinds as one letter each, in TraceStepperView.kinds: reasoning, reflection, backtrack, verification, conclusion. */
export type StepKindLetter = 'r' | 'f' | 'b' | 'v' | 'c';

export interface TraceSampleRef {
  entry: number;
  sub: number;
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
  score: { spec: string; total: number; max: number; components: Array<{ name: string; value: number | null; weight: number; detail: string }> } | null;
  tree: TraceTreeDrawing;
  /** Number of samples in this sample's group (the group view's button says it). */
  groupSize: number;
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
  /** Open the trace file at the sample's line. */
  openSource: { params: Record<string, never>; result: void };
  /** Open the group view of this sample's prompt. */
  openGroup: { params: Record<string, never>; result: void };
};

export type TraceStepperEvents = {
  show: TraceStepperView;
  error: { message: string };
  /** Per-step scores of the process reward model (reasoningLab.prm.path) for the shown sample, computed after `show`. */
  stepScores: StepScoresUpdate;
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
  /** Two samples to diff first (the top and the bottom by reward), when the group has two. */
  defaultPair: [TraceSampleRef, TraceSampleRef] | null;
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
  format: number | null;
  accuracy: number | null;
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

// ---------------------------------------------------------------------------------------------
// Agent Training panel (issue 6): live learning curves of a Train Agent run, stop / resume
// ---------------------------------------------------------------------------------------------

/** Which agent a run trains: the hierarchical synthesis agent, or CartPole as the sanity check. */
export type AgentKind = 'synth' | 'cartpole-ppo' | 'cartpole-dqn';

/** One point of a run's learning curve (means over the last window of episodes). */
export interface AgentTrainingPoint {
  step: number;
  episodes: number;
  meanReturn: number;
  /** Share of episodes solved (held-back examples included); null for CartPole. */
  solveRate: number | null;
  /** Program lines (synthesis) or env steps (CartPole) per episode. */
  meanLength: number;
  /** Mean entropy of the (macro) policy; null when the algorithm has none (DQN). */
  entropy: number | null;
  policyLoss: number | null;
  valueLoss: number | null;
  tdLoss: number | null;
  /** Curriculum level (program length); null without a curriculum. */
  level: number | null;
  stepsPerSecond: number | null;
}

export type AgentTrainingStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'done' | 'error';

export interface AgentTrainingView {
  run: { id: string; dir: string; agent: AgentKind; agentLabel: string; problems: string; seed: number; totalSteps: number };
  status: AgentTrainingStatus;
  /** Error or notice shown above the charts. */
  message?: string;
  step: number;
  episodes: number;
  points: AgentTrainingPoint[];
  /** The last checkpoint written (Stop, the end of the run). */
  checkpoint?: { path: string; label: string; step: number; savedAt: string };
  /** Where the episodes are written as a trace file (synthesis runs). */
  episodesFile?: { path: string; label: string };
}

export type AgentTrainingRequests = {
  ready: { params: Record<string, never>; result: AgentTrainingView | null };
  /** Pause keeps the whole state in the worker; resume continues from it. */
  pause: { params: Record<string, never>; result: void };
  /** Resume a paused run, or a stopped one from its checkpoint. */
  resume: { params: Record<string, never>; result: void };
  /** Stop writes a checkpoint and ends the worker. */
  stop: { params: Record<string, never>; result: void };
  revealCheckpoint: { params: Record<string, never>; result: void };
  openEpisodes: { params: Record<string, never>; result: void };
};

export type AgentTrainingEvents = {
  /** The whole view (a new run, a status change). */
  show: AgentTrainingView;
  /** New curve points since `from` (the index of the first one) with the counters; the webview asks `ready` again if it missed some. */
  progress: { runId: string; from: number; points: AgentTrainingPoint[]; step: number; episodes: number };
};

// ---------------------------------------------------------------------------------------------
// Evaluate Reward Model panel (issue 5): RewardBench-style accuracy on preference pairs
// ---------------------------------------------------------------------------------------------

export interface RmEvalWrongRow {
  /** Line of the pairs file. */
  line: number;
  id?: string;
  subset?: string;
  /** Texts cut to RM_EVAL_TEXT_MAX characters each (all untrusted: render as text). */
  prompt: string;
  chosen: string[];
  rejected: string[];
  chosenLogits: number[];
  rejectedLogits: number[];
  margin: number;
}

export interface RmEvalView {
  file: { label: string; path: string };
  model: string;
  provider: string;
  /** running: pairs scored so far; done; cancelled (partial results); error (message). */
  state: 'running' | 'done' | 'cancelled' | 'error';
  done: number;
  total: number;
  message?: string;
  summary?: {
    n: number;
    accuracy: number;
    subsets: Array<{ name: string; n: number; accuracy: number }>;
    margins: { mean: number; min: number; p10: number; p50: number; p90: number; max: number };
    skipped: number;
  };
  /** Margin histogram (chosen − rejected logit): bins of equal width from lo to hi. */
  histogram?: { lo: number; hi: number; counts: number[] };
  wrongCount: number;
  /** Lines of the pairs file that could not be read (first few). */
  errors: Array<{ line: number; message: string }>;
}

export type RmEvalRequests = {
  ready: { params: Record<string, never>; result: RmEvalView | null };
  /** Wrong pairs [from, to) in file order (the list scrolls virtually). */
  wrong: { params: { from: number; to: number }; result: RmEvalWrongRow[] };
  /** Open the pairs file at a line. */
  openLine: { params: { line: number }; result: void };
  cancel: { params: Record<string, never>; result: void };
};

export type RmEvalEvents = {
  show: RmEvalView;
};

export const RM_EVAL_TEXT_MAX = 4000;

// ---------------------------------------------------------------------------------------------
// Envelope shared by every panel
// ---------------------------------------------------------------------------------------------

export type RequestMap = Record<string, { params: unknown; result: unknown }>;
export type EventMap = Record<string, unknown>;

export interface RequestMessage<R extends RequestMap, M extends keyof R & string = keyof R & string> {
  kind: 'request';
  id: number;
  method: M;
  params: R[M]['params'];
}

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

export interface EventMessage<E extends EventMap, K extends keyof E & string = keyof E & string> {
  kind: 'event';
  event: K;
  payload: E[K];
}

/** Messages a webview sends to the host. */
export type WebviewToHost<R extends RequestMap> = RequestMessage<R>;
/** Messages the host sends to a webview. */
export type HostToWebview<E extends EventMap> = ResponseMessage | EventMessage<E>;

export function isRequestMessage(value: unknown): value is RequestMessage<RequestMap> {
  const m = value as RequestMessage<RequestMap> | null;
  return !!m && m.kind === 'request' && typeof m.id === 'number' && typeof m.method === 'string';
}
