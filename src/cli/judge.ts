/**
 * reasoning-lab judge <responses.json|jsonl|-> --judge-url <url> --judge-model <m> [--k N] [--meta-k N] …
 *
 * Judges one prompt with one or several responses with the generative reward model (SPCT, k
 * sampled judgements voted) and prints the whole result as JSON: every judgement, the vote, the
 * scaling curve over k and the token usage and cost. A summary goes to stderr.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { judgeResponses, type GrmResult } from '../core/models/grm/judge';
import { toRewardRecord } from '../core/records/record';
import { errorMessage } from '../core/shared/errors';
import { readTextBounded } from '../core/shared/inputFile';
import { progressReporter, UsageError, type CliCommand, onInterrupt } from './common';
import { JUDGE_OPTIONS, JUDGE_USAGE, openJudge, parseJudgeFlags, refuseKeyInArgv, type JudgeFlags } from './judgeOptions';

const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export const judgeCommand: CliCommand = {
  name: 'judge',
  usage: `judge <file|->              Judge one prompt's responses with a generative reward model; print the result as JSON.
${JUDGE_USAGE}
  Input: JSON {"prompt": "...", "responses": ["...", ...]} (a response may be {"completion"|"response"|"text": "..."}),
  or records (a JSON array or JSONL of {"prompt", "completion"} / chat messages) that all share one prompt.
  Exit codes: 0 at least one judgement was valid, 1 none was (or the input is unreadable), 2 bad usage, 130 interrupted.`,
  run: (args) => runJudge(parseJudgeArgs(args)),
};

/** What `judge` runs with: the input file (or - for stdin) and the checked judge flags. */
export interface JudgeCommandOptions {
  input: string;
  judge: JudgeFlags;
}

export function parseJudgeArgs(args: string[]): JudgeCommandOptions {
  refuseKeyInArgv(args);
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: JUDGE_OPTIONS });
  if (positionals.length !== 1) throw new UsageError('judge needs exactly one input file (or - for stdin)');
  return { input: positionals[0], judge: parseJudgeFlags(values) };
}

export interface JudgeInput {
  prompt: string;
  responses: string[];
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function responseText(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const field of ['completion', 'response', 'text', 'content']) {
      const t = (v as Record<string, unknown>)[field];
      if (typeof t === 'string') return t;
    }
  }
  throw new Error(`${where}: expected a string or {"completion": "..."}, got ${typeName(v)}`);
}

/** The prompt and responses of a judge input file (see usage); errors name the file, line and field. */
export function readJudgeInput(text: string, file: string): JudgeInput {
  if (!text.trim()) throw new Error(`${file}: the file is empty`);
  let whole: unknown;
  let isJson = true;
  try {
    whole = JSON.parse(text);
  } catch {
    isJson = false;
  }
  const items: { value: unknown; where: string }[] = [];
  if (isJson && whole && typeof whole === 'object' && !Array.isArray(whole) && 'responses' in whole) {
    const o = whole as { prompt?: unknown; responses?: unknown };
    if (typeof o.prompt !== 'string') throw new Error(`${file}: field "prompt": expected a string, got ${typeName(o.prompt)}`);
    if (!Array.isArray(o.responses)) throw new Error(`${file}: field "responses": expected a list, got ${typeName(o.responses)}`);
    if (o.responses.length === 0) throw new Error(`${file}: field "responses" is empty: nothing to judge`);
    return { prompt: o.prompt, responses: o.responses.map((r, i) => responseText(r, `${file}: field "responses[${i}]"`)) };
  }
  if (isJson && Array.isArray(whole)) whole.forEach((value, i) => items.push({ value, where: `${file}: item ${i}` }));
  else if (isJson) items.push({ value: whole, where: `${file}` });
  else {
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      try {
        items.push({ value: JSON.parse(line), where: `${file}:${i + 1}` });
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not JSON: ${(err as Error).message}`);
      }
    });
  }
  let prompt: string | undefined;
  let first = '';
  const responses: string[] = [];
  for (const { value, where } of items) {
    const { record, error } = toRewardRecord(value, 'r');
    if (!record) throw new Error(`${where}: ${error}`);
    if (prompt === undefined) {
      prompt = record.prompt;
      first = where;
    } else if (record.prompt !== prompt) throw new Error(`${where}: its prompt differs from ${first}'s; judge takes the responses to one prompt`);
    responses.push(record.completion);
  }
  if (prompt === undefined || responses.length === 0) throw new Error(`${file}: no responses to judge`);
  return { prompt, responses };
}

/** Reads the input (at most MAX_INPUT_BYTES); errors name the file. */
function readInputFile(file: string): JudgeInput {
  let text: string;
  if (file === '-') text = fs.readFileSync(0, 'utf8');
  else {
    // a folder, a pipe or a device is refused; past MAX_INPUT_BYTES the read stops and says so
    text = readTextBounded(file, 'a judge input (one prompt and its responses) is', MAX_INPUT_BYTES);
  }
  return readJudgeInput(text, file === '-' ? 'stdin' : file);
}

export async function runJudge(o: JudgeCommandOptions): Promise<number> {
  const file = o.input;
  const { options, dispose } = await openJudge(o.judge);

  let input: JudgeInput;
  try {
    input = readInputFile(file);
  } catch (err) {
    process.stderr.write(`error: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `cannot read ${file}: no such file` : errorMessage(err)}\n`);
    await dispose();
    return 1;
  }

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  const releaseInterrupt = onInterrupt(interrupt);
  const progress = progressReporter();
  let done = 0;
  let result;
  try {
    result = await judgeResponses(input.prompt, input.responses, {
      ...options,
      signal: controller.signal,
      onJudgement: (j) => {
        done++;
        if (j.status === 'error' || j.status === 'unparseable') process.stderr.write(`${progress.done()}judgement ${j.index + 1}: ${j.status}: ${j.error}\n`);
        progress.tick(() => `judged ${done} of ${options.k}…`);
      },
    });
  } finally {
    releaseInterrupt();
    await dispose();
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.stderr.write(`${progress.done()}${summaryLine(result)}\n`);
  if (result.cancelled) return 130;
  return result.final.judgements > 0 ? 0 : 1;
}

/** The one-line summary on stderr: the score or the winner, how many judgements were valid, the spend. */
function summaryLine(result: GrmResult): string {
  const v = result.final;
  const u = result.usage;
  const valid = `${result.voting.judgements} of ${result.k} judgements valid`;
  const outcome =
    v.judgements === 0
      ? 'no valid judgement'
      : result.responses.length === 1
        ? `score ${v.means[0].toFixed(2)}/${result.scale.max} (value ${v.values[0]!.toFixed(3)})`
        : v.winner !== null
          ? `response ${v.winner + 1} wins (votes ${v.sums.join(', ')})`
          : `tie between responses ${v.tied.map((i) => i + 1).join(', ')} (votes ${v.sums.join(', ')})`;
  const tokens = u.promptTokens + u.completionTokens + u.metaPromptTokens + u.metaCompletionTokens;
  const cost = u.cost + u.metaCost;
  return `${outcome}; ${valid}${result.meta ? `, meta RM kept ${v.judgements}` : ''}; ${tokens}${u.estimated ? ' (estimated)' : ''} tokens${cost > 0 ? `, $${cost.toFixed(4)}` : ''}${result.cancelled ? '; interrupted' : ''}`;
}
