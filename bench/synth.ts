/**
 * npm run bench — program synthesis: the trained hierarchical agent (PPO macro + DQN micro)
 * against random search and exhaustive enumeration in order of length, each given the same budget of
 * program executions per problem, on generated problems of program length 2–4 HELD OUT from training
 * (deduplicated against the training set by behaviour), all in this run.
 * Goal: solve ≥ 2× as many as random search, and beat enumeration at length 4.
 * The agent searches best-first in order of its policies' program probability (bestFirst.ts); every
 * state it expands runs that partial program's newest line on the shown examples for the policies'
 * observation — reported as "states", separately from the program executions the budget counts.
 * Solves over BUDGETS come from one search per method and problem at the largest budget: every
 * search's order is independent of its budget, so a problem matched with its k-th execution (within
 * the time bounds a budget gives, see solvedWithin) counts as solved at every budget ≥ k, the same way
 * for the three methods.
 *
 *   BENCH_SYNTH_STEPS=250000 (training decisions)   BENCH_SYNTH_BUDGETS=10,25,50,100,200 (executions per problem)
 *   BENCH_SYNTH_PROBLEMS=40 (test problems per length)   BENCH_SYNTH_SEED=1
 */
import { Rng } from '../src/core/shared/rng';
import { generateProblems } from '../src/core/agents/synth/generate';
import { enumerate, randomSearch, solvedWithin, solveWithAgent, type SolveResult } from '../src/core/agents/synth/search';
import { trainingProblems, trainSynthAgent, resolveTrainConfig } from '../src/core/agents/synth/train';
import { behaviourKey } from '../src/core/agents/synth/generate';

const STEPS = Number(process.env.BENCH_SYNTH_STEPS ?? 250_000);
const BUDGETS = (process.env.BENCH_SYNTH_BUDGETS ?? '10,25,50,100,200').split(',').map(Number).sort((a, b) => a - b);
if (!BUDGETS.length || BUDGETS.some((b) => !Number.isInteger(b) || b < 1)) throw new Error(`BENCH_SYNTH_BUDGETS must be positive integers, got ${process.env.BENCH_SYNTH_BUDGETS}`);
const BUDGET = BUDGETS[BUDGETS.length - 1];
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
  const names = methods.map(([n]) => n);
  const results: Record<string, { results: SolveResult[]; states: number; ms: number }> = {};
  for (const [name, run] of methods) {
    const s = Date.now();
    const rs = test.map((_, i) => run(i));
    results[name] = { results: rs, states: rs.reduce((a, r) => a + (r.statesExpanded ?? 0), 0), ms: Date.now() - s };
  }
  const solvedAt = (name: string, budget: number, L: number) => results[name].results.filter((r, i) => test[i].program!.lines.length === L && solvedWithin(r, budget)).length;
  const total = (name: string, budget: number) => [2, 3, 4].reduce((a, L) => a + solvedAt(name, budget, L), 0);
  console.log(`one search per method and problem at ${BUDGET} program executions; solves at each smaller budget counted from the execution that matched (${PER_LENGTH} problems per length; solved = held-back examples pass too)`);
  for (const name of names) {
    const r = results[name];
    const executed = r.results.reduce((a, x) => a + x.programsExecuted, 0);
    console.log(`  ${name.padEnd(12)} ${(r.ms / 1000).toFixed(1)} s, ${executed} executions${r.states ? `, ${r.states} states expanded` : ''}`);
  }
  console.log('budget   method        len 2   len 3   len 4   total');
  const verdicts: string[] = [];
  for (const b of BUDGETS) {
    for (const name of names) console.log(`${String(b).padStart(6)}   ${name.padEnd(12)} ${[2, 3, 4].map((L) => String(solvedAt(name, b, L)).padStart(6)).join('  ')}  ${String(total(name, b)).padStart(6)}`);
    const ratio = total('agent', b) / Math.max(1, total('random', b));
    const beats4 = solvedAt('agent', b, 4) > solvedAt('enumeration', b, 4);
    const met = ratio >= 2 && beats4;
    verdicts.push(`${b}: ${met ? 'met' : 'NOT met'}`);
    console.log(`         agent / random ${ratio.toFixed(2)}× (≥ 2×: ${ratio >= 2 ? 'yes' : 'no'});  length 4 agent ${solvedAt('agent', b, 4)} vs enumeration ${solvedAt('enumeration', b, 4)} (beats it: ${beats4 ? 'yes' : 'no'});  goal ${met ? 'MET' : 'NOT met'}`);
  }
  console.log(`goal (≥ 2× random search and beat enumeration at length 4) by budget — ${verdicts.join(', ')}`);
}

void main();
