// The code agent's environment with the real sandbox on a real cut (CodeGen-16B samples of HumanEval/0, 2, 4 from CodeT).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeAgent } from '../../src/core/agents/code/agent';
import { CodeEpisode, codeTask, ENV_DEFAULTS, MACRO_NAMES, REWARD_DEFAULTS, type CodeTask, type EnvConfig } from '../../src/core/agents/code/env';
import { CodeExecutor } from '../../src/core/agents/code/executor';
import { loadCodeCheckpoint, saveCodeCheckpoint, trainCodeAgent } from '../../src/core/agents/code/train';
import { loadProblemSet } from '../../src/core/eval/problems';
import { ReplayGenerator } from '../../src/core/models/generators/replay';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-env-'));
const cacheFile = path.join(dir, 'cache.jsonl');
let executor: CodeExecutor;
let tasks: CodeTask[];
const generator = ReplayGenerator.load(path.join(FIXTURES, 'code-agent', 'codet_3.jsonl'));
const env = (o: Partial<EnvConfig> = {}): EnvConfig => ({ ...ENV_DEFAULTS, budget: 6, reward: REWARD_DEFAULTS, ...o });
const act = (name: (typeof MACRO_NAMES)[number]) => MACRO_NAMES.indexOf(name);

before(async () => {
  executor = await CodeExecutor.create({ cacheFile, workers: 2 });
  const set = loadProblemSet(path.join(FIXTURES, 'eval', 'humaneval_5.jsonl'));
  tasks = (await executor.prepare(set.problems.filter((p) => generator.tasks.has(p.id)))).problems.map(codeTask);
});
after(async () => {
  await executor?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('tests run inside one candidate program: each assert judged on its own; a test that hangs fails alone; results are cached in the file', async () => {
  const program = 'def inc(x):\n    if x == 7:\n        while True:\n            pass\n    return x + 1\n';
  const tests = ['assert inc(1) == 2', 'assert inc(1) == 3', 'assert inc(7) == 8', 'assert inc(2) == 3', 'assert inc(', 'assert undefined_name(1)'];
  const before = executor.executions;
  const r = await executor.runTests(program, tests);
  assert.deepEqual(r.passed, [true, false, false, true, false, false]);
  assert.ok(r.ran && executor.executions > before);
  const again = await executor.runTests(program, tests);
  assert.deepEqual(again, { passed: r.passed, ran: false });
  // a second executor reads the cache file: no program runs
  const other = await CodeExecutor.create({ cacheFile, workers: 1 });
  try {
    assert.deepEqual((await other.runTests(program, tests)).passed, r.passed);
    assert.equal(other.executions, 0);
  } finally {
    await other.close();
  }
  // a program that does not load passes nothing
  assert.deepEqual((await executor.runTests('def inc(x) return x', tests.slice(0, 2))).passed, [false, false]);
});

test('an episode: replay masks the other strategies and repair, runs count against the budget, the hidden verdict is the reward', async () => {
  const task = tasks.find((t) => t.problem.id === 'HumanEval/0')!;
  const ep = new CodeEpisode(task, generator, executor, env({ budget: 2 }));
  let m = ep.macroMask();
  assert.deepEqual([...m], [1, 0, 0, 1, 0, 0, 0, 0]); // nothing drawn yet: draw candidates or tests
  await ep.macro(act('draw-tests'));
  assert.ok(ep.tests.length > 0 && ep.tests.every((t) => t.startsWith('assert ') && t.includes('has_close_elements')));
  await ep.macro(act('draw-plain'));
  assert.equal(ep.candidates.length, 5);
  assert.equal(ep.llmCalls, 15);
  m = ep.macroMask();
  assert.equal(m[act('draw-plan-first')], 0);
  assert.equal(m[act('repair')], 0);
  assert.equal(m[act('run-tests')], 1);
  for (let i = 0; i < 2; i++) {
    await ep.macro(act('run-tests'));
    assert.equal(ep.phase, 'micro');
    assert.equal(ep.microMask().reduce((a, b) => a + b, 0), 5 - i);
    await ep.micro(0);
  }
  assert.equal(ep.runs, 2);
  assert.equal(ep.macroMask()[act('run-tests')], 0, 'the budget is spent');
  assert.equal(ep.candidates[0].testPass.length, ep.tests.length);
  assert.equal(ep.candidates[0].examples?.length, task.examples.length);
  await ep.macro(act('submit'));
  const reward = await ep.micro(0);
  assert.equal(ep.phase, 'done');
  const o = ep.outcome!;
  assert.equal(o.verdict?.passed, o.solved);
  assert.equal(reward, 0.6 * o.accuracy + 0.3 * o.efficiency + 0.1 * o.novelty);
  assert.equal(o.efficiency, 0, 'every run was spent');
  // a rewound episode sees the same generations in the same order
  const again = new CodeEpisode(task, generator, executor, env());
  await again.macro(act('draw-plain'));
  assert.deepEqual(again.candidates.map((c) => c.sample.code), ep.candidates.map((c) => c.sample.code));
});

test('training is seeded, writes a checkpoint that loads and resumes; the greedy agent solves with at most its budget of runs', async () => {
  const config = { seed: 3, steps: 150, env: { budget: 6 }, agent: { macro: { numSteps: 64 }, micro: { learningStarts: 20 } } };
  const a = await trainCodeAgent(config, { tasks, generator, executor });
  const b = await trainCodeAgent(config, { tasks, generator, executor });
  assert.deepEqual(a.checkpoint.state, b.checkpoint.state);
  assert.ok(a.checkpoint.state.step >= 150 && a.checkpoint.state.episodes > 0);
  const file = path.join(dir, 'agent.json');
  saveCodeCheckpoint(file, a.checkpoint);
  const loaded = loadCodeCheckpoint(file);
  const more = await trainCodeAgent({ steps: 250 }, { tasks, generator, executor, resume: loaded.checkpoint });
  assert.ok(more.checkpoint.state.step >= 250 && more.checkpoint.state.episodes > a.checkpoint.state.episodes);
  const rec = await loaded.agent.runEpisode(new CodeEpisode(tasks[0], generator, executor, env()), { kind: 'greedy' });
  assert.ok(rec.outcome.runs <= 6);
  assert.ok(rec.decisions.every((d) => d.prob >= 0 && d.prob <= 1 && d.top.length > 0));
  fs.writeFileSync(file, '{"kind":"reasoning-lab/code-agent","version":1,"agent":{}}');
  assert.throws(() => loadCodeCheckpoint(file), /agent\.json: corrupt checkpoint/);
  fs.writeFileSync(file, 'nope');
  assert.throws(() => loadCodeCheckpoint(file), /agent\.json: not a checkpoint/);
  assert.ok(CodeAgent.fromJSON(a.checkpoint.agent));
});
