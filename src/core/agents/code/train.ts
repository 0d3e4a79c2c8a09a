/**
 * Training the code agent on a problem set with any generator (recorded generations by default),
 * and solving problems with a trained one.
 *
 *   const { checkpoint } = await trainCodeAgent({ seed: 1, steps: 20_000 }, { tasks, generator, executor });
 *   saveCodeCheckpoint('agent.json', checkpoint);  …  trainCodeAgent(config, { …, resume: loadCodeCheckpoint('agent.json').checkpoint })
 *
 * The curriculum follows difficulty as the agent meets it: each problem's solve rate so far decides
 * how often it is drawn, most often where the agent solves it about half of the time (problems it
 * always or never solves teach little). Everything is seeded; a checkpoint holds both layers
 * (networks, optimizers, PPO's rollout, DQN's replay) and the trainer's state, so training resumes.
 */
import * as fs from 'node:fs';
import type { DqnStats } from '../dqn';
import type { PpoStats } from '../ppo';
import type { TextGenerator } from '../../models/generation';
import { errorMessage } from '../../shared/errors';
import { Rng, type RngState } from '../../shared/rng';
import { writeFileSafely, type OutputOptions } from '../../shared/safeOutput';
import { CODE_AGENT_DEFAULTS, CodeAgent, type CodeAgentConfig, type CodeDecision, type CodeEpisodeRecord } from './agent';
import { CodeEpisode, ENV_DEFAULTS, REWARD_DEFAULTS, type CodeTask, type EnvConfig, type RewardWeights } from './env';
import type { CodeExecutor } from './executor';

export interface CodeTrainConfig {
  seed: number;
  /** Decisions (macro + micro) to train for. */
  steps: number;
  env: EnvConfig;
  /** Each episode's budget drawn from these (one agent for several budgets); absent: env.budget. */
  budgets?: number[];
  agent: CodeAgentConfig;
}

export function resolveCodeTrainConfig(partial: { seed?: number; steps?: number; budgets?: number[]; env?: Partial<Omit<EnvConfig, 'reward'>> & { reward?: Partial<RewardWeights> }; agent?: Partial<CodeAgentConfig> } = {}): CodeTrainConfig {
  const steps = partial.steps ?? 20_000;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
  const seed = partial.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const env: EnvConfig = { ...ENV_DEFAULTS, ...partial.env, reward: { ...REWARD_DEFAULTS, ...partial.env?.reward } };
  if (!(Number.isInteger(env.budget) && env.budget >= 1)) throw new Error(`budget must be a positive integer, got ${env.budget}`);
  const w = env.reward;
  if (![w.accuracy, w.efficiency, w.novelty, w.runCost, w.tokenCost].every((x) => Number.isFinite(x) && x >= 0)) throw new Error('reward weights and costs must be numbers ≥ 0');
  if (partial.budgets && !(partial.budgets.length && partial.budgets.every((b) => Number.isInteger(b) && b >= 1))) throw new Error(`budgets must be positive integers, got ${partial.budgets}`);
  return {
    seed,
    steps,
    env,
    ...(partial.budgets ? { budgets: [...partial.budgets] } : {}),
    agent: { macro: { ...partial.agent?.macro }, micro: { ...partial.agent?.micro }, totalMicroSteps: partial.agent?.totalMicroSteps ?? Math.round(steps * 0.5) },
  };
}

export interface CodeTrainerState {
  step: number;
  microStep: number;
  episodes: number;
  /** Per problem: episodes and solves, for the curriculum. */
  seen: Record<string, { episodes: number; solved: number }>;
  recent: { solved: boolean; runs: number; return: number }[];
  rng: RngState;
}

export interface CodeCheckpoint {
  kind: 'reasoning-lab/code-agent';
  version: 1;
  config: CodeTrainConfig;
  agent: ReturnType<CodeAgent['toJSON']>;
  state: CodeTrainerState;
}

export interface CodeProgress {
  step: number;
  episodes: number;
  /** Over the last 100 episodes. */
  solveRate: number;
  meanRuns: number;
  meanReturn: number;
  /** The last PPO update's and DQN training step's figures (null before the first). */
  entropy: number | null;
  policyLoss: number | null;
  valueLoss: number | null;
  tdLoss: number | null;
}

export interface CodeTrainHooks {
  tasks: CodeTask[];
  generator: TextGenerator;
  executor: CodeExecutor;
  resume?: CodeCheckpoint;
  signal?: AbortSignal;
  onProgress?: (p: CodeProgress) => void;
  onEpisode?: (e: CodeEpisodeRecord) => void;
  progressEvery?: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export async function trainCodeAgent(configIn: Parameters<typeof resolveCodeTrainConfig>[0], hooks: CodeTrainHooks): Promise<{ agent: CodeAgent; checkpoint: CodeCheckpoint; stopped: boolean }> {
  const config = hooks.resume ? { ...hooks.resume.config, steps: Math.max(hooks.resume.config.steps, configIn?.steps ?? 0) } : resolveCodeTrainConfig(configIn);
  if (!hooks.tasks.length) throw new Error('no problems to train on');
  const agent = hooks.resume ? CodeAgent.fromJSON(hooks.resume.agent, 'checkpoint.agent') : new CodeAgent(config.agent, config.seed);
  const st: CodeTrainerState = hooks.resume ? structuredClone(hooks.resume.state) : { step: 0, microStep: 0, episodes: 0, seen: {}, recent: [], rng: new Rng(config.seed + 3).save() };
  const rng = Rng.fromState(st.rng);
  const every = hooks.progressEvery ?? 20;

  const weight = (id: string) => {
    const s = st.seen[id];
    const p = ((s?.solved ?? 0) + 1) / ((s?.episodes ?? 0) + 2);
    return 0.1 + 4 * p * (1 - p);
  };
  const last: { ppo?: PpoStats; dqn?: DqnStats } = {};
  const pick = (): CodeTask => hooks.tasks[rng.categorical(hooks.tasks.map((t) => weight(t.problem.id)))];

  while (st.step < config.steps && !hooks.signal?.aborted) {
    const task = pick();
    const env = config.budgets ? { ...config.env, budget: config.budgets[rng.int(config.budgets.length)] } : config.env;
    const ep = new CodeEpisode(task, hooks.generator, hooks.executor, env, hooks.signal);
    const rec = await agent.runEpisode(ep, { kind: 'train', microStep: () => st.microStep }, {
      onMicroStep: () => {
        st.microStep++;
        last.dqn = agent.micro.train(st.microStep) ?? last.dqn;
      },
    });
    st.step += rec.decisions.length;
    st.episodes++;
    const s = (st.seen[task.problem.id] ??= { episodes: 0, solved: 0 });
    s.episodes++;
    s.solved += rec.outcome.solved ? 1 : 0;
    st.recent.push({ solved: rec.outcome.solved, runs: rec.outcome.runs, return: rec.return });
    if (st.recent.length > 100) st.recent.shift();
    if (agent.macro.stored >= agent.macro.batchSize) last.ppo = agent.macro.update();
    hooks.onEpisode?.(rec);
    if (st.episodes % every === 0 || st.step >= config.steps) hooks.onProgress?.(progress(st, last));
    // cached runs and replayed generations resolve without a turn of the event loop: yield one, so a
    // pause or stop (a worker message, Ctrl+C) is seen between episodes
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  st.rng = rng.save();
  return { agent, checkpoint: { kind: 'reasoning-lab/code-agent', version: 1, config, agent: agent.toJSON(), state: st }, stopped: st.step < config.steps };
}

function progress(st: CodeTrainerState, last: { ppo?: PpoStats; dqn?: DqnStats }): CodeProgress {
  return {
    entropy: last.ppo?.entropy ?? null,
    policyLoss: last.ppo?.policy_loss ?? null,
    valueLoss: last.ppo?.value_loss ?? null,
    tdLoss: last.dqn?.td_loss ?? null,
    step: st.step,
    episodes: st.episodes,
    solveRate: mean(st.recent.map((r) => +r.solved)),
    meanRuns: mean(st.recent.map((r) => r.runs)),
    meanReturn: mean(st.recent.map((r) => r.return)),
  };
}

/** Plays the trained agent greedily on each problem; the outcomes in the tasks' order. */
export async function solveCodeTasks(
  agent: CodeAgent,
  tasks: CodeTask[],
  generator: TextGenerator,
  executor: CodeExecutor,
  env: EnvConfig,
  hooks: { signal?: AbortSignal; onEpisode?: (e: CodeEpisodeRecord, i: number) => void; onDecision?: (d: CodeDecision, i: number) => void } = {},
): Promise<CodeEpisodeRecord[]> {
  const out: CodeEpisodeRecord[] = [];
  for (const [i, task] of tasks.entries()) {
    if (hooks.signal?.aborted) break;
    const rec = await agent.runEpisode(new CodeEpisode(task, generator, executor, env, hooks.signal), { kind: 'greedy' }, { onDecision: (d) => hooks.onDecision?.(d, i) });
    out.push(rec);
    hooks.onEpisode?.(rec, i);
  }
  return out;
}

export function saveCodeCheckpoint(file: string, checkpoint: CodeCheckpoint, output: OutputOptions = { replace: true }): void {
  writeFileSafely(file, JSON.stringify(checkpoint), output);
}

/** Reads a checkpoint, with an error that says what is wrong with the file. */
export function loadCodeCheckpoint(file: string): { checkpoint: CodeCheckpoint; agent: CodeAgent } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the checkpoint: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
  }
  let json: CodeCheckpoint;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not a checkpoint (invalid JSON: ${errorMessage(err)})`);
  }
  if (!json || json.kind !== 'reasoning-lab/code-agent') throw new Error(`${file}: not a code agent checkpoint (kind ${JSON.stringify((json as { kind?: unknown })?.kind)})`);
  if (json.version !== 1) throw new Error(`${file}: checkpoint version ${json.version} is not supported`);
  try {
    return { checkpoint: json, agent: CodeAgent.fromJSON(json.agent, 'agent') };
  } catch (err) {
    throw new Error(`${file}: corrupt checkpoint: ${errorMessage(err)}`);
  }
}

export { CODE_AGENT_DEFAULTS };
