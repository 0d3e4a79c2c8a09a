/**
 * Offline mode for the code agent: each logged episode (the `agent` field of earlier runs' episode
 * traces, see traces.ts) is replayed with its logged actions against the recorded generations (a replay
 * generator serves a problem's generations in their recorded order, so the same actions draw the same
 * candidates and tests) and the executor (its cache makes the runs free the second time). What is
 * learned from the replayed decisions, and how, is offlineLearning.ts, shared with the synthesis agent.
 */
import type { TextGenerator } from '../../models/generation';
import { ReplayGenerator } from '../../models/generators/replay';
import { OfflinePass, invalidAction, readEpisodeLog, wrongPhase, type LoggedEpisode, type OfflineOptions, type OfflineStats } from '../offlineLearning';
import type { CodeAgent } from './agent';
import { CodeEpisode, MICRO_OBS_SIZE, type CodeTask, type EnvConfig } from './env';
import type { CodeExecutor } from './executor';
import type { CodeEpisodeTrace } from './traces';

function isCodeEpisode(t: unknown): t is CodeEpisodeTrace {
  const agent = (t as CodeEpisodeTrace | null)?.agent;
  return agent?.kind === 'code' && typeof agent.problem === 'string' && Array.isArray(agent.decisions);
}

/** Reads the code agent's logged episodes from a trace file; other records are skipped with a warning naming the line. */
export function readCodeEpisodes(text: string, file: string, warnings: string[]): { trace: CodeEpisodeTrace; line: number }[] {
  // a search's candidate records, or an episode with nothing to decide, have no decisions to learn from
  return readEpisodeLog(text, file, warnings, isCodeEpisode, 'not a code agent episode (no "agent" field of kind "code")').filter((e) => e.trace.agent.decisions.length);
}

export interface CodeOfflineEnv {
  tasks: Map<string, CodeTask>;
  generator: TextGenerator;
  executor: CodeExecutor;
  env: EnvConfig;
}

/** One offline pass over logged episodes: importance-weighted, clipped PPO for the macro layer; replay for the micro layer. */
export async function learnCodeOffline(agent: CodeAgent, logged: LoggedEpisode<CodeEpisodeTrace>[], world: CodeOfflineEnv, opts: OfflineOptions = {}): Promise<OfflineStats> {
  if (!(world.generator instanceof ReplayGenerator)) throw new Error('offline mode replays logged episodes against recorded generations: use a replay generator');
  const pass = new OfflinePass(agent, MICRO_OBS_SIZE, opts);
  for (const { trace, line, file } of logged) {
    const where = `${file ?? 'trace'}:${line}`;
    const task = world.tasks.get(trace.agent.problem);
    if (!task) {
      pass.skip(where, `${trace.agent.problem} is not among the problems (or has no recorded generations)`);
      continue;
    }
    const budget = trace.agent.budget;
    if (!(Number.isInteger(budget) && budget >= 1)) {
      pass.skip(where, `budget ${JSON.stringify(budget)} is not a positive integer`);
      continue;
    }
    const ep = new CodeEpisode(task, world.generator, world.executor, { ...world.env, budget });
    const replay = pass.episode();
    let bad: string | undefined;
    for (const d of trace.agent.decisions) {
      if ((bad = wrongPhase(d, ep.phase))) break;
      const obs = d.layer === 'macro' ? ep.observe() : ep.microObserve();
      const mask = d.layer === 'macro' ? ep.macroMask() : ep.microMask();
      if ((bad = invalidAction(d, mask))) break;
      if (d.layer === 'macro') {
        const reward = await ep.macro(d.a);
        // the step limit can end the episode on a draw: the last micro decision shares that outcome (as in runEpisode)
        if ((ep.phase as string) === 'done') replay.creditLastMicro(reward);
        replay.addMacro(obs, mask, d, reward);
      } else {
        const reward = await ep.micro(d.a);
        replay.creditLastMacro(reward);
        replay.addMicro(obs, mask, d, reward);
      }
    }
    // nothing left to do: the episode ends unsolved, as runEpisode ends it
    if (!bad && ep.phase === 'macro' && !ep.macroMask().some((x) => x)) replay.creditLastMacro(ep.finish(undefined, undefined));
    if (!bad && (ep.phase as string) !== 'done') bad = 'the episode does not end';
    if (bad) pass.skip(where, bad);
    else pass.keep(replay, trace.agent.decisions.length);
  }
  return pass.finish();
}
