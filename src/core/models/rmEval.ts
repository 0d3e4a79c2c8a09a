/**
 * Reward-model evaluation on preference pairs, RewardBench's metric: a pair is won when the reward
 * model scores the chosen answer above the rejected one; accuracy = won / n, overall and per subset,
 * and the distribution of margins (chosen logit − rejected logit).
 *
 * Records (JSONL, optionally gzipped), one per line:
 *   - {"prompt", "chosen", "rejected", "subset"?, "id"?}: chosen / rejected are strings or chat
 *     message lists; a message list without a separate prompt is split into its last message (the
 *     answer) and the messages before it (the prompt), TRL's conversational format;
 *   - RewardBench 2: chosen and rejected are LISTS of answers. Best-of-n rule: won only when every
 *     chosen answer scores above every rejected one (min chosen > max rejected); the margin is
 *     min chosen − max rejected;
 *   - Anthropic HH-RLHF: {"chosen", "rejected"} full "\n\nHuman: … \n\nAssistant: …" transcripts; the
 *     last assistant turn is the answer, the turns before it the prompt (as chat messages).
 * Malformed lines are reported with their line number and skipped.
 */
import * as fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { ChatMessage } from '../rewards/types';
import { readJsonl } from '../records/jsonl';
import type { RewardScorer, RmInput, ScoreOptions } from './types';

type Text = string | ChatMessage[];

export interface PreferencePair {
  line: number;
  id?: string;
  subset?: string;
  prompt?: Text;
  chosen: Text[];
  rejected: Text[];
}

export interface PairError {
  line: number;
  message: string;
}

export interface MarginStats {
  mean: number;
  min: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
}

export interface RmEvalSummary {
  n: number;
  accuracy: number;
  subsets: Record<string, { n: number; accuracy: number }>;
  margins: MarginStats;
  model: string;
  provider: string;
  skipped: number;
}

export interface PairResult {
  line: number;
  id?: string;
  subset?: string;
  won: boolean;
  /** min(chosen logits) − max(rejected logits). */
  margin: number;
  chosenLogits: number[];
  rejectedLogits: number[];
}

export interface WrongPair extends PairResult {
  prompt: string;
  chosen: string[];
  rejected: string[];
}

export interface RmEvalResult {
  summary: RmEvalSummary;
  pairs: PairResult[];
  /** The pairs the model got wrong, with their texts (for --show-wrong and the editor's panel). */
  wrong: WrongPair[];
}

/** Read a pairs file (.jsonl or .jsonl.gz); bad lines come back as errors, the rest as pairs. */
export async function readPreferencePairs(file: string, options: { signal?: AbortSignal } = {}): Promise<{ pairs: PreferencePair[]; errors: PairError[] }> {
  const raw = fs.createReadStream(file);
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const pairs: PreferencePair[] = [];
  const errors: PairError[] = [];
  try {
    for await (const item of readJsonl(stream, { signal: options.signal })) {
      if (item.error !== undefined) {
        errors.push({ line: item.line, message: item.error });
        continue;
      }
      const parsed = toPair(item.value, item.line);
      if (typeof parsed === 'string') errors.push({ line: item.line, message: parsed });
      else pairs.push(parsed);
    }
  } finally {
    raw.destroy();
  }
  return { pairs, errors };
}

/** One record as a pair, or the reason it is not one (naming the field). */
export function toPair(value: unknown, line: number): PreferencePair | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'expected a JSON object with "chosen" and "rejected"';
  const v = value as Record<string, unknown>;
  for (const f of ['chosen', 'rejected'] as const) if (v[f] === undefined || v[f] === null) return `missing field "${f}"`;
  const id = v.id === undefined || v.id === null ? undefined : String(v.id);
  if (v.subset !== undefined && v.subset !== null && typeof v.subset !== 'string') return 'field "subset" must be a string';
  const subset = typeof v.subset === 'string' && v.subset ? v.subset : undefined;
  let prompt: Text | undefined;
  if (v.prompt !== undefined && v.prompt !== null) {
    const p = asText(v.prompt);
    if (p === undefined) return 'field "prompt" must be a string or a list of {"role", "content"} messages';
    prompt = p;
  }
  const sides: Record<'chosen' | 'rejected', Text[]> = { chosen: [], rejected: [] };
  for (const f of ['chosen', 'rejected'] as const) {
    const x = v[f];
    // a list of strings, or of message lists, is RewardBench 2's several answers; a list of messages is one chat
    const many = Array.isArray(x) && x.length > 0 && x.every((e) => typeof e === 'string' || Array.isArray(e));
    const items = many ? (x as unknown[]) : [x];
    if (Array.isArray(x) && x.length === 0) return `field "${f}" is an empty list`;
    for (const [i, e] of items.entries()) {
      const t = asText(e);
      if (t === undefined) return `field "${f}"${many ? `[${i}]` : ''} must be a string or a list of {"role", "content"} messages`;
      sides[f].push(t);
    }
  }
  if (prompt === undefined) {
    // HH transcripts and conversational pairs carry the prompt inside each answer
    const split = [...sides.chosen, ...sides.rejected].map(splitPrompt);
    if (split.every((s) => s.prompt !== undefined)) {
      prompt = split[0].prompt;
      sides.chosen = split.slice(0, sides.chosen.length).map((s) => s.answer);
      sides.rejected = split.slice(sides.chosen.length).map((s) => s.answer);
    }
  }
  return { line, id, subset, prompt, chosen: sides.chosen, rejected: sides.rejected };
}

function asText(x: unknown): Text | undefined {
  if (typeof x === 'string') return x;
  if (Array.isArray(x) && x.length && x.every((m) => m && typeof m === 'object' && typeof m.role === 'string' && typeof m.content === 'string')) {
    return (x as ChatMessage[]).map((m) => ({ role: m.role, content: m.content }));
  }
  return undefined;
}

const HH_TURN = /\n\n(Human|Assistant):[ \t]?/g;

/** A transcript or a conversation as (prompt messages, last assistant answer); prompt undefined when it is a plain answer. */
export function splitPrompt(t: Text): { prompt?: ChatMessage[]; answer: Text } {
  if (Array.isArray(t)) {
    const last = t[t.length - 1];
    if (t.length > 1 && last.role === 'assistant') return { prompt: t.slice(0, -1), answer: last.content };
    return { answer: t };
  }
  if (!/^\s*\n?\n?Human:/.test(t) || !t.includes('\n\nAssistant:')) return { answer: t };
  const text = t.startsWith('\n\n') ? t : '\n\n' + t.replace(/^\s+/, '');
  const turns: ChatMessage[] = [];
  const marks = [...text.matchAll(HH_TURN)];
  marks.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < marks.length ? marks[i + 1].index! : text.length;
    turns.push({ role: m[1] === 'Human' ? 'user' : 'assistant', content: text.slice(start, end).trim() });
  });
  const last = turns[turns.length - 1];
  if (!last || last.role !== 'assistant' || turns.length < 2) return { answer: t };
  return { prompt: turns.slice(0, -1), answer: last.content };
}

const flat = (t: Text | undefined): string => (t === undefined ? '' : typeof t === 'string' ? t : t.map((m) => `${m.role}: ${m.content}`).join('\n\n'));

/** Score every answer of every pair (one batched stream of requests) and summarize; progress is counted in pairs. */
export async function evaluatePairs(pairs: PreferencePair[], scorer: RewardScorer, options: ScoreOptions & { skipped?: number } = {}): Promise<RmEvalResult> {
  const inputs: RmInput[] = [];
  for (const p of pairs) for (const side of [...p.chosen, ...p.rejected]) inputs.push({ prompt: p.prompt, completion: side });
  // progress in pairs, the unit the caller shows (a pair has two or more answers to score)
  const { onProgress } = options;
  const perPair = onProgress && ((done: number) => onProgress(Math.floor((done * pairs.length) / inputs.length), pairs.length));
  const scores = await scorer.score(inputs, { ...options, onProgress: perPair && ((done) => perPair(done)) });
  let k = 0;
  const results: PairResult[] = [];
  const wrong: WrongPair[] = [];
  for (const p of pairs) {
    const chosenLogits = p.chosen.map(() => scores[k++].logit);
    const rejectedLogits = p.rejected.map(() => scores[k++].logit);
    const margin = Math.min(...chosenLogits) - Math.max(...rejectedLogits);
    const r: PairResult = { line: p.line, id: p.id, subset: p.subset, won: margin > 0, margin, chosenLogits, rejectedLogits };
    results.push(r);
    if (!r.won) wrong.push({ ...r, prompt: flat(p.prompt), chosen: p.chosen.map(flat), rejected: p.rejected.map(flat) });
  }
  return { summary: summarizePreferencePairs(results, scorer, options.skipped ?? 0), pairs: results, wrong };
}

export function summarizePreferencePairs(results: PairResult[], scorer: RewardScorer, skipped: number): RmEvalSummary {
  const n = results.length;
  const won = results.filter((r) => r.won).length;
  const bySubset = new Map<string, PairResult[]>();
  for (const r of results) if (r.subset !== undefined) bySubset.set(r.subset, [...(bySubset.get(r.subset) ?? []), r]);
  const subsets: RmEvalSummary['subsets'] = {};
  for (const [name, rs] of [...bySubset].sort(([a], [b]) => a.localeCompare(b))) {
    subsets[name] = { n: rs.length, accuracy: round(rs.filter((r) => r.won).length / rs.length) };
  }
  return {
    n,
    accuracy: n ? round(won / n) : 0,
    subsets,
    margins: marginStats(results.map((r) => r.margin)),
    model: scorer.info.name,
    provider: scorer.info.provider.provider,
    skipped,
  };
}

export function marginStats(margins: number[]): MarginStats {
  if (!margins.length) return { mean: 0, min: 0, p10: 0, p50: 0, p90: 0, max: 0 };
  const s = [...margins].sort((a, b) => a - b);
  // linear interpolation between closest ranks (numpy's default)
  const q = (p: number) => {
    const x = (s.length - 1) * p;
    const lo = Math.floor(x);
    const hi = Math.ceil(x);
    return s[lo] + (s[hi] - s[lo]) * (x - lo);
  };
  return {
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    min: round(s[0]),
    p10: round(q(0.1)),
    p50: round(q(0.5)),
    p90: round(q(0.9)),
    max: round(s[s.length - 1]),
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
