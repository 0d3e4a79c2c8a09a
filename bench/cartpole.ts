/**
 * npm run bench — PPO and DQN on CartPole-v1 with their shipped settings (PPO_CARTPOLE, DQN_CARTPOLE):
 * every run trains the full 500k env steps and reports its FINAL mean return over the last 100
 * training episodes (the first step at which that mean reached 475 is shown too, but a policy that
 * gets there and then collapses does not count). Goal: final ≥ 475 on at least 4 of 5 seeds per
 * algorithm. The default seeds, 11–15, are ones the settings were not tuned on (tuning used 1–10).
 * Seeds run in parallel worker threads.
 *
 * Baseline, measured in the same run: bare CartPole stepping with random actions (env steps/s);
 * each training run's throughput is reported as a fraction of it.
 *
 *   BENCH_SEEDS=11-15 (a range or a comma list)   BENCH_MAX_STEPS=500000   BENCH_ALGOS=ppo,dqn   BENCH_WORKERS=<cores>
 */
import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { CartPoleVec } from '../src/core/agents/cartpole';
import { type CartPoleAlgo, CartPoleTrainer } from '../src/core/agents/cartpoleTrain';
import { Rng } from '../src/core/shared/rng';

const SEEDS = parseSeeds(process.env.BENCH_SEEDS ?? '11-15');
const MAX_STEPS = Number(process.env.BENCH_MAX_STEPS ?? 500_000);
const ALGOS = (process.env.BENCH_ALGOS ?? 'ppo,dqn').split(',') as CartPoleAlgo[];
const WORKERS = Number(process.env.BENCH_WORKERS ?? Math.max(1, Math.min(os.availableParallelism(), 4)));
const GOAL = 475;

function parseSeeds(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text);
  const seeds = range ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i) : text.split(',').map(Number);
  if (!seeds.length || !seeds.every((s) => Number.isInteger(s) && s >= 0)) throw new Error(`BENCH_SEEDS: expected a range like 11-15 or a list like 1,2,3, got ${JSON.stringify(text)}`);
  return seeds;
}

interface SeedResult {
  algo: CartPoleAlgo;
  seed: number;
  /** Mean return of the last 100 training episodes when the run ends. */
  finalMeanReturn: number | null;
  /** First step at which the mean of the last 100 episodes reached GOAL (null: never). */
  firstReachedAt: number | null;
  /** Lowest mean of the last 100 episodes after firstReachedAt (how far it fell back). */
  lowestAfterReached: number | null;
  steps: number;
  episodes: number;
  stepsPerSecond: number;
}

function runSeed(algo: CartPoleAlgo, seed: number): SeedResult {
  const trainer = CartPoleTrainer.create({ algo, seed, totalTimesteps: MAX_STEPS });
  let firstReachedAt: number | null = null;
  let lowestAfterReached: number | null = null;
  const r = trainer.run(MAX_STEPS, {
    onEpisode: (episode, t) => {
      if (t.curve.length < 100) return;
      const mean = t.meanReturnLast(100)!;
      if (firstReachedAt === null && mean >= GOAL) firstReachedAt = episode.step;
      if (firstReachedAt !== null) lowestAfterReached = Math.min(lowestAfterReached ?? mean, mean);
    },
  });
  return { algo, seed, finalMeanReturn: r.meanReturnLast100, firstReachedAt, lowestAfterReached, steps: r.globalStep, episodes: r.episodes, stepsPerSecond: r.stepsPerSecond };
}

/** Bare env stepping with random actions, single env, the same loop shape DQN uses. */
function baselineStepsPerSecond(steps = 2_000_000): number {
  const env = new CartPoleVec(1, new Rng(1));
  const rng = new Rng(2);
  const action = new Int32Array(1);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) {
    action[0] = rng.uniform() < 0.5 ? 0 : 1;
    env.step(action);
  }
  return steps / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(1));

async function main() {
  const jobs = ALGOS.flatMap((algo) => SEEDS.map((seed) => ({ algo, seed })));
  baselineStepsPerSecond(200_000); // warm the JIT
  const baseline = baselineStepsPerSecond();
  console.log(`CartPole-v1: ${ALGOS.join(' and ')} × seeds ${SEEDS.join(', ')}, ${MAX_STEPS.toLocaleString()} steps each; final mean return of the last 100 training episodes, goal ≥ ${GOAL}; ${WORKERS} worker threads`);
  console.log(`baseline  bare env, random actions        ${Math.round(baseline).toLocaleString()} steps/s`);
  const started = Date.now();
  const results: SeedResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(WORKERS, jobs.length) }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const result = await new Promise<SeedResult>((resolve, reject) => {
          // a worker cannot start from a .ts file directly: register tsx's require hook first
          const w = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(__filename)});`, { eval: true, workerData: job });
          w.once('message', resolve);
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`worker for ${job.algo} seed ${job.seed} exited with ${code}`)));
        });
        results.push(result);
        const reached = result.firstReachedAt === null ? `never reached ${GOAL}` : `first ≥ ${GOAL} at step ${result.firstReachedAt.toLocaleString()}, lowest after ${fmt(result.lowestAfterReached)}`;
        console.log(
          `  ${result.algo} seed ${result.seed}: final ${fmt(result.finalMeanReturn)} (${reached}), ${Math.round(result.stepsPerSecond).toLocaleString()} steps/s (${((100 * result.stepsPerSecond) / baseline).toFixed(2)}% of bare env)`,
        );
      }
    }),
  );
  let failed = false;
  for (const algo of ALGOS) {
    const rs = results.filter((r) => r.algo === algo).sort((a, b) => a.seed - b.seed);
    const met = rs.filter((r) => r.finalMeanReturn !== null && r.finalMeanReturn >= GOAL);
    const goalMet = met.length >= Math.min(4, rs.length);
    if (!goalMet) failed = true;
    const meanRate = rs.reduce((a, r) => a + r.stepsPerSecond, 0) / rs.length;
    console.log(
      `${algo.padEnd(4)} final ≥ ${GOAL} on ${met.length}/${rs.length} seeds (goal ≥ 4: ${goalMet ? 'met' : 'NOT met'}); final returns: ${rs.map((r) => fmt(r.finalMeanReturn)).join(', ')}; ` +
        `${Math.round(meanRate).toLocaleString()} steps/s while training = ${(meanRate / baseline).toFixed(4)}× bare env`,
    );
  }
  console.log(`wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = failed ? 1 : 0;
}

if (isMainThread) void main();
else parentPort!.postMessage(runSeed(workerData.algo, workerData.seed));
