/**
 * Offline mode for the code agent: learn from logged episodes (the `agent` field of earlier runs'
 * episode traces, see traces.ts) without choosing new actions — the same scheme as the synthesis
 * agent's offline mode (../synth/offline.ts):
 *
 * Each logged episode is replayed with its logged actions against the recorded generations (a replay
 * generator serves a problem's generations in their recorded order, so the same actions draw the same
 * candidates and tests) and the executor (its cache makes the runs free the second time), so
 * observations, masks and rewards are recomputed, never trusted from the file. MACRO decisions get the
 * per-decision importance ratio ρ_t = π(a_t|s_t) / μ(a_t|s_t) over the logged behaviour probability and
 * the truncated weight c_t = min(c̄, ρ_1 · … · ρ_t); the PPO update uses μ as the old policy and c_t as
 * the sample's weight. MICRO transitions go to DQN's prioritized replay (Q-learning is off-policy).
 */
import type { TextGenerator } from '../../models/generation';
import { ReplayGenerator } from '../../models/generators/replay';
import type { CodeAgent } from './agent';
import { CodeEpisode, MICRO_OBS_SIZE, type CodeTask, type EnvConfig } from './env';
import type { CodeExecutor } from './executor';
import type { CodeEpisodeTrace } from './traces';

export interface CodeOfflineStats {
  episodes: number;
  decisions: number;
  /** Mean per-decision ratio π/μ and mean truncated weight over macro decisions. */
  meanRatio: number;
  meanWeight: number;
  policyLoss: number | null;
  tdLoss: number | null;
  /** Lines or episodes that could not be used, with the reason. */
  warnings: string[];
}

/** Reads the code agent's logged episodes from a trace file; other records are skipped with a warning naming the line. */
export function readCodeEpisodes(text: string, file: string, warnings: string[]): { trace: CodeEpisodeTrace; line: number }[] {
  const out: { trace: CodeEpisodeTrace; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      const t = JSON.parse(raw) as CodeEpisodeTrace;
      if (t?.agent?.kind !== 'code' || typeof t.agent.problem !== 'string' || !Array.isArray(t.agent.decisions)) warnings.push(`${file}:${i + 1}: skipped: not a code agent episode (no "agent" field of kind "code")`);
      else if (!t.agent.decisions.length) return; // a search's candidate records, or an episode with nothing to decide
      else out.push({ trace: t, line: i + 1 });
    } catch (err) {
      warnings.push(`${file}:${i + 1}: skipped: not JSON: ${(err as Error).message}`);
    }
  });
  return out;
}

export interface CodeOfflineEnv {
  tasks: Map<string, CodeTask>;
  generator: TextGenerator;
  executor: CodeExecutor;
  env: EnvConfig;
}

/** One offline pass over logged episodes: importance-weighted, clipped PPO for the macro layer; replay for the micro layer. */
export async function learnCodeOffline(
  agent: CodeAgent,
  logged: { trace: CodeEpisodeTrace; line: number; file?: string }[],
  world: CodeOfflineEnv,
  opts: { maxWeight?: number; microUpdatesPerDecision?: number } = {},
): Promise<CodeOfflineStats> {
  if (!(world.generator instanceof ReplayGenerator)) throw new Error('offline mode replays logged episodes against recorded generations: use a replay generator');
  const cbar = opts.maxWeight ?? 1;
  const stats: CodeOfflineStats = { episodes: 0, decisions: 0, meanRatio: 0, meanWeight: 0, policyLoss: null, tdLoss: null, warnings: [] };
  let ratioSum = 0;
  let weightSum = 0;
  let macroCount = 0;
  let microCount = 0;
  agent.macro.clear();
  for (const { trace, line, file } of logged) {
    const where = `${file ?? 'trace'}:${line}`;
    const task = world.tasks.get(trace.agent.problem);
    if (!task) {
      stats.warnings.push(`${where}: skipped: ${trace.agent.problem} is not among the problems (or has no recorded generations)`);
      continue;
    }
    const budget = trace.agent.budget;
    if (!(Number.isInteger(budget) && budget >= 1)) {
      stats.warnings.push(`${where}: skipped: budget ${JSON.stringify(budget)} is not a positive integer`);
      continue;
    }
    const ep = new CodeEpisode(task, world.generator, world.executor, { ...world.env, budget });
    const macro: { obs: Float64Array; mask: Uint8Array; action: number; logMu: number; weight: number; reward: number }[] = [];
    const micro: { obs: Float64Array; mask: Uint8Array; action: number; reward: number }[] = [];
    let c = 1;
    let bad: string | undefined;
    for (const d of trace.agent.decisions) {
      if (ep.phase === 'done') {
        bad = 'more decisions than the episode has';
        break;
      }
      if (d.layer !== ep.phase) {
        bad = `a ${d.layer} decision where the episode expects ${ep.phase}`;
        break;
      }
      const obs = d.layer === 'macro' ? ep.observe() : ep.microObserve();
      const mask = d.layer === 'macro' ? ep.macroMask() : ep.microMask();
      if (!Number.isInteger(d.a) || !mask[d.a]) {
        bad = `action ${d.a} is not allowed there`;
        break;
      }
      if (!(d.p > 0 && d.p <= 1)) {
        bad = `behaviour probability ${d.p} is not in (0, 1]`;
        break;
      }
      if (d.layer === 'macro') {
        const rho = Math.exp(agent.macro.logProb(obs, d.a, mask)) / d.p;
        c = Math.min(cbar, c * rho);
        ratioSum += rho;
        weightSum += c;
        macroCount++;
        const reward = await ep.macro(d.a);
        // the step limit can end the episode on a draw: the last micro decision shares that outcome (as in runEpisode)
        if ((ep.phase as string) === 'done' && micro.length) micro[micro.length - 1].reward += reward;
        macro.push({ obs, mask, action: d.a, logMu: Math.log(d.p), weight: c, reward });
      } else {
        const reward = await ep.micro(d.a);
        if (macro.length) macro[macro.length - 1].reward += reward;
        micro.push({ obs, mask, action: d.a, reward });
      }
    }
    // nothing left to do: the episode ends unsolved, as runEpisode ends it
    if (!bad && ep.phase === 'macro' && !ep.macroMask().some((x) => x)) {
      const r = ep.finish(undefined, undefined);
      if (macro.length) macro[macro.length - 1].reward += r;
    }
    if (!bad && (ep.phase as string) !== 'done') bad = 'the episode does not end';
    if (bad) {
      stats.warnings.push(`${where}: skipped: ${bad}`);
      continue;
    }
    macro.forEach((m, i) => agent.macro.store({ obs: m.obs, mask: m.mask, action: m.action, logProb: m.logMu, reward: m.reward, terminated: i === macro.length - 1, weight: m.weight }));
    micro.forEach((m, i) => {
      const next = micro[i + 1];
      agent.micro.store(m.obs, m.action, m.reward, next ? next.obs : new Float64Array(MICRO_OBS_SIZE), !next, next ? next.mask : null);
    });
    microCount += micro.length;
    stats.episodes++;
    stats.decisions += trace.agent.decisions.length;
  }
  if (agent.macro.stored) stats.policyLoss = agent.macro.update().policy_loss;
  const updates = Math.round(microCount * (opts.microUpdatesPerDecision ?? 0.25));
  for (let i = 0; i < updates; i++) stats.tdLoss = agent.micro.update(1).td_loss;
  if (updates) agent.micro.updateTarget();
  stats.meanRatio = macroCount ? ratioSum / macroCount : 0;
  stats.meanWeight = macroCount ? weightSum / macroCount : 0;
  return stats;
}
