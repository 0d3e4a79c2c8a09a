/**
 * Workspace reward functions in the real sandbox (bubblewrap workers, forked programs): functions
 * written as TRL, verl and OpenRLHF document them (test/fixtures/reward_functions), a virtual
 * environment whose package (a stand-in for math_verify) they import, and broken ones — a syntax
 * error, a failing import, wrong return lengths, NaN, non-numbers, hangs, exits, memory, a flood of
 * output, and one that tries to read the user's files, write the workspace and reach the network.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { RewardFunctionRunner } from '../../src/core/rewards/workspace/runner';
import { functionSample, type FunctionSample } from '../../src/core/rewards/workspace/inputs';
import { scoreRecord } from '../../src/core/rewards';
import type { FunctionScore, RewardRecord, WorkspaceFunctionSpec } from '../../src/core/rewards/types';
import { makeVenv, makeWorkspace, removeWorkspace } from './helpers/rewardFunctions';

let ws: string;
const runner = new RewardFunctionRunner({ workers: 2 });

before(() => {
  ws = makeWorkspace();
  makeVenv(ws);
});
after(async () => {
  await runner.close();
  removeWorkspace(ws);
});

const fn = (name: string, module: string, func: string, style: WorkspaceFunctionSpec['style'], extra: Partial<WorkspaceFunctionSpec> = {}): WorkspaceFunctionSpec => ({
  name,
  weight: 1,
  module: `rewards/${module}`,
  function: func,
  style,
  ...extra,
});

async function score(f: WorkspaceFunctionSpec, samples: FunctionSample[], venv?: string): Promise<FunctionScore[]> {
  const out = await runner.score({ functions: [f], venv, root: ws, samples });
  return out.get(f.name)!.scores;
}

/** A sample from a JSONL-like row (prompt, completion and the other fields as dataset columns). */
function row(completion: string, fields: Record<string, unknown> = {}): FunctionSample {
  const prompt = typeof fields.prompt === 'string' ? fields.prompt : 'What is 2 + 2?';
  const record: RewardRecord = { id: String(fields.id ?? 'x'), prompt, completion, ...(fields.answer !== undefined ? { answer: String(fields.answer) } : {}) };
  return functionSample(record, { prompt, completion, ...fields });
}

const values = (scores: FunctionScore[]) => scores.map((s) => (s.error ? `error:${s.error.kind}` : s.value));

// --- the trainers' shapes ---------------------------------------------------------------------

test('TRL: accuracy_reward imports math_verify from the named virtual environment; None for an unparsable gold is "not applicable", with its print', async () => {
  const samples = [
    row('<think>\n2+2\n</think>\nThe answer is \\boxed{4}.', { solution: '\\boxed{4}' }),
    row('<think>\nhmm\n</think>\nThe answer is \\boxed{5}.', { solution: '\\boxed{4}' }),
    row('<think>\nhmm\n</think>\n\\boxed{4}', { solution: 'no gold here' }),
  ];
  const scores = await score(fn('acc', 'trl_rewards.py', 'accuracy_reward', 'trl'), samples, '.venv');
  assert.deepEqual(values(scores), [1, 0, null]);
  assert.match(scores[2].detail, /None: not applicable/);
  assert.match(scores[2].output ?? '', /Failed to parse gold solution: no gold here/);
  assert.match(scores[0].detail, /one call over 3 samples/, 'a TRL call scores its batch at once');
});

test('TRL: without the virtual environment the import fails, and every sample says so (never a 0)', async () => {
  const scores = await score(fn('acc', 'trl_rewards.py', 'accuracy_reward', 'trl'), [row('\\boxed{4}', { solution: '4' })]);
  assert.equal(scores[0].value, null);
  assert.equal(scores[0].error?.kind, 'exception');
  assert.match(scores[0].error!.message, /cannot import rewards\/trl_rewards\.py: ModuleNotFoundError: No module named 'math_verify'/);
  assert.match(scores[0].error!.traceback ?? '', /File "rewards\/trl_rewards\.py", line \d+, in <module>\n\s+from math_verify import parse, verify/);
  assert.doesNotMatch(scores[0].error!.traceback ?? '', /rewardfn\.py/, 'the sandbox runner\'s own frames are not shown');
});

test('TRL: conversational completions arrive as [{"role": "assistant", "content": ...}]; completion_ids and dataset columns as keyword arguments', async () => {
  const chat = (content: string) => functionSample(
    { id: 'c', prompt: 'Q', completion: content },
    { prompt: [{ role: 'user', content: 'Q' }], completion: [{ role: 'assistant', content }], completion_ids: [1, 2, 3, 4, 5] },
  );
  const format = await score(fn('format', 'trl_rewards.py', 'format_reward', 'trl'), [chat('<think>\nok\n</think>\n42'), chat('no think tags')], '.venv');
  assert.deepEqual(values(format), [1, 0]);
  const plain = await score(fn('format', 'trl_rewards.py', 'format_reward', 'trl', { conversational: true }), [row('<think>\nok\n</think>\n42')], '.venv');
  assert.deepEqual(values(plain), [1], 'conversational: true wraps plain text as messages');
  const lengths = await score(fn('len', 'trl_rewards.py', 'length_reward', 'trl'), [row('a', { completion_ids: [7, 8, 9] }), row('b', { completion_ids: [1] })], '.venv');
  assert.deepEqual(values(lengths), [3, 1]);
});

test('TRL: trainer_state carries the record\'s step; log_extra and log_metric show in the details; async functions are awaited', async () => {
  const samples = [row('\\boxed{1}', { step: 150 }), row('nothing boxed here', { step: 150 })];
  const shaped = await score(fn('shaped', 'trl_rewards.py', 'shaped_by_step', 'trl'), samples, '.venv');
  assert.deepEqual(values(shaped), [0.5, 0]);
  assert.ok(shaped[0].items?.includes('chars: 9'), JSON.stringify(shaped[0].items));
  assert.ok(shaped[1].items?.some((i) => /^mean_chars \(whole call\): 13\.5$/.test(i)), JSON.stringify(shaped[1].items));
  const asyncScores = await score(fn('boxed', 'trl_rewards.py', 'async_boxed', 'trl'), samples, '.venv');
  assert.deepEqual(values(asyncScores), [1, 0]);
});

test('verl: compute_score per sample from data_source, solution_str, reward_model.ground_truth and extra_info; a dict\'s other keys are details', async () => {
  const samples = [
    row('so 6 + 12 = 18\n#### 18', { data_source: 'openai/gsm8k', reward_model: { ground_truth: '18', style: 'rule' }, extra_info: { split: 'test', index: 3 } }),
    row('#### 17', { data_source: 'openai/gsm8k', reward_model: { ground_truth: '18' } }),
    row('it is 72', { data_source: 'other', answer: '72' }),
  ];
  const scores = await score(fn('gsm8k', 'verl_rewards.py', 'compute_score', 'verl', { kwargs: { format_score: 0.1 } }), samples);
  assert.deepEqual(values(scores), [1, 0.1, 1]);
  assert.deepEqual(scores[0].items, ['acc: True', 'pred: 18', 'split: test']);
  assert.ok(!/one call over/.test(scores[0].detail), 'verl calls once per sample');
});

test('verl: an exception is an error for its own sample only, with the traceback', async () => {
  const scores = await score(fn('strict', 'verl_rewards.py', 'strict_score', 'verl'), [row('#### 4', { answer: '4' }), row('no digits at all', { answer: '4' }), row('#### 5', { answer: '4' })]);
  assert.deepEqual(values(scores), [1, 'error:exception', 0]);
  assert.match(scores[1].error!.message, /ValueError: no answer in the response/);
  assert.match(scores[1].error!.traceback!, /File "rewards\/verl_rewards\.py", line \d+, in strict_score\n\s+raise ValueError/);
});

test('OpenRLHF: reward_func(queries, prompts, labels) with a tensor-like "rewards", "scores" and "extra_logs"; a plain list works too', async () => {
  const samples = [row('So \\boxed{72}', { prompt: 'How many clips?', answer: 72 }), row('So \\boxed{70}', { prompt: 'How many clips?', answer: 72 })];
  const scores = await score(fn('orm', 'openrlhf_reward.py', 'reward_func', 'openrlhf'), samples);
  assert.deepEqual(values(scores), [1, 0]);
  assert.ok(scores[0].items?.includes('scores: 1.0'));
  assert.ok(scores[1].items?.includes('extra_logs (whole call) accuracy: 0.5'));
  const plain = await score(fn('plain', 'openrlhf_reward.py', 'plain_list', 'openrlhf', { labelKey: 'gold' }), samples);
  assert.deepEqual(values(plain), [1, 1]);
});

// --- broken functions -------------------------------------------------------------------------

test('a syntax error is an error on every sample, with the line', async () => {
  const scores = await score(fn('bad', 'broken/syntax_error.py', 'reward', 'trl'), [row('a'), row('b')]);
  for (const s of scores) {
    assert.equal(s.error?.kind, 'exception');
    assert.match(s.error!.message, /SyntaxError: expected ':'/);
    assert.match(s.error!.traceback!, /broken\/syntax_error\.py", line 4/);
  }
});

test('an import error and a missing function name the module', async () => {
  const imp = await score(fn('imp', 'broken/import_error.py', 'reward', 'trl'), [row('a')]);
  assert.match(imp[0].error!.message, /No module named 'reward_helpers_that_are_not_installed'/);
  const missing = await score(fn('missing', 'verl_rewards.py', 'no_such_function', 'verl'), [row('a')]);
  assert.match(missing[0].error!.message, /rewards\/verl_rewards\.py defines no no_such_function/);
  const absent = await score(fn('absent', 'not_there.py', 'f', 'verl'), [row('a')]);
  assert.match(absent[0].error!.message, /cannot read rewards\/not_there\.py/);
});

test('wrong return length fails the whole call; NaN and a string fail their own sample; a non-list and a dict without score fail the call', async () => {
  const batch = [row('\\boxed{1} short'), row('a completion longer than twenty characters'), row('plain')];
  const wrong = await score(fn('w', 'broken/bad_returns.py', 'wrong_length', 'trl'), batch);
  assert.deepEqual(values(wrong), ['error:invalid', 'error:invalid', 'error:invalid']);
  assert.match(wrong[0].error!.message, /returned 2 values for 3 completions/);
  const nan = await score(fn('n', 'broken/bad_returns.py', 'nan_for_long', 'trl'), batch);
  assert.deepEqual(values(nan), [1, 'error:invalid', 1]);
  assert.match(nan[1].error!.message, /returned NaN/);
  const str = await score(fn('s', 'broken/bad_returns.py', 'not_a_number', 'trl'), batch);
  assert.deepEqual(values(str), ['error:invalid', 0, 0]);
  assert.match(str[0].error!.message, /returned str '1\.0', expected a number/);
  const scalar = await score(fn('l', 'broken/bad_returns.py', 'not_a_list', 'trl'), batch);
  assert.match(scalar[0].error!.message, /returned float 1\.0 for 3 completions, expected a list/);
  const dict = await score(fn('d', 'broken/bad_returns.py', 'dict_without_score', 'verl'), batch.slice(0, 1));
  assert.match(dict[0].error!.message, /returned a dict without "score" \(keys: acc\)/);
});

test('an exception in a TRL call is an error on the samples of that call only (batchSize), with what it printed', async () => {
  const batch = [row('fine'), row('also fine'), row('   '), row('last')];
  const scores = await score(fn('r', 'broken/bad_returns.py', 'raises_for_empty', 'trl', { batchSize: 2 }), batch);
  assert.deepEqual(values(scores), [1, 1, 'error:exception', 'error:exception']);
  assert.match(scores[2].error!.message, /ZeroDivisionError/);
  assert.match(scores[3].detail, /one call over 2 samples/);
  assert.match(scores[2].output ?? '', /scoring 2 completions/);
});

test('a hang is a timeout for its own call; the calls after it still run', async () => {
  const scores = await score(fn('spin', 'broken/hang.py', 'spins', 'verl', { timeoutSeconds: 1 }), [row('ok'), row('loop forever'), row('ok too')]);
  assert.deepEqual(values(scores), [1, 'error:timeout', 1]);
  assert.match(scores[1].error!.message, /did not return within 1 s/);
  const sleeps = await score(fn('sleep', 'broken/hang.py', 'sleeps', 'trl', { timeoutSeconds: 1 }), [row('a'), row('b')]);
  assert.deepEqual(values(sleeps), ['error:timeout', 'error:timeout']);
});

test('a function that swallows its timeout is stopped from outside; the call that was running is charged, the next ones run again', async () => {
  const scores = await score(fn('stubborn', 'broken/hang.py', 'swallows_timeouts', 'verl', { timeoutSeconds: 1 }), [row('ok'), row('loop'), row('ok again')]);
  assert.deepEqual(values(scores), [1, 'error:timeout', 1]);
  assert.match(scores[1].error!.message, /timed out/);
});

test('os._exit, SystemExit and running out of memory are errors of their call, never a 0', async () => {
  const exits = await score(fn('exit', 'broken/noisy.py', 'exits_on_second', 'verl'), [row('first'), row('exit now'), row('third')]);
  assert.deepEqual(values(exits), [1, 'error:exception', 1]);
  assert.match(exits[1].error!.message, /exited with code 3 during the call/);
  assert.match(exits[1].output ?? '', /about to leave/, 'what it printed before leaving is kept');
  const sysExit = await score(fn('sysexit', 'broken/noisy.py', 'calls_sys_exit', 'verl'), [row('x')]);
  assert.match(sysExit[0].error!.message, /the function called exit\(2\)/);
  const memory = await score(fn('mem', 'broken/noisy.py', 'eats_memory', 'verl', { memoryMB: 256 }), [row('x'), row('y')]);
  for (const s of memory) {
    assert.ok(s.error && ['exception', 'limit'].includes(s.error.kind), JSON.stringify(s));
    assert.match(s.error!.message, /MemoryError|memory limit/);
  }
});

test('a function that prints a lot: its value stands, its output is cut and says how much more there was', async () => {
  const scores = await score(fn('noisy', 'broken/noisy.py', 'prints_a_lot', 'trl'), [row('abc'), row('abcdef')]);
  assert.deepEqual(values(scores), [3, 6]);
  assert.match(scores[0].output ?? '', /^line 0 of a very chatty reward function\n/);
  assert.match(scores[0].output ?? '', /\.\.\. \(\d+ more characters not shown\)$/);
  assert.ok((scores[0].output ?? '').length < 20000);
});

test('the sandbox holds: no ~/.ssh, no workspace file (not even the module\'s own folder), no workspace write, no network', async (t) => {
  const secret = path.join(ws, 'secret.txt');
  fs.writeFileSync(secret, 'TOP SECRET', { mode: 0o644 });
  const writable = path.join(ws, 'open-dir');
  fs.mkdirSync(writable, { mode: 0o777 });
  fs.chmodSync(writable, 0o777); // only the sandbox, not file permissions, may stop the write
  const server = http.createServer((_, res) => res.end('hi'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const targets = [
    { action: 'read', path: path.join(os.homedir(), '.ssh') },
    { action: 'read', path: path.join(os.homedir(), '.ssh', 'id_rsa') },
    { action: 'read', path: secret },
    { action: 'read', path: path.join(ws, 'rewards') },
    { action: 'write', path: path.join(writable, 'written.txt') },
    { action: 'connect', host: '127.0.0.1', port },
  ];
  const scores = await score(fn('escape', 'broken/escapes.py', 'escape', 'trl'), [row('x', { targets })]);
  assert.equal(scores[0].value, 0, `nothing got through:\n${scores[0].output}`);
  assert.doesNotMatch(scores[0].output ?? '', /GOT THROUGH/);
  assert.equal((scores[0].output ?? '').match(/^blocked:/gm)?.length, targets.length, scores[0].output);
  assert.equal(fs.existsSync(path.join(writable, 'written.txt')), false);
});

test('cancelled before it starts: every sample is "not run: cancelled"', async () => {
  const abort = new AbortController();
  abort.abort();
  const out = await runner.score({ functions: [fn('v', 'verl_rewards.py', 'compute_score', 'verl')], root: ws, samples: [row('#### 1')], signal: abort.signal });
  assert.deepEqual(out.get('v')!.scores.map((s) => s.error?.message), ['not run: cancelled']);
});

test('a virtual environment that is not one, and a module outside the workspace, are refused with the reason', async () => {
  fs.mkdirSync(path.join(ws, 'not-a-venv'), { recursive: true });
  const notVenv = await score(fn('v', 'verl_rewards.py', 'compute_score', 'verl'), [row('#### 1')], 'not-a-venv');
  assert.match(notVenv[0].error!.message, /"not-a-venv" is not a virtual environment/);
  const missing = await score(fn('v', 'verl_rewards.py', 'compute_score', 'verl'), [row('#### 1')], 'nowhere');
  assert.match(missing[0].error!.message, /the virtual environment "nowhere" does not exist/);
  fs.symlinkSync('/etc/hostname', path.join(ws, 'link.py'));
  const outside = await runner.score({ functions: [{ ...fn('o', '', 'f', 'verl'), module: 'link.py' }], root: ws, samples: [row('x')] });
  assert.match(outside.get('o')!.scores[0].error!.message, /module "link\.py" is outside the workspace/);
  const up = await runner.score({ functions: [{ ...fn('o', '', 'f', 'verl'), module: '../x.py' }], root: ws, samples: [row('x')] });
  assert.match(up.get('o')!.scores[0].error!.message, /cannot read \.\.\/x\.py|outside the workspace/);
});

test('the composite: a function\'s value joins the sum; an errored one contributes 0 and marks the total incomplete', async () => {
  const spec = {
    name: 'mixed',
    components: { format: { weight: 1 } },
    functions: [fn('gsm8k', 'verl_rewards.py', 'compute_score', 'verl'), fn('strict', 'verl_rewards.py', 'strict_score', 'verl', { weight: 2 })],
  };
  const record: RewardRecord = { id: 'r', prompt: 'Q', completion: '<think>\nx\n</think>\nno digits', answer: '4' };
  const run = await runner.score({ functions: spec.functions, root: ws, samples: [functionSample(record)] });
  record.functionScores = Object.fromEntries([...run].map(([name, r]) => [name, r.scores[0]]));
  const s = scoreRecord(record, spec);
  assert.deepEqual(Object.keys(s.components), ['format', 'gsm8k', 'strict']);
  assert.equal(s.components.gsm8k?.value, 0);
  assert.equal(s.components.strict?.value, null);
  assert.equal(s.components.strict?.error?.kind, 'exception');
  assert.equal(s.components.strict?.contribution, 0);
  assert.deepEqual(s.incomplete, ['strict']);
  assert.equal(s.total, 1);
  assert.deepEqual([s.min, s.max], [0, 4]);
  assert.equal(s.components.strict?.source, 'rewards/verl_rewards.py:strict_score (verl)');
});
