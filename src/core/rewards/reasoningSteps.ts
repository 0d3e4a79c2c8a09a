/**
 * Step segmentation of a reasoning trace, the one place it is done: the step-efficiency and novelty
 * rewards, the process reward model and the trace explorer all use it (`reasoningSteps` for the
 * reasoning part of a completion, `segmentSteps` for any span of text).
 *
 * Boundaries, in order:
 *   1. blank lines (paragraphs);
 *   2. lines that start a numbered step: "1." "2)" "3、" "Step 3:" "**Step 3**" "第三步" "第3步" "步骤2";
 *   3. inside a piece longer than MAX_STEP_CHARS (~600), sentence ends (. ? ! 。？！ followed by space
 *      or end), packing sentences greedily up to the limit; a single sentence longer than that is cut
 *      at the last space before the limit (or at the limit).
 * Each step is labelled by cue phrases at its start (English and Chinese):
 *   backtrack ("Alternatively", "That's wrong", "Let me try another", "换一种"), reflection ("Wait",
 *   "Hmm", "But wait", "let me double-check", "等等", "不对"), verification ("Let me verify", "check:",
 *   "Let me check", "验证"), conclusion ("Therefore", "So the answer", "Thus", "综上", "所以答案"),
 *   else reasoning.
 * Offsets are UTF-16 offsets into the given text; steps are trimmed of surrounding whitespace.
 */
import { approxTokenCount, splitThink } from './text';

export type StepKind = 'reasoning' | 'reflection' | 'backtrack' | 'verification' | 'conclusion';
export const STEP_KINDS: readonly StepKind[] = ['reasoning', 'reflection', 'backtrack', 'verification', 'conclusion'];

export interface Step {
  index: number;
  /** [start, end) in the segmented text. */
  start: number;
  end: number;
  text: string;
  kind: StepKind;
  chars: number;
  /** Cheap token count (text.ts approxTokenCount). */
  tokens: number;
}

export const MAX_STEP_CHARS = 600;

const NUMBERED_LINE_RE = /^[ \t>*#_-]{0,8}(?:\d{1,3}[.)、](?=\s|\*)|step\s*\d{1,3}\b|第[一二三四五六七八九十百\d]{1,4}步|步骤\s*[一二三四五六七八九十\d]{1,3})/i;

// Cue phrases at the start of a step (after markdown/numbering prefix). Ordered by precedence.
const PREFIX_RE = /^[\s>*#_\-"'“(]*(?:(?:\d{1,3}[.)、]|step\s*\d{1,3}\s*[:.)]?|第[一二三四五六七八九十百\d]{1,4}步[:：，,]?)[\s*_]*)?/i;
const CUES: Array<[StepKind, RegExp]> = [
  ['backtrack', /^(?:alternatively|that'?s (?:wrong|not right|incorrect)|that is (?:wrong|incorrect)|this is wrong|let me try (?:another|a different)|let's try (?:another|a different)|maybe (?:i|we) should try|scratch that|换一种|换个思路|另一种方法|或者换)/i],
  ['reflection', /^(?:wait|hmm+|but wait|hold on|let me (?:double[- ]check|re-?check|re-?examine|reconsider|re-?think)|let's (?:double[- ]check|re-?check|reconsider)|actually|oh|等等|等一下|不对|嗯|再想想|再检查)/i],
  ['verification', /^(?:let me verify|let's verify|to verify|verify|verification|verifying|check\s*[:：]|checking|let me check|let's check|double[- ]checking:|验证|检查[:：]?|检验)/i],
  ['conclusion', /^(?:therefore|thus|hence|so the (?:final )?answer|so,? the answer|in conclusion|final answer|the (?:final )?answer is|综上|所以答案|因此答案|所以最终|最终答案|答案是)/i],
];

/** Label a step by its opening words. */
export function classifyStep(text: string): StepKind {
  const head = text.length > 160 ? text.slice(0, 160) : text;
  const m = PREFIX_RE.exec(head);
  const rest = m ? head.slice(m[0].length) : head;
  for (const [kind, re] of CUES) if (re.test(rest)) return kind;
  return 'reasoning';
}

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000;
}

/** A step whose token count is computed on first read (the rewards never read it). */
function makeStep(text: string, index: number, start: number, end: number, kind: StepKind): Step {
  let tokens = -1;
  return {
    index,
    start,
    end,
    text: text.slice(start, end),
    kind,
    chars: end - start,
    get tokens(): number {
      if (tokens < 0) tokens = approxTokenCount(text, start, end);
      return tokens;
    },
  };
}

/**
 * The steps of `text`'s part [from, to) as trimmed [start, end) spans, in order, handed to `emit`
 * (see the module comment): what segmentSteps builds Steps from and countSteps counts, without
 * allocating a step.
 */
function walkSteps(text: string, from: number, to: number, emit: (s: number, e: number) => void): void {
  const trimmed = (s: number, e: number): void => {
    while (s < e && isSpaceCode(text.charCodeAt(s))) s++;
    while (e > s && isSpaceCode(text.charCodeAt(e - 1))) e--;
    if (e > s) emit(s, e);
  };
  const piece = (s: number, e: number): void => {
    if (e - s <= MAX_STEP_CHARS) trimmed(s, e);
    else splitLong(text, s, e, trimmed);
  };
  // 1 + 2: walk lines; a blank line ends a piece, a numbered line starts one.
  let pieceStart = -1;
  let pos = from;
  const n = to;
  while (pos <= n) {
    let eol = text.indexOf('\n', pos);
    if (eol === -1 || eol > n) eol = n;
    let blank = true;
    for (let i = pos; i < eol; i++) {
      if (!isSpaceCode(text.charCodeAt(i))) {
        blank = false;
        break;
      }
    }
    if (blank) {
      if (pieceStart !== -1) {
        piece(pieceStart, pos);
        pieceStart = -1;
      }
    } else {
      if (pieceStart !== -1 && NUMBERED_LINE_RE.test(text.slice(pos, Math.min(eol, pos + 40)))) {
        piece(pieceStart, pos);
        pieceStart = pos;
      } else if (pieceStart === -1) {
        pieceStart = pos;
      }
    }
    if (eol >= n) break;
    pos = eol + 1;
  }
  if (pieceStart !== -1) piece(pieceStart, n);
}

const classifySpan = (text: string, s: number, e: number): StepKind => classifyStep(text.slice(s, Math.min(e, s + 160)));

/**
 * Segment `text` (or its part [from, to)) into steps (see the module comment). Offsets are into `text`.
 */
export function segmentSteps(text: string, from = 0, to = text.length): Step[] {
  const steps: Step[] = [];
  walkSteps(text, from, to, (s, e) => {
    steps.push(makeStep(text, steps.length, s, e, classifySpan(text, s, e)));
  });
  return steps;
}

/**
 * How many steps the reasoning part of a completion has, and how many of them are reflections or
 * backtracks: reasoningSteps' numbers without building the steps (the trace analysis reads every
 * sample of a file for these two).
 */
export function countSteps(completion: string, thinkTag = 'think'): { steps: number; reflections: number } {
  if (cacheSteps && cacheText === completion && cacheTag === thinkTag) {
    let reflections = 0;
    for (const st of cacheSteps) if (st.kind === 'reflection' || st.kind === 'backtrack') reflections++;
    return { steps: cacheSteps.length, reflections };
  }
  const sp = splitThink(completion, thinkTag);
  let steps = 0;
  let reflections = 0;
  walkSteps(completion, sp.thinkStart, sp.thinkEnd, (s, e) => {
    steps++;
    const kind = classifySpan(completion, s, e);
    if (kind === 'reflection' || kind === 'backtrack') reflections++;
  });
  return { steps, reflections };
}

// A sentence end: . ? ! before whitespace, or a CJK full stop / question / exclamation mark.
const SENTENCE_END_RE = /[.?!](?=\s)|[。？！]/g;

/** 3: split a long piece at sentence ends, packing sentences up to MAX_STEP_CHARS. */
function splitLong(text: string, s: number, e: number, emit: (s: number, e: number) => void): void {
  let chunkStart = s;
  let lastBoundary = -1; // end of the last sentence inside the current chunk
  // sentence ends are searched in the piece only (plus the one character the lookahead reads): a search
  // in the whole text would run past the piece to the next sentence end, for every piece (quadratic)
  const piece = text.slice(s, e + 1);
  const re = SENTENCE_END_RE;
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(piece);
    let b = m && s + m.index < e ? s + m.index + 1 : -1;
    if (b === -1 && e - chunkStart <= MAX_STEP_CHARS) break;
    if (b === -1) b = e; // the piece end is a boundary too
    // emit chunks while the next boundary lies beyond the limit
    while (b - chunkStart > MAX_STEP_CHARS) {
      let cut = lastBoundary > chunkStart ? lastBoundary : -1;
      if (cut === -1) {
        // one sentence longer than the limit: cut at the last space before it, else hard
        const limit = chunkStart + MAX_STEP_CHARS;
        let j = limit;
        while (j > chunkStart + MAX_STEP_CHARS / 2 && !isSpaceCode(text.charCodeAt(j))) j--;
        cut = j > chunkStart + MAX_STEP_CHARS / 2 ? j : limit;
        const cc = text.charCodeAt(cut - 1);
        if (cc >= 0xd800 && cc <= 0xdbff) cut++; // never split a surrogate pair
      }
      emit(chunkStart, cut);
      chunkStart = cut;
      lastBoundary = -1;
    }
    if (b >= e) break;
    lastBoundary = b;
  }
  if (chunkStart < e) emit(chunkStart, e);
}

let cacheText: string | undefined;
let cacheTag: string | undefined;
let cacheSteps: Step[] | undefined;

/** Steps of the reasoning part of a completion, offsets into the completion (cached for the last completion). */
export function reasoningSteps(completion: string, thinkTag = 'think'): Step[] {
  if (cacheSteps && cacheText === completion && cacheTag === thinkTag) return cacheSteps;
  const sp = splitThink(completion, thinkTag);
  const steps = segmentSteps(completion, sp.thinkStart, sp.thinkEnd);
  cacheText = completion;
  cacheTag = thinkTag;
  cacheSteps = steps;
  return steps;
}
