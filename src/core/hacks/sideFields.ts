/**
 * Fields of a rollout record that a trace sample does not carry, read beside it: a reward model's
 * score (`rm_score`, `reward_model_score`, a verifier's score…) and per-function reward columns (TRL
 * logs one column per reward function: `format_reward`, `accuracy_reward`). Detected from the first
 * records, like the trace reader's own fields; a field given by name always wins. In a record with
 * several completions the field holds a list, one value per completion.
 */
import { getPath } from '../traces';
import type { TraceShape } from '../traces';

const RM_KEYS = ['rm_score', 'rm_scores', 'reward_model_score', 'reward_model_scores', 'rm_reward', 'rm_rewards', 'orm_score', 'orm_scores', 'verifier_score', 'verifier_scores', 'pre_generated_verifier_score', 'rm'];
const FORMAT_RE = /format/i;
const ACCURACY_RE = /accura|correct/i;

export interface SideFields {
  rm?: string;
  format?: string;
  accuracy?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const scoreLike = (x: unknown) => isNum(x) || x === null || (Array.isArray(x) && x.length === 1 && isNum(x[0]));
const numeric = (v: unknown, multi: boolean) => (multi ? Array.isArray(v) && v.length > 0 && v.every(scoreLike) : isNum(v));

/** Which side fields the first records have (`rmField`: the user's name for the reward-model score). */
export function detectSideFields(values: unknown[], shape: TraceShape, rmField?: string): SideFields {
  const objs = values.filter(isObj);
  const multi = shape.format === 'multi';
  const taken = new Set([shape.fields.reward, shape.fields.completion, shape.fields.prompt].filter((x): x is string => !!x));
  const present = (key: string) => objs.some((o) => numeric(getPath(o, key), multi));
  const out: SideFields = {};
  if (rmField) out.rm = rmField;
  else out.rm = RM_KEYS.find((k) => !taken.has(k) && present(k));
  const keys = new Set<string>();
  for (const o of objs) for (const k of Object.keys(o)) keys.add(k);
  const candidates = [...keys].filter((k) => !taken.has(k) && k !== out.rm && present(k));
  const format = candidates.find((k) => FORMAT_RE.test(k));
  const accuracy = candidates.find((k) => ACCURACY_RE.test(k) && k !== format);
  // one without the other says nothing about a format-only win
  if (format && accuracy) {
    out.format = format;
    out.accuracy = accuracy;
  }
  return out;
}

/** The side field's value for sample `sub` of a record (a list is indexed by sub; a completion object may carry it too). */
export function sideValue(value: unknown, shape: TraceShape, field: string | undefined, sub: number): number | undefined {
  if (!field || !isObj(value)) return undefined;
  let v = getPath(value, field);
  if (Array.isArray(v)) v = v[sub];
  else if (v === undefined && shape.format === 'multi' && shape.fields.completion) {
    const list = getPath(value, shape.fields.completion);
    const item = Array.isArray(list) ? list[sub] : undefined;
    if (isObj(item)) v = getPath(item, field);
  } else if (shape.format === 'multi' && sub > 0 && !Array.isArray(v)) return undefined;
  // Qwen2.5-Math's rm@k logs hold one score per response as a one-element list ([[0.73], [0.08], …])
  if (Array.isArray(v) && v.length === 1) v = v[0];
  return isNum(v) ? (v as number) : undefined;
}
