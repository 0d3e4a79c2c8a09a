/**
 * The code agent: a PPO MACRO policy (what to do next: draw candidates with a strategy, draw tests,
 * run, repair, submit) over a DQN MICRO policy with prioritized replay (which candidate to run or
 * repair, which behaviour cluster to submit), both from src/core/agents. One episode (runEpisode)
 * plays env.ts on one problem with both and records every decision with its probability and the
 * alternatives, for training and for the episode's trace.
 */
import { Dqn } from '../dqn';
import { type DqnJson, dqnFromJson, dqnToJson, type PpoJson, ppoFromJson, ppoToJson } from '../learnerState';
import { Ppo } from '../ppo';
import { CodeEpisode, MACRO_ACTIONS, MACRO_NAMES, MACRO_OBS_SIZE, MICRO_OBS_SIZE, SLOTS, type EpisodeOutcome } from './env';

/** Both layers' hyperparameters, in one place (sizes for a laptop CPU). */
export const CODE_AGENT_DEFAULTS = {
  macro: { learningRate: 5e-4, numEnvs: 1, numSteps: 512, numMinibatches: 4, updateEpochs: 4, gamma: 1, gaeLambda: 0.95, entCoef: 0.01, annealLr: false, hidden: [64, 64] },
  micro: {
    learningRate: 5e-4,
    bufferSize: 5000,
    batchSize: 32,
    gamma: 1,
    learningStarts: 300,
    trainFrequency: 4,
    targetNetworkFrequency: 300,
    startE: 1,
    endE: 0.05,
    explorationFraction: 0.4,
    priority: 'td' as const,
    alpha: 0.7,
    hidden: [64, 64],
    doubleDqn: true,
  },
};

export interface CodeAgentConfig {
  macro: Partial<typeof CODE_AGENT_DEFAULTS.macro>;
  micro: Partial<typeof CODE_AGENT_DEFAULTS.micro>;
  /** Micro decisions over the whole run, for ε and β schedules. */
  totalMicroSteps: number;
}

export interface CodeDecision {
  layer: 'macro' | 'micro';
  action: string;
  actionIndex: number;
  /** Behaviour probability of the action. */
  prob: number;
  /** The alternatives: macro by probability, micro by Q-value. */
  top: { action: string; p?: number; q?: number }[];
  reward: number;
  /** What the decision did, in words ("ran candidate #2: examples 3/3, generated tests 9/12"). */
  note: string;
  /** What the state was after the decision: candidates, tests, runs. */
  candidates: number;
  tests: number;
  runs: number;
}

/** A candidate as the episode left it: its code and what it was run on. */
export interface CandidateSummary {
  index: number;
  code: string;
  strategy: string;
  repairOf?: number;
  /** Visible examples passed / run, once run on them. */
  examples?: [number, number];
  /** Generated tests passed / run. */
  tests: [number, number];
  /** Rank of its behaviour cluster (1 = CodeT's first), once run on generated tests. */
  cluster?: number;
}

export interface CodeEpisodeRecord {
  problemId: string;
  decisions: CodeDecision[];
  outcome: EpisodeOutcome;
  return: number;
  budget: number;
  candidates: CandidateSummary[];
  tests: string[];
}

function summarize(ep: CodeEpisode): CandidateSummary[] {
  const rank = new Map<number, number>();
  ep.clusters().forEach((c, i) => c.members.forEach((m) => rank.set(m, i + 1)));
  return ep.candidates.map((c) => ({
    index: c.index,
    code: c.sample.code,
    strategy: c.strategy,
    ...(c.repairOf !== undefined ? { repairOf: c.repairOf } : {}),
    ...(c.examples ? { examples: [c.examples.filter(Boolean).length, c.examples.length] as [number, number] } : {}),
    tests: [c.testPass.filter(Boolean).length, c.testPass.length],
    ...(rank.has(c.index) ? { cluster: rank.get(c.index) } : {}),
  }));
}

export type CodeActMode = { kind: 'train'; microStep: () => number } | { kind: 'greedy' };

export class CodeAgent {
  readonly macro: Ppo;
  readonly micro: Dqn;

  constructor(config: CodeAgentConfig, seed: number) {
    this.macro = new Ppo({ ...CODE_AGENT_DEFAULTS.macro, ...config.macro, obsSize: MACRO_OBS_SIZE, numActions: MACRO_ACTIONS }, seed);
    this.micro = new Dqn({ ...CODE_AGENT_DEFAULTS.micro, ...config.micro, obsSize: MICRO_OBS_SIZE, numActions: SLOTS, totalTimesteps: Math.max(1, config.totalMicroSteps) }, seed + 1);
  }

  toJSON(): { macro: PpoJson; micro: DqnJson } {
    return { macro: ppoToJson(this.macro), micro: dqnToJson(this.micro) };
  }

  static fromJSON(json: { macro: PpoJson; micro: DqnJson }, where = 'agent'): CodeAgent {
    const agent = Object.create(CodeAgent.prototype) as CodeAgent;
    const macro = ppoFromJson(json?.macro, `${where}.macro`);
    const micro = dqnFromJson(json?.micro, `${where}.micro`);
    if (macro.config.obsSize !== MACRO_OBS_SIZE || macro.config.numActions !== MACRO_ACTIONS || micro.config.obsSize !== MICRO_OBS_SIZE || micro.config.numActions !== SLOTS) {
      throw new Error(`${where}: made for another version of the code agent's environment`);
    }
    Object.assign(agent, { macro, micro });
    return agent;
  }

  /**
   * Plays one episode. In train mode every decision is stored for learning (PPO's rollout, DQN's
   * replay) and `onMicroStep` runs DQN's schedule after each stored micro transition.
   */
  async runEpisode(ep: CodeEpisode, mode: CodeActMode, hooks: { onMicroStep?: () => void; onDecision?: (d: CodeDecision) => void } = {}): Promise<CodeEpisodeRecord> {
    const learn = mode.kind === 'train';
    const decisions: CodeDecision[] = [];
    let ret = 0;
    let lastMacro: { obs: Float64Array; mask: Uint8Array; action: number; logProb: number; value: number; reward: number } | undefined;
    let lastMicro: { obs: Float64Array; action: number; reward: number } | undefined;
    const storeMacro = (terminated: boolean) => {
      if (!lastMacro || !learn) return;
      this.macro.store({ obs: lastMacro.obs, mask: lastMacro.mask, action: lastMacro.action, logProb: lastMacro.logProb, value: lastMacro.value, reward: lastMacro.reward, terminated });
      lastMacro = undefined;
    };
    const storeMicro = (nextObs: Float64Array | null, nextMask: Uint8Array | null) => {
      if (!lastMicro || !learn) return;
      this.micro.store(lastMicro.obs, lastMicro.action, lastMicro.reward, nextObs ?? new Float64Array(MICRO_OBS_SIZE), nextObs === null, nextMask);
      lastMicro = undefined;
      hooks.onMicroStep?.();
    };
    const record = (d: Omit<CodeDecision, 'candidates' | 'tests' | 'runs' | 'note'>) => {
      const full = { ...d, note: ep.note, candidates: ep.candidates.length, tests: ep.tests.length, runs: ep.runs };
      decisions.push(full);
      hooks.onDecision?.(full);
    };
    while (ep.phase !== 'done') {
      if (ep.phase === 'macro') {
        const mask = ep.macroMask();
        if (!mask.some((x) => x)) {
          // nothing can be drawn and nothing was: the problem ends unsolved
          const r = ep.finish(undefined, undefined);
          ret += r;
          if (lastMacro) lastMacro.reward += r;
          break;
        }
        const obs = ep.observe();
        storeMacro(false);
        const s = this.macro.act(obs, mask, mode.kind === 'greedy');
        const reward = await ep.macro(s.action);
        ret += reward;
        if (lastMicro && (ep.phase as string) === 'done') lastMicro.reward += reward;
        lastMacro = { obs, mask, action: s.action, logProb: s.logProb, value: s.value, reward };
        const top = [...s.probs.keys()].filter((i) => s.probs[i] > 0).sort((a, b) => s.probs[b] - s.probs[a]).slice(0, 4);
        record({ layer: 'macro', action: MACRO_NAMES[s.action], actionIndex: s.action, prob: s.probs[s.action], top: top.map((i) => ({ action: MACRO_NAMES[i], p: s.probs[i] })), reward });
        continue;
      }
      const obs = ep.microObserve();
      const mask = ep.microMask();
      storeMicro(obs, mask);
      const allowed = mask.reduce((n, x) => n + x, 0);
      const step = mode.kind === 'train' ? mode.microStep() : 0;
      const s = this.micro.act(obs, mask, step, mode.kind === 'train' ? undefined : 0);
      const greedy = s.qValues.reduce((b, v, i) => (mask[i] && (b < 0 || v > s.qValues[b]) ? i : b), -1);
      const prob = mode.kind === 'train' ? s.epsilon / allowed + (s.action === greedy ? 1 - s.epsilon : 0) : 1;
      const labels = [...mask.keys()].map((i) => ep.slotLabel(i));
      const reward = await ep.micro(s.action);
      ret += reward;
      // a run's cost (and, for a submit, the verdict) is the macro decision's outcome too
      if (lastMacro) lastMacro.reward += reward;
      lastMicro = { obs, action: s.action, reward };
      const top = [...mask.keys()].filter((i) => mask[i]).sort((a, b) => s.qValues[b] - s.qValues[a]).slice(0, 4);
      const name = (i: number) => labels[i];
      record({ layer: 'micro', action: name(s.action), actionIndex: s.action, prob, top: top.map((i) => ({ action: name(i), q: s.qValues[i] })), reward });
    }
    storeMacro(true);
    storeMicro(null, null);
    return { problemId: ep.task.problem.id, decisions, outcome: ep.outcome!, return: ret, budget: ep.config.budget, candidates: summarize(ep), tests: [...ep.tests] };
  }
}
