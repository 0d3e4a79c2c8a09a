// The code agent's episodes as trace records: the Trace Explorer reads an episode as a reasoning path
// (one step per decision: expand / verify / backtrack / submit, with probabilities and alternatives) and
// a search's candidates as one group; the file Solve with Agent rewrites after each decision. A real episode: recorded CodeGen-16B generations, the real sandbox.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeAgent, type CodeEpisodeRecord } from '../../src/core/agents/code/agent';
import { CodeEpisode, codeTask, ENV_DEFAULTS, MACRO_NAMES, REWARD_DEFAULTS, type CodeTask } from '../../src/core/agents/code/env';
import { CodeExecutor } from '../../src/core/agents/code/executor';
import { EpisodeFile } from '../../src/core/agents/code/episodeFile';
import { candidatesPrompt, candidateTraces, codeEpisodeTrace, type CodeEpisodeTrace } from '../../src/core/agents/code/traces';
import { resolveCodeTrainConfig } from '../../src/core/agents/code/train';
import { TraceWriter } from '../../src/core/agents/synth/traces';
import { loadProblemSet } from '../../src/core/eval/problems';
import { ReplayGenerator } from '../../src/core/models/generators/replay';
import { openTraceFile } from '../../src/core/traces';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-traces-'));
const generator = ReplayGenerator.load(path.join(FIXTURES, 'code-agent', 'codet_3.jsonl'));
let executor: CodeExecutor;
let task: CodeTask;

before(async () => {
  executor = await CodeExecutor.create({ cacheFile: null, workers: 2 });
  const set = loadProblemSet(path.join(FIXTURES, 'eval', 'humaneval_5.jsonl'));
  task = (await executor.prepare(set.problems.filter((p) => p.id === 'HumanEval/0'))).problems.map(codeTask)[0];
});
after(async () => {
  await executor?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an episode opens as a reasoning path, its candidates as one group', async () => {
  const agent = new CodeAgent(resolveCodeTrainConfig({ seed: 4, steps: 10 }).agent, 4);
  const rec = await agent.runEpisode(new CodeEpisode(task, generator, executor, { ...ENV_DEFAULTS, budget: 4, reward: REWARD_DEFAULTS }), { kind: 'greedy' });
  assert.ok(rec.outcome.submitted, 'the untrained agent still submits something');
  const file = path.join(dir, 'solve.jsonl');
  const w = new TraceWriter(file);
  for (const t of [codeEpisodeTrace(rec, { id: 'solve-1', mode: 'solve' }), ...candidateTraces(rec, 'solve-1')]) w.write(t);
  w.close();

  const tf = await openTraceFile(file);
  const a = await tf.analyze();
  assert.equal(a.groups, 2);
  assert.equal(a.samples, 1 + rec.candidates.length);
  const cands = a.groupStats.find((g) => g.prompt === candidatesPrompt('HumanEval/0'));
  assert.equal(cands?.size, rec.candidates.length);

  const d = await tf.detail(0);
  assert.equal(d.steps.length, rec.decisions.length, 'one step per decision');
  const texts = d.steps.map((s) => d.sample.completion.slice(s.start, s.end));
  texts.forEach((t, i) => assert.match(t, new RegExp(`^Step ${i + 1} · (expand|verify|backtrack|submit) · \\[(macro|micro)\\]`)));
  assert.match(texts[0], /expand · \[macro\] draw-plain {2}p=\d\.\d{3}/);
  assert.match(texts[0], /candidates #0–#4 drawn · 5 candidates, 0 tests, 0\/4 runs/);
  assert.match(texts.at(-1)!, /submit · \[micro\] (cluster \d|candidate #\d)[\s\S]*Q-values: /);
  assert.match(d.sample.completion, new RegExp(`Submitted candidate #${rec.outcome.submitted!.index}: hidden tests (pass|fail)`));
  assert.equal(d.sample.reward, rec.return);
  const record = (await tf.record(0)).value as { agent: { decisions: unknown[]; moves: string[] } };
  assert.equal(record.agent.decisions.length, rec.decisions.length);
  assert.equal(record.agent.moves.at(-1), 'submit');

  // the submitted candidate says so; rewards are the share of the tests each passed
  const submitted = await tf.detail(1 + rec.outcome.submitted!.index);
  assert.match(submitted.sample.completion, /SUBMITTED: hidden tests/);
  for (let i = 1; i <= rec.candidates.length; i++) {
    const r = (await tf.detail(i)).sample.reward!;
    assert.ok(r >= 0 && r <= 1);
  }
  await tf.close();
});

test('a repair is a backtrack; the micro decision after a macro one continues its move', () => {
  const d = (layer: 'macro' | 'micro', action: string, actionIndex: number) => ({ layer, action, actionIndex, prob: 0.5, top: [{ action, p: 0.5, q: 0.1 }], reward: 0, note: 'n', candidates: 1, tests: 0, runs: 0 });
  const rec = {
    problemId: 'p',
    decisions: [d('macro', 'draw-plain', 0), d('macro', 'repair', MACRO_NAMES.indexOf('repair')), d('micro', 'candidate #0', 0), d('macro', 'run-examples', MACRO_NAMES.indexOf('run-examples')), d('micro', 'candidate #1', 0)],
    outcome: { solved: false, runs: 1, llmCalls: 2, tokens: 9, candidates: 2, tests: 0, accuracy: 0, efficiency: 0, novelty: 0 },
    return: -0.001,
    budget: 3,
    candidates: [],
    tests: [],
  } as CodeEpisodeRecord;
  const t = codeEpisodeTrace(rec, { id: 'x', mode: 'train', step: 7 });
  assert.deepEqual(t.agent.moves, ['expand', 'backtrack', 'verify']);
  assert.match(t.completion, /Step 3 · backtrack · \[micro\] candidate #0/);
  assert.match(t.completion, /No submission/);
  assert.equal(t.step, 7);
});

test('the episode file while it runs: one whole record per decision (same steps as the final one), then the final records; cancelled, what it did', async () => {
  const agent = new CodeAgent(resolveCodeTrainConfig({ seed: 4, steps: 10 }).agent, 4);
  const file = path.join(dir, 'live.jsonl');
  const episode = new EpisodeFile(file, { id: 'solve-live', problemId: 'HumanEval/0', budget: 4 });
  episode.start();
  const tf = await openTraceFile(file);
  const first = await tf.detail(0);
  assert.equal(first.steps.length, 0);
  assert.match(first.sample.completion, /Running: the agent is choosing its first move/);
  // after each decision the file is one readable record that ends with it
  const seen: string[] = [];
  const rec = await agent.runEpisode(new CodeEpisode(task, generator, executor, { ...ENV_DEFAULTS, budget: 4, reward: REWARD_DEFAULTS }), { kind: 'greedy' }, {
    onDecision: (d) => {
      episode.decide(d);
      seen.push(fs.readFileSync(file, 'utf8'));
    },
  });
  assert.ok(rec.decisions.length >= 2);
  seen.forEach((text, i) => {
    const lines = text.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, 'one record, replaced in one step');
    const r = JSON.parse(lines[0]) as CodeEpisodeTrace;
    assert.equal(r.id, 'solve-live');
    assert.equal(r.agent.unfinished, 'running');
    assert.equal(r.agent.decisions.length, i + 1);
    assert.match(r.completion, new RegExp(`Step ${i + 1} · [^\\n]*\\n[\\s\\S]*</think>\\n\\nRunning: ${i + 1} decisions? so far`));
  });
  // Follow mode reads the replaced file again: the last record, its steps the final record's steps
  assert.equal((await tf.refresh({ follow: true })).change, 'rewritten');
  const running = await tf.detail(0);
  assert.equal(running.steps.length, rec.decisions.length);
  episode.finish(rec);
  const final = codeEpisodeTrace(rec, { id: 'solve-live', mode: 'solve' });
  assert.equal(fs.readFileSync(file, 'utf8'), [final, ...candidateTraces(rec, 'solve-live')].map((t) => JSON.stringify(t) + '\n').join(''), 'the records a finished search writes');
  const stepTexts = (d: typeof running) => d.steps.map((s) => d.sample.completion.slice(s.start, s.end));
  await tf.refresh({ follow: true });
  assert.deepEqual(stepTexts(await tf.detail(0)), stepTexts(running), 'a step keeps its text and number when the episode ends');
  await tf.close();

  // cancelled after its decisions: the file says so and keeps them; the offline learner skips it
  episode.stop({ kind: 'cancelled' });
  const cancelled = JSON.parse(fs.readFileSync(file, 'utf8')) as CodeEpisodeTrace;
  assert.equal(cancelled.agent.unfinished, 'cancelled');
  assert.equal(cancelled.agent.decisions.length, rec.decisions.length);
  assert.match(cancelled.completion, new RegExp(`</think>\\n\\nCancelled after ${rec.decisions.length} decisions: nothing was submitted\\.\\n\\d+/4 runs, \\d+ candidates, \\d+ generated tests\\.$`));
  assert.equal(cancelled.solved, false);
  const failed = new EpisodeFile(path.join(dir, 'failed.jsonl'), { id: 'x', problemId: 'p', budget: 3 });
  failed.stop({ kind: 'failed', message: 'nothing written yet' });
  assert.equal(fs.existsSync(path.join(dir, 'failed.jsonl')), false, 'nothing to say before the first record');
  failed.start();
  failed.stop({ kind: 'failed', message: 'the sandbox went away' });
  assert.match(fs.readFileSync(path.join(dir, 'failed.jsonl'), 'utf8'), /Stopped after 0 decisions by an error: the sandbox went away/);
});

test('the episode file never replaces a file that is already there', () => {
  const file = path.join(dir, 'mine.jsonl');
  fs.writeFileSync(file, '{"mine": true}\n');
  assert.throws(() => new EpisodeFile(file, { id: 'x', problemId: 'p', budget: 3 }).start(), /mine\.jsonl exists and is not replaced/);
  assert.equal(fs.readFileSync(file, 'utf8'), '{"mine": true}\n');
});
