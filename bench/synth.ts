/**
 * npm run bench — program synthesis (issue 6): the trained hierarchical agent (PPO macro + DQN micro)
 * against random search and exhaustive enumeration in order of length, each given the same budget of
 * program executions per problem, on generated problems of program length 2–4 HELD OUT from training
 * (deduplicated against the training set by behaviour), all in this run.
 * Goal: solve ≥ 2× as many as random search, and beat enumeration at length 4.
 * The agent searches best-first in order of its policies' program probability (bestFirst.ts); every
 * state it expands runs that partial program's newest line on the shown examples for the policies'
 * observation — reported as "states", separately from the program executions the budget counts.
 *
 *   BENCH_SYNTH_STEPS=250000 (training decisions)   BENCH_SYNTH_BUDGET=200 (executions per problem)
 *   BENCH_SYNTH_PROBLEMS=40 (test problems per length)   BENCH_SYNTH_SEED=1
 */
import { Rng } from '../src/core/agents/rng';
import { generateProblems } from '../src/core/agents/synth/generate';
import { enumerate, randomSearch, solveWithAgent, type SolveResult } from '../src/core/agents/synth/search';
import { trainingProblems, trainSynthAgent, resolveTrainConfig } from '../src/core/agents/synth/train';
import { behaviourKey } from '../src/core/agents/synth/generate';

const STEPS = Number(process.env.BENCH_SYNTH_STEPS ?? 250_000);
const BUDGET = Number(process.env.BENCH_SYNTH_BUDGET ?? 200);
const PER_LENGTH = Number(process.env.BENCH_SYNTH_PROBLEMS ?? 40);
const SEED = Number(process.env.BENCH_SYNTH_SEED ?? 1);

async function main() {
  const config = resolveTrainConfig({ seed: SEED, steps: STEPS });
  const train = trainingProblems(config);
  const exclude = new Set(train.map((p) => behaviourKey(p.program!)));
  const test = generateProblems(new Rng(SEED + 1_000_003), { perLength: PER_LENGTH, lengths: [2, 3, 4], exclude, prefix: 'test' }).problems;
  console.log(`synthesis: ${train.length} training problems (lengths 1–5), ${test.length} held-out test problems (lengths 2–4, none behaving like a training problem)`);
  const t0 = Date.now();
  const { agent, curve } = await trainSynthAgent(config, {
    progressEvery: 500,
    onProgress: (p) => {
      if (process.env.BENCH_SYNTH_VERBOSE)
        console.log(`  step ${p.step} ep ${p.episodes} level ${p.level} return ${p.meanReturn.toFixed(3)} solve ${p.solveRate.toFixed(2)} len ${p.meanLength.toFixed(2)} H ${p.entropy.toFixed(2)} ε ${p.epsilon.toFixed(2)} td ${p.tdLoss?.toFixed(4)} pl ${p.policyLoss?.toFixed(4)}`);
    },
  });
  const trainSeconds = (Date.now() - t0) / 1000;
  const last = curve[curve.length - 1];
  console.log(`training  ${STEPS.toLocaleString()} decisions, ${last.episodes.toLocaleString()} episodes in ${trainSeconds.toFixed(0)} s; curriculum reached length ${last.level}; training solve rate ${(last.solveRate * 100).toFixed(0)} %`);

  const methods: [string, (i: number) => SolveResult][] = [
    ['agent', (i) => solveWithAgent(test[i], agent, { budget: BUDGET })],
    ['random', (i) => randomSearch(test[i], { budget: BUDGET, seed: SEED + i })],
    ['enumeration', (i) => enumerate(test[i], { budget: BUDGET })],
  ];
  const rows: Record<string, { solved: Record<number, number>; executed: number; states: number; ms: number }> = {};
  for (const [name, run] of methods) {
    const s = Date.now();
    rows[name] = { solved: { 2: 0, 3: 0, 4: 0 }, executed: 0, states: 0, ms: 0 };
    test.forEach((p, i) => {
      const r = run(i);
      if (r.solved) rows[name].solved[p.program!.lines.length]++;
      rows[name].executed += r.programsExecuted;
      rows[name].states += r.statesExpanded ?? 0;
    });
    rows[name].ms = Date.now() - s;
  }
  console.log(`budget ${BUDGET} program executions per problem, ${PER_LENGTH} problems per length (solved = held-back examples pass too)`);
  console.log('method        len 2   len 3   len 4   total   executions   time     (agent: states expanded)');
  for (const [name] of methods) {
    const r = rows[name];
    const total = r.solved[2] + r.solved[3] + r.solved[4];
    console.log(`${name.padEnd(12)} ${[2, 3, 4].map((L) => String(r.solved[L]).padStart(6)).join('  ')}  ${String(total).padStart(6)}   ${String(r.executed).padStart(10)}   ${(r.ms / 1000).toFixed(1)} s${r.states ? `   ${r.states}` : ''}`);
  }
  const tot = (n: string) => rows[n].solved[2] + rows[n].solved[3] + rows[n].solved[4];
  const ratio = tot('agent') / Math.max(1, tot('random'));
  console.log(`agent / random solved: ${ratio.toFixed(2)}× (goal ≥ 2×: ${ratio >= 2 ? 'met' : 'NOT met'});  length 4: agent ${rows.agent.solved[4]} vs enumeration ${rows.enumeration.solved[4]} (goal: beat it: ${rows.agent.solved[4] > rows.enumeration.solved[4] ? 'met' : 'NOT met'})`);
}

void main();
