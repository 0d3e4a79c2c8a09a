/** The unbiased pass@k estimator (Chen et al. 2021) and run summaries. */
import type { EvalSummary, Problem, ProblemSummary, SampleResult, Verdict } from './types';
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

/** Per-problem and overall pass@k (mean over problems with ≥ k judged samples) and verdict counts. Infrastructure errors are not judged. */
export function summarizeJudgedSamples(problems: Pick<Problem, 'id'>[], results: SampleResult[], ks: number[]): EvalSummary {
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const byProblem = new Map<string, { n: number; c: number }>(problems.map((p) => [p.id, { n: 0, c: 0 }]));
  for (const r of results) {
    verdicts[r.verdict]++;
    if (r.verdict === 'infra_error') continue;
    const s = byProblem.get(r.problemId) ?? { n: 0, c: 0 };
    byProblem.set(r.problemId, s);
    s.n++;
    if (r.verdict === 'passed') s.c++;
  }
  const perProblem: ProblemSummary[] = [];
  const sums = new Map<number, { sum: number; count: number }>();
  for (const [problemId, { n, c }] of byProblem) {
    const passAtKs: Record<string, number> = {};
    for (const k of ks) {
      if (k > n) continue;
      const v = passAtK(n, c, k);
      passAtKs[k] = v;
      const s = sums.get(k) ?? { sum: 0, count: 0 };
      s.sum += v;
      s.count++;
      sums.set(k, s);
    }
    perProblem.push({ problemId, n, passed: c, passAtK: passAtKs });
  }
  const passAtKOverall: Record<string, number> = {};
  for (const k of ks) {
    const s = sums.get(k);
    if (s && s.count) passAtKOverall[k] = s.sum / s.count;
  }
  return { problems: byProblem.size, samples: results.length, passAtK: passAtKOverall, verdicts, perProblem };
}
