/**
 * Making a prompt + answer fit the model: the answer is what a reward model scores, so when the two
 * are too long together the prompt loses its beginning first (whole earlier turns of a conversation,
 * then the start of the oldest remaining one, at a word boundary); only an answer too long on its own
 * is cut itself (by the caller, from the right). Token counts come from re-encoding, since how many
 * characters make a token depends on the text.
 */
import type { ChatMessage } from '../rewards/types';

export type PromptText = string | ChatMessage[];

const length = (p: PromptText) => (typeof p === 'string' ? p.length : p.reduce((n, m) => n + m.content.length, 0));

/** `p` without its first `chars` characters (whole messages first), starting at a word boundary. */
export function cutPromptLeft(p: PromptText, chars: number): PromptText {
  if (typeof p === 'string') return cutText(p, chars);
  const messages = [...p];
  let left = chars;
  // keep the last message (the question being answered) whatever happens to the ones before it
  while (messages.length > 1 && messages[0].content.length <= left) left -= messages.shift()!.content.length;
  if (left > 0) messages[0] = { ...messages[0], content: cutText(messages[0].content, left) };
  return messages;
}

function cutText(s: string, chars: number): string {
  if (chars >= s.length) return '';
  const space = s.slice(chars).search(/\s/);
  return space < 0 || space > 40 ? s.slice(chars) : s.slice(chars + space).trimStart();
}

/**
 * Shorten `prompt` from the left until `encode(prompt)` has at most `max` tokens (or the prompt is
 * gone); returns the shortened prompt and its encoding.
 */
export function fitPrompt<E extends { ids: number[] }>(prompt: PromptText, max: number, encode: (p: PromptText) => E): { prompt: PromptText; enc: E } {
  let enc = encode(prompt);
  for (let i = 0; i < 12 && enc.ids.length > max && length(prompt) > 0; i++) {
    // characters per token of this text; the margin (so that most inputs fit after one cut) is a small
    // share of the budget: a share of the excess would cut a long prompt far below what fits
    const perToken = Math.max(1, length(prompt) / Math.max(1, enc.ids.length));
    const excess = enc.ids.length - max;
    const margin = Math.max(1, Math.ceil(max * 0.02));
    prompt = cutPromptLeft(prompt, Math.ceil((excess + margin) * perToken));
    enc = encode(prompt);
  }
  return { prompt, enc };
}
