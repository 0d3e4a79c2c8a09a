/**
 * reasoning-lab train synth [--problems <dir|problems.jsonl|generated>] [--steps N] [--seed S] [--out <checkpoint>]
 *                           [--resume <checkpoint>] [--traces <file.jsonl>] [--offline <traces.jsonl>] [--force]
 *
 * Trains the hierarchical program-synthesis agent (src/core/agents/synth) and writes its checkpoint.
 * Prints the learning curve as JSON lines, then a final JSON line with the training solve rate.
 * `train` dispatches its `synth` subcommand here (trainSynth). Ctrl+C stops and still writes the
 * checkpoint (resume it with --resume).
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
import { progressReporter, UsageError } from './common';

export const TRAIN_SYNTH_USAGE = `train synth [--problems <dir|problems.jsonl|generated>] [--steps N] [--seed S] [--out <checkpoint>]
    Train the hierarchical PPO/DQN program-synthesis agent on execution rewards.
    --problems <dir|file|generated>   a workspace problem folder, a problems.jsonl, or generated (default; curriculum 1 → 5 lines)
    --steps N                 environment decisions (default 200000)
    --seed S                  seed (default 1)
    --out <checkpoint>        where to write the checkpoint (default synth-agent.json; --force to replace)
    --resume <checkpoint>     continue a checkpoint (to --steps in total)
    --traces <file.jsonl>     append every episode as a trace record (opens in the trace explorer)
    --offline <traces.jsonl>  learn from logged episodes instead (importance-weighted, clipped); needs --resume or starts fresh
    --onnx <dir>              also export the two policies (macro-policy.onnx: PPO actor; micro-q.onnx: DQN Q-network, both with the action mask) for onnxruntime`;

const int = (v: string | undefined, name: string, min: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer ≥ ${min}, got ${v}`);
  return n;
};

export async function trainSynth(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
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
  const steps = int(values.steps, 'steps', 1);
  const seed = int(values.seed, 'seed', 0);
  const out = values.out!;
  if (fs.existsSync(out) && !values.force && out !== values.resume) throw new UsageError(`${out} exists; pass --force to replace it (or --resume ${out})`);

  let resume: SynthCheckpoint | undefined;
  let resumedAgent: SynthAgent | undefined;
  if (values.resume) {
    try {
      ({ checkpoint: resume, agent: resumedAgent } = loadCheckpoint(values.resume));
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      return 1;
    }
  }

  if (values.offline) {
    const warnings: string[] = [];
    let logged;
    try {
      logged = readLoggedEpisodes(values.offline, warnings).map((x) => ({ ...x, file: values.offline }));
    } catch (err) {
      process.stderr.write(`error: cannot read ${values.offline}: ${(err as Error).message}\n`);
      return 1;
    }
    const config = resume?.config ?? resolveTrainConfig({ seed, steps });
    const agent = resumedAgent ?? new SynthAgent(config.agent, config.seed);
    const stats = learnOffline(agent, logged);
    for (const w of [...warnings, ...stats.warnings]) process.stderr.write(`${w}\n`);
    const checkpoint: SynthCheckpoint = resume
      ? { ...resume, createdAt: new Date().toISOString(), agent: agent.toJSON() }
      : {
          kind: 'reasoning-lab/synth-agent',
          version: 1,
          createdAt: new Date().toISOString(),
          config,
          problems: `offline:${values.offline}`,
          agent: agent.toJSON(),
          state: { step: 0, microStep: 0, episodes: 0, level: 1, levelWindow: [], recent: [], curve: [], lastPpo: null, lastDqn: null, rng: new Rng(config.seed + 3).save() },
        };
    saveCheckpoint(out, checkpoint, { replace: values.force || out === values.resume });
    process.stdout.write(JSON.stringify({ mode: 'offline', episodes: stats.episodes, decisions: stats.decisions, meanRatio: stats.meanRatio, meanWeight: stats.meanWeight, policyLoss: stats.policyLoss, tdLoss: stats.tdLoss, skipped: stats.warnings.length, checkpoint: out }) + '\n');
    return stats.episodes ? 0 : 1;
  }

  let problems: SynthProblem[] | undefined;
  let label = 'generated';
  if (values.problems !== 'generated') {
    let loaded;
    try {
      loaded = loadSynthProblems(values.problems!);
    } catch (err) {
      process.stderr.write(`error: cannot read ${values.problems}: ${(err as Error).message}\n`);
      return 1;
    }
    for (const w of loaded.warnings) process.stderr.write(`${w}\n`);
    if (!loaded.problems.length) {
      process.stderr.write(`error: ${values.problems}: no problem the DSL can express\n`);
      return 1;
    }
    problems = loaded.problems;
    label = values.problems!;
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const traces = values.traces ? new TraceWriter(values.traces) : undefined;
  const progress = progressReporter();
  let n = 0;
  try {
    const result = await trainSynthAgent(resume ? { steps } : { seed, steps }, {
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
    saveCheckpoint(out, result.checkpoint, { replace: values.force || out === values.resume });
    const onnx = values.onnx ? exportSynthPolicies(result.agent, values.onnx, { steps: String(result.checkpoint.state.step), seed: String(result.checkpoint.config.seed) }) : undefined;
    const last = result.curve[result.curve.length - 1];
    process.stdout.write(
      progress.done() +
        JSON.stringify({ mode: 'train', problems: label, steps: last.step, episodes: last.episodes, level: last.level, solveRate: last.solveRate, meanReturn: last.meanReturn, stopped: result.stopped, checkpoint: out, ...(traces ? { traces: values.traces } : {}), ...(onnx ? { onnx } : {}) }) +
        '\n',
    );
    return result.stopped ? 130 : 0;
  } finally {
    traces?.close();
    process.off('SIGINT', onSigint);
  }
}
