/**
 * Which samples the explorer shows and in what order: the Trace Explorer tree and `traces --samples`
 * use the same conditions, the same orders and the same words for them.
 */
import type { SampleSummary } from './types';

/** What is shown: every condition set must hold. */
export interface SampleFilter {
  rewardMin?: number;
  rewardMax?: number;
  hasReflection?: boolean;
  formatFailed?: boolean;
  languageMixed?: boolean;
  /** Case-insensitive text in the prompt or the completion. */
  text?: string;
}

export type SampleSort = 'file' | 'reward-desc' | 'reward-asc' | 'advantage-desc' | 'length-desc' | 'reflections-desc';

export const SAMPLE_SORTS: readonly SampleSort[] = ['file', 'reward-desc', 'reward-asc', 'advantage-desc', 'length-desc', 'reflections-desc'];

/** Below this share of target-language words, a reasoning counts as language-mixed (R1's consistency reward). */
export const LANGUAGE_MIXED_BELOW = 0.9;

/** True when the sample counts as a format failure (R1's strict template, or an unclosed <think>). */
export function formatFailed(s: SampleSummary): boolean {
  return s.format === 0 || s.think === 'unclosed';
}

/** The active filter in a line ('' when nothing is filtered). */
export function describeFilter(f: SampleFilter): string {
  const parts: string[] = [];
  if (f.rewardMin !== undefined || f.rewardMax !== undefined) parts.push(`reward ${f.rewardMin ?? '−∞'}…${f.rewardMax ?? '∞'}`);
  if (f.hasReflection) parts.push('has reflection');
  if (f.formatFailed) parts.push('format failed');
  if (f.languageMixed) parts.push('language mixed');
  if (f.text) parts.push(`text “${f.text}”`);
  return parts.join(', ');
}

/** The order of two samples under `sort`; samples without a reward (or advantage) go last either way, ties in file order. */
export function compareSamples(sort: SampleSort, a: SampleSummary, b: SampleSummary): number {
  const by = (x: number | null, y: number | null, dir: 1 | -1) => (x === null ? (y === null ? 0 : 1) : y === null ? -1 : dir * (x - y));
  const tie = a.entry - b.entry || a.sub - b.sub;
  switch (sort) {
    case 'reward-desc':
      return by(a.reward, b.reward, -1) || tie;
    case 'reward-asc':
      return by(a.reward, b.reward, 1) || tie;
    case 'advantage-desc':
      return by(a.advantage, b.advantage, -1) || tie;
    case 'length-desc':
      return b.tokens - a.tokens || tie;
    case 'reflections-desc':
      return b.reflections - a.reflections || tie;
    default:
      return tie;
  }
}

/** "a..b" with either side optional (also "a…b", "a,b", "a to b"); undefined when it does not parse. */
export function parseRange(text: string): { min?: number; max?: number } | undefined {
  const m = /^\s*(-?[\d.]*(?:e-?\d+)?)\s*(?:\.\.|…|,|to)\s*(-?[\d.]*(?:e-?\d+)?)\s*$/i.exec(text);
  if (!m) return undefined;
  const num = (s: string) => (s === '' ? undefined : Number(s));
  const min = num(m[1]);
  const max = num(m[2]);
  if ((min !== undefined && !Number.isFinite(min)) || (max !== undefined && !Number.isFinite(max))) return undefined;
  return { min, max };
}
