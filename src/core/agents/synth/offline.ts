/**
 * Offline mode for the synthesis agent: each logged episode is replayed in the environment with its
 * logged actions (the problem comes from the trace itself); what is learned from the replayed decisions,
 * and how, is offlineLearning.ts, shared with the code agent.
 */
import * as fs from 'node:fs';
import { OfflinePass, invalidAction, readEpisodeLog, wrongPhase, type LoggedEpisode, type OfflineOptions, type OfflineStats } from '../offlineLearning';
import type { SynthAgent } from './agent';
import { MICRO_OBS_SIZE, SynthEpisode } from './env';
import type { SynthProblem } from './problems';
import type { EpisodeTrace } from './traces';

function isSynthEpisode(t: unknown): t is EpisodeTrace {
  const agent = (t as EpisodeTrace | null)?.agent;
  return !!agent?.problem && Array.isArray(agent.decisions);
}

/** Reads logged episodes from trace files (records without an `agent` field are skipped, with a warning). */
export function readLoggedEpisodes(file: string, warnings: string[]): { trace: EpisodeTrace; line: number }[] {
  return readEpisodeLog(fs.readFileSync(file, 'utf8'), file, warnings, isSynthEpisode, 'no "agent" field (not a synthesis episode)');
}

function problemOf(t: EpisodeTrace): SynthProblem {
  const p = t.agent.problem;
  return { id: p.id, inputs: p.inputs, output: p.output, signature: { python: { entry: 'solve', params: p.params }, javascript: { entry: 'solve', params: p.params } }, shown: p.shown, heldOut: [], source: { kind: 'generated' } };
}

/** One offline pass over logged episodes: importance-weighted, clipped PPO for the macro layer; replay for the micro layer. */
export function learnOffline(agent: SynthAgent, logged: LoggedEpisode<EpisodeTrace>[], opts: OfflineOptions = {}): OfflineStats {
  const pass = new OfflinePass(agent, MICRO_OBS_SIZE, opts);
  for (const { trace, line, file } of logged) {
    const where = `${file ?? 'trace'}:${line}`;
    const maxLines = trace.agent.maxLines;
    if (maxLines !== undefined && !(Number.isInteger(maxLines) && maxLines >= 1)) {
      pass.skip(where, `maxLines ${JSON.stringify(maxLines)} is not a positive integer`);
      continue;
    }
    const ep = new SynthEpisode(problemOf(trace), { maxLines });
    const replay = pass.episode();
    let bad: string | undefined;
    for (const d of trace.agent.decisions) {
      if ((bad = wrongPhase(d, ep.phase))) break;
      const obs = ep.observe();
      const mask = ep.mask();
      if ((bad = invalidAction(d, mask))) break;
      if (d.layer === 'macro') {
        const reward = ep.macro(d.a);
        replay.creditLastMicro(reward);
        replay.addMacro(obs, mask, d, reward);
      } else {
        const { reward, lineDone } = ep.micro(d.a);
        if (lineDone) replay.creditLastMacro(reward);
        replay.addMicro(obs, mask, d, reward);
      }
    }
    if (!bad && ep.phase !== 'done') bad = 'the episode does not end';
    if (bad) pass.skip(where, bad);
    else pass.keep(replay, trace.agent.decisions.length);
  }
  return pass.finish();
}
