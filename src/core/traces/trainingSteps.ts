/**
 * Per-training-step aggregates for the follow view: mean reward and mean CoT length (approximate
 * tokens of the reasoning) per `step`, R1's "thinking time grows" curve.
 */
import type { TrainingStepPoint } from './types';

export class TrainingStepCurve {
  private byStep = new Map<number, { n: number; rewardSum: number; rewardN: number; cotSum: number }>();

  add(step: number | undefined, reward: number | null | undefined, cotTokens: number): void {
    if (step === undefined) return;
    let a = this.byStep.get(step);
    if (!a) this.byStep.set(step, (a = { n: 0, rewardSum: 0, rewardN: 0, cotSum: 0 }));
    a.n++;
    a.cotSum += cotTokens;
    if (reward !== null && reward !== undefined) {
      a.rewardSum += reward;
      a.rewardN++;
    }
  }

  clear(): void {
    this.byStep.clear();
  }

  /** The curve, by step ascending. */
  points(): TrainingStepPoint[] {
    return [...this.byStep.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([step, a]) => ({ step, samples: a.n, meanReward: a.rewardN ? a.rewardSum / a.rewardN : null, meanCotTokens: a.cotSum / a.n }));
  }
}
