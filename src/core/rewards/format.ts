/**
 * format: does the completion follow R1's template, reasoning inside `<think>…</think>` then the answer?
 * Value 1 (pass) or 0 (fail); the detail says exactly what failed.
 *
 * - strict (default): the trimmed completion starts with `<think>`, has exactly one opening and one
 *   closing think tag, non-empty reasoning and a non-empty answer after `</think>`. With `answerTag`
 *   set (e.g. "answer"), the answer must be exactly one `<answer>…</answer>` block, non-empty, with
 *   nothing after it.
 * - lenient: a `</think>` with non-empty reasoning before it and a non-empty answer after it (the
 *   opening tag may be missing, as chat templates put `<think>` in the prompt; extra tags are tolerated).
 * An unclosed `<think>` (output truncated at max length) fails both.
 */
import type { Highlight, RewardFunction, RewardRecord, RewardValue } from './types';
import { countOccurrences, splitThink, strOpt, trimSpan } from './text';

export interface FormatOptions {
  mode?: 'strict' | 'lenient';
  thinkTag?: string;
  /** null / absent: the answer is plain text after `</think>`; "answer": require `<answer>…</answer>`. */
  answerTag?: string | null;
}

function fail(detail: string, highlights?: Highlight[]): RewardValue {
  return { value: 0, detail, highlights };
}

export const format: RewardFunction<FormatOptions> = {
  name: 'format',
  range: [0, 1],
  description: 'R1 template: reasoning inside <think>…</think>, then the answer. 1 pass / 0 fail.',
  defaults: { mode: 'strict', thinkTag: 'think', answerTag: null },
  score(record: RewardRecord, options: FormatOptions): RewardValue {
    const text = record.completion;
    const mode = options.mode === 'lenient' ? 'lenient' : 'strict';
    const tag = strOpt(options.thinkTag, 'think');
    const answerTag = typeof options.answerTag === 'string' && options.answerTag.length > 0 ? options.answerTag : null;
    const sp = splitThink(text, tag);
    const open = sp.openTag;
    const close = sp.closeTag;

    if (text.trim().length === 0) return fail('empty completion');
    if (sp.closeCount === 0) {
      return sp.openCount > 0 ? fail(`no closing ${close} (${open} never closed; truncated output?)`) : fail(`no ${close} tag`);
    }
    const highlights: Highlight[] = [];
    const [ts, te] = trimSpan(text, sp.thinkStart, sp.thinkEnd);
    if (te > ts) highlights.push({ start: ts, end: te, kind: 'think' });
    const [as, ae] = trimSpan(text, sp.answerStart, sp.answerEnd);
    if (ae > as) highlights.push({ start: as, end: ae, kind: 'answer' });

    if (mode === 'strict') {
      const [s0] = trimSpan(text, 0, text.length);
      if (sp.openCount === 0) return fail(`no opening ${open} tag`, highlights);
      if (!text.startsWith(open, s0)) return fail(`does not start with ${open}`, highlights);
      if (sp.openCount > 1) return fail(`${sp.openCount} ${open} tags`, highlights);
      if (sp.closeCount > 1) return fail(`${sp.closeCount} ${close} tags`, highlights);
      if (te <= ts) return fail(`empty reasoning inside ${open}…${close}`, highlights);
      if (ae <= as) return fail(`empty answer after ${close}`, highlights);
      if (answerTag) {
        const r = checkAnswerBlock(text, as, ae, answerTag);
        if (r) return fail(r, highlights);
      }
      return { value: 1, detail: answerTag ? `${open}…${close} then <${answerTag}>…</${answerTag}>` : `${open}…${close} then an answer`, highlights };
    }
    // lenient
    if (te <= ts) return fail(`empty reasoning before ${close}`, highlights);
    if (ae <= as) return fail(`empty answer after ${close}`, highlights);
    if (answerTag) {
      const ao = countOccurrences(text.slice(as, ae), `<${answerTag}>`);
      const ac = countOccurrences(text.slice(as, ae), `</${answerTag}>`);
      if (ao.count === 0 || ac.count === 0) return fail(`no <${answerTag}>…</${answerTag}> block after ${close}`, highlights);
    }
    const note = sp.state === 'stray-close' ? ` (no opening ${open}: assumed in the prompt)` : '';
    return { value: 1, detail: `reasoning, ${close}, then an answer${note}`, highlights };
  },
};

/** Strict answer-block check on the trimmed answer span; returns the failure or undefined. */
function checkAnswerBlock(text: string, as: number, ae: number, tag: string): string | undefined {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const part = text.slice(as, ae);
  const o = countOccurrences(part, open);
  const c = countOccurrences(part, close);
  if (o.count === 0) return `no ${open} block after the reasoning`;
  if (o.count > 1) return `${o.count} ${open} tags`;
  if (c.count === 0) return `no closing ${close}`;
  if (c.count > 1) return `${c.count} ${close} tags`;
  if (o.first !== 0) return `text before ${open}`;
  if (c.first < o.first) return `${close} before ${open}`;
  if (part.slice(o.first + open.length, c.first).trim().length === 0) return `empty ${open} block`;
  if (c.first + close.length !== part.length) return `text after ${close}`;
  return undefined;
}
