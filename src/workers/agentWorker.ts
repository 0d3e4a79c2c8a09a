/**
 * The agent worker thread: trains one run (the hierarchical synthesis agent, the code agent, or
 * CartPole with PPO / DQN), solves one problem with an agent or exports a checkpoint to ONNX, for the
 * extension host (see src/contracts/agentWorker.ts).
 * Plain Node, no 'vscode'. Pause keeps the whole training state here in memory; Stop writes the
 * checkpoint and ends the thread; a later run resumes it from the file, bit-exact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { CartPoleTrainer, DQN_CARTPOLE, loadCheckpoint as loadCartPoleCheckpoint, saveCheckpoint as saveCartPoleCheckpoint } from '../core/agents/cartpoleTrain';
import { exportCheckpointToOnnx } from '../core/agents/checkpointToOnnx';
import type { DqnStats } from '../core/agents/dqn';
import type { PpoStats } from '../core/agents/ppo';
import { toJavaScript, toPython } from '../core/agents/synth/compile';
import { formatProgram } from '../core/agents/synth/dsl';
import { loadSynthProblems, type SynthProblem } from '../core/agents/synth/problems';
import { solveWithAgent } from '../core/agents/synth/search';
import { episodeTrace, TraceWriter } from '../core/agents/synth/traces';
import { loadCheckpoint, saveCheckpoint, trainSynthAgent, type SynthCheckpoint, type SynthProgress } from '../core/agents/synth/train';
import { TrainingControl, trainCartPoleInChunks } from '../core/agents/trainingLoop';
import type { AgentTrainingPoint } from '../contracts/agentTraining';
import { CHECKPOINT_FILE, EPISODES_FILE, type CodeSolveJob, type CodeSolveOutcome, type HostToWorker, type OnnxExportJob, type SolveJob, type SolveOutcome, type TrainJob, type WorkerToHost } from '../contracts/agentWorker';
import { CodeAgent, type CodeEpisodeRecord } from '../core/agents/code/agent';
import { codeTask, type CodeTask } from '../core/agents/code/env';
import { CodeExecutor } from '../core/agents/code/executor';
import { openCodeGenerator, type OpenedGenerator } from '../core/agents/code/generators';
import { codeEpisodeTrace, macroMove } from '../core/agents/code/traces';
import { EpisodeFile } from '../core/agents/code/episodeFile';
import { loadCodeCheckpoint, resolveCodeTrainConfig, saveCodeCheckpoint, solveCodeTasks, trainCodeAgent, type CodeCheckpoint, type CodeProgress } from '../core/agents/code/train';
import { loadProblemSet } from '../core/eval/problems';
import type { Problem } from '../core/eval/types';
import type { GenerationRequest, GenerationResult, TextGenerator } from '../core/models/generation';
import { ReplayGenerator } from '../core/models/generators/replay';
import { errorMessage } from '../core/shared/errors';

const port = parentPort;
if (!port) throw new Error('agentWorker must run in a worker thread');
const post = (m: WorkerToHost) => port.postMessage(m);

const control = new TrainingControl();

/**
 * VS Code's language models live on the extension host: each generation is asked for by message and
 * answered there (the request's signal stays here: a cancelled solve stops waiting).
 */
class HostGenerator implements TextGenerator {
  readonly id = 'vscode-lm';
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (r: GenerationResult) => void; reject: (e: Error) => void }>();
  constructor(readonly label: string) {}
  generate(request: GenerationRequest): Promise<GenerationResult> {
    const { signal, ...rest } = request;
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      signal?.addEventListener('abort', () => this.answer({ type: 'generated', id, error: 'cancelled' }), { once: true });
      post({ type: 'generate', id, request: rest });
    });
  }
  answer(m: Extract<HostToWorker, { type: 'generated' }>): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (m.result) w.resolve(m.result);
    else w.reject(new Error(m.error ?? 'the language model gave no answer'));
  }
}
let hostGenerator: HostGenerator | undefined;

port.on('message', (m: HostToWorker) => {
  if (m.type === 'pause') control.pause();
  else if (m.type === 'resume') control.resume();
  else if (m.type === 'stop') control.stop();
  else if (m.type === 'generated') hostGenerator?.answer(m);
  else if (m.type === 'train' || m.type === 'solve' || m.type === 'solveCode' || m.type === 'exportOnnx') {
    (m.type === 'train' ? train(m.job) : m.type === 'solve' ? solve(m.job) : m.type === 'solveCode' ? solveCode(m.job) : exportOnnx(m.job)).then(
      () => process.exit(0),
      (err) => {
        post({ type: 'error', message: errorMessage(err) });
        process.exit(0);
      },
    );
  }
});

async function exportOnnx(job: OnnxExportJob): Promise<void> {
  const { files } = await exportCheckpointToOnnx(job.checkpoint, job.target, { replace: job.replace });
  post({ type: 'exportedOnnx', files });
}

function train(job: TrainJob): Promise<void> {
  fs.mkdirSync(job.runDir, { recursive: true });
  return job.agent === 'synth' ? trainSynth(job) : job.agent === 'code' ? trainCode(job) : trainCartPole(job);
}

/** Steps per second between two curve points (null for the first after a start or resume). */
class Speed {
  private last: { step: number; t: number } | undefined;
  reset(step: number): void {
    this.last = { step, t: Date.now() };
  }
  at(step: number): number | null {
    const now = Date.now();
    const prev = this.last;
    this.last = { step, t: now };
    if (!prev || now <= prev.t || step <= prev.step) return null;
    return ((step - prev.step) * 1000) / (now - prev.t);
  }
}

const synthPoint = (p: SynthProgress, stepsPerSecond: number | null): AgentTrainingPoint => ({
  step: p.step,
  episodes: p.episodes,
  meanReturn: p.meanReturn,
  solveRate: p.solveRate,
  meanLength: p.meanLength,
  entropy: p.entropy,
  policyLoss: p.policyLoss,
  valueLoss: p.valueLoss,
  tdLoss: p.tdLoss,
  level: p.level > 0 ? p.level : null,
  stepsPerSecond,
});

/**
 * A training run in stretches: each stretch ends done, stopped or paused; a pause waits here and the
 * next stretch resumes from the checkpoint the last one returned. The checkpoint is saved when the run ends.
 */
async function trainInStretches<C extends { state: { step: number; episodes: number } }>(
  first: C | undefined,
  save: (c: C) => void,
  speed: Speed,
  stretch: (resume: C | undefined) => Promise<{ checkpoint: C; stopped: boolean }>,
): Promise<void> {
  let checkpoint = first;
  for (;;) {
    const result = await stretch(checkpoint);
    checkpoint = result.checkpoint;
    const { step, episodes } = checkpoint.state;
    if (!result.stopped || control.stopped) {
      save(checkpoint);
      post({ type: 'finished', reason: result.stopped ? 'stopped' : 'done', step, episodes });
      return;
    }
    post({ type: 'paused', step, episodes });
    await control.waitWhilePaused();
    speed.reset(step);
    if (control.stopped) {
      save(checkpoint);
      post({ type: 'finished', reason: 'stopped', step, episodes });
      return;
    }
  }
}

function loadProblems(dir: string, warnings: string[]): SynthProblem[] {
  if (!fs.existsSync(dir)) throw new Error(`${dir}: the problem folder does not exist`);
  const loaded = loadSynthProblems(dir);
  warnings.push(...loaded.warnings);
  if (!loaded.problems.length) throw new Error(`${dir}: no problem the agent's DSL can express${loaded.warnings.length ? ` (${loaded.warnings[0]})` : ''}`);
  return loaded.problems;
}

async function trainSynth(job: TrainJob): Promise<void> {
  const checkpointFile = path.join(job.runDir, CHECKPOINT_FILE);
  const warnings: string[] = [];
  const checkpoint: SynthCheckpoint | undefined = job.resumeFrom ? loadCheckpoint(job.resumeFrom).checkpoint : undefined;
  // a resumed run trains on what its checkpoint was trained on
  const source = checkpoint ? (checkpoint.problems === 'generated' ? undefined : checkpoint.problems) : job.problems.kind === 'folder' ? job.problems.dir : undefined;
  const problems = source ? loadProblems(source, warnings) : undefined;
  const label = source ?? 'generated';
  const episodesFile = path.join(job.runDir, EPISODES_FILE);
  const traces = new TraceWriter(episodesFile);
  let episodeId = checkpoint?.state.episodes ?? 0;
  const speed = new Speed();
  speed.reset(checkpoint?.state.step ?? 0);
  const config = checkpoint?.config;
  post({
    type: 'started',
    step: checkpoint?.state.step ?? 0,
    episodes: checkpoint?.state.episodes ?? 0,
    totalSteps: Math.max(config?.steps ?? 0, job.steps),
    seed: config?.seed ?? job.seed,
    problems: label,
    points: (checkpoint?.state.curve ?? []).map((p) => synthPoint(p, null)),
    warnings,
    episodesFile,
  });
  const save = (c: SynthCheckpoint) => {
    saveCheckpoint(checkpointFile, c);
    post({ type: 'checkpoint', path: checkpointFile, step: c.state.step, savedAt: new Date().toISOString() });
  };
  try {
    await trainInStretches(checkpoint, save, speed, (resume) =>
      trainSynthAgent(resume ? { steps: job.steps } : { seed: job.seed, steps: job.steps }, {
        resume,
        problems,
        problemsLabel: label,
        signal: control.fresh(),
        progressEvery: job.progressEvery ?? 20,
        onProgress: (p) => post({ type: 'progress', point: synthPoint(p, speed.at(p.step)) }),
        onEpisode: (ep, step) => traces.write(episodeTrace(ep, { id: `train-${++episodeId}`, mode: 'train', step: Math.floor(step / 1000) })),
      }),
    );
  } finally {
    traces.close();
  }
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

async function trainCartPole(job: TrainJob): Promise<void> {
  const checkpointFile = path.join(job.runDir, CHECKPOINT_FILE);
  const algo = job.agent === 'cartpole-dqn' ? 'dqn' : 'ppo';
  const trainer = job.resumeFrom ? loadCartPoleCheckpoint(job.resumeFrom) : CartPoleTrainer.create({ algo, seed: job.seed, totalTimesteps: job.steps, dqn: DQN_CARTPOLE });
  if (trainer.algo !== algo) throw new Error(`${job.resumeFrom}: a ${trainer.algo.toUpperCase()} checkpoint, not ${algo.toUpperCase()}`);
  const every = job.progressEvery ?? 20;
  const target = Math.max(job.steps, trainer.globalStep);
  const speed = new Speed();
  let last: PpoStats | DqnStats | undefined;
  /** The curve point after the episode `n` (1-based) of the trainer's curve. */
  const pointAt = (n: number, stepsPerSecond: number | null): AgentTrainingPoint => {
    const recent = trainer.curve.slice(Math.max(0, n - 100), n);
    const ppo = last && 'policy_loss' in last ? last : undefined;
    const dqn = last && 'td_loss' in last ? last : undefined;
    return {
      step: trainer.curve[n - 1].step,
      episodes: n,
      meanReturn: mean(recent.map((e) => e.return)),
      solveRate: null,
      meanLength: mean(recent.map((e) => e.length)),
      entropy: ppo ? ppo.entropy : null,
      policyLoss: ppo ? ppo.policy_loss : null,
      valueLoss: ppo ? ppo.value_loss : null,
      tdLoss: dqn ? dqn.td_loss : null,
      level: null,
      stepsPerSecond,
    };
  };
  const history: AgentTrainingPoint[] = [];
  for (let n = every; n <= trainer.curve.length; n += every) history.push(pointAt(n, null));
  post({ type: 'started', step: trainer.globalStep, episodes: trainer.curve.length, totalSteps: target, seed: trainer.seed, problems: 'CartPole-v1', points: history, warnings: [] });
  speed.reset(trainer.globalStep);
  const save = () => {
    saveCartPoleCheckpoint(checkpointFile, trainer.toCheckpoint());
    post({ type: 'checkpoint', path: checkpointFile, step: trainer.globalStep, savedAt: new Date().toISOString() });
  };
  const { done } = await trainCartPoleInChunks(trainer, target, control, {
    onUpdate: (s) => {
      last = s;
    },
    onEpisode: () => {
      if (trainer.curve.length % every === 0) post({ type: 'progress', point: pointAt(trainer.curve.length, speed.at(trainer.globalStep)) });
    },
    onPaused: () => post({ type: 'paused', step: trainer.globalStep, episodes: trainer.curve.length }),
    onResumed: () => speed.reset(trainer.globalStep),
  });
  save();
  post({ type: 'finished', reason: done ? 'done' : 'stopped', step: trainer.globalStep, episodes: trainer.curve.length });
}

async function solve(job: SolveJob): Promise<void> {
  const warnings: string[] = [];
  const { agent } = loadCheckpoint(job.checkpoint);
  const problems = loadProblems(job.problemDir, warnings);
  const problem = problems[0];
  fs.mkdirSync(path.dirname(job.tracesFile), { recursive: true });
  const traces = new TraceWriter(job.tracesFile);
  let episodes = 0;
  let lastPost = 0;
  let result;
  try {
    result = solveWithAgent(problem, agent, {
      budget: job.budget,
      onEpisode: (ep) => {
        traces.write(episodeTrace(ep, { id: `solve-${problem.id}-${++episodes}`, mode: 'solve' }));
        if (Date.now() - lastPost > 200) {
          lastPost = Date.now();
          post({ type: 'solveProgress', episodes, budget: job.budget });
        }
      },
    });
  } finally {
    traces.close();
  }
  const program = result.program && result.program.lines.length ? result.program : undefined;
  const outcome: SolveOutcome = {
    problemId: problem.id,
    solved: result.solved,
    matchedShown: result.matchedShown,
    reward: result.reward,
    programsExecuted: result.programsExecuted,
    episodes,
    program: program && {
      dsl: formatProgram(program, problem.signature.python.params),
      python: toPython(program, problem.signature.python),
      javascript: toJavaScript(program, problem.signature.javascript),
      lines: program.lines.length,
    },
    error: result.error,
    warnings,
  };
  post({ type: 'solved', outcome });
}

function problemsPath(source: TrainJob['problems']): string {
  if (source.kind === 'generated') throw new Error('the code agent trains on a problem set: a folder of problems or a problems file');
  return source.kind === 'folder' ? source.dir : source.file;
}

/** The problems of a set that the sandbox can judge, as the code agent's tasks. */
async function codeTasks(executor: CodeExecutor, problems: Problem[], warnings: string[]): Promise<CodeTask[]> {
  const prepared = await executor.prepare(problems);
  warnings.push(...prepared.warnings);
  return prepared.problems.map(codeTask);
}

async function openGenerator(spec: CodeSolveJob['generator'], modelWorker: string): Promise<OpenedGenerator> {
  if (spec.kind !== 'host') return openCodeGenerator(spec, modelWorker);
  hostGenerator = new HostGenerator(spec.label);
  return { generator: hostGenerator, warnings: [], dispose: async () => undefined };
}

const codePoint = (p: CodeProgress, stepsPerSecond: number | null): AgentTrainingPoint => ({
  step: p.step,
  episodes: p.episodes,
  meanReturn: p.meanReturn,
  solveRate: p.solveRate,
  meanLength: p.meanRuns,
  entropy: p.entropy,
  policyLoss: p.policyLoss,
  valueLoss: p.valueLoss,
  tdLoss: p.tdLoss,
  level: null,
  stepsPerSecond,
});

async function trainCode(job: TrainJob): Promise<void> {
  const checkpointFile = path.join(job.runDir, CHECKPOINT_FILE);
  const warnings: string[] = [];
  const checkpoint: CodeCheckpoint | undefined = job.resumeFrom ? loadCodeCheckpoint(job.resumeFrom).checkpoint : undefined;
  if (!job.code || job.code.generator.kind !== 'replay') throw new Error('the code agent trains on recorded generations: pick a replay file');
  const { budget } = job.code;
  const source = problemsPath(job.problems);
  const set = loadProblemSet(source);
  warnings.push(...set.warnings);
  const opened = await openCodeGenerator(job.code.generator, '');
  warnings.push(...opened.warnings);
  const replay = opened.generator as ReplayGenerator;
  const usable = set.problems.filter((p) => replay.tasks.has(p.id));
  for (const p of set.problems) if (!replay.tasks.has(p.id)) warnings.push(`${p.id}: skipped: ${job.code.generator.file} has no recorded generations for it`);
  if (!usable.length) throw new Error(`none of the problems of ${source} has recorded generations in ${job.code.generator.file}`);
  const executor = await CodeExecutor.create();
  const episodesFile = path.join(job.runDir, EPISODES_FILE);
  const traces = new TraceWriter(episodesFile);
  try {
    const tasks = await codeTasks(executor, usable, warnings);
    if (!tasks.length) throw new Error(`${source}: no problem whose tests the sandbox can run${warnings.length ? ` (${warnings[warnings.length - 1]})` : ''}`);
    let episode = checkpoint?.state.episodes ?? 0;
    let decided = checkpoint?.state.step ?? 0;
    const speed = new Speed();
    speed.reset(checkpoint?.state.step ?? 0);
    const config = checkpoint?.config;
    post({
      type: 'started',
      step: checkpoint?.state.step ?? 0,
      episodes: episode,
      totalSteps: Math.max(config?.steps ?? 0, job.steps),
      seed: config?.seed ?? job.seed,
      problems: `${source} (${tasks.length} problems)`,
      points: [],
      warnings,
      episodesFile,
    });
    const save = (c: CodeCheckpoint) => {
      saveCodeCheckpoint(checkpointFile, c);
      post({ type: 'checkpoint', path: checkpointFile, step: c.state.step, savedAt: new Date().toISOString() });
    };
    await trainInStretches(checkpoint, save, speed, (resume) =>
      trainCodeAgent(resume ? { steps: job.steps } : { seed: job.seed, steps: job.steps, env: { budget } }, {
        tasks,
        generator: replay,
        executor,
        resume,
        signal: control.fresh(),
        progressEvery: job.progressEvery ?? 5,
        onProgress: (p) => post({ type: 'progress', point: codePoint(p, speed.at(p.step)) }),
        // step in thousands of decisions, as the synthesis agent's: a problem's episodes of a stretch of training form one group
        onEpisode: (rec) => traces.write(codeEpisodeTrace(rec, { id: `train-${++episode}`, mode: 'train', step: Math.floor((decided += rec.decisions.length) / 1000) })),
      }),
    );
  } finally {
    traces.close();
    await executor.close();
  }
}

async function solveCode(job: CodeSolveJob): Promise<void> {
  const warnings: string[] = [];
  const set = loadProblemSet(job.problems);
  const problem = set.problems.find((p) => p.id === job.problemId);
  if (!problem) throw new Error(`${job.problems}: no readable problem ${job.problemId}${set.warnings.length ? ` (${set.warnings[0]})` : ''}`);
  const loaded = job.checkpoint ? loadCodeCheckpoint(job.checkpoint) : undefined;
  const config = loaded?.checkpoint.config ?? resolveCodeTrainConfig({ seed: job.seed, steps: 1 });
  const agent = loaded?.agent ?? new CodeAgent(config.agent, job.seed);
  const env = { ...config.env, budget: job.budget };
  const opened = await openGenerator(job.generator, job.modelWorker);
  warnings.push(...opened.warnings);
  if (opened.generator instanceof ReplayGenerator && !opened.generator.tasks.has(problem.id)) {
    await opened.dispose();
    throw new Error(`${opened.generator.file} has no recorded generations for ${problem.id}`);
  }
  const executor = await CodeExecutor.create();
  // a cancelled solve stops at its next generation or run (control.stop aborts the signal)
  const signal = control.fresh();
  fs.mkdirSync(path.dirname(job.tracesFile), { recursive: true });
  const episode = new EpisodeFile(job.tracesFile, { id: `solve-${new Date().toISOString()}`, problemId: problem.id, budget: env.budget });
  let rec: CodeEpisodeRecord | undefined;
  try {
    // the host follows the file from here: the Trace Stepper shows each decision as it is written
    episode.start();
    post({ type: 'codeEpisodeStarted', tracesFile: job.tracesFile });
    const tasks = await codeTasks(executor, [problem], warnings);
    if (!tasks.length) throw new Error(`${problem.id}: its tests cannot be run (${warnings[warnings.length - 1] ?? 'unknown reason'})`);
    let step = 0;
    let move = 'expand';
    [rec] = await solveCodeTasks(agent, tasks, opened.generator, executor, env, {
      signal,
      onDecision: (d) => {
        episode.decide(d);
        if (d.layer === 'macro') move = macroMove(d.actionIndex);
        post({ type: 'codeDecision', decision: { step: ++step, move, layer: d.layer, action: d.action, prob: d.prob, note: d.note, runs: d.runs, budget: env.budget } });
      },
    });
    if (!rec) throw new Error('cancelled');
    episode.finish(rec);
    const o = rec.outcome;
    const outcome: CodeSolveOutcome = {
      problemId: problem.id,
      solved: o.solved,
      ...(o.verdict ? { verdict: o.verdict.verdict, ...(o.verdict.reason ? { reason: o.verdict.reason } : {}) } : {}),
      ...(o.submitted ? { submitted: { index: o.submitted.index, code: o.submitted.sample.code, program: o.submitted.program } } : {}),
      runs: o.runs,
      candidates: o.candidates,
      tests: o.tests,
      llmCalls: o.llmCalls,
      tokens: o.tokens,
      decisions: rec.decisions.length,
      untrained: !loaded,
      warnings,
    };
    post({ type: 'codeSolved', outcome });
  } catch (err) {
    // what happened stays readable in the file
    if (!rec) {
      try {
        episode.stop(signal.aborted ? { kind: 'cancelled' } : { kind: 'failed', message: errorMessage(err) });
      } catch {
        // a file that cannot be written: the first error is the one to report
      }
    }
    throw err;
  } finally {
    await executor.close();
    await opened.dispose();
  }
}
