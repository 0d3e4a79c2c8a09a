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
import { CARTPOLE_ALGOS, type CartPoleAlgo, CartPoleTrainer, DQN_CARTPOLE, exportCartPolePolicy, loadCheckpoint, saveCheckpoint } from '../core/agents/cartpoleTrain';
import { TrainingControl, trainCartPoleInChunks } from '../core/agents/trainingLoop';
import { errorMessage } from '../core/shared/errors';
import { integerFlag, joinNegativeNumbers, progressReporter, UsageError, type CliCommand, onInterrupt } from './common';
import { parseTrainSynthArgs, runTrainSynth, TRAIN_SYNTH_USAGE } from './synth';
import { parseTrainCodeAgentArgs, runTrainCodeAgent, TRAIN_CODE_USAGE } from './codeAgent';

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
${TRAIN_SYNTH_USAGE}
${TRAIN_CODE_USAGE}`,
  run: trainMain,
};

async function trainMain(args: string[]): Promise<number> {
  const [target, ...rest] = args;
  if (target === 'synth') return runTrainSynth(parseTrainSynthArgs(rest));
  if (target === 'cartpole') return runTrainCartPole(parseTrainCartPoleArgs(rest));
  if (target === 'code-agent') return runTrainCodeAgent(parseTrainCodeAgentArgs(rest));
  throw new UsageError(target ? `train: unknown environment "${target}" (expected cartpole, synth or code-agent)` : 'train needs an environment: cartpole, synth or code-agent');
}

export interface TrainCartPoleOptions {
  /** Required unless resuming (then it must match the checkpoint's). */
  algo?: CartPoleAlgo;
  /** The global step to reach (with --resume: in total). */
  steps: number;
  /** The schedules' length (PPO lr annealing, DQN ε and β); default: steps. */
  totalSteps?: number;
  seed?: number;
  /** Checkpoint written at the end (or on Ctrl+C). */
  out?: string;
  resume?: string;
  /** The policy exported to ONNX. */
  onnx?: string;
  /** Replace existing --out / --onnx files. */
  force: boolean;
}

export function parseTrainCartPoleArgs(args: string[]): TrainCartPoleOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeNumbers(args, ['steps', 'total-steps', 'seed']),
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
  return {
    algo,
    steps: integerFlag(values.steps, 'steps', 1) ?? 500_000,
    seed: integerFlag(values.seed, 'seed', 0),
    totalSteps: integerFlag(values['total-steps'], 'total-steps', 1),
    out: values.out,
    resume: values.resume,
    onnx: values.onnx,
    force: values.force!,
  };
}

export async function runTrainCartPole(o: TrainCartPoleOptions): Promise<number> {
  for (const [flag, file] of [['out', o.out], ['onnx', o.onnx]] as const) {
    if (file && fs.existsSync(file) && !o.force && path.resolve(file) !== path.resolve(o.resume ?? '')) {
      throw new UsageError(`--${flag}: ${file} exists; pass --force to replace it`);
    }
  }
  let trainer: CartPoleTrainer;
  if (o.resume) {
    try {
      trainer = loadCheckpoint(o.resume);
    } catch (err) {
      process.stderr.write(`error: ${errorMessage(err)}\n`);
      return 1;
    }
    if (o.algo && o.algo !== trainer.algo) throw new UsageError(`--algo ${o.algo} does not match the checkpoint's algorithm (${trainer.algo})`);
    if (o.seed !== undefined && o.seed !== trainer.seed) throw new UsageError(`--seed ${o.seed} does not match the checkpoint's seed (${trainer.seed})`);
    if (o.totalSteps !== undefined && o.totalSteps !== trainer.totalTimesteps) throw new UsageError(`--total-steps ${o.totalSteps} does not match the checkpoint's schedule length (${trainer.totalTimesteps})`);
  } else {
    // the schedules (lr annealing, ε, β) span the requested run, as CleanRL's --total-timesteps
    trainer = CartPoleTrainer.create({ algo: o.algo!, seed: o.seed ?? 1, totalTimesteps: o.totalSteps ?? o.steps, dqn: DQN_CARTPOLE });
  }

  const control = new TrainingControl();
  const onSigint = () => control.stop();
  const releaseInterrupt = onInterrupt(onSigint);
  const progress = progressReporter();
  let latest: Record<string, number> = {};
  const started = Date.now();
  const startStep = trainer.globalStep;
  try {
    await trainCartPoleInChunks(trainer, o.steps, control, {
      onUpdate: (stats) => (latest = { ...stats }),
      onEpisode: (e, t) => {
        const line = { step: e.step, episode: t.curve.length, return: e.return, length: e.length, ...latest };
        process.stdout.write(progress.done() + JSON.stringify(line) + '\n');
      },
      onChunk: () => progress.tick(() => `${trainer.algo}: step ${trainer.globalStep.toLocaleString()} / ${o.steps.toLocaleString()}, mean return (last 100) ${trainer.meanReturnLast(100)?.toFixed(1) ?? '–'}`),
    });
  } finally {
    releaseInterrupt();
  }
  try {
    // the checkpoint being resumed may be replaced by its continuation
    const replace = (file: string) => ({ replace: o.force || path.resolve(file) === path.resolve(o.resume ?? '') });
    if (o.out) saveCheckpoint(o.out, trainer.toCheckpoint(), replace(o.out));
    if (o.onnx) exportCartPolePolicy(trainer, o.onnx, replace(o.onnx));
  } catch (err) {
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  }
  const stopped = control.stopped;
  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  const summary = {
    algo: trainer.algo,
    steps: trainer.globalStep,
    episodes: trainer.curve.length,
    meanReturnLast100: trainer.meanReturnLast(100),
    seed: trainer.seed,
    stepsPerSecond: Math.round((trainer.globalStep - startStep) / seconds),
    ...(stopped ? { interrupted: true } : {}),
    ...(o.out ? { checkpoint: path.resolve(o.out) } : {}),
    ...(o.onnx ? { onnx: path.resolve(o.onnx) } : {}),
  };
  process.stdout.write(progress.done() + JSON.stringify(summary) + '\n');
  return stopped ? 130 : 0;
}
