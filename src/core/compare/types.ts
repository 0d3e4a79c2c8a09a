/**
 * Checkpoint comparison's vocabulary: two or more rollout files (or eval runs) of the same prompts,
 * joined per prompt, as plain objects the CLI prints and the editor posts to its panel as they are.
 */
import type { MalformedEntry } from '../traces/types';

/** The per-prompt numbers a comparison ranks by. */
export type CompareMetric = 'reward' | 'pass' | 'length' | 'reflections';
export const COMPARE_METRICS: readonly CompareMetric[] = ['reward', 'pass', 'length', 'reflections'];

/**
 * How prompts are matched across files. id: the record's prompt / group id (task_id, prompt_id, uid,
 * an eval run's problem id); prompt: a hash of the prompt text; auto: by id when every file has ids,
 * else by prompt text.
 */
export type JoinBy = 'auto' | 'id' | 'prompt';

/** One prompt in one file: a few numbers, whatever the number of samples. */
export interface PromptMetrics {
  samples: number;
  /** Mean of the rewards in the file (null: no sample of this prompt has a reward). */
  meanReward: number | null;
  /** Share of judged samples that are correct; null when none could be judged (unknown, never 0). */
  passRate: number | null;
  /** Samples with a known verdict. */
  judged: number;
  /** Population std of the prompt's rewards: GRPO's advantage scale (0: no learning signal). */
  advantageSpread: number | null;
  /** Mean approximate tokens of the reasoning (CoT); null when the file has no text (an eval run). */
  meanCotTokens: number | null;
  /** Mean reflection and backtrack steps per sample (the step splitter's count). */
  meanReflections: number | null;
}

/** A change between two files of one metric set; null where either side is unknown. */
export interface MetricDeltas {
  reward: number | null;
  pass: number | null;
  length: number | null;
  reflections: number | null;
  spread: number | null;
}

/** Where a prompt's samples are in one file (entry and sub-sample index), for fetching them on demand. */
export interface SampleRef {
  entry: number;
  sub: number;
}

/** One prompt across the files, in the files' order. */
export interface PromptComparison {
  key: string;
  /** The first 200 characters of the prompt (or its id when the file has no text). */
  prompt: string;
  /** Per file; null when the prompt is not in that file. */
  perFile: Array<PromptMetrics | null>;
  /** File i to file i+1 (length files − 1). */
  steps: MetricDeltas[];
  /** First file to last. */
  total: MetricDeltas;
  /** Where its samples are in each file (at most MAX_REFS_PER_PROMPT; null where the file lacks it), to fetch them on demand. */
  refs: Array<SampleRef[] | null>;
}

/** One file's point on the aggregate curve, over the prompts every file has. */
export interface CurvePoint {
  file: number;
  /** Mean over prompts of the per-prompt mean reward. */
  meanReward: number | null;
  /** Correct / judged samples over the common prompts; null when none was judged. */
  passRate: number | null;
  judged: number;
  meanSpread: number | null;
  meanCotTokens: number | null;
  meanReflections: number | null;
  /** Common prompts whose group gives no learning signal (every reward equal). */
  zeroSpreadPrompts: number;
}

/** What was read from one file. */
export interface ComparedFile {
  file: string;
  /** The rollout format detected (or 'eval-run'). */
  format: string;
  samples: number;
  prompts: number;
  /** Prompts of this file that some other file lacks (left out of the comparison). */
  notInAll: number;
  /** Entries that could not be read (file line and reason); the rest was compared. Capped at MAX_MALFORMED_SHOWN. */
  malformed: MalformedEntry[];
  malformedCount: number;
  /** True when the file's rewards are 0/1 verdicts (pass rate then counts reward 1 as correct). */
  binaryRewards: boolean;
}

/** The whole comparison. */
export interface CheckpointComparison {
  files: ComparedFile[];
  /** How prompts were matched, and why. */
  join: { by: 'id' | 'prompt'; reason: string };
  /** Prompts present in every file: the only ones compared. */
  common: number;
  /** Prompts present in some files but not all. */
  partial: number;
  curve: CurvePoint[];
  /** Deltas of the curve, file i to i+1. */
  curveSteps: MetricDeltas[];
  by: CompareMetric;
  /** Common prompts whose `by` metric fell most, first to last (largest fall first). */
  regressions: PromptComparison[];
  /** Common prompts whose `by` metric rose most. */
  improvements: PromptComparison[];
  /** Common prompts that could not be ranked because the metric is unknown in the first or the last file. */
  unranked: number;
  /** True when the job was cancelled: the numbers cover the files read before. */
  cancelled: boolean;
}
