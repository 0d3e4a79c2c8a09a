/**
 * The generative reward model with inference-time scaling (DeepSeek-GRM): k SPCT judgements are
 * sampled in parallel (bounded concurrency, temperature > 0 so they differ), each parsed into one
 * score per response, and voted by summing the scores per response. Optionally a meta reward model
 * scores every judgement and only the top k_meta take part in the vote. A failed or unparseable
 * judgement is reported and left out; the vote goes on with the rest.
 *
 * The result keeps everything the breakdown panel shows: every judgement (principles, critique,
 * scores or the reason it has none, tokens, cost, latency, attempts, meta score, kept or not), the
 * vote, and the "scaling curve" — the vote over the first k judgements for k = 1..K.
 */
import type { ModelScore, RewardRecord } from '../../rewards/types';
import type { TextGenerator, TokenUsage } from '../generation';
import type { MetaRewardModel, MetaScore } from './meta';
import { parseJudgement, type Principle } from './parse';
import { buildJudgeMessages, SCORE_SCALE, type ScoreScale } from './spct';
import { costOf, type Prices } from './usage';

export const MAX_K = 64;

export interface GrmJudgeOptions {
  generator: TextGenerator;
  /** Judgements sampled and voted (default 4). */
  k?: number;
  /** Requests in flight at once (default min(k, 4)). */
  concurrency?: number;
  /** Sampling temperature (default 0.7); must be > 0 when k > 1, else the k judgements are one. */
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Judgement i is sampled with seed + i, for providers that honour seeds. */
  seed?: number;
  prices?: Prices;
  /** Meta-RM-guided voting: keep the `keep` judgements with the highest meta score. */
  meta?: { model: MetaRewardModel; keep: number };
  signal?: AbortSignal;
  /** Called as each judgement finishes (after its meta score), for progress. */
  onJudgement?: (judgement: Judgement) => void;
}

export type JudgementStatus = 'ok' | 'unparseable' | 'error' | 'cancelled';

export interface Judgement {
  /** 0-based sample index: the order of the scaling curve. */
  index: number;
  status: JudgementStatus;
  /** One score per response on the scale, when status is ok. */
  scores: number[] | null;
  /** Why there are no scores: the parse reason, the provider's error, or "cancelled". */
  error?: string;
  principles: Principle[];
  principlesText: string;
  critique: string;
  /** The judge's whole answer. */
  text: string;
  usage: TokenUsage;
  /** USD, from the prices option. */
  cost: number;
  latencyMs: number;
  attempts: number;
  model: string;
  finishReason?: string;
  meta?: { score: number | null; error?: string; text?: string; usage?: TokenUsage; cost: number; kept: boolean };
}

export interface Vote {
  /** Valid judgements counted. */
  judgements: number;
  /** Per response: the sum of its scores (the paper's voting). */
  sums: number[];
  /** Per response: sum / judgements (NaN-free: empty when judgements is 0). */
  means: number[];
  /** Index of the response with the highest sum; null when tied or nothing was counted. */
  winner: number | null;
  /** Indices sharing the top sum when there is a tie. */
  tied: number[];
  /** Per response: the mean mapped to [0, 1] by (mean − min) / (max − min); null when nothing was counted. */
  values: (number | null)[];
  /** Which judgement indices were counted. */
  counted: number[];
}

export interface CurvePoint {
  k: number;
  voting: Vote;
  /** Meta-guided vote over the first k, keeping max(1, round(k · keep / K)) of them. */
  metaVoting?: Vote;
}

export interface GrmUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when any count is a local estimate (the server reported none). */
  estimated: boolean;
  cost: number;
  metaPromptTokens: number;
  metaCompletionTokens: number;
  metaCost: number;
}

export interface GrmResult {
  prompt: string;
  responses: string[];
  k: number;
  scale: ScoreScale;
  /** The generator's id. */
  generator: string;
  meta?: { label: string; keep: number };
  judgements: Judgement[];
  /** Plain voting over every valid judgement. */
  voting: Vote;
  /** Voting over the judgements the meta RM kept. */
  metaVoting?: Vote;
  /** What the grm component uses: metaVoting when a meta RM is set, else voting. */
  final: Vote;
  curve: CurvePoint[];
  usage: GrmUsage;
  cancelled: boolean;
  latencyMs: number;
}

/** Sum the scores of valid judgements per response. */
export function vote(judgements: Judgement[], responseCount: number, scale: ScoreScale = SCORE_SCALE): Vote {
  const counted = judgements.filter((j) => j.status === 'ok' && j.scores);
  const sums = new Array<number>(responseCount).fill(0);
  for (const j of counted) j.scores!.forEach((s, i) => (sums[i] += s));
  const n = counted.length;
  const means = n ? sums.map((s) => s / n) : [];
  const top = n ? Math.max(...sums) : NaN;
  const tied = n ? sums.flatMap((s, i) => (s === top ? [i] : [])) : [];
  return {
    judgements: n,
    sums: n ? sums : [],
    means,
    winner: tied.length === 1 ? tied[0] : null,
    tied: tied.length > 1 ? tied : [],
    values: n ? means.map((m) => (m - scale.min) / (scale.max - scale.min)) : sums.map(() => null),
    counted: counted.map((j) => j.index),
  };
}

/** The `keep` valid judgements with the highest meta score (ties: earlier first); unscored ones rank last. */
export function metaSelect(judgements: Judgement[], keep: number): Judgement[] {
  const valid = judgements.filter((j) => j.status === 'ok');
  const rank = (j: Judgement) => j.meta?.score ?? -Infinity;
  return [...valid].sort((a, b) => rank(b) - rank(a) || a.index - b.index).slice(0, keep);
}

function validate(responses: string[], o: GrmJudgeOptions): { k: number; temperature: number } {
  if (responses.length === 0) throw new Error('nothing to judge: no responses');
  const k = o.k ?? 4;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new Error(`k must be an integer from 1 to ${MAX_K}, got ${k}`);
  const temperature = o.temperature ?? 0.7;
  if (k > 1 && !(temperature > 0)) throw new Error(`temperature must be > 0 to sample k = ${k} different judgements, got ${temperature}`);
  if (o.meta && (!Number.isInteger(o.meta.keep) || o.meta.keep < 1 || o.meta.keep > k)) {
    throw new Error(`meta keep (k_meta) must be an integer from 1 to k = ${k}, got ${o.meta.keep}`);
  }
  if (o.concurrency !== undefined && (!Number.isInteger(o.concurrency) || o.concurrency < 1)) throw new Error(`concurrency must be a positive integer, got ${o.concurrency}`);
  return { k, temperature };
}

/** Judge several responses to one prompt at once (pairwise / listwise), k times, and vote. */
export async function judgeResponses(prompt: string, responses: string[], options: GrmJudgeOptions): Promise<GrmResult> {
  const { k, temperature } = validate(responses, options);
  const scale = SCORE_SCALE;
  const started = Date.now();
  const messages = buildJudgeMessages(prompt, responses, scale);
  const signal = options.signal;
  const zero: TokenUsage = { promptTokens: 0, completionTokens: 0 };

  const cancelledJudgement = (index: number): Judgement => ({
    index,
    status: 'cancelled',
    scores: null,
    error: 'cancelled',
    principles: [],
    principlesText: '',
    critique: '',
    text: '',
    usage: zero,
    cost: 0,
    latencyMs: 0,
    attempts: 0,
    model: '',
  });

  async function judgeOne(index: number): Promise<Judgement> {
    if (signal?.aborted) return cancelledJudgement(index);
    const t0 = Date.now();
    let j: Judgement;
    try {
      const r = await options.generator.generate({
        messages,
        maxTokens: options.maxTokens ?? 1024,
        temperature,
        topP: options.topP,
        seed: options.seed === undefined ? undefined : options.seed + index,
        signal,
      });
      const base = { index, text: r.text, usage: r.usage, cost: costOf(r.usage, options.prices), latencyMs: r.latencyMs, attempts: r.attempts, model: r.model, finishReason: r.finishReason };
      const parsed = parseJudgement(r.text, responses.length, scale);
      const sections = { principles: parsed.principles, principlesText: parsed.principlesText, critique: parsed.critique };
      if (r.finishReason === 'cancelled') j = { ...base, ...sections, status: 'cancelled', scores: null, error: 'cancelled' };
      else if (parsed.ok) j = { ...base, ...sections, status: 'ok', scores: parsed.scores };
      else {
        const cut = r.finishReason === 'length' ? ` (the judgement was cut off at maxTokens = ${options.maxTokens ?? 1024})` : '';
        j = { ...base, ...sections, status: 'unparseable', scores: null, error: parsed.reason + cut };
      }
    } catch (err) {
      if (signal?.aborted) return cancelledJudgement(index);
      j = { ...cancelledJudgement(index), status: 'error', error: (err as Error).message, latencyMs: Date.now() - t0 };
    }
    if (options.meta && j.status === 'ok') j.meta = await metaScore(j);
    return j;
  }

  async function metaScore(j: Judgement): Promise<NonNullable<Judgement['meta']>> {
    try {
      const raw = await options.meta!.model.score(prompt, responses, j.text, signal);
      const m: MetaScore = typeof raw === 'number' ? { score: raw } : raw;
      if (!Number.isFinite(m.score)) throw new Error(`meta score is not a finite number: ${m.score}`);
      return { score: m.score, text: m.text, usage: m.usage, cost: m.cost ?? 0, kept: false };
    } catch (err) {
      return { score: null, error: signal?.aborted ? 'cancelled' : (err as Error).message, cost: 0, kept: false };
    }
  }

  const judgements = new Array<Judgement>(k);
  let next = 0;
  const worker = async () => {
    while (next < k) {
      const index = next++;
      judgements[index] = await judgeOne(index);
      options.onJudgement?.(judgements[index]);
    }
  };
  const concurrency = Math.min(k, options.concurrency ?? 4);
  await Promise.all(Array.from({ length: concurrency }, worker));

  const n = responses.length;
  const voting = vote(judgements, n, scale);
  let metaVoting: Vote | undefined;
  if (options.meta) {
    const kept = metaSelect(judgements, options.meta.keep);
    for (const j of kept) j.meta!.kept = true;
    metaVoting = vote(kept, n, scale);
  }
  const curve: CurvePoint[] = [];
  for (let i = 1; i <= k; i++) {
    const prefix = judgements.slice(0, i);
    const point: CurvePoint = { k: i, voting: vote(prefix, n, scale) };
    if (options.meta) point.metaVoting = vote(metaSelect(prefix, Math.max(1, Math.round((i * options.meta.keep) / k))), n, scale);
    curve.push(point);
  }

  const usage: GrmUsage = { promptTokens: 0, completionTokens: 0, estimated: false, cost: 0, metaPromptTokens: 0, metaCompletionTokens: 0, metaCost: 0 };
  for (const j of judgements) {
    usage.promptTokens += j.usage.promptTokens;
    usage.completionTokens += j.usage.completionTokens;
    usage.estimated ||= !!j.usage.estimated;
    usage.cost += j.cost;
    if (j.meta) {
      usage.metaPromptTokens += j.meta.usage?.promptTokens ?? 0;
      usage.metaCompletionTokens += j.meta.usage?.completionTokens ?? 0;
      usage.estimated ||= !!j.meta.usage?.estimated;
      usage.metaCost += j.meta.cost;
    }
  }

  return {
    prompt,
    responses,
    k,
    scale,
    generator: options.generator.id,
    ...(options.meta ? { meta: { label: options.meta.model.label, keep: options.meta.keep } } : {}),
    judgements,
    voting,
    ...(metaVoting ? { metaVoting } : {}),
    final: metaVoting ?? voting,
    curve,
    usage,
    cancelled: !!signal?.aborted,
    latencyMs: Date.now() - started,
  };
}

/** Judge one response (pointwise). */
export function judgePointwise(prompt: string, response: string, options: GrmJudgeOptions): Promise<GrmResult> {
  return judgeResponses(prompt, [response], options);
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

function judgementLine(j: Judgement): string {
  const meta = j.meta ? ` [meta ${j.meta.score === null ? `failed: ${j.meta.error}` : fmt(j.meta.score)}${j.meta.kept ? ', kept' : ', dropped'}]` : '';
  if (j.status !== 'ok') return `#${j.index + 1} ${j.status}: ${j.error}${meta}`;
  const why = j.principles.length ? ` — ${j.principles.map((p) => p.text).join('; ')}` : j.critique ? ` — ${j.critique.split('\n')[0]}` : '';
  return `#${j.index + 1} ${j.scores!.join(', ')}${meta}${why}`.slice(0, 300);
}

/** The `grm` component's score of a pointwise result: the first response's normalized vote. */
export function toModelScore(result: GrmResult): ModelScore {
  const v = result.final;
  const items = result.judgements.map(judgementLine);
  const tokens = result.usage.promptTokens + result.usage.completionTokens + result.usage.metaPromptTokens + result.usage.metaCompletionTokens;
  const cost = result.usage.cost + result.usage.metaCost;
  const spend = `${tokens}${result.usage.estimated ? ' (estimated)' : ''} tokens${cost > 0 ? `, $${cost.toFixed(4)}` : ''}`;
  if (v.judgements === 0) {
    const first = result.judgements.find((j) => j.error)?.error ?? 'no judgement';
    return { value: null, detail: `no valid judgement of ${result.k}${result.cancelled ? ' (cancelled)' : ''}: ${first}`, items };
  }
  const metaNote = result.meta ? `, meta RM kept ${v.judgements} of ${result.voting.judgements}` : '';
  return {
    value: v.values[0],
    detail: `vote ${fmt(v.means[0])}/${result.scale.max} over ${v.judgements} of ${result.k} judgements${metaNote}; ${spend}`,
    items,
  };
}

/** Fill `record.modelScores.grm` (pointwise) for each record in turn; returns the full results. */
export async function judgeRecords(
  records: RewardRecord[],
  options: GrmJudgeOptions,
  onRecord?: (record: RewardRecord, result: GrmResult) => void,
): Promise<GrmResult[]> {
  const results: GrmResult[] = [];
  for (const record of records) {
    if (options.signal?.aborted) break;
    const result = await judgePointwise(record.prompt, record.completion, options);
    record.modelScores = { ...record.modelScores, grm: toModelScore(result) };
    results.push(result);
    onRecord?.(record, result);
  }
  return results;
}
