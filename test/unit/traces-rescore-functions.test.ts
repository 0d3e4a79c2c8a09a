/**
 * `traces --rescore` with workspace reward functions in the spec, as a user runs it (a child process in
 * a workspace with its own functions): they run in the sandbox as in `score`, their values enter the
 * rescored rewards, and a failure is named per sample on stderr, never a silent 0. Without a runner (the
 * core's analysis alone) every function is an error on every sample it would have scored.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './helpers/runCli';
import { makeWorkspace, removeWorkspace } from './helpers/rewardFunctions';
import { openTraceFile } from '../../src/core/traces';
import type { RewardSpec } from '../../src/core/rewards/types';
import { RewardFunctionRunner } from '../../src/core/rewards/workspace/runner';

let ws: string;
const SPEC = {
  components: {
    format: { weight: 1 },
    gsm8k: { weight: 1, module: 'rewards/verl_rewards.py', function: 'compute_score', style: 'verl' },
    picky: { weight: 1, module: 'rewards/broken/bad_returns.py', function: 'raises_with_escapes', style: 'verl' },
  },
};

before(() => {
  ws = makeWorkspace('rl-traces-rescore-fn-');
  fs.mkdirSync(path.join(ws, '.reasoning-lab'));
  fs.writeFileSync(path.join(ws, '.reasoning-lab', 'rewards.json'), JSON.stringify(SPEC));
  // one GRPO group of three completions with rewards in the file (rescored), then a broken line
  const lines = [
    JSON.stringify({ prompt_id: 'p1', prompt: 'What is 2 + 2?', data_source: 'openai/gsm8k', answer: '4', completions: ['<think>\n2 + 2 = 4\n</think>\nSo #### 4', '<think>\nhmm\n</think>\n#### 5', '<think>\nescape\n</think>\n#### 4'], rewards: [0.1, 0.2, 0.3] }),
    '{"prompt_id": "p2", ',
  ];
  fs.writeFileSync(path.join(ws, 'rollouts.jsonl'), lines.join('\n') + '\n');
});
after(() => removeWorkspace(ws));

test('traces --rescore: workspace functions score the samples in the sandbox; a failure is named per sample, never a 0', async () => {
  const r = await runCli(['traces', 'rollouts.jsonl', '--stats', '--rescore', '--rewards', '.reasoning-lab/rewards.json'], undefined, { cwd: ws });
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.samples, 3);
  assert.equal(o.rewards.scored, 3);
  assert.equal(o.functionFailures, 1);
  // format 1 each; gsm8k 1, 0, 1; picky 1, 1 and an error (left out of the total, not counted as 0)
  assert.ok(Math.abs(o.rewards.mean - (3 + 2 + 2) / 3) < 1e-9, `mean ${o.rewards.mean}`);
  assert.match(r.stderr, /reward functions gsm8k, picky run in the sandbox/);
  assert.match(r.stderr, /rollouts\.jsonl:1: reward function "picky" failed on sample "p1#2": ValueError: \\x1b\]0;pwned\\x07\\x1b\[2J no answer/);
  assert.ok(!r.stderr.includes('\x1b]'), 'no raw escape reaches the terminal');
});

test('the analysis runs the functions through the runner it is given, and without one each function is an error on every sample it scores', async () => {
  const spec: RewardSpec = { name: 'workspace', components: { format: { weight: 1 } }, functions: [{ name: 'gsm8k', weight: 1, module: 'rewards/verl_rewards.py', function: 'compute_score', style: 'verl' }] } as RewardSpec;
  const tf = await openTraceFile(path.join(ws, 'rollouts.jsonl'));
  const runner = new RewardFunctionRunner();
  try {
    const a = await tf.analyze({ rewards: spec, rescore: true, functions: { runner, root: ws } });
    assert.deepEqual(a.sampleSummaries.map((s) => s.reward), [2, 1, 2]);
    assert.deepEqual(a.functionFailures, { count: 0, shown: [] });
    const without = await tf.analyze({ rewards: spec, rescore: true });
    assert.equal(without.functionFailures?.count, 3);
    assert.match(without.functionFailures!.shown[0].message, /not run/);
    assert.deepEqual(without.sampleSummaries.map((s) => s.reward), [1, 1, 1], 'the functions are left out of the totals, not scored 0 into them');
  } finally {
    await runner.close();
    await tf.close();
  }
});

test('the Trace Explorer\'s analysis in the traces worker runs the functions in a trusted workspace, and says why not otherwise', { timeout: 120_000 }, async () => {
  const { TracesWorker } = await import('../../src/vscode/traces/tracesWorkerClient');
  const worker = new TracesWorker(path.join(__dirname, '..', '..', 'src', 'workers', 'tracesWorker.ts'));
  const spec = { name: 'workspace', components: { format: { weight: 1 } }, functions: [{ name: 'picky', weight: 1, module: 'rewards/broken/bad_returns.py', function: 'raises_with_escapes', style: 'verl' }] } as RewardSpec;
  try {
    // no rewards in the file: the explorer scores every sample with the spec
    const file = path.join(ws, 'unrewarded.jsonl');
    fs.writeFileSync(file, JSON.stringify({ prompt_id: 'p1', prompt: 'What is 2 + 2?', answer: '4', completions: ['#### 4', '#### 5', 'escape #### 4'] }) + '\n');
    const trusted = await worker.analyze({ file }, spec, {}, { root: ws });
    assert.equal(trusted.functionFailures?.count, 1);
    assert.deepEqual(trusted.sampleSummaries.map((x) => x.reward), [1, 1, 0], 'format 0 (no <think>) + picky 1, and the failed one left out');
    assert.deepEqual(trusted.functionFailures?.shown.map((f) => [f.line, f.id, f.function]), [[1, 'p1#2', 'picky']]);
    assert.match(trusted.functionFailures!.shown[0].message, /ValueError/);
    const untrusted = await worker.analyze({ file }, spec, {}, { notRun: 'not run: untrusted workspace' });
    assert.equal(untrusted.functionFailures?.count, 3);
    assert.equal(untrusted.functionFailures?.shown[0].message, 'not run: untrusted workspace');
  } finally {
    worker.dispose();
  }
});

test('the Trace Stepper\'s breakdown: the traces worker runs the functions on the one sample shown, values and errors as the breakdown shows them', { timeout: 120_000 }, async () => {
  const { TracesWorker } = await import('../../src/vscode/traces/tracesWorkerClient');
  const { sampleDetail, scoreView } = await import('../../src/core/traces');
  const worker = new TracesWorker(path.join(__dirname, '..', '..', 'src', 'workers', 'tracesWorker.ts'));
  const spec = {
    name: 'workspace',
    components: { format: { weight: 1 } },
    functions: [
      { name: 'gsm8k', weight: 1, module: 'rewards/verl_rewards.py', function: 'compute_score', style: 'verl' },
      { name: 'picky', weight: 1, module: 'rewards/broken/bad_returns.py', function: 'raises_with_escapes', style: 'verl' },
    ],
  } as RewardSpec;
  const file = path.join(ws, 'rollouts.jsonl');
  try {
    const right = await worker.sampleFunctions({ file }, spec, 0, 0, ws);
    assert.equal(right?.gsm8k.value, 1, JSON.stringify(right));
    assert.equal(right?.picky.value, 1);
    const wrong = await worker.sampleFunctions({ file }, spec, 0, 1, ws);
    assert.equal(wrong?.gsm8k.value, 0, 'the record\'s answer column reaches the function');
    const failed = await worker.sampleFunctions({ file }, spec, 0, 2, ws);
    assert.equal(failed?.gsm8k.value, 1);
    assert.equal(failed?.picky.value, null);
    assert.match(failed!.picky.error!.message, /ValueError/);
    // the breakdown the stepper paints: the error's row, its control characters shown, never a 0
    const tf = await openTraceFile(file);
    const sample = (await tf.read(0)).samples[2];
    await tf.close();
    sample.functionScores = failed;
    const view = scoreView(sampleDetail(sample, { rewards: spec }).score)!;
    const picky = view.components.find((c) => c.name === 'picky')!;
    assert.equal(picky.value, null);
    assert.match(picky.detail + (picky.output ?? ''), /ValueError/);
    assert.ok(!JSON.stringify(view).includes('\u001b'), 'no raw escape reaches the webview');
    assert.equal(view.components.find((c) => c.name === 'gsm8k')!.value, 1);
    // a sample the record does not have is an error naming the line
    await assert.rejects(worker.sampleFunctions({ file }, spec, 0, 7, ws), /line 1: no sample 7/);
    // cancelled (the user stepped to another sample): no scores
    const control = new AbortController();
    const run = worker.sampleFunctions({ file }, spec, 0, 0, ws, { signal: control.signal });
    control.abort();
    assert.equal(await run, undefined);
  } finally {
    worker.dispose();
  }
});

test('following in the traces worker: the records a file gains get the workspace functions as the analysis gives them; a failure on a new record is counted and named; a malformed new line is reported', { timeout: 180_000 }, async () => {
  const { TracesWorker } = await import('../../src/vscode/traces/tracesWorkerClient');
  const { SampleSet, watchTraceFile } = await import('../../src/core/traces');
  const worker = new TracesWorker(path.join(__dirname, '..', '..', 'src', 'workers', 'tracesWorker.ts'));
  const spec = {
    name: 'workspace',
    components: { format: { weight: 1 } },
    functions: [
      { name: 'gsm8k', weight: 2, module: 'rewards/verl_rewards.py', function: 'compute_score', style: 'verl' },
      { name: 'picky', weight: 1, module: 'rewards/broken/bad_returns.py', function: 'raises_with_escapes', style: 'verl' },
    ],
  } as RewardSpec;
  const record = (id: string, answer: string, completions: string[]) => JSON.stringify({ prompt_id: id, prompt: `Question ${id}?`, data_source: 'openai/gsm8k', answer, completions }) + '\n';
  const file = path.join(ws, 'followed.jsonl');
  // the records written before the file is opened: no sample makes `picky` raise
  fs.writeFileSync(file, record('p1', '4', ['<think>\n2 + 2 = 4\n</think>\n#### 4', '<think>\nhmm\n</think>\n#### 5']));
  const tf = await openTraceFile(file);
  const control = new AbortController();
  const growths = watchTraceFile(tf, { signal: control.signal, fromStart: false, pollMs: 20 });
  try {
    const live = new SampleSet(await worker.analyze({ file }, spec, {}, { root: ws }));
    assert.deepEqual(live.functionFailures, { count: 0, shown: [] });
    // a training run appends: a new group (one sample makes `picky` raise), a line that is not JSON, and one more sample of the first group
    fs.appendFileSync(file, record('p2', '6', ['<think>\n3 + 3 = 6\n</think>\n#### 6', '<think>\nescape the grader\n</think>\n#### 6']) + '{"prompt_id": "p3", oops}\n' + record('p1', '4', ['<think>\n4\n</think>\n#### 4']));
    const g = (await growths.next()).value!;
    assert.deepEqual([g.from, g.to, g.reset], [1, 4, false]);
    const added = (await worker.summarizeNew({ file }, spec, g.from, g.to, {}, { root: ws }))!;
    const reward = (id: string) => added.samples.find((s) => s.summary.id === id)?.summary.reward;
    assert.equal(reward('p2#0'), 4, 'format 1 + gsm8k 2 × 1 + picky 1: the functions ran on the new record');
    assert.equal(reward('p2#1'), 3, 'picky raised: left out of the total, not scored 0 into it');
    assert.equal(reward('p1#0'), 4);
    assert.deepEqual(added.malformed.map((m) => [m.line, m.entry]), [[3, 2]]);
    assert.match(added.malformed[0].reason, /JSON/);
    assert.equal(added.functionFailures?.count, 1);
    assert.deepEqual(added.functionFailures?.shown.map((f) => [f.line, f.id, f.function]), [[2, 'p2#1', 'picky']]);
    assert.match(added.functionFailures!.shown[0].message, /ValueError: \x1b\]0;pwned/);

    // added to what was shown, the new samples give what one analysis of the whole file gives
    live.addSummaries(added.samples, added.functionFailures);
    const whole = new SampleSet(await worker.analyze({ file }, spec, {}, { root: ws }));
    const strip = (set: InstanceType<typeof SampleSet>) => set.visibleGroups({}, 'file').map((v) => ({ stats: v.stats, samples: v.samples }));
    assert.deepEqual(strip(live), strip(whole));
    assert.deepEqual(live.functionFailures, whole.functionFailures);
    assert.equal(live.group('id:p1')?.size, 3, 'the appended sample joined its group, whose statistics were updated');

    // an untrusted workspace: each function is an error on every new sample, saying why, as at open
    const untrusted = (await worker.summarizeNew({ file }, spec, 1, 4, {}, { notRun: 'not run: untrusted workspace' }))!;
    assert.equal(untrusted.functionFailures?.count, 6);
    assert.equal(untrusted.functionFailures?.shown[0].message, 'not run: untrusted workspace');
    assert.deepEqual(untrusted.samples.map((s) => s.summary.reward), [1, 1, 1], 'format only: the functions are left out, never 0');

    // cancelled while the functions run: no samples; the worker keeps serving
    const cancel = new AbortController();
    const pending = worker.summarizeNew({ file }, spec, 0, 4, { signal: cancel.signal }, { root: ws });
    cancel.abort();
    assert.equal(await pending, undefined);
    assert.equal((await worker.summarizeNew({ file }, spec, 3, 4, {}, { root: ws }))?.samples[0].summary.reward, 4);
  } finally {
    control.abort();
    await growths.return(undefined);
    await tf.close();
    worker.dispose();
  }
});
