/**
 * The trace explorer's vocabulary: what `openTraceFile` returns and what its methods give back. Every
 * value here is a plain object (JSON-serializable unless noted), so the extension host can post it to
 * a webview as it is.
 *
 * Words used throughout:
 * - **entry**: one unit of the file as stored: a JSONL line, an element of a JSON array, a Parquet row,
 *   a sample member of an Inspect `.eval` zip. Entries are indexed by byte offset and read on demand.
 * - **sample**: one completion. Most entries hold one sample; an entry with a `completions` /
 *   `responses` / `output[]` / `ys[]` array holds several (one GRPO group in one entry).
 * - **group**: the samples of one prompt (GRPO group): all samples of a multi-sample entry, or entries
 *   that share a group id, a prompt id or the same prompt text (and the same training step, when the
 *   records carry one).
 */
import type { CompositeScore, FunctionScore, RewardSpec } from '../rewards/types';
import type { FunctionRun, ScoreFunctionsRequest } from '../rewards/workspace/runner';
import type { Step } from '../rewards/reasoningSteps';
import type { ReadLimits } from '../shared/readLimits';

/** The shapes the reader recognises (detected from the first records; see detect.ts). */
export type TraceFormat =
  /** `{prompt, completion, reward?}` (also `response` / `output` / `text` for the completion). */
  | 'plain'
  /** `{messages: [{role, content}]}`: completion = last assistant turn. */
  | 'chat'
  /** Several completions per entry: `completions` / `responses` / `outputs` / `output[]` / `ys[]` arrays. */
  | 'multi'
  /** verl rollout dumps (`{step}.jsonl`): `input`, `output`, `gts`, `score`, `step`. */
  | 'verl'
  /** TRL completion tables (`prompt`, `completion`, `reward`, `step`, per-function reward columns), JSONL or Parquet. */
  | 'trl'
  /** Inspect AI samples (from `.eval` zips or `.json` logs): `input`, `target`, `output.choices`, `scores`. */
  | 'inspect'
  /** `reasoning-lab score` output: `{id, total, components}` (rewards only, no text). */
  | 'score-output';

/** How the bytes are stored. */
export type TraceContainer = 'jsonl' | 'json-array' | 'parquet' | 'inspect-eval';

/**
 * Field names to use when the guess is wrong. Each value is a field name or a dotted path
 * (`output.choices.0.message.content`). A mapping given here always wins over detection.
 */
export interface FieldMapping {
  prompt?: string;
  completion?: string;
  reward?: string;
  id?: string;
  /** The field whose value groups samples (a prompt id, a uid). */
  group?: string;
  /** The reference answer (for accuracy). */
  answer?: string;
  /** The training step (for the follow view's per-step curve). */
  step?: string;
}

/** What was detected (or mapped): the format and the field each piece of a sample comes from. */
export interface TraceShape {
  format: TraceFormat;
  container: TraceContainer;
  /** Field used for each piece; undefined when the records have none. */
  fields: { [K in keyof Required<FieldMapping>]: string | undefined } & {
    /** Separate reasoning field (R1's reasoning_content, `thinking`), wrapped as `<think>…</think>` before the completion. */
    thinking: string | undefined;
  };
  /** For a JSON object file: the key whose array holds the entries (`results`, `samples`, …). */
  arrayKey?: string;
  /** Human-readable note on why this shape was chosen (shown in the UI / CLI). */
  reason: string;
}

/** A line (or entry) that could not be used, and why. `line` is 1-based (JSONL line; for JSON arrays the line the element starts on; for Parquet the row number + 1). */
export interface MalformedEntry {
  /** 1-based line (row, sample); 0 when it is about the whole file (a Parquet footer or row group, a limit that stopped the read). */
  line: number;
  reason: string;
  /** The entry index, when the entry was indexed and failed on reading (JSON, UTF-8, missing fields). */
  entry?: number;
}

/** What the file's own judgement says of a sample (see verdict.ts). */
export type FileVerdict = 'correct' | 'incorrect' | 'partial';

/** One of the file's own scorers on a sample (Inspect `scores`): shown first, before the reward engine's judgement. */
export interface FileScore {
  name: string;
  /** The value as written: "C", 0.8, true, or an object of several values. */
  value: unknown;
  /** The answer the scorer extracted. */
  answer?: string;
  explanation?: string;
  metadata?: Record<string, unknown>;
}

/** One completion, ready for the reward engine (its fields match RewardRecord) and the explorer. */
export interface TraceSample {
  /** The record's id, else `"<entry>#<sub>"` / `"line-<n>"`. */
  id: string;
  /** 0-based entry index in the file, and the sample's position inside that entry. */
  entry: number;
  sub: number;
  /** 1-based line (or row) of the entry. */
  line: number;
  prompt: string;
  /** The completion text as the reward engine sees it (a separate thinking field is wrapped in `<think>` tags before it). */
  completion: string;
  /** The separate reasoning field, when the record had one (completion already includes it). */
  thinking?: string;
  answer?: string;
  reference?: string;
  language?: string;
  /** Reward from the file (number; booleans → 1/0; Inspect C/I/P → 1/0/0.5). Undefined when the file has none. */
  reward?: number;
  /** Training step, when the record carries one. */
  step?: number;
  /** Group key (see GroupStats.key). */
  group: string;
  /** The verdict the file's reward states (C/I/P/N, booleans), and the scorer that gave it when it is named. */
  verdict?: FileVerdict;
  verdictScorer?: string;
  /** The file's own scorers (Inspect samples), in the file's order. */
  fileScores?: FileScore[];
  /** The workspace reward functions' scores, when an analysis ran them (the reward engine reads them). */
  functionScores?: Record<string, FunctionScore>;
}

/** One entry as read on demand. `error` set means the entry was skipped (also listed in `malformed`). */
export interface TraceEntry {
  index: number;
  line: number;
  /** Size of the entry in bytes (0 for Parquet rows). */
  bytes: number;
  samples: TraceSample[];
  error?: string;
  /** The entry as written (its other fields are the dataset columns workspace reward functions get). */
  value?: unknown;
}

/** Progress of a long job (index, analysis, export): `done` of `total` in `unit`. */
export interface TraceProgress {
  phase: 'index' | 'analyze' | 'export';
  done: number;
  total: number;
  unit: 'bytes' | 'entries';
  /** Entries found so far. */
  entries: number;
}

/** Options of openTraceFile. */
export interface OpenOptions {
  /** Field names to use instead of the detected ones. */
  fields?: FieldMapping;
  /** Force a format instead of detecting it. */
  format?: TraceFormat;
  /** How many entries detection looks at (default 20). */
  detectEntries?: number;
  /** The file is still being written: a last line without a newline is left pending (not reported truncated) until it is complete. */
  follow?: boolean;
  /** What a read may allocate (the record size, JSON depth, inflate ratio…); default DEFAULT_READ_LIMITS. */
  limits?: ReadLimits;
}

/** Long-job controls: progress callbacks (at most a few per second) and cancellation. */
export interface JobControl {
  onProgress?: (p: TraceProgress) => void;
  signal?: AbortSignal;
}

/** Options of TraceFile.analyze. */
export interface AnalyzeOptions extends JobControl {
  /** Score samples with this spec: always when `rescore`, else only samples without a reward in the file. */
  rewards?: RewardSpec;
  rescore?: boolean;
  /** Score every sample with this spec only to fill `format` / `accuracy` in the summaries (the reward is not changed). Best-of-n export's correctOnly uses it. */
  judge?: RewardSpec;
  /** Keep per-sample summaries in the result (default true; the CLI's --stats turns it off). */
  keepSamples?: boolean;
  /**
   * Runs the spec's workspace reward functions (in the sandbox) on the samples it scores, a batch at a
   * time; `root` is the workspace folder their modules are relative to. Without it they are not run, and
   * each is an error on every sample it would have scored (never a 0).
   */
  functions?: { runner: { score(req: ScoreFunctionsRequest): Promise<Map<string, FunctionRun>> }; root: string };
  /** Why the functions are not run, when `functions` is not given (the error each of them is on every sample). */
  functionsNotRun?: string;
}

/** A workspace reward function that failed on a sample during an analysis. */
export interface FunctionFailure {
  line: number;
  id: string;
  function: string;
  message: string;
}

/** The failures of workspace reward functions in a pass: how many, and the first MAX_FUNCTION_FAILURES_SHOWN. */
export interface FunctionFailures {
  count: number;
  shown: FunctionFailure[];
}

/** A sample's summary for the explorer's prompts → samples tree (badges, filters, sorting). */
export interface SampleSummary {
  entry: number;
  sub: number;
  id: string;
  group: string;
  reward: number | null;
  /** Where the reward came from. */
  rewardSource: 'file' | 'scored' | 'none';
  /** (r − mean) / (std + eps) in its group; null when the sample has no reward. */
  advantage: number | null;
  steps: number;
  /** Steps labelled reflection or backtrack. */
  reflections: number;
  /** Approximate tokens of the completion / of the reasoning (CoT). */
  tokens: number;
  cotTokens: number;
  /** From the reward engine when the sample was scored (null: not scored or not judgeable). */
  format: number | null;
  accuracy: number | null;
  /** The `<think>` state: 'unclosed' marks outputs cut at the length limit. */
  think: 'tagged' | 'stray-close' | 'unclosed' | 'untagged';
  step?: number;
  /** The file's own verdict (its scorer's C / I / P, a boolean reward), when it states one; shown before `accuracy`. */
  verdict?: FileVerdict;
  verdictScorer?: string;
}

/**
 * GRPO group statistics. std is the **population** standard deviation (divide by n, as GRPO
 * implementations do); advantage = (r − mean) / (std + ADVANTAGE_EPS) with eps = 1e-4 (TRL's value),
 * so a group whose rewards are all equal gets advantage 0 for every sample and `zeroAdvantage: true`.
 * Samples without a reward are left out of mean / std (counted in `unrewarded`).
 */
export interface GroupStats {
  /** The group key: `id:<value>` for an explicit group / prompt id, `prompt:<hash>` for prompt text; prefixed by `step:<n>/` when records carry a training step. */
  key: string;
  /** The first 200 characters of the prompt. */
  prompt: string;
  size: number;
  rewarded: number;
  unrewarded: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  /** All rewarded samples have the same reward (and there are at least 2): no learning signal. */
  zeroAdvantage: boolean;
  /** The members, in file order: entry / sub, reward and advantage. */
  members: Array<{ entry: number; sub: number; id: string; reward: number | null; advantage: number | null }>;
  step?: number;
}

/** One point of the training-step curve (R1's "thinking time grows"): per `step`, mean reward and mean CoT length. */
export interface TrainingStepPoint {
  step: number;
  samples: number;
  meanReward: number | null;
  meanCotTokens: number;
}

/** What `TraceFile.analyze` returns: everything `traces --stats` prints, plus groups and per-sample summaries. */
export interface TraceAnalysis {
  /** Entries read successfully. */
  records: number;
  samples: number;
  groups: number;
  malformed: MalformedEntry[];
  steps: { total: number; meanPerRecord: number };
  /** Steps labelled reflection or backtrack. */
  reflections: number;
  zeroAdvantageGroups: number;
  rewards: { fromFile: number; scored: number; none: number; mean: number | null; spec?: string };
  groupStats: GroupStats[];
  trainingSteps: TrainingStepPoint[];
  /** Empty when AnalyzeOptions.keepSamples is false. */
  sampleSummaries: SampleSummary[];
  /** Failures of the spec's workspace reward functions: how many, and the first MAX_FUNCTION_FAILURES_SHOWN. */
  functionFailures?: FunctionFailures;
  timing: { indexMs: number; analyzeMs: number };
  /** True when the job was cancelled: the numbers cover what was read before. */
  cancelled: boolean;
}

/** How the file on disk differs from what was indexed. */
export type FileChange = 'unchanged' | 'appended' | 'truncated' | 'rewritten' | 'deleted';

/** The reasoning path tree: states and the actions between them. */
export type TreeAction = 'root' | 'expand' | 'backtrack' | 'submit';

export interface TreeNode {
  id: number;
  /** Parent node id; -1 for the root. */
  parent: number;
  /** How this node was reached: expand (a new step), backtrack (a step that abandons the current attempt and branches from an earlier point), submit (the final answer). */
  action: TreeAction;
  /** The step this node stands for (index into `steps`); -1 for the root and for a submit without a step. */
  step: number;
  kind: Step['kind'] | 'answer' | 'root';
  depth: number;
  /** The attempt (branch) this node belongs to, 0-based. */
  attempt: number;
  /** Not on the path from the root to the submitted answer (or to the last step when nothing was submitted). */
  abandoned: boolean;
  /** State: a candidate answer the step states (`\boxed{}`, "the answer is …"), if any. */
  candidate?: string;
  /** State: characters of reasoning on the path from the root up to and including this node. */
  context: number;
}

export interface ReasoningTree {
  nodes: TreeNode[];
  /** Number of attempts (1 + backtracks). */
  attempts: number;
  /** Attempts abandoned (all but the one that ends in the submitted answer / the last one). */
  abandonedBranches: number;
  /** The submit node's id, -1 when the trace has no final answer (e.g. an unclosed `<think>`). */
  submitted: number;
}

/** A sample with its steps and tree, for the Trace Stepper. */
export interface TraceDetail {
  sample: TraceSample;
  /** Steps of the reasoning part (offsets into `sample.completion`). */
  steps: Array<Omit<Step, 'tokens'> & { tokens: number }>;
  tree: ReasoningTree;
  think: { state: SampleSummary['think']; thinkStart: number; thinkEnd: number; answerStart: number; answerEnd: number };
  /** The reward engine's breakdown when a spec was given. */
  score?: CompositeScore;
}

/** Options of best-of-n export (rejection sampling). */
export interface ExportBestOptions extends JobControl {
  /** Keep at most this many samples per group (top by reward). */
  k: number;
  /** Keep only samples with accuracy = 1 and format = 1 (scored with `rewards`, default the r1 preset). */
  correctOnly?: boolean;
  /** Spec used when samples need scoring (no reward in the file, or correctOnly). */
  rewards?: RewardSpec;
  /** Include a system message first in each SFT record. */
  system?: string;
}

/** What the export wrote. */
export interface ExportSummary {
  groups: number;
  /** Groups with at least one sample written. */
  groupsKept: number;
  written: number;
  /**
   * incorrect: judged wrong (by the file's verdict or 0/1 reward, else by accuracy against the reference);
   * unjudged: nobody could judge it (no verdict in the file, no reference): unknown, not incorrect;
   * badFormat: correct but R1's `<think>` template fails (checked only when the file uses `<think>`).
   */
  skipped: { noReward: number; incorrect: number; unjudged: number; badFormat: number; beyondK: number };
  /** With correctOnly: how the samples were judged, and whether the format was checked. */
  judged?: { byFile: number; byReference: number; unknown: number; formatChecked: boolean };
  meanRewardWritten: number | null;
  cancelled: boolean;
}
