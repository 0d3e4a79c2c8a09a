/**
 * Turn one parsed JSON value (a JSONL line) into a RewardRecord. Accepted shapes:
 *
 * - plain: {"id", "prompt", "completion", "answer"?, "language"?, "reference"?}
 * - chat:  {"messages": [{role, content}, ...]}: completion = the last assistant message, prompt = the
 *          user turns joined by blank lines; system (and other) turns are ignored
 * - TRL conversational: "prompt" and/or "completion" given as message lists (completion = its last
 *   assistant message, or all its messages' text when none is marked assistant)
 * - message `content` as a string or a list of parts [{type: "text", text}] (other part types skipped)
 * - numeric (or boolean) id / answer / reference are stringified; null means absent.
 * Errors name the field: `field "completion": expected a string or a list of chat messages, got number`.
 */
import type { RewardRecord } from '../rewards/types';

type Result = { record?: RewardRecord; error?: string };

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Text of a message content: a string, or a list of {type:"text", text} parts. */
function contentText(content: unknown, field: string): { text?: string; error?: string } {
  if (typeof content === 'string') return { text: content };
  if (content === null || content === undefined) return { text: '' };
  if (Array.isArray(content)) {
    const parts: string[] = [];
    for (let i = 0; i < content.length; i++) {
      const p = content[i] as unknown;
      if (typeof p === 'string') parts.push(p);
      else if (p && typeof p === 'object') {
        const o = p as { type?: unknown; text?: unknown };
        if ((o.type === undefined || o.type === 'text') && typeof o.text === 'string') parts.push(o.text);
        else if (o.type === undefined && o.text !== undefined) return { error: `field "${field}[${i}].text": expected a string, got ${typeName(o.text)}` };
      } else {
        return { error: `field "${field}[${i}]": expected a text part, got ${typeName(p)}` };
      }
    }
    return { text: parts.join('') };
  }
  return { error: `field "${field}": expected a string or a list of text parts, got ${typeName(content)}` };
}

interface Msg {
  role: string;
  text: string;
}

function readMessages(v: unknown[], field: string): { messages?: Msg[]; error?: string } {
  const out: Msg[] = [];
  for (let i = 0; i < v.length; i++) {
    const m = v[i] as unknown;
    if (!m || typeof m !== 'object' || Array.isArray(m)) return { error: `field "${field}[${i}]": expected a message {role, content}, got ${typeName(m)}` };
    const o = m as { role?: unknown; content?: unknown };
    if (typeof o.role !== 'string') return { error: `field "${field}[${i}].role": expected a string, got ${typeName(o.role)}` };
    const c = contentText(o.content, `${field}[${i}].content`);
    if (c.error !== undefined) return { error: c.error };
    out.push({ role: o.role, text: c.text ?? '' });
  }
  return { messages: out };
}

function userText(messages: Msg[]): string {
  return messages
    .filter((m) => m.role === 'user' || m.role === 'human')
    .map((m) => m.text)
    .join('\n\n');
}

function scalar(v: unknown, field: string): { value?: string; error?: string } {
  if (v === undefined || v === null) return {};
  if (typeof v === 'string') return { value: v };
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return { value: String(v) };
  return { error: `field "${field}": expected a string or a number, got ${typeName(v)}` };
}

export function toRewardRecord(value: unknown, fallbackId: string): Result {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { error: `expected a JSON object with "completion" or "messages", got ${typeName(value)}` };
  }
  const o = value as Record<string, unknown>;
  let prompt = '';
  let completion: string | undefined;

  if (o.messages !== undefined && o.completion === undefined) {
    if (!Array.isArray(o.messages)) return { error: `field "messages": expected a list of chat messages, got ${typeName(o.messages)}` };
    const r = readMessages(o.messages, 'messages');
    if (r.error) return { error: r.error };
    const msgs = r.messages as Msg[];
    let last = -1;
    for (let i = msgs.length - 1; i >= 0; i--) {
      if (msgs[i].role === 'assistant') {
        last = i;
        break;
      }
    }
    if (last === -1) return { error: 'field "messages": no assistant message to score' };
    completion = msgs[last].text;
    prompt = userText(msgs.slice(0, last));
  } else {
    const c = o.completion;
    if (c === undefined) return { error: 'field "completion": missing (expected a string or a list of chat messages)' };
    if (typeof c === 'string') completion = c;
    else if (Array.isArray(c)) {
      const r = readMessages(c, 'completion');
      if (r.error) return { error: r.error };
      const msgs = r.messages as Msg[];
      const assistants = msgs.filter((m) => m.role === 'assistant');
      completion = assistants.length > 0 ? assistants[assistants.length - 1].text : msgs.map((m) => m.text).join('\n\n');
    } else {
      return { error: `field "completion": expected a string or a list of chat messages, got ${typeName(c)}` };
    }
  }
  if (o.prompt !== undefined && o.prompt !== null) {
    if (typeof o.prompt === 'string') prompt = o.prompt;
    else if (Array.isArray(o.prompt)) {
      const r = readMessages(o.prompt, 'prompt');
      if (r.error) return { error: r.error };
      prompt = userText(r.messages as Msg[]);
    } else {
      return { error: `field "prompt": expected a string or a list of chat messages, got ${typeName(o.prompt)}` };
    }
  }
  const id = scalar(o.id, 'id');
  if (id.error) return { error: id.error };
  const record: RewardRecord = { id: id.value ?? fallbackId, prompt, completion };
  const a = scalar(o.answer, 'answer');
  if (a.error) return { error: a.error };
  if (a.value !== undefined) record.answer = a.value;
  const ref = scalar(o.reference, 'reference');
  if (ref.error) return { error: ref.error };
  if (ref.value !== undefined) record.reference = ref.value;
  if (o.language !== undefined && o.language !== null) {
    if (typeof o.language !== 'string') return { error: `field "language": expected a string such as "en" or "zh", got ${typeName(o.language)}` };
    if (o.language.trim()) record.language = o.language.trim();
  }
  return { record };
}
