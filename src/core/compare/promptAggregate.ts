/**
 * One prompt's running totals in one file: a few numbers whatever the number of samples, so a 1 GB
 * rollout file of 100,000 prompts costs a few megabytes. Rewards are folded with Welford's update
 * (mean and M2) so the spread is exact without keeping the rewards.
 */
import type { Correctness } from '../traces/verdict';
import type { SampleSummary } from '../traces/types';
import type { PromptMetrics, SampleRef } from './types';

/** Sample positions kept per prompt and file, for the side-by-side view (the rest are counted, not kept). */
export const MAX_REFS_PER_PROMPT = 16;

export class PromptAggregate {
  samples = 0;
  rewarded = 0;
  private mean = 0;
  private m2 = 0;
  /** Judged by a verdict (the file's scorer, or accuracy against a reference). */
  private judged = 0;
  private correct = 0;
  /** Without a verdict but with a 0/1 reward from the file: judged only when the whole file's rewards are 0/1. */
  private binaryJudged = 0;
  private binaryOnes = 0;
  private cotTokens = 0;
  private reflections = 0;
  /** False for records without text (an eval run): length and reflections are then unknown. */
  private hasText = false;
  readonly refs: SampleRef[] = [];

  constructor(
    readonly key: string,
    /** The first 200 characters of the prompt, or its id. */
    readonly prompt: string,
    /** The hash key of the whole prompt text (join by prompt); undefined when the records carry no prompt. */
    readonly textKey: string | undefined,
  ) {}

  addReward(r: number): void {
    this.rewarded++;
    const d = r - this.mean;
    this.mean += d / this.rewarded;
    this.m2 += d * (r - this.mean);
  }

  /** One sample of a rollout file, summarized by the trace reader. */
  addSample(sum: SampleSummary, verdict: Correctness): void {
    this.samples++;
    if (sum.reward !== null) this.addReward(sum.reward);
    if (verdict.verdict !== 'unknown') {
      this.judged++;
      if (verdict.verdict === 'correct') this.correct++;
    } else if (sum.rewardSource === 'file' && (sum.reward === 0 || sum.reward === 1)) {
      this.binaryJudged++;
      if (sum.reward === 1) this.binaryOnes++;
    }
    this.hasText = true;
    this.cotTokens += sum.cotTokens;
    this.reflections += sum.reflections;
    if (this.refs.length < MAX_REFS_PER_PROMPT) this.refs.push({ entry: sum.entry, sub: sum.sub });
  }

  /** One judged sample of an eval run (passed or not; its reward is 1 or 0). */
  addJudged(passed: boolean, count = 1): void {
    for (let i = 0; i < count; i++) {
      this.samples++;
      this.addReward(passed ? 1 : 0);
      this.judged++;
      if (passed) this.correct++;
    }
  }

  /** Fold another aggregate of the same prompt in (two ids with one prompt text, joined by text). */
  merge(o: PromptAggregate): void {
    if (o.rewarded) {
      const n = this.rewarded + o.rewarded;
      const d = o.mean - this.mean;
      this.m2 += o.m2 + (d * d * this.rewarded * o.rewarded) / n;
      this.mean += (d * o.rewarded) / n;
      this.rewarded = n;
    }
    this.samples += o.samples;
    this.judged += o.judged;
    this.correct += o.correct;
    this.binaryJudged += o.binaryJudged;
    this.binaryOnes += o.binaryOnes;
    this.cotTokens += o.cotTokens;
    this.reflections += o.reflections;
    this.hasText ||= o.hasText;
    for (const r of o.refs) if (this.refs.length < MAX_REFS_PER_PROMPT) this.refs.push(r);
  }

  /** The prompt's numbers; `binaryRewards`: the file's rewards are all 0/1, so a reward of 1 counts as correct. */
  metrics(binaryRewards: boolean): PromptMetrics & { correct: number } {
    const judged = this.judged + (binaryRewards ? this.binaryJudged : 0);
    const correct = this.correct + (binaryRewards ? this.binaryOnes : 0);
    return {
      samples: this.samples,
      meanReward: this.rewarded ? this.mean : null,
      passRate: judged ? correct / judged : null,
      judged,
      correct,
      advantageSpread: this.rewarded ? Math.sqrt(Math.max(0, this.m2 / this.rewarded)) : null,
      meanCotTokens: this.hasText && this.samples ? this.cotTokens / this.samples : null,
      meanReflections: this.hasText && this.samples ? this.reflections / this.samples : null,
    };
  }
}
