/**
 * Offline mode: learn from logged episodes (the `agent` field of earlier runs' episode traces) without
 * playing new ones.
 *
 * Each logged episode is replayed in the environment with its logged actions, so observations, masks
 * and rewards are recomputed from the problem (never trusted from the file). For the MACRO layer every
 * decision t gets the per-decision importance ratio ρ_t = π(a_t|s_t) / μ(a_t|s_t) (current policy over
 * the logged behaviour probability) and the weight c_t = min(c̄, ρ_1 · … · ρ_t) (Precup et al. 2000,
 * truncated); the PPO update then uses μ as the old policy — its clipped ratio keeps the step
 * conservative — and c_t as the per-sample weight of the policy loss. The MICRO layer is off-policy
 * already (one-step Q-learning): its transitions go to the prioritized replay and it is trained on them.
 */
import * as fs from 'node:fs';
import type { SynthAgent } from './agent';
import { MICRO_OBS_SIZE, SynthEpisode } from './env';
import type { SynthProblem } from './problems';
import type { EpisodeTrace } from './traces';

export interface OfflineOptions {
  /** c̄: the truncation of the cumulative importance weight (default 1). */
  maxWeight?: number;
  /** DQN gradient steps per logged micro decision (default 0.25). */
  microUpdatesPerDecision?: number;
}

export interface OfflineStats {
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

/** Reads logged episodes from trace files (records without an `agent` field are skipped, with a warning). */
export function readLoggedEpisodes(file: string, warnings: string[]): { trace: EpisodeTrace; line: number }[] {
  const out: { trace: EpisodeTrace; line: number }[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      if (!raw.trim()) return;
      try {
        const t = JSON.parse(raw) as EpisodeTrace;
        if (!t?.agent?.problem || !Array.isArray(t.agent.decisions)) warnings.push(`${file}:${i + 1}: skipped: no "agent" field (not a synthesis episode)`);
        else out.push({ trace: t, line: i + 1 });
      } catch (err) {
        warnings.push(`${file}:${i + 1}: skipped: not JSON: ${(err as Error).message}`);
      }
    });
  return out;
}

function problemOf(t: EpisodeTrace): SynthProblem {
  const p = t.agent.problem;
  return { id: p.id, inputs: p.inputs, output: p.output, signature: { python: { entry: 'solve', params: p.params }, javascript: { entry: 'solve', params: p.params } }, shown: p.shown, heldOut: [], source: { kind: 'generated' } };
}

/** One offline pass over logged episodes: importance-weighted, clipped PPO for the macro layer; replay for the micro layer. */
export function learnOffline(agent: SynthAgent, logged: { trace: EpisodeTrace; line: number; file?: string }[], opts: OfflineOptions = {}): OfflineStats {
  const cbar = opts.maxWeight ?? 1;
  const stats: OfflineStats = { episodes: 0, decisions: 0, meanRatio: 0, meanWeight: 0, policyLoss: null, tdLoss: null, warnings: [] };
  let ratioSum = 0;
  let weightSum = 0;
  let macroCount = 0;
  let microCount = 0;
  agent.macro.clear();
  for (const { trace, line, file } of logged) {
    const where = `${file ?? 'trace'}:${line}`;
    const maxLines = trace.agent.maxLines;
    if (maxLines !== undefined && !(Number.isInteger(maxLines) && maxLines >= 1)) {
      stats.warnings.push(`${where}: skipped: maxLines ${JSON.stringify(maxLines)} is not a positive integer`);
      continue;
    }
    const ep = new SynthEpisode(problemOf(trace), { maxLines });
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
      const obs = ep.observe();
      const mask = ep.mask();
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
        const reward = ep.macro(d.a);
        if (micro.length) micro[micro.length - 1].reward += reward;
        macro.push({ obs, mask, action: d.a, logMu: Math.log(d.p), weight: c, reward });
      } else {
        const { reward, lineDone } = ep.micro(d.a);
        if (lineDone && macro.length) macro[macro.length - 1].reward += reward;
        micro.push({ obs, mask, action: d.a, reward });
      }
    }
    if (!bad && ep.phase !== 'done') bad = 'the episode does not end';
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
