/**
 * accuracy: is the final answer right? 1 match / 0 no match / null when it cannot be judged (no
 * reference answer, or a reference that cannot be parsed), never a silent pass.
 *
 * The final answer is extracted from the answer part (after the closing think tag when there is one,
 * else the whole text). A completion whose think tag never closes (cut off at the length limit) has no
 * final answer: a number inside unfinished reasoning is not an answer, and rewarding it would teach
 * the policy that truncation is free. `searchUnclosed: true` searches such reasoning anyway. by `extractAnswer` (answer.ts) and compared with `record.answer` by
 * `compareAnswers`. When the reference is a number and the extracted text is not ("150 kilometers"),
 * the last number inside the extracted text is compared.
 */
import type { RewardFunction, RewardRecord, RewardValue } from './types';
import { compareAnswers, extractAnswer, fmt, lastNumberIn, numericValue, referenceProblem, type Comparison, type Extracted } from './answer';
import { numOpt, splitThink, strOpt } from './text';

export interface AccuracyOptions {
  /** Relative tolerance for numeric comparison (default 1e-6). */
  tolerance?: number;
  thinkTag?: string;
  /** Search the reasoning of a completion whose think tag never closes (default false: no answer, 0). */
  searchUnclosed?: boolean;
}

export interface AccuracyJudgement extends RewardValue {
  /** The extraction, offsets into the completion. */
  extracted?: Extracted;
  comparison?: Comparison;
}

/** The judgement with its parts, for the cosine reward and tests. */
export function judgeAccuracy(record: RewardRecord, options: AccuracyOptions): AccuracyJudgement {
  const problem = referenceProblem(record.answer);
  if (problem) return { value: null, detail: `${problem}: cannot judge` };
  const reference = record.answer as string;
  const tol = Math.max(0, numOpt(options.tolerance, 1e-6));
  const text = record.completion;
  const sp = splitThink(text, strOpt(options.thinkTag, 'think'));
  if (sp.state === 'unclosed' && options.searchUnclosed !== true) {
    return { value: 0, detail: `no final answer: ${sp.openTag} never closed (truncated output?); reference ${clipRef(reference)}` };
  }
  const where = sp.state === 'unclosed' ? ` (no closing ${sp.closeTag}: searched the whole text)` : '';
  const ex = extractAnswer(text, sp.finalStart, sp.finalEnd);
  if (!ex || ex.text.trim().length === 0) {
    return { value: 0, detail: `no final answer found${where}; reference ${reference.trim()}` };
  }
  let used = ex;
  let cmp = compareAnswers(ex.text, reference, tol);
  let via = '';
  if (!cmp.match && ex.method !== 'last-number' && numericValue(reference) !== undefined && numericValue(ex.text) === undefined) {
    const inner = lastNumberIn(ex.text);
    if (inner) {
      const c2 = compareAnswers(inner.text, reference, tol);
      used = { ...inner, start: ex.start + inner.start, end: ex.start + inner.end, method: ex.method, display: ex.display };
      cmp = c2;
      via = ` (its last number ${inner.text})`;
    }
  }
  const value = numericValue(used === ex ? ex.text : used.text);
  const valueNote = value !== undefined && !isPlainNumber(used.text) ? ` = ${fmt(value)}` : '';
  const refValue = numericValue(reference);
  const refNote = refValue !== undefined && !isPlainNumber(reference) ? ` = ${fmt(refValue)}` : '';
  const how = cmp.how + (cmp.note ? `, ${cmp.note}` : '');
  const detail =
    `extracted ${ex.display}${via}${valueNote}${methodName(ex.method)}${where}; reference ${clipRef(reference)}${refNote}` +
    ` → ${cmp.match ? 'match' : 'no match'} (${how})`;
  return {
    value: cmp.match ? 1 : 0,
    detail,
    highlights: [{ start: used.start, end: used.end, kind: 'extracted', note: cmp.match ? 'matches the reference' : 'does not match the reference' }],
    extracted: used,
    comparison: cmp,
  };
}

function isPlainNumber(s: string): boolean {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(s);
}

function clipRef(s: string): string {
  const t = s.trim();
  return t.length > 60 ? t.slice(0, 59) + '…' : t;
}

function methodName(m: Extracted['method']): string {
  switch (m) {
    case 'boxed':
    case 'answer-tag':
      return '';
    case 'phrase':
      return ' (answer phrase)';
    case 'whole':
      return ' (the whole answer)';
    default:
      return ' (last number)';
  }
}

export const accuracy: RewardFunction<AccuracyOptions> = {
  name: 'accuracy',
  range: [0, 1],
  description: 'Final answer (\\boxed{}, <answer>, "The answer is", last number) equals the reference answer: 1 / 0, null without a usable reference.',
  defaults: { tolerance: 1e-6, thinkTag: 'think', searchUnclosed: false },
  score(record: RewardRecord, options: AccuracyOptions): RewardValue {
    const j = judgeAccuracy(record, options);
    return { value: j.value, detail: j.detail, highlights: j.highlights };
  },
};
