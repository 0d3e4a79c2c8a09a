/**
 * Shape detection and the mapping from one parsed entry to its samples.
 *
 * detectShape looks at the first parsed entries and picks a format and the field each piece comes
 * from (candidates below, first present wins); a FieldMapping overrides any of them. toSamples then
 * turns one entry into samples, through the reward engine's record reader (toRewardRecord) so chat
 * messages, content parts and TRL's conversational columns are read exactly as `score` reads them.
 *
 * Rewards found in files: numbers; booleans (`is_solved`) → 1/0; Inspect score values C/I/P/N →
 * 1/0/0.5/0; an object with `r` / `reward` / `score` / `value` (Tree-of-Thoughts `infos[].r`).
 */
import { createHash } from 'node:crypto';
import { toRewardRecord } from '../records/record';
import type { FieldMapping, TraceContainer, TraceFormat, TraceSample, TraceShape } from './types';
import { inspectScores, rewardScalar, verdictOf } from './verdict';

const PROMPT_KEYS = ['prompt', 'question', 'problem', 'query', 'instruction', 'input', 'x'];
const COMPLETION_KEYS = ['completion', 'response', 'output', 'generated_text', 'generation', 'solution', 'text', 'answer_text'];
const MULTI_KEYS = ['completions', 'responses', 'outputs', 'generations', 'output', 'ys', 'samples'];
const THINKING_KEYS = ['thinking', 'reasoning_content', 'reasoning'];
const REWARD_KEYS = ['reward', 'rewards', 'score', 'scores', 'total', 'infos', 'is_solved', 'is_correct', 'correct', 'passed', 'acc'];
const ID_KEYS = ['id', 'sample_id', 'uid', 'task_id', 'prompt_id', 'question_id', 'idx'];
const GROUP_KEYS = ['group', 'group_id', 'prompt_id', 'prompt_idx', 'uid', 'task_id', 'question_id', 'problem_id', 'idx'];
const ANSWER_KEYS = ['answer', 'gts', 'gt', 'ground_truth', 'ground_truth_answer', 'reference_answer', 'gold', 'target'];
const STEP_KEYS = ['step', 'global_step', 'training_step', 'iteration'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Value at a field name or dotted path (`output.choices.0.message.content`). */
export function getPath(o: unknown, path: string): unknown {
  if (!isObj(o)) return undefined;
  if (path in o) return o[path];
  let cur: unknown = o;
  for (const part of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObj(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

function firstKey(values: Obj[], keys: string[], accept: (v: unknown) => boolean = (v) => v !== undefined && v !== null): string | undefined {
  for (const k of keys) if (values.some((o) => accept(o[k]))) return k;
  return undefined;
}

const isStr = (v: unknown) => typeof v === 'string';
const isArr = (v: unknown) => Array.isArray(v) && v.length > 0;
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/** Several completions as plain strings (`response: ["…", "…"]`): never a message list, so never one completion. */
const isStringList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
const isCompletionList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' || isObj(x) || Array.isArray(x));
/** Where several completions per record may be: the list names first, then a completion name holding strings. */
function completionListKey(objs: Obj[], mapped: string | undefined): string | undefined {
  if (mapped) return objs.some((o) => isStringList(getPath(o, mapped))) ? mapped : undefined;
  const listKey = firstKey(objs, MULTI_KEYS, isCompletionList);
  if (listKey && !objs.some((o) => typeof o[listKey] === 'string')) return listKey;
  return firstKey(objs, COMPLETION_KEYS, isStringList);
}

/** Pick the format and fields from the first entries. */
export function detectShape(values: unknown[], container: TraceContainer, mapping: FieldMapping = {}, force?: TraceFormat): TraceShape {
  const objs = values.filter(isObj);
  const has = (k: string) => objs.some((o) => o[k] !== undefined);
  const f: TraceShape['fields'] = { prompt: undefined, completion: undefined, reward: undefined, id: undefined, group: undefined, answer: undefined, step: undefined, thinking: undefined };
  let format: TraceFormat;
  let reason: string;

  const multiKey = completionListKey(objs, mapping.completion);
  if (force) {
    format = force;
    reason = `format set to ${force}`;
  } else if (has('total') && has('components') && !has('completion')) {
    format = 'score-output';
    reason = 'records have "total" and "components" (reasoning-lab score output)';
  } else if (has('input') && isStr(objs.find((o) => o.output !== undefined)?.output) && (has('gts') || has('score') || has('step'))) {
    format = 'verl';
    reason = 'records have "input", "output" and verl\'s "gts" / "score" / "step"';
  } else if (objs.some((o) => isObj(o.output) && Array.isArray((o.output as Obj).choices)) || (has('input') && has('target') && (has('scores') || has('messages')))) {
    format = 'inspect';
    reason = 'Inspect AI samples ("input", "target", "output.choices", "scores")';
  } else if (has('messages') && !has('completion')) {
    format = 'chat';
    reason = 'records have "messages" (chat)';
  } else if (multiKey) {
    format = 'multi';
    reason = `several completions per record in "${multiKey}"`;
  } else if (has('step') && (has('completion') || has('prompt'))) {
    format = 'trl';
    reason = 'records have "prompt", "completion" and "step" (TRL completions table)';
  } else {
    format = 'plain';
    reason = 'one completion per record';
  }

  switch (format) {
    case 'verl':
      Object.assign(f, { prompt: 'input', completion: 'output', answer: has('gts') ? 'gts' : firstKey(objs, ANSWER_KEYS), reward: has('score') ? 'score' : firstKey(objs, REWARD_KEYS), step: has('step') ? 'step' : undefined });
      f.group = firstKey(objs, ['uid', 'group', 'group_id', 'prompt_id']);
      break;
    case 'inspect':
      Object.assign(f, { prompt: 'input', completion: 'output', answer: 'target', reward: 'scores', id: 'id', group: 'id' });
      break;
    case 'chat':
      f.completion = 'messages';
      break;
    case 'multi':
      // forced multi: any list in a completion-like field will do
      f.completion = multiKey ?? firstKey(objs, [...MULTI_KEYS, ...COMPLETION_KEYS], isCompletionList);
      f.thinking = firstKey(objs, THINKING_KEYS, isArr);
      f.reward = firstKey(objs, ['rewards', 'scores', 'infos', 'reward', 'score'], isArr);
      break;
    case 'score-output':
      f.reward = 'total';
      break;
    default:
      f.completion = firstKey(objs, COMPLETION_KEYS, (v) => typeof v === 'string' || Array.isArray(v));
      f.thinking = firstKey(objs, THINKING_KEYS, isStr);
  }
  if (format !== 'verl' && format !== 'inspect') {
    if (format !== 'chat') f.prompt = firstKey(objs, PROMPT_KEYS, (v) => typeof v === 'string' || Array.isArray(v));
    if (format !== 'multi' && format !== 'score-output') f.reward = firstKey(objs, REWARD_KEYS, (v) => typeof v === 'number' || typeof v === 'boolean');
    f.answer = firstKey(objs, ANSWER_KEYS, isScalar);
    f.step = firstKey(objs, STEP_KEYS, (v) => typeof v === 'number');
    f.id = firstKey(objs, ID_KEYS, isScalar);
    f.group = firstKey(objs, GROUP_KEYS.filter((k) => k !== f.id || format === 'multi' || !['id', 'sample_id'].includes(k)), isScalar);
    if (f.group === 'idx' && format !== 'multi') f.group = undefined; // a row index, not a prompt id
  }
  // the mapping always wins
  for (const k of Object.keys(mapping) as Array<keyof FieldMapping>) if (mapping[k]) f[k] = mapping[k];
  const mapped = Object.entries(mapping).filter(([, v]) => v);
  if (mapped.length) reason += `; mapped ${mapped.map(([k, v]) => `${k}←"${v}"`).join(', ')}`;
  return { format, container, fields: f, reason };
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** A reward value from a file, as a number (see the module comment); undefined when absent or unusable. */
export function rewardValue(raw: unknown): number | undefined {
  const v = rewardScalar(raw);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === 'C') return 1;
    if (t === 'I' || t === 'N') return 0;
    if (t === 'P') return 0.5;
    if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(t)) return Number(t);
    return undefined;
  }
  return undefined;
}

function scalarString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(', ');
  return undefined;
}

let lastPrompt: string | undefined;
let lastPromptKey = '';

/** The group of a prompt (the samples of a group share it, one after another: the last one is kept). */
export function promptKey(prompt: string): string {
  if (prompt !== lastPrompt) {
    lastPromptKey = 'prompt:' + createHash('sha1').update(prompt).digest('base64url').slice(0, 16);
    lastPrompt = prompt;
  }
  return lastPromptKey;
}

/** Wrap a separate reasoning field in R1's template (`<think>\n…\n</think>\n\n` + answer), unless the text already has tags. */
function withThinking(completion: string, thinking: unknown): { completion: string; thinking?: string } {
  if (typeof thinking !== 'string' || !thinking.trim() || completion.includes('<think>')) return { completion };
  return { completion: `<think>\n${thinking}\n</think>\n\n${completion}`, thinking };
}

/** The completion of an Inspect sample: output.choices[0].message, else the last assistant message. */
function inspectCompletion(o: Obj): unknown {
  const choices = isObj(o.output) ? (o.output as Obj).choices : undefined;
  if (Array.isArray(choices) && isObj(choices[0]) && isObj((choices[0] as Obj).message)) return [(choices[0] as Obj).message];
  if (Array.isArray(o.messages)) {
    const assistants = (o.messages as unknown[]).filter((m) => isObj(m) && m.role === 'assistant');
    if (assistants.length) return [assistants[assistants.length - 1]];
  }
  if (isObj(o.output) && typeof (o.output as Obj).completion === 'string') return (o.output as Obj).completion;
  return undefined;
}

export interface SamplesResult {
  samples?: TraceSample[];
  error?: string;
}

/** Turn one parsed entry into its samples (several for a multi-completion entry). */
export function toSamples(value: unknown, shape: TraceShape, entry: number, line: number): SamplesResult {
  if (!isObj(value)) return { error: `expected a JSON object, got ${typeName(value)}` };
  const f = shape.fields;
  const get = (p: string | undefined) => (p === undefined ? undefined : getPath(value, p));
  const stepRaw = get(f.step);
  const step = typeof stepRaw === 'number' ? stepRaw : typeof stepRaw === 'string' && /^\d+$/.test(stepRaw) ? Number(stepRaw) : undefined;
  const idRaw = scalarString(get(f.id));
  const groupRaw = scalarString(get(f.group));
  const answer = scalarString(get(f.answer));
  const stepPrefix = step !== undefined ? `step:${step}/` : '';
  const fileReward = get(f.reward);

  const build = (rawPrompt: unknown, rawCompletion: unknown, id: string, sub: number, reward: unknown, thinking: unknown, group: string | undefined): { sample?: TraceSample; error?: string } => {
    const input: Obj = { id, prompt: rawPrompt ?? null };
    // a chat record among plain ones (a mixed file) is read as chat, as `score` always read it
    if ((shape.format === 'chat' && f.completion === 'messages') || (rawCompletion === undefined && Array.isArray(value.messages))) input.messages = value.messages;
    else input.completion = rawCompletion;
    if (answer !== undefined) input.answer = answer;
    if (typeof value.language === 'string') input.language = value.language;
    if (typeof value.reference === 'string') input.reference = value.reference;
    if (typeof rawPrompt !== 'string' && !Array.isArray(rawPrompt)) input.prompt = rawPrompt === undefined || rawPrompt === null ? null : String(JSON.stringify(rawPrompt));
    const { record, error } = toRewardRecord(input, id);
    if (!record) {
      const mapped = f.completion && f.completion !== 'completion' && error?.includes('"completion"') ? ` (completion field: "${f.completion}")` : '';
      return { error: `${error}${mapped}` };
    }
    const t = withThinking(record.completion, thinking);
    // field by field, in the record's order: spreading the record ({ ...record }) took V8's slow
    // object-clone path and was most of the cost of reading a small file
    const sample = { id: record.id, prompt: record.prompt, completion: t.completion } as TraceSample;
    if (record.answer !== undefined) sample.answer = record.answer;
    if (record.reference !== undefined) sample.reference = record.reference;
    if (record.language !== undefined) sample.language = record.language;
    sample.entry = entry;
    sample.sub = sub;
    sample.line = line;
    sample.group = '';
    if (t.thinking !== undefined) sample.thinking = t.thinking;
    const r = rewardValue(reward);
    if (r !== undefined) sample.reward = r;
    const verdict = verdictOf(reward);
    if (verdict) {
      sample.verdict = verdict;
      if (f.reward) sample.verdictScorer = f.reward;
    }
    if (step !== undefined) sample.step = step;
    sample.group = stepPrefix + (group !== undefined ? `id:${group}` : record.prompt ? promptKey(record.prompt) : `entry:${entry}`);
    return { sample };
  };

  if (shape.format === 'score-output') {
    const id = idRaw ?? `line-${line}`;
    const sample: TraceSample = { id, entry, sub: 0, line, prompt: '', completion: '', group: groupRaw !== undefined ? `id:${groupRaw}` : `entry:${entry}` };
    const r = rewardValue(fileReward);
    if (r !== undefined) sample.reward = r;
    return { samples: [sample] };
  }

  if (shape.format === 'multi') {
    if (f.completion === undefined) {
      return { error: `no list of completions (looked for ${[...MULTI_KEYS, ...COMPLETION_KEYS].map((k) => `"${k}"`).join(', ')}); name it with the field mapping (completion)` };
    }
    const list = get(f.completion);
    if (!Array.isArray(list)) return { error: `field "${f.completion}": expected a list of completions, got ${typeName(list)}` };
    const thinking = get(f.thinking);
    const rewards = fileReward;
    const prompt = get(f.prompt);
    const base = idRaw ?? groupRaw ?? `entry-${entry}`;
    const group = groupRaw ?? idRaw;
    const samples: TraceSample[] = [];
    const errors: string[] = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      // a completion may be a string, a message list, or an object with its own text and reward
      let text: unknown = item;
      let reward: unknown = Array.isArray(rewards) ? rewards[i] : undefined;
      if (isObj(item)) {
        text = item.completion ?? item.text ?? item.output ?? item.response ?? item.content;
        if (reward === undefined) reward = item.reward ?? item.score;
      }
      const r = build(prompt, text, `${base}#${i}`, i, reward, Array.isArray(thinking) ? thinking[i] : undefined, group);
      if (r.sample) samples.push(r.sample);
      else errors.push(`[${i}]: ${r.error}`);
    }
    if (samples.length === 0) return { error: errors.length ? `no usable completion: ${errors[0]}` : `field "${f.completion}": empty list` };
    return { samples };
  }

  let rawCompletion: unknown;
  let rawPrompt: unknown = get(f.prompt);
  let id = idRaw ?? `line-${line}`;
  let group = groupRaw;
  if (shape.format === 'inspect') {
    rawCompletion = f.completion === 'output' ? inspectCompletion(value) : get(f.completion);
    if (rawCompletion === undefined) return { error: 'Inspect sample without output.choices[0].message or an assistant message' };
    if (value.epoch !== undefined && idRaw !== undefined) id = `${idRaw}#${value.epoch}`;
    group = groupRaw;
    if (Array.isArray(rawPrompt)) rawPrompt = rawPrompt.filter((m) => isObj(m) && m.role !== 'system');
  } else {
    if (f.completion === undefined && shape.format !== 'chat') {
      return { error: `no completion field (looked for ${COMPLETION_KEYS.map((k) => `"${k}"`).join(', ')}); name it with the field mapping (completion)` };
    }
    rawCompletion = get(f.completion);
  }
  const r = build(rawPrompt, rawCompletion, id, 0, fileReward, get(f.thinking), group);
  if (!r.sample) return { error: r.error };
  if (shape.format === 'inspect') {
    const scores = inspectScores(value.scores);
    if (scores) {
      r.sample.fileScores = scores;
      if (r.sample.verdict && f.reward === 'scores') r.sample.verdictScorer = scores[0].name; // the scorer, not the field
    }
  }
  return { samples: [r.sample] };
}
