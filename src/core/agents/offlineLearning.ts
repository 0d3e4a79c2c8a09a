/**
 * Offline learning for the hierarchical PPO/DQN agents (the synthesis agent and the code agent): learn
 * from logged episodes (the `agent` field of earlier runs' episode traces) without choosing new actions.
 *
 * Each agent replays a logged episode in its own environment with the logged actions, so observations,
 * masks and rewards are recomputed, never trusted from the file, and reports every replayed decision to
 * an `EpisodeReplay`. For the MACRO layer every decision t gets the per-decision importance ratio
 * ρ_t = π(a_t|s_t) / μ(a_t|s_t) (current policy over the logged behaviour probability) and the weight
 * c_t = min(c̄, ρ_1 · … · ρ_t) (Precup et al. 2000, truncated); the PPO update then uses μ as the old
 * policy — its clipped ratio keeps the step conservative — and c_t as the per-sample weight of the
 * policy loss. The MICRO layer is off-policy already (one-step Q-learning): its transitions go to the
 * prioritized replay and DQN is trained on them. A micro transition's next state is the episode's next
 * micro decision, as in online training.
 */
import type { Dqn } from './dqn';
import type { Ppo } from './ppo';
import { errorMessage } from '../shared/errors';

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

/** A decision as an episode trace logs it: the layer, the action and its behaviour probability μ. */
export interface LoggedDecision {
  layer: 'macro' | 'micro';
  a: number;
  p: number;
}

/** A logged episode with where it came from (for warnings). */
export interface LoggedEpisode<T> {
  trace: T;
  line: number;
  file?: string;
}

/**
 * Reads logged episodes from a JSONL trace log; a line that is not JSON, or a record `isEpisode` rejects,
 * is skipped with a warning naming the file and line (`notEpisode` says why).
 */
export function readEpisodeLog<T>(text: string, file: string, warnings: string[], isEpisode: (record: unknown) => record is T, notEpisode: string): { trace: T; line: number }[] {
  const out: { trace: T; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (err) {
      warnings.push(`${file}:${i + 1}: skipped: not JSON: ${errorMessage(err)}`);
      return;
    }
    if (isEpisode(record)) out.push({ trace: record, line: i + 1 });
    else warnings.push(`${file}:${i + 1}: skipped: ${notEpisode}`);
  });
  return out;
}

/** Why a logged decision cannot come next in an episode in this phase, or undefined when it can. */
export function wrongPhase(d: LoggedDecision, phase: 'macro' | 'micro' | 'done'): string | undefined {
  if (phase === 'done') return 'more decisions than the episode has';
  if (d.layer !== phase) return `a ${d.layer} decision where the episode expects ${phase}`;
  return undefined;
}

/** Why a logged decision's action or behaviour probability cannot be replayed under this mask, or undefined. */
export function invalidAction(d: LoggedDecision, mask: Uint8Array): string | undefined {
  if (!Number.isInteger(d.a) || !mask[d.a]) return `action ${d.a} is not allowed there`;
  if (!(d.p > 0 && d.p <= 1)) return `behaviour probability ${d.p} is not in (0, 1]`;
  return undefined;
}

interface ReplayedDecision {
  obs: Float64Array;
  mask: Uint8Array;
  action: number;
  reward: number;
}

/** The decisions of one logged episode as its agent replays them; the pass learns from them only if the whole episode replays. */
export class EpisodeReplay {
  readonly macro: (ReplayedDecision & { logMu: number; weight: number })[] = [];
  readonly micro: ReplayedDecision[] = [];
  /** The running truncated product of the macro ratios. */
  private weight = 1;

  constructor(private readonly pass: OfflinePass) {}

  /** A replayed macro decision taken in state `obs` under `mask`, with the reward the environment gave for it. */
  addMacro(obs: Float64Array, mask: Uint8Array, d: LoggedDecision, reward: number): void {
    const rho = Math.exp(this.pass.agent.macro.logProb(obs, d.a, mask)) / d.p;
    this.weight = Math.min(this.pass.maxWeight, this.weight * rho);
    this.pass.noteRatio(rho, this.weight);
    this.macro.push({ obs, mask, action: d.a, logMu: Math.log(d.p), weight: this.weight, reward });
  }

  addMicro(obs: Float64Array, mask: Uint8Array, d: LoggedDecision, reward: number): void {
    this.micro.push({ obs, mask, action: d.a, reward });
  }

  /** Credits a reward to the latest macro decision too (when the environment's step also ends what that macro action began). */
  creditLastMacro(reward: number): void {
    if (this.macro.length) this.macro[this.macro.length - 1].reward += reward;
  }

  /** Credits a reward to the latest micro decision too. */
  creditLastMicro(reward: number): void {
    if (this.micro.length) this.micro[this.micro.length - 1].reward += reward;
  }
}

/** One offline pass over logged episodes: collect each replayed episode, then one PPO update and the DQN updates. */
export class OfflinePass {
  readonly maxWeight: number;
  private readonly stats: OfflineStats = { episodes: 0, decisions: 0, meanRatio: 0, meanWeight: 0, policyLoss: null, tdLoss: null, warnings: [] };
  private ratioSum = 0;
  private weightSum = 0;
  private macroCount = 0;
  private microCount = 0;

  constructor(
    readonly agent: { readonly macro: Ppo; readonly micro: Dqn },
    /** The micro observation's size (a terminal transition's next observation is zeros of it). */
    private readonly microObsSize: number,
    private readonly opts: OfflineOptions = {},
  ) {
    this.maxWeight = opts.maxWeight ?? 1;
    agent.macro.clear();
  }

  episode(): EpisodeReplay {
    return new EpisodeReplay(this);
  }

  /** Called by EpisodeReplay: the ratio means count every replayed macro decision, of kept and skipped episodes alike. */
  noteRatio(rho: number, weight: number): void {
    this.ratioSum += rho;
    this.weightSum += weight;
    this.macroCount++;
  }

  /** An episode that cannot be used, `where` naming its file and line. */
  skip(where: string, reason: string): void {
    this.stats.warnings.push(`${where}: skipped: ${reason}`);
  }

  /** Stores a fully replayed episode of `decisions` logged decisions in PPO's rollout and DQN's replay. */
  keep(replay: EpisodeReplay, decisions: number): void {
    const { macro, micro } = replay;
    macro.forEach((m, i) => this.agent.macro.store({ obs: m.obs, mask: m.mask, action: m.action, logProb: m.logMu, reward: m.reward, terminated: i === macro.length - 1, weight: m.weight }));
    micro.forEach((m, i) => {
      const next = micro[i + 1];
      this.agent.micro.store(m.obs, m.action, m.reward, next ? next.obs : new Float64Array(this.microObsSize), !next, next ? next.mask : null);
    });
    this.microCount += micro.length;
    this.stats.episodes++;
    this.stats.decisions += decisions;
  }

  /** The updates: importance-weighted, clipped PPO on the kept macro decisions; DQN on its replay, then the target sync. */
  finish(): OfflineStats {
    const { agent, stats } = this;
    if (agent.macro.stored) stats.policyLoss = agent.macro.update().policy_loss;
    const updates = Math.round(this.microCount * (this.opts.microUpdatesPerDecision ?? 0.25));
    for (let i = 0; i < updates; i++) stats.tdLoss = agent.micro.update(1).td_loss;
    if (updates) agent.micro.updateTarget();
    stats.meanRatio = this.macroCount ? this.ratioSum / this.macroCount : 0;
    stats.meanWeight = this.macroCount ? this.weightSum / this.macroCount : 0;
    return stats;
  }
}
