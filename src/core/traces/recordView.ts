/**
 * What a trace viewer shows of a record beyond its completion, as Inspect's log viewer does: the
 * conversation (system / user / assistant / tool turns), the events, the sample's facts (epoch,
 * target, token usage, metadata), the file's own scorers, and the eval's header (task, model, scorers,
 * metrics). Everything comes out as plain text, cut to a size a panel can hold.
 */
import type { FileScore } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Longest text of one message, one explanation or one metadata value sent to a panel. */
export const MAX_TURN_CHARS = 20_000;
export const MAX_TURNS = 300;
export const MAX_EVENTS = 500;

export interface Turn {
  role: string;
  text: string;
  /** Characters cut from the end (0: the whole message). */
  cut: number;
  /** "name(arguments)" per tool call the turn makes. */
  toolCalls?: string[];
}

export interface EventLine {
  kind: string;
  time?: string;
  summary: string;
}

export interface ScoreLine {
  name: string;
  value: string;
  answer?: string;
  explanation?: string;
  metadata?: string;
}

export interface RecordExtras {
  transcript: Turn[] | null;
  /** Turns left out past MAX_TURNS. */
  turnsLeftOut: number;
  events: EventLine[] | null;
  eventsLeftOut: number;
  /** Label / value pairs: epoch, target, token usage, metadata. */
  facts: Array<[string, string]>;
}

function cut(text: string, max = MAX_TURN_CHARS): { text: string; cut: number } {
  return text.length > max ? { text: text.slice(0, max), cut: text.length - max } : { text, cut: 0 };
}

/** A value as one line of text: strings as they are, the rest as compact JSON. */
export function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The text of a message's content: a string, or Inspect's / OpenAI's list of parts (text, reasoning, images). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return asText(content);
  return content
    .map((p) => {
      if (typeof p === 'string') return p;
      if (!isObj(p)) return asText(p);
      if (typeof p.text === 'string') return p.text;
      if (typeof p.reasoning === 'string') return `<reasoning>\n${p.reasoning}\n</reasoning>`;
      return `[${typeof p.type === 'string' ? p.type : 'part'}]`;
    })
    .join('\n');
}

function toolCalls(m: Obj): string[] | undefined {
  const calls = m.tool_calls;
  if (!Array.isArray(calls) || !calls.length) return undefined;
  return calls.map((c) => {
    if (!isObj(c)) return asText(c);
    const fn = isObj(c.function) ? c.function : undefined;
    const name = typeof c.function === 'string' ? c.function : typeof fn?.name === 'string' ? fn.name : 'tool';
    const args = c.arguments ?? fn?.arguments;
    return cut(`${name}(${typeof args === 'string' ? args : asText(args ?? {})})`, 2000).text;
  });
}

/** The conversation of a record: its `messages` (chat, Inspect), with the final output when it is not among them. */
function transcriptOf(record: Obj): { turns: Turn[]; leftOut: number } | null {
  const messages = Array.isArray(record.messages) ? record.messages : Array.isArray(record.conversation) ? record.conversation : null;
  if (!messages || !messages.length) return null;
  const turns: Turn[] = [];
  for (const m of messages.slice(0, MAX_TURNS)) {
    if (!isObj(m)) continue;
    const role = typeof m.role === 'string' ? m.role : typeof m.from === 'string' ? m.from : 'message';
    const t = cut(contentText(m.content ?? m.value ?? ''));
    const turn: Turn = { role, text: t.text, cut: t.cut };
    const calls = toolCalls(m);
    if (calls) turn.toolCalls = calls;
    if (role === 'tool' && typeof m.function === 'string') turn.role = `tool: ${m.function}`;
    turns.push(turn);
  }
  return { turns, leftOut: Math.max(0, messages.length - MAX_TURNS) };
}

function eventSummary(e: Obj): string {
  switch (e.event) {
    case 'span_begin':
      return `${typeof e.type === 'string' ? e.type + ' ' : ''}${asText(e.name)} begins`;
    case 'span_end':
      return 'span ends';
    case 'model': {
      const usage = isObj(e.output) && isObj(e.output.usage) ? e.output.usage : undefined;
      return `${asText(e.model)}${usage ? `: ${asText(usage.input_tokens)} in, ${asText(usage.output_tokens)} out tokens` : ''}${typeof e.working_time === 'number' ? `, ${e.working_time.toFixed(2)} s` : ''}`;
    }
    case 'score':
      return `score ${isObj(e.score) ? asText(e.score.value) : asText(e.score)}${typeof e.target === 'string' ? ` (target ${cut(e.target, 200).text})` : ''}`;
    case 'tool':
      return `${asText(e.function)}(${cut(asText(e.arguments ?? {}), 300).text})`;
    case 'state':
    case 'store':
      return `${Array.isArray(e.changes) ? e.changes.length : 0} change${Array.isArray(e.changes) && e.changes.length === 1 ? '' : 's'}`;
    case 'error':
      return cut(isObj(e.error) ? asText(e.error.message) : asText(e.error), 500).text;
    case 'info':
    case 'logger':
      return cut(asText(e.data ?? (isObj(e.message) ? e.message.message : e.message)), 300).text;
    default:
      return typeof e.name === 'string' ? e.name : '';
  }
}

function eventsOf(record: Obj): { lines: EventLine[]; leftOut: number } | null {
  if (!Array.isArray(record.events) || !record.events.length) return null;
  const lines: EventLine[] = [];
  for (const e of record.events.slice(0, MAX_EVENTS)) {
    if (!isObj(e)) continue;
    const line: EventLine = { kind: typeof e.event === 'string' ? e.event : 'event', summary: eventSummary(e) };
    if (typeof e.timestamp === 'string') line.time = e.timestamp;
    lines.push(line);
  }
  return { lines, leftOut: Math.max(0, record.events.length - MAX_EVENTS) };
}

/** "gpt-4o-mini: 320 in, 309 out (629)" per model of a usage object ({model: {input_tokens, …}}). */
function usageText(usage: unknown): string | undefined {
  if (!isObj(usage)) return undefined;
  const parts = Object.entries(usage).filter(([, u]) => isObj(u)).map(([model, u]) => {
    const x = u as Obj;
    const reasoning = typeof x.reasoning_tokens === 'number' && x.reasoning_tokens > 0 ? `, ${x.reasoning_tokens} reasoning` : '';
    return `${model}: ${asText(x.input_tokens)} in, ${asText(x.output_tokens)} out${reasoning} (${asText(x.total_tokens)} in all)`;
  });
  return parts.length ? parts.join('; ') : undefined;
}

/** Transcript, events and facts of a record as read from the file. */
export function recordExtras(record: unknown): RecordExtras {
  if (!isObj(record)) return { transcript: null, turnsLeftOut: 0, events: null, eventsLeftOut: 0, facts: [] };
  const t = transcriptOf(record);
  const ev = eventsOf(record);
  const facts: Array<[string, string]> = [];
  if (record.epoch !== undefined) facts.push(['epoch', asText(record.epoch)]);
  if (record.target !== undefined) facts.push(['target', cut(Array.isArray(record.target) ? record.target.map(asText).join(' | ') : asText(record.target), 2000).text]);
  const usage = usageText(record.model_usage);
  if (usage) facts.push(['token usage', usage]);
  if (typeof record.total_time === 'number') facts.push(['time', `${record.total_time.toFixed(2)} s${typeof record.working_time === 'number' ? ` (${record.working_time.toFixed(2)} s working)` : ''}`]);
  if (isObj(record.metadata)) for (const [k, v] of Object.entries(record.metadata).slice(0, 50)) facts.push([`metadata.${k}`, cut(asText(v), 2000).text]);
  if (record.error !== undefined && record.error !== null) facts.push(['error', cut(asText(isObj(record.error) ? record.error.message : record.error), 2000).text]);
  return { transcript: t?.turns ?? null, turnsLeftOut: t?.leftOut ?? 0, events: ev?.lines ?? null, eventsLeftOut: ev?.leftOut ?? 0, facts };
}

/** The file's scorers as text lines for a panel. */
export function scoreLines(scores: FileScore[] | undefined): ScoreLine[] {
  return (scores ?? []).map((s) => {
    const line: ScoreLine = { name: s.name, value: asText(s.value) };
    if (s.answer !== undefined) line.answer = cut(s.answer, 2000).text;
    if (s.explanation !== undefined) line.explanation = cut(s.explanation).text;
    if (s.metadata) line.metadata = cut(JSON.stringify(s.metadata, null, 1), 4000).text;
    return line;
  });
}

/** Inspect's eval header (header.json, or a JSON log without its samples) as label / value pairs. */
export function evalHeaderFacts(header: unknown): Array<[string, string]> | null {
  if (!isObj(header) || !isObj(header.eval)) return null;
  const ev = header.eval;
  const facts: Array<[string, string]> = [];
  const add = (label: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') facts.push([label, cut(asText(v), 2000).text]);
  };
  add('task', ev.task);
  add('model', ev.model);
  if (isObj(ev.dataset)) add('dataset', `${asText(ev.dataset.name ?? '')}${typeof ev.dataset.samples === 'number' ? ` (${ev.dataset.samples} samples)` : ''}`);
  if (isObj(ev.config) && ev.config.epochs !== undefined) add('epochs', ev.config.epochs);
  if (Array.isArray(ev.scorers)) add('scorers', ev.scorers.map((s) => (isObj(s) ? asText(s.name) : asText(s))).join(', '));
  const results = isObj(header.results) ? header.results : undefined;
  if (results && Array.isArray(results.scores)) {
    for (const s of results.scores) {
      if (!isObj(s) || !isObj(s.metrics)) continue;
      const metrics = Object.values(s.metrics).filter(isObj).map((m) => `${asText(m.name)} ${typeof m.value === 'number' ? String(Number(m.value.toPrecision(6))) : asText(m.value)}`);
      add(`metrics (${asText(s.name)})`, metrics.join(', '));
    }
  }
  if (results) add('samples', `${asText(results.completed_samples ?? '?')} completed of ${asText(results.total_samples ?? '?')}`);
  add('status', header.status);
  const stats = isObj(header.stats) ? header.stats : undefined;
  if (stats) {
    add('token usage', usageText(stats.model_usage));
    add('started', stats.started_at);
    add('completed', stats.completed_at);
  }
  add('created', ev.created);
  return facts;
}
