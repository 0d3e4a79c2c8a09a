// Best-first search with the agent's policies: programs in non-increasing probability, each once, no
// dead lines; the agent's solver counts executions like the baselines and spends the budget exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/shared/rng';
import { SynthAgent } from '../../src/core/agents/synth/agent';
import { deadLines, programsByProbability } from '../../src/core/agents/synth/bestFirst';
import { pruneDeadLines, runProgram } from '../../src/core/agents/synth/dsl';
import { MAX_LINES } from '../../src/core/agents/synth/encode';
import { SynthEpisode } from '../../src/core/agents/synth/env';
import { generateProblems } from '../../src/core/agents/synth/generate';
import { fromJsonRecord, type SynthProblem } from '../../src/core/agents/synth/problems';
import { enumerate, randomSearch, solvedWithin, solveWithAgent, type SolveResult } from '../../src/core/agents/synth/search';

const agent = new SynthAgent({ macro: {}, micro: {}, totalMicroSteps: 1000 }, 4);
const { problems } = generateProblems(new Rng(31), { perLength: 3, lengths: [2] });

test('best-first: programs in non-increasing probability, never the same one twice, never a dead line, log p = the replayed decisions', () => {
  for (const problem of problems.slice(0, 3)) {
    let last = Infinity;
    const seen = new Set<string>();
    let n = 0;
    for (const r of programsByProbability(problem, agent, { maxExpansions: 3000, temperature: 0.1, macroTemperature: 1 })) {
      assert.ok(r.logProb <= last + 1e-12, `${problem.id}: ${r.logProb} after ${last}`);
      last = r.logProb;
      const key = JSON.stringify(r.program.lines);
      assert.ok(!seen.has(key), `${problem.id}: ${key} twice`);
      seen.add(key);
      assert.equal(deadLines(r.program.lines, r.program.inputs.length), 0);
      // no line recomputes what an earlier variable holds on every shown example (observational equivalence)
      const runs = problem.shown.map((e) => runProgram(r.program, e.input).vars.map((v) => JSON.stringify(v)));
      for (let v = problem.inputs.length; v < runs[0].length; v++)
        for (let u = 0; u < v; u++) assert.ok(!runs.every((vars) => vars[u] === vars[v]), `${key}: variable ${v} repeats ${u}`);
      if (n++ < 5) {
        // the same decisions replayed through the policies give the same probability
        const ep = agent.runEpisode(problem, { kind: 'replay', actions: r.actions, temperature: 0.1 });
        assert.deepEqual(ep.result.program.lines, r.program.lines);
        const logp = ep.decisions.reduce((s, d) => s + Math.log(d.prob), 0);
        assert.ok(Math.abs(logp - r.logProb) < 1e-9, `${logp} vs ${r.logProb}`);
      }
    }
    assert.ok(n >= 10, `${problem.id}: only ${n} programs`);
  }
});

test('best-first: a state is copied, not shared (clone)', () => {
  const ep = new SynthEpisode(problems[0]);
  const m = ep.mask();
  ep.macro(m.findIndex((x) => x > 0));
  const copy = ep.clone();
  while (copy.phase === 'micro') copy.micro(copy.mask().findIndex((x) => x > 0));
  assert.equal(ep.lines.length, 0);
  assert.equal(ep.phase, 'micro');
  assert.equal(copy.lines.length, 1);
  assert.equal(ep.values[0].length, problems[0].inputs.length);
});

test('solveWithAgent (best-first): executions counted once per distinct program, the budget spent exactly, traces replay each one', () => {
  // an output no short program gives: the search spends its whole budget (an untrained, near-uniform
  // policy needs many expansions per complete program, hence the explicit bound)
  const hard = fromJsonRecord(
    { id: 'noise', examples: [{ input: [[3, 1, 2]], output: [17, -4] }, { input: [[5, 0]], output: [9] }, { input: [[7]], output: [] }], heldOut: [{ input: [[1]], output: [2, 2, 2] }] },
    'x.jsonl',
    1,
  ) as SynthProblem;
  const executed: string[] = [];
  const r = solveWithAgent(hard, agent, { budget: 25, maxExpansions: 100_000, onEpisode: (e) => executed.push(JSON.stringify(pruneDeadLines(e.result.program).lines)) });
  assert.equal(r.solved, false);
  assert.equal(r.programsExecuted, 25);
  assert.equal(executed.length, 25);
  assert.equal(new Set(executed).size, 25, 'no program executed twice');
  // a problem an early program solves stops there
  const easy = fromJsonRecord({ id: 'sum', examples: [{ input: [[3, 1, 2]], output: 6 }, { input: [[5, -1]], output: 4 }], heldOut: [{ input: [[9, 8]], output: 17 }] }, 'x.jsonl', 2) as SynthProblem;
  const s = solveWithAgent(easy, agent, { budget: 500 });
  assert.equal(s.solved, true);
  assert.ok(s.programsExecuted >= 1 && s.programsExecuted <= 500);
  assert.equal(s.program!.lines[0].fn, 'sum');
});

test('search depth: an agent searches no deeper than its curriculum let it write; older checkpoints search to MAX_LINES', () => {
  const json = agent.toJSON();
  assert.equal(json.searchLines, MAX_LINES);
  const limited = SynthAgent.fromJSON({ ...json, searchLines: 2 });
  const seen = [...programsByProbability(problems[0], limited, { maxExpansions: 400, maxLines: limited.searchLines })];
  assert.ok(seen.length && seen.every((r) => r.program.lines.length <= 2));
  const r = solveWithAgent(problems[0], limited, { budget: 10, maxExpansions: 50_000 });
  assert.ok(!r.program || r.program.lines.length <= 2);
  const { searchLines: _, ...old } = json;
  assert.equal(SynthAgent.fromJSON(old).searchLines, MAX_LINES);
  assert.throws(() => SynthAgent.fromJSON({ ...json, searchLines: 9 }), /agent\.searchLines: expected an integer in 1…5, got 9/);
});

test('solvedWithin: one search at a large budget counts, at every smaller budget, exactly what a separate search at that budget solves', () => {
  const { problems: mixed } = generateProblems(new Rng(77), { perLength: 4, lengths: [1, 2] });
  const methods: [string, (p: SynthProblem, budget: number, i: number) => SolveResult][] = [
    ['agent', (p, budget) => solveWithAgent(p, agent, { budget })],
    ['random', (p, budget, i) => randomSearch(p, { budget, seed: 5 + i })],
    ['enumeration', (p, budget) => enumerate(p, { budget })],
  ];
  const budgets = [1, 2, 5, 12, 30];
  for (const [name, run] of methods) {
    let solvedSomewhere = 0;
    let unsolvedSomewhere = 0;
    mixed.forEach((p, i) => {
      const big = run(p, budgets[budgets.length - 1], i);
      for (const b of budgets) {
        const small = run(p, b, i);
        assert.equal(solvedWithin(big, b), small.solved, `${name} ${p.id} budget ${b}: matched at ${big.matchedAt}`);
        if (small.solved) solvedSomewhere++;
        else unsolvedSomewhere++;
      }
    });
    assert.ok(solvedSomewhere > 0 && unsolvedSomewhere > 0, `${name}: ${solvedSomewhere} solved, ${unsolvedSomewhere} not (the check must see both)`);
  }
});
