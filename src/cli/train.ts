/**
 * reasoning-lab train cartpole --algo ppo|dqn [--steps N] [--seed S] [--out <checkpoint>] [--resume <checkpoint>] [--onnx <file>]
 * reasoning-lab train synth …   (src/cli/synth.ts)
 *
 * Trains PPO or DQN on CartPole-v1 (src/core/agents). stdout is the learning curve, one JSON line per
 * finished episode (global step, episode return and length, the latest update's losses), then a
 * final JSON line {"algo", "steps", "episodes", "meanReturnLast100", …}. Ctrl+C stops at a clean
 * point, still writes --out, and exits 130; --resume continues it (bit-identical to an unbroken run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CARTPOLE_ALGOS, type CartPoleAlgo, CartPoleTrainer, DQN_CARTPOLE, loadCheckpoint, saveCheckpoint } from '../core/agents/cartpoleTrain';
import { exportPolicy } from '../core/agents/onnxExport';
import { Ppo } from '../core/agents/ppo';
import { progressReporter, UsageError, type CliCommand } from './common';
import { trainSynth, TRAIN_SYNTH_USAGE } from './synth';

export const trainCommand: CliCommand = {
  name: 'train',
  usage: `train cartpole --algo ppo|dqn   Train PPO or DQN on CartPole-v1; print the learning curve as JSON lines.
    --steps N                total env steps (default 500000; with --resume: the total to reach)
    --total-steps T          length of the schedules (PPO lr annealing, DQN ε and β) (default: --steps); keep it when
                             a run is split into --out / --resume parts so they equal one unbroken run
    --seed S                 seed (default 1); runs with the same seed are identical
    --out <checkpoint>       write a checkpoint at the end (or on Ctrl+C); --force to replace a file
    --resume <checkpoint>    continue a checkpoint exactly where it stopped
    --onnx <file.onnx>       export the policy (PPO: the actor's logits; DQN: the Q-values) to ONNX
  Exit codes: 0 done, 1 bad checkpoint or I/O error, 2 bad usage, 130 interrupted (checkpoint still written).
${TRAIN_SYNTH_USAGE}`,
  run: trainMain,
};

async function trainMain(args: string[]): Promise<number> {
  const [target, ...rest] = args;
  if (target === 'synth') return trainSynth(rest);
  if (target === 'cartpole') return trainCartPole(rest);
  throw new UsageError(target ? `train: unknown environment "${target}" (expected cartpole or synth)` : 'train needs an environment: cartpole or synth');
}

const integer = (v: string | undefined, name: string, min: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer ≥ ${min}, got ${v}`);
  return n;
};

async function trainCartPole(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    // "--steps -5" would otherwise be an ambiguous-option error instead of a message about the value
    args: args.map((a, i) => (/^-\d/.test(a) && /^--(steps|total-steps|seed)$/.test(args[i - 1] ?? '') ? `=${a}` : a)).reduce<string[]>((acc, a) => {
      if (a.startsWith('=')) acc[acc.length - 1] += a;
      else acc.push(a);
      return acc;
    }, []),
    allowPositionals: true,
    options: {
      algo: { type: 'string' },
      steps: { type: 'string' },
      'total-steps': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'string' },
      onnx: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`train cartpole: unexpected argument "${positionals[0]}"`);
  const algo = values.algo as CartPoleAlgo | undefined;
  if (algo !== undefined && !CARTPOLE_ALGOS.includes(algo)) throw new UsageError(`--algo: expected ppo or dqn, got "${values.algo}"`);
  if (!algo && !values.resume) throw new UsageError('train cartpole needs --algo ppo|dqn (or --resume <checkpoint>)');
  const steps = integer(values.steps, 'steps', 1) ?? 500_000;
  const seed = integer(values.seed, 'seed', 0);
  const totalSteps = integer(values['total-steps'], 'total-steps', 1);
  for (const [flag, file] of [['out', values.out], ['onnx', values.onnx]] as const) {
    if (file && fs.existsSync(file) && !values.force && path.resolve(file) !== path.resolve(values.resume ?? '')) {
      throw new UsageError(`--${flag}: ${file} exists; pass --force to replace it`);
    }
  }

  let trainer: CartPoleTrainer;
  if (values.resume) {
    try {
      trainer = loadCheckpoint(values.resume);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      return 1;
    }
    if (algo && algo !== trainer.algo) throw new UsageError(`--algo ${algo} does not match the checkpoint's algorithm (${trainer.algo})`);
    if (seed !== undefined && seed !== trainer.seed) throw new UsageError(`--seed ${seed} does not match the checkpoint's seed (${trainer.seed})`);
    if (totalSteps !== undefined && totalSteps !== trainer.totalTimesteps) throw new UsageError(`--total-steps ${totalSteps} does not match the checkpoint's schedule length (${trainer.totalTimesteps})`);
  } else {
    // the schedules (lr annealing, ε, β) span the requested run, as CleanRL's --total-timesteps
    trainer = CartPoleTrainer.create({ algo: algo!, seed: seed ?? 1, totalTimesteps: totalSteps ?? steps, dqn: DQN_CARTPOLE });
  }

  let stopped = false;
  const onSigint = () => (stopped = true);
  process.once('SIGINT', onSigint);
  const progress = progressReporter();
  let latest: Record<string, number> = {};
  const started = Date.now();
  const startStep = trainer.globalStep;
  try {
    // run() is synchronous: train in chunks and yield between them so Ctrl+C is seen
    for (;;) {
      const chunkEnd = Math.min(steps, trainer.globalStep + 4096);
      trainer.run(chunkEnd, {
        onUpdate: (stats) => (latest = { ...stats }),
        onEpisode: (e, t) => {
          const line = { step: e.step, episode: t.curve.length, return: e.return, length: e.length, ...latest };
          process.stdout.write(progress.done() + JSON.stringify(line) + '\n');
        },
      });
      progress.tick(() => `${trainer.algo}: step ${trainer.globalStep.toLocaleString()} / ${steps.toLocaleString()}, mean return (last 100) ${trainer.meanReturnLast(100)?.toFixed(1) ?? '–'}`);
      if (trainer.globalStep >= steps || stopped) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  try {
    // the checkpoint being resumed may be replaced by its continuation
    const replace = (file: string) => ({ replace: values.force || path.resolve(file) === path.resolve(values.resume ?? '') });
    if (values.out) saveCheckpoint(values.out, trainer.toCheckpoint(), replace(values.out));
    if (values.onnx) {
      const net = trainer.agent instanceof Ppo ? trainer.agent.actor : trainer.agent.qNetwork;
      exportPolicy(net, values.onnx, { metadata: { env: 'CartPole-v1', algo: trainer.algo, steps: String(trainer.globalStep), seed: String(trainer.seed) } }, replace(values.onnx));
    }
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  const summary = {
    algo: trainer.algo,
    steps: trainer.globalStep,
    episodes: trainer.curve.length,
    meanReturnLast100: trainer.meanReturnLast(100),
    seed: trainer.seed,
    stepsPerSecond: Math.round((trainer.globalStep - startStep) / seconds),
    ...(stopped ? { interrupted: true } : {}),
    ...(values.out ? { checkpoint: path.resolve(values.out) } : {}),
    ...(values.onnx ? { onnx: path.resolve(values.onnx) } : {}),
  };
  process.stdout.write(progress.done() + JSON.stringify(summary) + '\n');
  return stopped ? 130 : 0;
}
