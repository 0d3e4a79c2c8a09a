/**
 * reasoning-lab train synth [--problems <dir|problems.jsonl|generated>] [--steps N] [--seed S] [--out <checkpoint>]
 *                           [--resume <checkpoint>] [--traces <file.jsonl>] [--offline <traces.jsonl>] [--force]
 *
 * Trains the hierarchical program-synthesis agent (src/core/agents/synth) and writes its checkpoint.
 * Prints the learning curve as JSON lines, then a final JSON line with the training solve rate.
 * `train` dispatches its `synth` subcommand here. Ctrl+C stops and still writes the checkpoint
 * (resume it with --resume).
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { Rng } from '../core/shared/rng';
import { SynthAgent } from '../core/agents/synth/agent';
import { learnOffline, readLoggedEpisodes } from '../core/agents/synth/offline';
import { loadSynthProblems, type SynthProblem } from '../core/agents/synth/problems';
import { exportSynthPolicies } from '../core/agents/synth/exportOnnx';
import { episodeTrace, TraceWriter } from '../core/agents/synth/traces';
import { loadCheckpoint, resolveTrainConfig, saveCheckpoint, trainSynthAgent, type SynthCheckpoint } from '../core/agents/synth/train';
import { errorMessage } from '../core/shared/errors';
import { integerFlag, joinNegativeNumbers, progressReporter, UsageError, onInterrupt } from './common';

export const TRAIN_SYNTH_USAGE = `train synth [--problems <dir|problems.jsonl|generated>] [--steps N] [--seed S] [--out <checkpoint>]
    Train the hierarchical PPO/DQN program-synthesis agent on execution rewards.
    --problems <dir|file|generated>   a workspace problem folder, a problems.jsonl, or generated (default; curriculum 1 → 5 lines)
    --steps N                 environment decisions (default 200000)
    --seed S                  seed (default 1)
    --out <checkpoint>        where to write the checkpoint (default synth-agent.json; --force to replace)
    --resume <checkpoint>     continue a checkpoint (to --steps in total)
    --traces <file.jsonl>     append every episode as a trace record (opens in the trace explorer)
    --offline <traces.jsonl>  learn from logged episodes instead (importance-weighted, clipped); needs --resume or starts fresh
    --onnx <dir>              also export the two policies (macro-policy.onnx: PPO actor; micro-q.onnx: DQN Q-network, both with the action mask) for onnxruntime
  Exit codes: 0 done, 1 unreadable problems, checkpoint or log (or no logged episode learned from), 2 bad usage, 130 interrupted (checkpoint still written).`;

export interface TrainSynthOptions {
  /** A workspace problem folder or a problems.jsonl; absent: generated problems (the curriculum). */
  problems?: string;
  steps?: number;
  seed?: number;
  /** Where the checkpoint goes; an existing file is replaced only with `force` (or when it is `resume`). */
  out: string;
  force: boolean;
  resume?: string;
  /** Append every episode here as a trace record. */
  traces?: string;
  /** Learn from these logged episodes instead of training online. */
  offline?: string;
  /** Also export the two policies to this folder. */
  onnx?: string;
}

export function parseTrainSynthArgs(args: string[]): TrainSynthOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeNumbers(args, ['steps', 'seed']),
    allowPositionals: true,
    options: {
      problems: { type: 'string', default: 'generated' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', default: 'synth-agent.json' },
      resume: { type: 'string' },
      traces: { type: 'string' },
      offline: { type: 'string' },
      force: { type: 'boolean', default: false },
      onnx: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`train synth: unexpected argument ${positionals[0]}`);
  return {
    problems: values.problems === 'generated' ? undefined : values.problems,
    steps: integerFlag(values.steps, 'steps', 1),
    seed: integerFlag(values.seed, 'seed', 0),
    out: values.out!,
    force: values.force!,
    resume: values.resume,
    traces: values.traces,
    offline: values.offline,
    onnx: values.onnx,
  };
}

export async function runTrainSynth(o: TrainSynthOptions): Promise<number> {
  if (fs.existsSync(o.out) && !o.force && o.out !== o.resume) throw new UsageError(`${o.out} exists; pass --force to replace it (or --resume ${o.out})`);
  let resumed: { checkpoint: SynthCheckpoint; agent: SynthAgent } | undefined;
  if (o.resume) {
    try {
      resumed = loadCheckpoint(o.resume);
    } catch (err) {
      process.stderr.write(`error: ${errorMessage(err)}\n`);
      return 1;
    }
  }
  return o.offline ? learnFromLog(o, o.offline, resumed) : trainOnline(o, resumed?.checkpoint);
}

/** --offline: importance-weighted, clipped updates from logged episodes; no environment steps. */
function learnFromLog(o: TrainSynthOptions, log: string, resumed: { checkpoint: SynthCheckpoint; agent: SynthAgent } | undefined): number {
  const warnings: string[] = [];
  let logged;
  try {
    logged = readLoggedEpisodes(log, warnings).map((x) => ({ ...x, file: log }));
  } catch (err) {
    process.stderr.write(`error: cannot read ${log}: ${errorMessage(err)}\n`);
    return 1;
  }
  const resume = resumed?.checkpoint;
  const config = resume?.config ?? resolveTrainConfig({ seed: o.seed, steps: o.steps });
  const agent = resumed?.agent ?? new SynthAgent(config.agent, config.seed);
  const stats = learnOffline(agent, logged);
  for (const w of [...warnings, ...stats.warnings]) process.stderr.write(`${w}\n`);
  const checkpoint: SynthCheckpoint = resume
    ? { ...resume, createdAt: new Date().toISOString(), agent: agent.toJSON() }
    : {
        kind: 'reasoning-lab/synth-agent',
        version: 1,
        createdAt: new Date().toISOString(),
        config,
        problems: `offline:${log}`,
        agent: agent.toJSON(),
        state: { step: 0, microStep: 0, episodes: 0, level: 1, levelWindow: [], recent: [], curve: [], lastPpo: null, lastDqn: null, rng: new Rng(config.seed + 3).save() },
      };
  saveCheckpoint(o.out, checkpoint, { replace: o.force || o.out === o.resume });
  process.stdout.write(JSON.stringify({ mode: 'offline', episodes: stats.episodes, decisions: stats.decisions, meanRatio: stats.meanRatio, meanWeight: stats.meanWeight, policyLoss: stats.policyLoss, tdLoss: stats.tdLoss, skipped: stats.warnings.length, checkpoint: o.out }) + '\n');
  return stats.episodes ? 0 : 1;
}

/** Trains on execution rewards; Ctrl+C stops at a clean point and the checkpoint is still written. */
async function trainOnline(o: TrainSynthOptions, resume: SynthCheckpoint | undefined): Promise<number> {
  let problems: SynthProblem[] | undefined;
  const label = o.problems ?? 'generated';
  if (o.problems) {
    let loaded;
    try {
      loaded = loadSynthProblems(o.problems);
    } catch (err) {
      process.stderr.write(`error: cannot read ${o.problems}: ${errorMessage(err)}\n`);
      return 1;
    }
    for (const w of loaded.warnings) process.stderr.write(`${w}\n`);
    if (!loaded.problems.length) {
      process.stderr.write(`error: ${o.problems}: no problem the DSL can express\n`);
      return 1;
    }
    problems = loaded.problems;
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  const releaseInterrupt = onInterrupt(onSigint);
  const traces = o.traces ? new TraceWriter(o.traces) : undefined;
  const progress = progressReporter();
  let n = 0;
  try {
    const result = await trainSynthAgent(resume ? { steps: o.steps } : { seed: o.seed, steps: o.steps }, {
      resume,
      problems,
      problemsLabel: label,
      signal: controller.signal,
      onProgress: (p) => process.stdout.write(progress.done() + JSON.stringify(p) + '\n'),
      onEpisode: traces
        ? (ep, step) => {
            traces.write(episodeTrace(ep, { id: `train-${++n}`, mode: 'train', step: Math.floor(step / 1000) }));
            progress.tick(() => `step ${step}`);
          }
        : undefined,
    });
    saveCheckpoint(o.out, result.checkpoint, { replace: o.force || o.out === o.resume });
    const onnx = o.onnx ? exportSynthPolicies(result.agent, o.onnx, { steps: String(result.checkpoint.state.step), seed: String(result.checkpoint.config.seed) }) : undefined;
    const last = result.curve[result.curve.length - 1];
    process.stdout.write(
      progress.done() +
        JSON.stringify({ mode: 'train', problems: label, steps: last.step, episodes: last.episodes, level: last.level, solveRate: last.solveRate, meanReturn: last.meanReturn, stopped: result.stopped, checkpoint: o.out, ...(traces ? { traces: o.traces } : {}), ...(onnx ? { onnx } : {}) }) +
        '\n',
    );
    return result.stopped ? 130 : 0;
  } finally {
    traces?.close();
    releaseInterrupt();
  }
}
