/**
 * npm run bench — PPO and DQN on CartPole-v1: 5 seeds each, up to 500k env steps, a run
 * stops once the mean return of its last 100 episodes reaches 475 (the step is reported). Goal: ≥ 475
 * on at least 4 of 5 seeds per algorithm. Seeds run in parallel worker threads (one per core).
 *
 * Baseline, measured in the same run: bare CartPole stepping with random actions (env steps/s);
 * each training run's throughput is reported as a fraction of it.
 *
 *   BENCH_SEEDS=5   BENCH_MAX_STEPS=500000   BENCH_ALGOS=ppo,dqn   BENCH_WORKERS=<cores>
 */
import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { CartPoleVec } from '../src/core/agents/cartpole';
import { type CartPoleAlgo, CartPoleTrainer, type CartPoleTrainOptions } from '../src/core/agents/cartpoleTrain';
import { Rng } from '../src/core/shared/rng';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 5);
const MAX_STEPS = Number(process.env.BENCH_MAX_STEPS ?? 500_000);
const ALGOS = (process.env.BENCH_ALGOS ?? 'ppo,dqn').split(',') as CartPoleAlgo[];
const WORKERS = Number(process.env.BENCH_WORKERS ?? Math.max(1, Math.min(os.availableParallelism(), 4)));
const GOAL = 475;


interface SeedResult {
  algo: CartPoleAlgo;
  seed: number;
  solvedAt: number | null;
  steps: number;
  episodes: number;
  meanReturnLast100: number | null;
  stepsPerSecond: number;
}

function runSeed(algo: CartPoleAlgo, seed: number): SeedResult {
  const options: CartPoleTrainOptions = { algo, seed, totalTimesteps: MAX_STEPS };
  const trainer = CartPoleTrainer.create(options);
  const r = trainer.run(MAX_STEPS, { stopAtMeanReturn: GOAL });
  return {
    algo,
    seed,
    solvedAt: r.stoppedBy === 'solved' ? r.globalStep : null,
    steps: r.globalStep,
    episodes: r.episodes,
    meanReturnLast100: r.meanReturnLast100,
    stepsPerSecond: r.stepsPerSecond,
  };
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

async function main() {
  const jobs = ALGOS.flatMap((algo) => Array.from({ length: SEEDS }, (_, i) => ({ algo, seed: i + 1 })));
  baselineStepsPerSecond(200_000); // warm the JIT
  const baseline = baselineStepsPerSecond();
  console.log(`CartPole-v1: ${ALGOS.join(' and ')} × ${SEEDS} seeds, ≤ ${MAX_STEPS.toLocaleString()} steps each, stop at mean return (last 100) ≥ ${GOAL}; ${WORKERS} worker threads`);
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
        const solved = result.solvedAt !== null ? `≥ ${GOAL} at step ${result.solvedAt.toLocaleString()}` : `not solved (mean ${result.meanReturnLast100?.toFixed(1)})`;
        console.log(`  ${result.algo} seed ${result.seed}: ${solved}, ${Math.round(result.stepsPerSecond).toLocaleString()} steps/s (${((100 * result.stepsPerSecond) / baseline).toFixed(2)}% of bare env)`);
      }
    }),
  );
  let failed = false;
  for (const algo of ALGOS) {
    const rs = results.filter((r) => r.algo === algo).sort((a, b) => a.seed - b.seed);
    const solved = rs.filter((r) => r.solvedAt !== null);
    const meanRate = rs.reduce((a, r) => a + r.stepsPerSecond, 0) / rs.length;
    const met = solved.length >= Math.min(4, rs.length);
    if (!met) failed = true;
    console.log(
      `${algo.padEnd(4)} solved ${solved.length}/${rs.length} (goal ≥ 4: ${met ? 'met' : 'NOT met'}); steps to ${GOAL}: ${rs.map((r) => (r.solvedAt === null ? '–' : r.solvedAt.toLocaleString())).join(', ')}; ` +
        `${Math.round(meanRate).toLocaleString()} steps/s while training = ${(meanRate / baseline).toFixed(4)}× bare env`,
    );
  }
  console.log(`wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = failed ? 1 : 0;
}

if (isMainThread) void main();
else parentPort!.postMessage(runSeed(workerData.algo, workerData.seed));
