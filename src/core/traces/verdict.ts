/**
 * Is a sample correct, and who says so? The file's own judgement comes first: a categorical score
 * (Inspect's C / I / P / N, a boolean such as `is_solved` or Qwen2.5-Math's `score[]`), else a reward
 * on a 0/1 scale (every reward in the file is 0 or 1, as Tree-of-Thoughts' `infos[].r`). Without one,
 * the reward engine's accuracy against a reference answer decides. With neither the sample is
 * **unknown**, never incorrect: a sample nobody could check is not a wrong one.
 */
import type { FileScore, FileVerdict, SampleSummary } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The value a reward field holds: itself, or inside {r | reward | score | value | total}, or Inspect's first scorer's value. */
export function rewardScalar(v: unknown): unknown {
  if (!isObj(v)) return v;
  for (const k of ['r', 'reward', 'score', 'value', 'total']) if (v[k] !== undefined) return rewardScalar(v[k]);
  // Inspect scores: {scorer: {value}}: the first scorer
  const first = Object.values(v)[0];
  return isObj(first) && 'value' in first ? rewardScalar(first.value) : undefined;
}

/** The verdict a reward value written in a file states by itself (numbers do not: see `correctness`). */
export function verdictOf(raw: unknown): FileVerdict | undefined {
  const v = rewardScalar(raw);
  if (typeof v === 'boolean') return v ? 'correct' : 'incorrect';
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === 'C') return 'correct';
    if (t === 'I' || t === 'N') return 'incorrect';
    if (t === 'P') return 'partial';
  }
  return undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Inspect's `scores` object ({scorer: {value, answer, explanation, metadata}}) as a list, in the file's order. */
export function inspectScores(scores: unknown): FileScore[] | undefined {
  if (!isObj(scores)) return undefined;
  const out: FileScore[] = [];
  for (const [name, s] of Object.entries(scores)) {
    if (!isObj(s)) continue;
    const score: FileScore = { name, value: s.value ?? null };
    const answer = text(s.answer);
    const explanation = text(s.explanation);
    if (answer !== undefined) score.answer = answer;
    if (explanation !== undefined) score.explanation = explanation;
    if (isObj(s.metadata) && Object.keys(s.metadata).length) score.metadata = s.metadata;
    out.push(score);
  }
  return out.length ? out : undefined;
}

/** True when the file's rewards are verdicts: there are some, and every one is 0 or 1. */
export function fileRewardsAreBinary(summaries: Iterable<SampleSummary>): boolean {
  let any = false;
  for (const s of summaries) {
    if (s.rewardSource !== 'file') continue;
    if (s.reward !== 0 && s.reward !== 1) return false;
    any = true;
  }
  return any;
}

export interface Correctness {
  verdict: FileVerdict | 'unknown';
  /** Who judged: the file (its scorer or its 0/1 reward), the reward engine against the reference, or nobody. */
  by: 'file' | 'reference' | 'none';
}

/** The sample's correctness: the file's verdict, else its 0/1 reward (when `binaryRewards`), else accuracy; else unknown. */
export function correctness(s: SampleSummary, binaryRewards: boolean): Correctness {
  if (s.verdict) return { verdict: s.verdict, by: 'file' };
  if (binaryRewards && s.rewardSource === 'file' && (s.reward === 0 || s.reward === 1)) return { verdict: s.reward === 1 ? 'correct' : 'incorrect', by: 'file' };
  if (s.accuracy === 1) return { verdict: 'correct', by: 'reference' };
  if (s.accuracy === 0) return { verdict: 'incorrect', by: 'reference' };
  return { verdict: 'unknown', by: 'none' };
}
