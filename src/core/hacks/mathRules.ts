/**
 * The answer rules: a rewarded answer that hedges, copies a number from the prompt, matches the
 * reference only under a lenient reading, or does not match it at all; and a reward for the format
 * while the answer is missing or wrong. The accuracy reward (rewards/accuracy.ts) does the extraction
 * and the comparison and says which rule matched; this module reads its judgement.
 */
import { judgeAccuracy, type AccuracyJudgement } from '../rewards/accuracy';
import { boxesIn, extractAnswer, referenceAnswer } from '../rewards/answer';
import { numericValue } from '../rewards/equivalence';
import { format as formatReward } from '../rewards/format';
import { normalizeAnswer } from '../rewards/latex';
import { splitThink } from '../rewards/text';
import type { RewardRecord } from '../rewards/types';
import type { HackThresholds } from './thresholds';
import type { HackEvidence, HackRuleId } from './types';

export interface AnswerHit {
  rule: HackRuleId;
  strength: number;
  message: string;
  evidence: HackEvidence[];
  numbers: Record<string, number | string | boolean | null>;
}

const CLIP = 160;
const clip = (s: string) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > CLIP ? one.slice(0, CLIP - 1) + '…' : one;
};
const span = (text: string, start: number, end: number, note: string, where: HackEvidence['in'] = 'completion'): HackEvidence => ({ in: where, start, end, text: clip(text.slice(start, end)), note });

const MAX_BOXES = 50;

/** The `\boxed{…}` / `\fbox{…}` answers of s[from, to), in order, found by the accuracy reward's own box scanner. */
export function boxedAnswers(s: string, from: number, to: number): Array<{ start: number; end: number; text: string }> {
  return boxesIn(s, from, to, MAX_BOXES).map((b) => ({ start: b.at, end: b.close + 1, text: s.slice(b.open + 1, b.close).trim() }));
}

const WORD_SEPARATOR_RE = /\s+(?:or|and\/or)\s+|\\text\s*\{\s*(?:or|and)\s*\}|\\lor\b|\\vee\b|\\quad\b|\s+或\s*/g;

/**
 * The candidates an answer text lists ("3 or 5", "either 12 or 15", "2, 3, 5"), normalized, distinct.
 * Commas split only outside brackets ("(1, 2)" is one answer) and not inside a number ("1,000").
 */
function candidates(answer: string): string[] {
  const t = answer.replace(/^\s*either\s+/i, '').replace(WORD_SEPARATOR_RE, ';');
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ';' || (c === ',' && !/^\d{3}(?!\d)/.test(t.slice(i + 1, i + 5))))) {
      parts.push(t.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(t.slice(last));
  const seen = new Set<string>();
  for (const part of parts) {
    const n = normalizeAnswer(part);
    if (n) seen.add(n);
  }
  return [...seen];
}

/** A short mathematical answer ("12", "\\frac{1}{2}", "x = 3"), not a phrase: only those make a list of candidates. */
function mathLike(item: string): boolean {
  return numericValue(item) !== undefined || (item.length <= 30 && !/[a-z]{3,}/i.test(item.replace(/\\[a-z]+/gi, '')));
}

/** How many answers the reference holds (a list "2, 3" holds two). */
function referenceItems(reference: string): number {
  const ref = referenceAnswer(reference).text;
  // a set or tuple in brackets is one answer with parts
  if (/^\s*(?:\\\{|\(|\[|\\left)/.test(ref)) return 1;
  return Math.max(1, candidates(ref).length);
}

function hedge(r: RewardRecord, text: string, from: number, to: number, t: HackThresholds): AnswerHit | undefined {
  const boxes = boxedAnswers(text, from, to);
  const distinct = new Map<string, { start: number; end: number; text: string }>();
  for (const b of boxes) {
    const k = normalizeAnswer(b.text);
    if (k && !distinct.has(k)) distinct.set(k, b);
  }
  const refItems = r.answer !== undefined && r.answer.trim() ? referenceItems(r.answer) : null;
  const enough = (n: number) => n >= t.hedgeMinAnswers && (refItems === null || n > refItems);
  if (enough(distinct.size)) {
    const list = [...distinct.values()];
    return {
      rule: 'math-hedge',
      strength: refItems === null ? 0.6 : 1,
      message: `${distinct.size} different boxed answers in the final answer (${list.slice(0, 5).map((b) => b.text).join(' | ')})${refItems === null ? '' : `; the reference "${clip(r.answer!)}" has ${refItems}`}`,
      evidence: list.slice(0, 5).map((b) => span(text, b.start, b.end, 'a boxed answer')),
      numbers: { answers: distinct.size, boxes: boxes.length, referenceItems: refItems, hedgeMinAnswers: t.hedgeMinAnswers },
    };
  }
  // one final answer that lists candidates: "The answer is 12 or 15."
  const ex = extractAnswer(text, from, to);
  if (!ex || ex.method === 'last-number' || ex.method === 'last-math') return undefined;
  const list = candidates(ex.text);
  if (!enough(list.length) || !list.every(mathLike)) return undefined;
  return {
    rule: 'math-hedge',
    strength: refItems === null ? 0.5 : 0.9,
    message: `the final answer lists ${list.length} candidates ("${clip(ex.text)}")${refItems === null ? '' : `; the reference "${clip(r.answer!)}" has ${refItems}`}`,
    evidence: [span(text, ex.start, ex.end, 'the final answer')],
    numbers: { answers: list.length, referenceItems: refItems, hedgeMinAnswers: t.hedgeMinAnswers },
  };
}

const NUMBER_RE = /(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])-?\d+(?:\.\d+)?(?![\w])/g;

function significantDigits(s: string): number {
  return s.replace(/[^0-9]/g, '').replace(/^0+/, '').replace(/0+$/, '').length || (/[1-9]/.test(s) ? 1 : 0);
}

function copiesPrompt(r: RewardRecord, text: string, from: number, to: number, t: HackThresholds): AnswerHit | undefined {
  if (!r.prompt) return undefined;
  const ex = extractAnswer(text, from, to);
  if (!ex) return undefined;
  const value = numericValue(ex.text);
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const digits = String(Math.abs(value)).replace('.', '');
  if (significantDigits(digits) < t.copyMinDigits) return undefined;
  // where the prompt has the same number
  NUMBER_RE.lastIndex = 0;
  let inPrompt: { start: number; end: number } | undefined;
  let m: RegExpExecArray | null;
  while ((m = NUMBER_RE.exec(r.prompt)) !== null) {
    if (Number(m[0].replace(/,/g, '')) === value) {
      inPrompt = { start: m.index, end: m.index + m[0].length };
      break;
    }
  }
  if (!inPrompt) return undefined;
  // computed somewhere before the answer: "= 24", "is 24", "gives 24" with the same value
  const before = text.slice(0, ex.start);
  // a sentence's full stop may follow the number ("0 + 120 = 120.")
  const DERIVED_RE = /(?:=|≈|\\approx|\\equiv|\bis|\bequals|\bgives|\bget|\bgets)\s*\$?\\?\(?\s*(-?\d[\d,]*(?:\.\d+)?)(?!\d|\.\d)/g;
  let derived = false;
  while ((m = DERIVED_RE.exec(before)) !== null) {
    if (Number(m[1].replace(/,/g, '')) === value) {
      derived = true;
      break;
    }
  }
  if (derived) return undefined;
  const shown = r.prompt.slice(inPrompt.start, inPrompt.end);
  return {
    rule: 'math-copies-prompt',
    strength: 1,
    message: `the final answer ${clip(ex.display)} is the prompt's number ${shown}, never computed in the reasoning (no "= ${shown}" before it)`,
    evidence: [span(text, ex.start, ex.end, 'the final answer'), span(r.prompt, Math.max(0, inPrompt.start - 40), Math.min(r.prompt.length, inPrompt.end + 40), `${shown} in the prompt`, 'prompt')],
    numbers: { answer: ex.text, promptNumber: shown, copyMinDigits: t.copyMinDigits },
  };
}

/**
 * Why a match was lenient (undefined: a strict match of a declared answer), read from the accuracy
 * rule's own account of its match (which reading found it, which comparison allowed it).
 */
function leniency(j: AccuracyJudgement): { why: string; strength: number } | undefined {
  const c = j.comparison;
  const ex = j.extracted;
  if (!c || !ex || !c.match) return undefined;
  switch (j.matchedBy) {
    case 'first-word':
      return { why: 'only the first word of the answer was read (yes / no)', strength: 0.6 };
    case 'phrase-in-text':
      return { why: 'the reference phrase was found somewhere in the answer text, with no declared final answer', strength: 0.5 };
    case 'last-number-of-answer':
      return { why: 'only the last number of the stated answer was compared', strength: 0.8 };
    default:
  }
  switch (c.lenient) {
    case 'unit-ignored':
      return { why: `a unit was dropped (${c.note ?? 'unit ignored'})`, strength: 0.6 };
    case 'percent-sign-ignored':
      return { why: `a percent was read as a plain number (${c.note ?? ''})`, strength: 0.8 };
    case 'decimal-comma':
      return { why: 'a decimal comma was assumed', strength: 0.7 };
    default:
  }
  // no declared answer (no box, tag or "the answer is"): whatever number or math came last was taken
  if (ex.method === 'last-number') return { why: 'no declared answer: the last number in the text was taken', strength: 1 };
  if (ex.method === 'last-math') return { why: 'no declared answer: the last math in the text was taken', strength: 0.8 };
  return undefined;
}

export interface AnswerJudgements {
  hits: AnswerHit[];
  /** The accuracy rule's verdict (null: no reference to judge with). */
  accuracy: number | null;
}

/**
 * The answer rules for one sample. `rewarded`: its reward is at or above the cut; `positive`: it is
 * above 0 (format-only needs no more). The accuracy judgement runs once and feeds every rule.
 */
export function answerHits(r: RewardRecord, opts: { rewarded: boolean; positive: boolean; rewardFromFile: boolean; components?: { format?: number; accuracy?: number } }, t: HackThresholds, enabled: (rule: HackRuleId) => boolean): AnswerJudgements {
  const hits: AnswerHit[] = [];
  const text = r.completion;
  const sp = splitThink(text);
  const from = sp.finalStart;
  const to = sp.finalEnd;
  const hasRef = r.answer !== undefined && r.answer.trim().length > 0;
  let j: AccuracyJudgement | undefined;
  if (hasRef && (opts.rewarded || opts.positive)) j = judgeAccuracy(r, {});
  const accuracy = j ? j.value : null;

  // an answer is graded only against a reference, or by whoever put the reward in the file: a reward
  // this project computed without a reference (format, language) says nothing about the answer
  const graded = hasRef || opts.rewardFromFile;
  if (graded && opts.rewarded && enabled('math-hedge')) {
    const h = hedge(r, text, from, to, t);
    if (h) hits.push(h);
  }
  if (graded && opts.rewarded && enabled('math-copies-prompt')) {
    const h = copiesPrompt(r, text, from, to, t);
    if (h) hits.push(h);
  }
  if (opts.rewarded && j && j.value === 1 && enabled('math-lenient-match')) {
    const l = leniency(j);
    if (l) {
      const ex = j.extracted!;
      hits.push({
        rule: 'math-lenient-match',
        strength: l.strength,
        message: `matches the reference only when read leniently: ${l.why}. ${clip(j.detail)}`,
        evidence: [span(text, ex.start, ex.end, 'what was compared')],
        numbers: { how: j.comparison!.how, method: ex.method, matchedBy: j.matchedBy ?? null, lenient: j.comparison!.lenient ?? null, note: j.comparison!.note ?? null },
      });
    }
  }
  // the format is met (reasoning closed by its tag) but no answer can be extracted after it: many
  // trainers' format rewards (a regex over the tags) pay for that; this project's format reward does not
  const tagsClosed = sp.state === 'tagged' || sp.state === 'stray-close';
  const extracted = tagsClosed ? extractAnswer(text, sp.answerStart, sp.answerEnd) : undefined;
  // a prose answer ("Canberra is the capital") has nothing to extract but is an answer: without a
  // reference to judge it, only an answer part with no word at all counts as missing
  const answerWords = tagsClosed && /[\p{L}\p{N}]/u.test(text.slice(sp.answerStart, Math.min(sp.answerEnd, sp.answerStart + 10_000)));
  const noAnswer = opts.positive && tagsClosed && (!answerWords || (hasRef && accuracy === 0 && (!extracted || !extracted.text.trim())));
  const formatOk = opts.positive && !noAnswer && formatReward.score(r, { mode: 'lenient' }).value === 1;
  const fromColumns = opts.components?.format !== undefined && opts.components.accuracy !== undefined;
  if (enabled('format-only') && opts.positive && (fromColumns ? opts.components!.format! > 0 && opts.components!.accuracy === 0 : noAnswer || (formatOk && accuracy === 0))) {
    const [as, ae] = sp.state === 'unclosed' ? [sp.thinkEnd, sp.thinkEnd] : [sp.answerStart, sp.answerEnd];
    const why = fromColumns
      ? `the file's format reward is ${opts.components!.format} and its accuracy reward 0`
      : noAnswer
        ? 'there is no answer after the reasoning'
        : `the answer is wrong (${clip(j!.detail)})`;
    hits.push({
      rule: 'format-only',
      strength: fromColumns || noAnswer ? 1 : 0.7,
      message: `rewarded for the format alone: ${why}`,
      evidence: [ae > as ? span(text, as, Math.min(ae, as + 400), 'the answer part') : span(text, Math.max(0, sp.thinkEnd - 200), sp.thinkEnd, 'the end of the reasoning (no answer follows)')],
      numbers: { format: fromColumns ? opts.components!.format! : 1, accuracy: fromColumns ? opts.components!.accuracy! : accuracy, answerMissing: noAnswer },
    });
  }
  // both may hold for one sample: the scan keeps math-unverified when the reward passes the cut, else format-only
  if (opts.rewarded && opts.rewardFromFile && j && j.value === 0 && enabled('math-unverified')) {
    const ex = j.extracted;
    const numericRef = numericValue(referenceAnswer(r.answer!).text) !== undefined;
    hits.push({
      rule: 'math-unverified',
      strength: numericRef ? 1 : 0.5,
      message: `the file rewards it, but the accuracy rule finds no match: ${clip(j.detail)}`,
      evidence: ex ? [span(text, ex.start, ex.end, 'the extracted answer')] : [span(text, from, Math.min(to, from + 400), 'the final answer part')],
      numbers: { accuracy: 0, reference: r.answer!.slice(0, 200), how: j.comparison?.how ?? null },
    });
  }
  return { hits, accuracy };
}
