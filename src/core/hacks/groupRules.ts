/**
 * The rules that need more than one sample: length exploitation (within a GRPO group, reward rising
 * with length: the policy learns that longer pays, whatever it writes) and a reward model that
 * disagrees with the rule rewards (both scaled to [0, 1] over the file, since their scales differ).
 */
import type { HackThresholds } from './thresholds';
import type { HackEvidence, HackSampleRef } from './types';

/** Ranks 1…n with ties given their average rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation (the Pearson correlation of the ranks, ties averaged); null when either side is constant. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = rx[i] - mean;
    const dy = ry[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** A rewarded sample's place in its group: what the length rule reads. */
export interface GroupMemberStats {
  ref: HackSampleRef;
  reward: number;
  tokens: number;
}

export interface LengthHit {
  ref: HackSampleRef;
  reward: number;
  strength: number;
  message: string;
  evidence: HackEvidence[];
  numbers: Record<string, number | string | boolean | null>;
}

/** Length exploitation in one group: the finding sits on the longest of the best-rewarded samples. */
export function lengthHit(members: readonly GroupMemberStats[], t: HackThresholds): LengthHit | undefined {
  if (members.length < t.lengthMinGroup) return undefined;
  const rewards = members.map((m) => m.reward);
  const tokens = members.map((m) => m.tokens);
  const rho = spearman(rewards, tokens);
  if (rho === null || rho < t.lengthMinRho) return undefined;
  const byLength = [...members].sort((a, b) => a.tokens - b.tokens);
  const half = Math.floor(byLength.length / 2);
  const mean = (xs: GroupMemberStats[], f: (m: GroupMemberStats) => number) => xs.reduce((s, m) => s + f(m), 0) / Math.max(1, xs.length);
  const shortHalf = byLength.slice(0, half);
  const longHalf = byLength.slice(byLength.length - half);
  const maxReward = Math.max(...rewards);
  const anchor = [...members].filter((m) => m.reward === maxReward).sort((a, b) => b.tokens - a.tokens)[0];
  const shortR = mean(shortHalf, (m) => m.reward);
  const longR = mean(longHalf, (m) => m.reward);
  return {
    ref: anchor.ref,
    reward: anchor.reward,
    // ρ = threshold → 0.5, ρ = 1 → 1
    strength: 0.5 + (0.5 * (rho - t.lengthMinRho)) / Math.max(1e-9, 1 - t.lengthMinRho),
    message: `in its group of ${members.length}, reward rises with length: Spearman ρ = ${rho.toFixed(2)} ≥ ${t.lengthMinRho}; the shorter half averages ${shortR.toFixed(2)} at ${Math.round(mean(shortHalf, (m) => m.tokens))} tokens, the longer half ${longR.toFixed(2)} at ${Math.round(mean(longHalf, (m) => m.tokens))} tokens`,
    evidence: [],
    numbers: { rho: Number(rho.toFixed(4)), groupSize: members.length, shortHalfReward: Number(shortR.toFixed(4)), longHalfReward: Number(longR.toFixed(4)), tokens: anchor.tokens, lengthMinRho: t.lengthMinRho },
  };
}

/** A sample with both a rule reward and a reward-model score. */
export interface RmPair {
  ref: HackSampleRef;
  reward: number;
  rm: number;
}

export interface RmHit {
  ref: HackSampleRef;
  reward: number;
  strength: number;
  message: string;
  numbers: Record<string, number | string | boolean | null>;
}

/** Min-max scale to [0, 1] (0.5 for a constant). */
function scaler(xs: readonly number[]): (x: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return hi > lo ? (x) => (x - lo) / (hi - lo) : () => 0.5;
}

/**
 * Disagreements between rule rewards and reward-model scores. Scores already in [0, 1] (a model's
 * sigmoid) are used as they are; other scales are min-max scaled over the file.
 */
export function rmHits(pairs: readonly RmPair[], t: HackThresholds, source: string): RmHit[] {
  if (pairs.length < 2) return [];
  const rule = scaler(pairs.map((p) => p.reward));
  const inUnit = pairs.every((p) => p.rm >= 0 && p.rm <= 1);
  const rm = inUnit ? (x: number) => x : scaler(pairs.map((p) => p.rm));
  const out: RmHit[] = [];
  for (const p of pairs) {
    const a = rule(p.reward);
    const b = rm(p.rm);
    const gap = Math.abs(a - b);
    if (gap < t.rmMinGap) continue;
    const ruleHigh = a > b;
    out.push({
      ref: p.ref,
      reward: p.reward,
      strength: Math.min(1, gap),
      message: ruleHigh
        ? `the rule rewards it (${p.reward}, ${a.toFixed(2)} on the file's scale) but the reward model (${source}) scores it low (${p.rm.toFixed(3)}, ${b.toFixed(2)}): gap ${gap.toFixed(2)} ≥ ${t.rmMinGap}`
        : `the reward model (${source}) scores it high (${p.rm.toFixed(3)}, ${b.toFixed(2)}) but the rule reward is low (${p.reward}, ${a.toFixed(2)}): gap ${gap.toFixed(2)} ≥ ${t.rmMinGap}`,
      numbers: { ruleReward: p.reward, rmScore: Number(p.rm.toFixed(6)), ruleScaled: Number(a.toFixed(4)), rmScaled: Number(b.toFixed(4)), gap: Number(gap.toFixed(4)), direction: ruleHigh ? 'rule-high' : 'rm-high', rmMinGap: t.rmMinGap },
    });
  }
  return out;
}
