// Offline mode for the code agent: logged episodes (its own traces) are replayed against the recorded
// generations and the real sandbox; the macro layer learns with importance weights, the micro layer
// from replay; broken or foreign records are skipped with a reason naming the line.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeAgent } from '../../src/core/agents/code/agent';
import { codeTask, ENV_DEFAULTS, REWARD_DEFAULTS, type CodeTask } from '../../src/core/agents/code/env';
import { CodeExecutor } from '../../src/core/agents/code/executor';
import { learnCodeOffline, readCodeEpisodes } from '../../src/core/agents/code/offline';
import { codeEpisodeTrace, type CodeEpisodeTrace } from '../../src/core/agents/code/traces';
import { resolveCodeTrainConfig, trainCodeAgent } from '../../src/core/agents/code/train';
import { loadProblemSet } from '../../src/core/eval/problems';
import { ReplayGenerator } from '../../src/core/models/generators/replay';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-offline-'));
const generator = ReplayGenerator.load(path.join(FIXTURES, 'code-agent', 'codet_3.jsonl'));
const env = { ...ENV_DEFAULTS, budget: 4, reward: REWARD_DEFAULTS };
let executor: CodeExecutor;
let tasks: CodeTask[];
const traces: CodeEpisodeTrace[] = [];

before(async () => {
  executor = await CodeExecutor.create({ cacheFile: null, workers: 2 });
  const set = loadProblemSet(path.join(FIXTURES, 'eval', 'humaneval_5.jsonl'));
  tasks = (await executor.prepare(set.problems.filter((p) => generator.tasks.has(p.id)))).problems.map(codeTask);
  let n = 0;
  await trainCodeAgent({ seed: 6, steps: 80, env: { budget: 4 }, agent: { macro: { numSteps: 64 }, micro: { learningStarts: 20 } } }, { tasks, generator, executor, onEpisode: (rec) => traces.push(codeEpisodeTrace(rec, { id: `train-${++n}`, mode: 'train' })) });
});
after(async () => {
  await executor?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const world = () => ({ tasks: new Map(tasks.map((t) => [t.problem.id, t])), generator, executor, env });
const fresh = () => new CodeAgent(resolveCodeTrainConfig({ seed: 9, steps: 100 }).agent, 9);

test('logged episodes replay exactly and teach both layers, with importance weights', async () => {
  const file = path.join(dir, 'episodes.jsonl');
  fs.writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const warnings: string[] = [];
  const logged = readCodeEpisodes(fs.readFileSync(file, 'utf8'), file, warnings).map((x) => ({ ...x, file }));
  assert.deepEqual(warnings, []);
  assert.equal(logged.length, traces.length);
  const agent = fresh();
  const before = JSON.stringify(agent.toJSON().macro);
  const stats = await learnCodeOffline(agent, logged, world());
  assert.deepEqual(stats.warnings, []);
  assert.equal(stats.episodes, traces.length);
  assert.equal(stats.decisions, traces.reduce((n, t) => n + t.agent.decisions.length, 0));
  assert.ok(stats.meanRatio > 0 && stats.meanWeight > 0 && stats.meanWeight <= 1);
  assert.ok(stats.policyLoss !== null && Number.isFinite(stats.policyLoss));
  assert.notEqual(JSON.stringify(agent.toJSON().macro), before, 'the macro policy learned');

  // a behaviour policy half as likely: the ratios double
  const halved = logged.map((l) => ({ ...l, trace: { ...l.trace, agent: { ...l.trace.agent, decisions: l.trace.agent.decisions.map((d) => (d.layer === 'macro' ? { ...d, p: d.p / 2 } : d)) } } }));
  const again = await learnCodeOffline(fresh(), halved, world());
  assert.ok(Math.abs(again.meanRatio - 2 * stats.meanRatio) < 1e-9 * Math.max(1, stats.meanRatio));
});

test('broken, foreign and unknown records are skipped with the reason and the line', async () => {
  const bad = structuredClone(traces[0]);
  bad.agent.decisions[0] = { layer: 'macro', a: 99, p: 0.5 };
  const zero = structuredClone(traces[0]);
  zero.agent.decisions[0].p = 0;
  const unknown = structuredClone(traces[0]);
  unknown.agent.problem = 'HumanEval/999';
  const text = [JSON.stringify(bad), '{not json', JSON.stringify({ prompt: 'x', completion: 'y' }), JSON.stringify(zero), JSON.stringify(unknown)].join('\n');
  const warnings: string[] = [];
  const logged = readCodeEpisodes(text, 'log.jsonl', warnings).map((x) => ({ ...x, file: 'log.jsonl' }));
  assert.match(warnings[0], /^log\.jsonl:2: skipped: not JSON/);
  assert.match(warnings[1], /^log\.jsonl:3: skipped: not a code agent episode/);
  const stats = await learnCodeOffline(fresh(), logged, world());
  assert.equal(stats.episodes, 0);
  assert.deepEqual(stats.warnings.map((w) => w.replace(/: skipped: .*/, '')), ['log.jsonl:1', 'log.jsonl:4', 'log.jsonl:5']);
  assert.match(stats.warnings[0], /action 99 is not allowed there/);
  assert.match(stats.warnings[1], /behaviour probability 0 is not in \(0, 1\]/);
  assert.match(stats.warnings[2], /HumanEval\/999 is not among the problems/);
});
