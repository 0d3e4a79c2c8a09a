/**
 * What the Trace Stepper shows of one sample, built from its detail (sampleDetail): the view it paints
 * first (offsets, kinds and token counts of the steps, the reward breakdown, the reasoning path tree
 * laid out) and the pages of step rows it asks for as it scrolls. The text itself goes in windows.
 */
import type { StepKindLetter, TraceSearchResult, TraceStepperView, TraceStepRow } from '../../contracts/traces';
import { approxTokenCount } from '../rewards/text';
import { scoreLines, type RecordExtras } from './recordView';
import { treeDrawing } from './treeDrawing';
import { showControlChars } from '../shared/controlChars';
import type { SampleSummary, TraceDetail } from './types';

const KIND_LETTER: Record<string, StepKindLetter> = { reasoning: 'r', reflection: 'f', backtrack: 'b', verification: 'v', conclusion: 'c' };
const PROMPT_HEAD = 4000;
const PREVIEW_CHARS = 120;
/** The longest step page the webview may ask for. */
export const MAX_STEP_PAGE = 500;

/** Where the sample sits: its file, its summary in the explorer (reward, advantage) and its group's size. */
export interface StepperContext {
  file: { label: string; path: string };
  summary?: SampleSummary;
  groupSize: number;
  /** The record's transcript, events and facts (recordExtras), and the eval header's facts. */
  extras?: RecordExtras;
  header?: Array<[string, string]> | null;
  lineOpensText?: boolean;
}

/** Characters of a workspace reward function's output (its traceback) the breakdown keeps: the end, where the error is. */
const OUTPUT_TAIL = 2000;

/**
 * The breakdown as the stepper shows it. Details and a function's output are the sample's or the
 * workspace's own text: control characters are shown as \xNN, as the Reward Breakdown shows them.
 */
export function scoreView(score: TraceDetail['score']): TraceStepperView['score'] {
  if (!score || !Object.keys(score.components).length) return null;
  return {
    spec: score.spec,
    total: score.total,
    max: score.max,
    components: Object.entries(score.components).map(([name, c]) => ({
      name,
      value: c!.value,
      weight: c!.weight,
      detail: showControlChars(c!.detail.slice(0, 300)),
      ...(c!.output ? { output: showControlChars(c!.output.slice(-OUTPUT_TAIL)) } : {}),
      ...(c!.error ? { failed: c!.error.kind === 'not-run' ? ('not run' as const) : ('error' as const) } : {}),
    })),
  };
}

/** The stepper's first view of a sample (its detail built with the spec whose breakdown it shows). */
export function stepperView(detail: TraceDetail, context: StepperContext): TraceStepperView {
  const { sample, steps, score } = detail;
  const summary = context.summary;
  return {
    file: context.file,
    sample: {
      entry: sample.entry,
      sub: sample.sub,
      id: sample.id,
      line: sample.line,
      group: sample.group,
      reward: summary?.reward ?? sample.reward ?? null,
      advantage: summary?.advantage ?? null,
      rewardSource: summary?.rewardSource ?? (sample.reward !== undefined ? 'file' : 'none'),
    },
    prompt: sample.prompt.slice(0, PROMPT_HEAD),
    promptLength: sample.prompt.length,
    completionLength: sample.completion.length,
    think: detail.think,
    kinds: steps.map((s) => KIND_LETTER[s.kind] ?? 'r').join(''),
    starts: steps.map((s) => s.start),
    ends: steps.map((s) => s.end),
    tokens: steps.map((s) => s.tokens),
    // filled by the process reward model after the stepper shows the sample, when one is configured
    stepScores: null,
    score: scoreView(score),
    tree: treeDrawing(detail.tree),
    groupSize: context.groupSize,
    totalTokens: summary?.tokens ?? approxTokenCount(sample.completion),
    verdict: sample.verdict ? { value: sample.verdict, by: sample.verdictScorer ?? 'the file' } : null,
    fileScores: scoreLines(sample.fileScores),
    transcript: context.extras?.transcript ?? null,
    turnsLeftOut: context.extras?.turnsLeftOut ?? 0,
    events: context.extras?.events ?? null,
    eventsLeftOut: context.extras?.eventsLeftOut ?? 0,
    facts: context.extras?.facts ?? [],
    header: context.header ?? null,
    lineOpensText: context.lineOpensText ?? true,
  };
}

/** A search keeps the offsets of this many matches (the rest are counted). */
export const SEARCH_MAX_MATCHES = 1000;

/** Case-insensitive matches of `query` in the completion (start offsets, the first SEARCH_MAX_MATCHES) and how many in the prompt. */
export function searchSample(sample: { prompt: string; completion: string }, query: string): TraceSearchResult {
  // a case-insensitive regular expression, not toLowerCase: lower-casing can change a text's length, and offsets must point into the original
  const re = query ? new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu') : null;
  const count = (text: string, keep: number[] | null): number => {
    if (!re) return 0;
    let n = 0;
    for (const m of text.matchAll(re)) {
      if (keep && keep.length < SEARCH_MAX_MATCHES) keep.push(m.index);
      n++;
    }
    return n;
  };
  const matches: number[] = [];
  const total = count(sample.completion, matches);
  return { matches, total, inPrompt: count(sample.prompt, null) };
}

/** Steps [from, to) as rows with a one-line preview, at most MAX_STEP_PAGE of them. */
export function stepRows(steps: TraceDetail['steps'], from: number, to: number): TraceStepRow[] {
  const lo = Math.max(0, Math.floor(from));
  const hi = Math.min(steps.length, Math.floor(to), lo + MAX_STEP_PAGE);
  const out: TraceStepRow[] = [];
  for (let i = lo; i < hi; i++) {
    const s = steps[i];
    out.push({ index: i, kind: KIND_LETTER[s.kind] ?? 'r', tokens: s.tokens, preview: s.text.slice(0, PREVIEW_CHARS).replace(/\s+/g, ' ') });
  }
  return out;
}
