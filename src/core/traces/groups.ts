/**
 * GRPO group statistics: per group, the mean and the population standard deviation of its rewards,
 * and each sample's advantage (r − mean) / (std + eps). eps = 1e-4 (TRL's GRPOTrainer value) keeps a
 * group whose rewards are all equal at advantage 0 instead of 0 / 0; such a group (two or more
 * rewarded samples, all equal) is flagged `zeroAdvantage`: it gives the policy no learning signal.
 */
import type { GroupStats } from './types';

export const ADVANTAGE_EPS = 1e-4;

export interface GroupMember {
  entry: number;
  sub: number;
  id: string;
  reward: number | null;
}

/** Mean and population std of a list of rewards (null when empty). */
export function meanStd(rewards: readonly number[]): { mean: number | null; std: number | null } {
  if (rewards.length === 0) return { mean: null, std: null };
  let sum = 0;
  for (const r of rewards) sum += r;
  const mean = sum / rewards.length;
  let ss = 0;
  for (const r of rewards) ss += (r - mean) * (r - mean);
  return { mean, std: Math.sqrt(ss / rewards.length) };
}

/** Statistics of one group. */
export function groupStats(key: string, prompt: string, members: readonly GroupMember[], step?: number): GroupStats {
  const rewards: number[] = [];
  for (const m of members) if (m.reward !== null) rewards.push(m.reward);
  const { mean, std } = meanStd(rewards);
  let min: number | null = null;
  let max: number | null = null;
  for (const r of rewards) {
    if (min === null || r < min) min = r;
    if (max === null || r > max) max = r;
  }
  const g: GroupStats = {
    key,
    prompt: prompt.length > 200 ? prompt.slice(0, 200) : prompt,
    size: members.length,
    rewarded: rewards.length,
    unrewarded: members.length - rewards.length,
    mean,
    std,
    min,
    max,
    zeroAdvantage: rewards.length >= 2 && min === max,
    members: members.map((m) => ({
      entry: m.entry,
      sub: m.sub,
      id: m.id,
      reward: m.reward,
      advantage: m.reward === null || mean === null || std === null ? null : (m.reward - mean) / (std + ADVANTAGE_EPS),
    })),
  };
  if (step !== undefined) g.step = step;
  return g;
}
