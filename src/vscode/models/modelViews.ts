/**
 * Model results as the webviews' protocol types: plain data, long model text cut, nothing that needs
 * `vscode` (unit-tested in plain Node).
 */
import type { GrmResult, Judgement, Vote } from '../../core/models/grm/judge';
import type { PairResult, RmEvalResult, WrongPair } from '../../core/models/rmEval';
import type { ModelInfo, RmScore, StepScore } from '../../core/models/types';
import { GRM_TEXT_MAX, type GrmJudgementView, type GrmScoreView, type GrmVoteView, type RmScoreView } from '../../contracts/breakdown';
import { RM_EVAL_TEXT_MAX, type RmEvalView, type RmEvalWrongRow } from '../../contracts/rmEval';

export function rmView(s: RmScore, info: ModelInfo): RmScoreView {
  const v: RmScoreView = { model: info.name, provider: info.provider.provider, logit: s.logit, logits: s.logits, score: s.score, tokens: s.tokens, maxLength: info.maxLength };
  if (s.truncated) v.truncated = { from: s.truncated.from, to: s.truncated.to };
  return v;
}

export function judgementView(j: Judgement): GrmJudgementView {
  const v: GrmJudgementView = {
    index: j.index,
    status: j.status,
    scores: j.scores,
    principles: j.principles.map((p) => (p.weight === undefined ? { text: cut(p.text, 2000) } : { text: cut(p.text, 2000), weight: p.weight })),
    critique: cut(j.critique, GRM_TEXT_MAX),
    text: cut(j.text, GRM_TEXT_MAX),
    textLength: j.text.length,
    promptTokens: j.usage.promptTokens,
    completionTokens: j.usage.completionTokens,
    estimated: !!j.usage.estimated,
    cost: j.cost,
    latencyMs: j.latencyMs,
    attempts: j.attempts,
    model: j.model,
  };
  if (j.error !== undefined) v.error = cut(j.error, 2000);
  if (j.meta) v.meta = { score: j.meta.score, kept: j.meta.kept, ...(j.meta.error ? { error: cut(j.meta.error, 1000) } : {}) };
  return v;
}

/** The vote for the first response (the scored completion). */
export function voteView(v: Vote): GrmVoteView {
  const n = v.judgements;
  return { judgements: n, sum: n ? v.sums[0] : null, mean: n ? v.means[0] : null, value: n ? v.values[0] : null, counted: v.counted };
}

export function grmView(r: GrmResult): GrmScoreView {
  const view: GrmScoreView = {
    generator: r.generator,
    k: r.k,
    scale: { min: r.scale.min, max: r.scale.max },
    judgements: r.judgements.map(judgementView),
    voting: voteView(r.voting),
    curve: r.curve.map((p) => {
      const point: GrmScoreView['curve'][number] = { k: p.k, value: p.voting.judgements ? p.voting.values[0] : null, mean: p.voting.judgements ? p.voting.means[0] : null };
      if (p.metaVoting) point.metaValue = p.metaVoting.judgements ? p.metaVoting.values[0] : null;
      return point;
    }),
    usage: {
      promptTokens: r.usage.promptTokens + r.usage.metaPromptTokens,
      completionTokens: r.usage.completionTokens + r.usage.metaCompletionTokens,
      estimated: r.usage.estimated,
      cost: r.usage.cost,
      metaCost: r.usage.metaCost,
    },
    cancelled: r.cancelled,
    latencyMs: r.latencyMs,
  };
  if (r.meta) view.meta = { label: r.meta.label, keep: r.meta.keep };
  if (r.metaVoting) view.metaVoting = voteView(r.metaVoting);
  return view;
}

/**
 * PRM scores onto the stepper's steps. The PRM scores segmentSteps(completion) of the whole text, the
 * stepper shows the steps inside <think>: a stepper step takes the score of the PRM step that starts
 * where it starts (the segmentation is the same), else of the PRM step covering most of it.
 */
export function alignStepScores(stepper: { starts: number[]; ends: number[] }, prm: StepScore[]): Array<number | null> {
  const byStart = new Map(prm.map((s) => [s.start, s]));
  return stepper.starts.map((start, i) => {
    const exact = byStart.get(start);
    if (exact) return exact.score;
    const end = stepper.ends[i];
    let best: StepScore | undefined;
    let bestOverlap = 0;
    for (const s of prm) {
      const overlap = Math.min(end, s.end) - Math.max(start, s.start);
      if (overlap > bestOverlap) [best, bestOverlap] = [s, overlap];
    }
    return best && bestOverlap * 2 >= end - start ? best.score : null;
  });
}

export const HISTOGRAM_BINS = 20;

/** Equal-width bins of the margins, from the smallest to the largest (one bin when they are all equal). */
export function marginHistogram(margins: number[], bins = HISTOGRAM_BINS): { lo: number; hi: number; counts: number[]; below?: number; above?: number } | undefined {
  const finite = margins.filter(Number.isFinite).sort((a, b) => a - b);
  if (!finite.length) return undefined;
  // Tukey's outer fences: only far outliers fall outside (into the end bins, counted)
  const q = (p: number) => finite[Math.round((finite.length - 1) * p)];
  const iqr = q(0.75) - q(0.25);
  let lo = iqr > 0 ? Math.max(finite[0], q(0.25) - 3 * iqr) : finite[0];
  let hi = iqr > 0 ? Math.min(finite[finite.length - 1], q(0.75) + 3 * iqr) : finite[finite.length - 1];
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const counts = new Array<number>(bins).fill(0);
  for (const m of finite) counts[Math.max(0, Math.min(bins - 1, Math.floor(((m - lo) / (hi - lo)) * bins)))]++;
  const below = finite.filter((m) => m < lo).length;
  const above = finite.filter((m) => m > hi).length;
  return { lo, hi, counts, ...(below ? { below } : {}), ...(above ? { above } : {}) };
}

export function rmEvalSummaryView(result: RmEvalResult): Pick<RmEvalView, 'summary' | 'histogram' | 'wrongCount'> {
  const s = result.summary;
  return {
    summary: {
      n: s.n,
      accuracy: s.accuracy,
      subsets: Object.entries(s.subsets)
        .map(([name, v]) => ({ name, n: v.n, accuracy: v.accuracy }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      margins: s.margins,
      skipped: s.skipped,
    },
    histogram: marginHistogram(result.pairs.map((p: PairResult) => p.margin)),
    wrongCount: result.wrong.length,
  };
}

export function wrongRow(w: WrongPair): RmEvalWrongRow {
  const row: RmEvalWrongRow = {
    line: w.line,
    prompt: cut(w.prompt, RM_EVAL_TEXT_MAX),
    chosen: w.chosen.slice(0, 16).map((t) => cut(t, RM_EVAL_TEXT_MAX)),
    rejected: w.rejected.slice(0, 16).map((t) => cut(t, RM_EVAL_TEXT_MAX)),
    chosenLogits: w.chosenLogits,
    rejectedLogits: w.rejectedLogits,
    margin: w.margin,
  };
  if (w.id !== undefined) row.id = w.id;
  if (w.subset !== undefined) row.subset = w.subset;
  return row;
}

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
