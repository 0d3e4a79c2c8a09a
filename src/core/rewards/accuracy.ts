/**
 * accuracy: is the final answer right? 1 match / 0 no match / null when it cannot be judged (no
 * reference answer, or a reference that cannot be parsed), never a silent pass.
 *
 * The final answer is extracted from the answer part (after the closing think tag when there is one,
 * else the whole text). A completion whose think tag never closes (cut off at the length limit) has no
 * final answer: a number inside unfinished reasoning is not an answer, and rewarding it would teach
 * the policy that truncation is free. `searchUnclosed: true` searches such reasoning anyway.
 *
 * The answer is extracted by `extractAnswer` (answer.ts) and compared with the reference's answer
 * (`referenceAnswer`: a whole solution is reduced to its boxed answer) by `compareAnswers`
 * (equivalence.ts). When the reference is a number and the extracted text is not ("150 kilometers"),
 * the last number inside the extracted text is compared. When the reference is a short text
 * ("Canberra"), the phrase is searched in the final answer (textAnswer.ts): the boxed / tagged /
 * announced answer when there is one, else the answer part after the think tag, else the last paragraph.
 */
import type { RewardFunction, RewardRecord, RewardValue } from './types';
import { extractAnswer, lastNumberIn, referenceAnswer, type Extracted } from './answer';
import { compareAnswers, fmt, numericValue, referenceProblem, type Comparison } from './equivalence';
import { findPhrase, textReferenceWords } from './textAnswer';
import { numOpt, splitThink, strOpt, type ThinkSplit } from './text';

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
  /**
   * Which of the rule's readings found the match: the declared answer itself, its last number (the
   * answer was a sentence), the reference phrase in the final answer or only somewhere in the answer
   * text, or the first word against a yes / no reference.
   */
  matchedBy?: 'answer' | 'last-number-of-answer' | 'phrase-in-answer' | 'phrase-in-text' | 'first-word';
}

/** The last paragraph of text[from, to) (after the last blank line), at most 2000 chars. */
function lastParagraph(text: string, from: number, to: number): [number, number] {
  let end = to;
  while (end > from && /\s/.test(text[end - 1])) end--;
  const lo = Math.max(from, end - 2000);
  const blank = text.lastIndexOf('\n\n', end - 1);
  return [blank >= lo ? blank + 2 : lo, end];
}

/** Where a text reference is searched: the extracted answer when the model announced one, else the final answer part. */
function phraseSpan(text: string, sp: ThinkSplit, ex: Extracted | undefined): [number, number, string] {
  if (ex && (ex.method === 'boxed' || ex.method === 'answer-tag' || ex.method === 'phrase')) return [ex.start, ex.end, 'its final answer'];
  if (sp.state === 'tagged' || sp.state === 'stray-close') return [sp.answerStart, sp.answerEnd, 'the answer part'];
  const [a, b] = lastParagraph(text, sp.finalStart, sp.finalEnd);
  return [a, b, 'the last paragraph'];
}

/** The judgement with its parts, for the cosine reward and tests. */
export function judgeAccuracy(record: RewardRecord, options: AccuracyOptions): AccuracyJudgement {
  const problem = referenceProblem(record.answer);
  if (problem) return { value: null, detail: `${problem}: cannot judge` };
  const refRaw = record.answer as string;
  const ref = referenceAnswer(refRaw);
  const reference = ref.text;
  const refShown = clipRef(reference) + (ref.from ? ` (from ${ref.from} in the reference)` : '');
  const tol = Math.max(0, numOpt(options.tolerance, 1e-6));
  const text = record.completion;
  const sp = splitThink(text, strOpt(options.thinkTag, 'think'));
  if (sp.state === 'unclosed' && options.searchUnclosed !== true) {
    return { value: 0, detail: `no final answer: ${sp.openTag} never closed (truncated output?); reference ${refShown}` };
  }
  const where = sp.state === 'unclosed' ? ` (no closing ${sp.closeTag}: searched the whole text)` : '';
  const ex = extractAnswer(text, sp.finalStart, sp.finalEnd);
  const refValue = numericValue(reference);
  let cmp: Comparison | undefined;
  let used = ex;
  let usedValue: number | undefined;
  let via = '';
  if (ex && ex.text.trim().length > 0) {
    cmp = compareAnswers(ex.text, reference, tol);
    usedValue = numericValue(ex.text);
    if (!cmp.match && ex.method !== 'last-number' && !ex.joined && refValue !== undefined && usedValue === undefined) {
      const inner = lastNumberIn(ex.text);
      if (inner) {
        used = { ...inner, start: ex.start + inner.start, end: ex.start + inner.end, method: ex.method, display: ex.display };
        cmp = compareAnswers(inner.text, reference, tol);
        usedValue = numericValue(inner.text);
        via = ` (its last number ${inner.text})`;
      }
    }
  }
  const textRef = cmp?.match ? undefined : textReferenceWords(reference);
  if (textRef) {
    const [a, b, span] = phraseSpan(text, sp, ex);
    const found = findPhrase(text, a, b, textRef);
    if (found.hit) {
      const h = found.hit;
      const rule = h.rule === 'polar' ? `the first word of ${span}` : `the reference phrase, in ${span}`;
      return {
        value: 1,
        detail: `extracted "${clipRef(text.slice(h.start, h.end))}" (${rule})${where}; reference ${refShown} → match (phrase)`,
        highlights: [{ start: h.start, end: h.end, kind: 'extracted', note: 'matches the reference' }],
        extracted: { text: text.slice(h.start, h.end), start: h.start, end: h.end, method: ex?.method ?? 'whole', display: text.slice(h.start, h.end) },
        comparison: { match: true, how: 'phrase' },
        matchedBy: h.rule === 'polar' ? 'first-word' : span === 'its final answer' ? 'phrase-in-answer' : 'phrase-in-text',
      };
    }
    if (found.negated && cmp) cmp = { ...cmp, note: `${cmp.note ? cmp.note + '; ' : ''}the reference phrase appears only negated ("${clipRef(text.slice(Math.max(a, found.negated.start - 12), found.negated.end))}")` };
  }
  if (!ex || !cmp || !used) {
    return { value: 0, detail: `no final answer found${where}; reference ${refShown}` };
  }
  const valueNote = usedValue !== undefined && !isPlainNumber(used.text) ? ` = ${fmt(usedValue)}` : '';
  const refNote = refValue !== undefined && !isPlainNumber(reference) ? ` = ${fmt(refValue)}` : '';
  const how = cmp.how + (cmp.note ? `, ${cmp.note}` : '');
  const detail =
    `extracted ${ex.display}${via}${valueNote}${methodName(ex)}${where}; reference ${refShown}${refNote}` +
    ` → ${cmp.match ? 'match' : 'no match'} (${how})`;
  return {
    value: cmp.match ? 1 : 0,
    detail,
    highlights: [{ start: used.start, end: used.end, kind: 'extracted', note: cmp.match ? 'matches the reference' : 'does not match the reference' }],
    extracted: used,
    comparison: cmp,
    ...(cmp.match ? { matchedBy: via ? ('last-number-of-answer' as const) : ('answer' as const) } : {}),
  };
}

function isPlainNumber(s: string): boolean {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(s);
}

function clipRef(s: string): string {
  const t = s.trim();
  return t.length > 60 ? t.slice(0, 59) + '…' : t;
}

function methodName(ex: Extracted): string {
  switch (ex.method) {
    case 'boxed':
      return ex.joined ? ` (${ex.joined} boxes read as a list)` : '';
    case 'answer-tag':
      return '';
    case 'phrase':
      return ' (answer phrase)';
    case 'whole':
      return ' (the whole answer)';
    case 'last-math':
      return ' (last math)';
    default:
      return ' (last number)';
  }
}

export const accuracy: RewardFunction<AccuracyOptions> = {
  name: 'accuracy',
  range: [0, 1],
  description:
    'Final answer (\\boxed{}, <answer>, "The answer is", last math or number) equals the reference answer (numbers, sets, intervals, matrices, formulas; a short text reference as a phrase in the final answer): 1 / 0, null without a usable reference.',
  defaults: { tolerance: 1e-6, thinkTag: 'think', searchUnclosed: false },
  score(record: RewardRecord, options: AccuracyOptions): RewardValue {
    const j = judgeAccuracy(record, options);
    return { value: j.value, detail: j.detail, highlights: j.highlights };
  },
};
