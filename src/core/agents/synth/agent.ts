/**
 * The hierarchical agent: a PPO MACRO policy (which function next, or STOP) over a DQN MICRO policy
 * (which variable, lambda or constant fills each parameter), both from src/core/agents. One episode
 * (runEpisode) plays the environment of env.ts with both and records every decision — the action,
 * the policy's top probabilities or Q-values, the reward — for training and for episode traces.
 *
 * Training (train.ts) stores each macro decision in PPO's rollout (GAE along the episode; the update
 * runs when a batch is full) and each micro decision in DQN's prioritized replay with priority from
 * reward, P(i) ∝ (r_i + ε)^ω, ω = 0.7. A micro transition's next state is the next micro decision of
 * the episode (the macro choice in between is part of the environment as the micro layer sees it).
 */
import { Dqn } from '../dqn';
import { type DqnJson, dqnFromJson, dqnToJson, type PpoJson, ppoFromJson, ppoToJson } from '../learnerState';
import { Ppo } from '../ppo';
import { Rng } from '../../shared/rng';
import { CONSTS, FUNCTIONS, formatLine, LAMBDAS, variableLetters } from './dsl';
import { MAX_LINES, SLOTS } from './encode';
import { MACRO_ACTIONS, MACRO_OBS_SIZE, MICRO_ACTIONS, MICRO_OBS_SIZE, STOP, SynthEpisode, type EpisodeResult } from './env';
import type { SynthProblem } from './problems';

/** Hyperparameters of both layers, in one place (sizes for a laptop CPU). */
export const AGENT_DEFAULTS = {
  macro: { learningRate: 1e-3, numEnvs: 1, numSteps: 1024, numMinibatches: 4, updateEpochs: 3, gamma: 1, gaeLambda: 0.95, entCoef: 0.01, annealLr: false, hidden: [64, 64] },
  micro: {
    learningRate: 5e-4,
    bufferSize: 3000,
    batchSize: 32,
    gamma: 1,
    learningStarts: 500,
    trainFrequency: 8,
    targetNetworkFrequency: 500,
    startE: 1,
    endE: 0.1,
    explorationFraction: 0.3,
    priority: 'reward' as const,
    alpha: 0.7,
    hidden: [64, 64],
    doubleDqn: true,
  },
};

export interface AgentConfig {
  macro: Partial<typeof AGENT_DEFAULTS.macro>;
  micro: Partial<typeof AGENT_DEFAULTS.micro>;
  /** Micro decisions over the whole run, for ε and β schedules. */
  totalMicroSteps: number;
}

export interface Decision {
  layer: 'macro' | 'micro';
  /** Readable action: a function name, STOP, a variable letter, a lambda or a constant. */
  action: string;
  actionIndex: number;
  /** Behaviour probability of the action (macro: π(a|s); micro: ε-greedy or softmax probability). */
  prob: number;
  /** The top choices: macro by probability, micro by Q-value. */
  top: { action: string; p?: number; q?: number }[];
  reward: number;
  /** The program so far (DSL text) after this decision. */
  program: string;
  /** Macro: policy entropy; micro: the chosen action's Q-value. */
  entropy?: number;
  q?: number;
}

export interface EpisodeRecord {
  problem: SynthProblem;
  decisions: Decision[];
  result: EpisodeResult;
  return: number;
  /** The episode's line limit when it was below the DSL's (curriculum training): offline replay needs it. */
  maxLines?: number;
}

/**
 * How actions are chosen: training (PPO samples, DQN ε-greedy), search (both sample), greedy, or
 * replay (the given actions, in order, with the probabilities the policies give them: the trace of a
 * program found by best-first search).
 */
export type ActMode =
  | { kind: 'train'; microStep: number }
  | { kind: 'sample'; temperature: number }
  | { kind: 'greedy' }
  | { kind: 'replay'; actions: readonly number[]; temperature: number };

export function macroName(a: number): string {
  return a === STOP ? 'STOP' : FUNCTIONS[a].name;
}

export function microName(a: number, names: readonly string[], inputs: number, lines: number): string {
  if (a < SLOTS) {
    const v = a < 3 ? (a < inputs ? a : -1) : a - 3 < lines ? inputs + a - 3 : -1;
    return v >= 0 ? names[v] : `slot${a}`;
  }
  if (a < SLOTS + LAMBDAS.length) return LAMBDAS[a - SLOTS].text;
  return JSON.stringify(CONSTS[a - SLOTS - LAMBDAS.length]);
}

export class SynthAgent {
  readonly macro: Ppo;
  readonly micro: Dqn;
  /** Samples micro actions in search mode. */
  readonly rng: Rng;
  /**
   * The longest program its training let it write (curriculum level + slack; MAX_LINES when not
   * limited): search goes no deeper by default, where the policies have never been trained.
   */
  searchLines: number = MAX_LINES;

  constructor(config: AgentConfig, seed: number) {
    this.macro = new Ppo({ ...AGENT_DEFAULTS.macro, ...config.macro, obsSize: MACRO_OBS_SIZE, numActions: MACRO_ACTIONS }, seed);
    this.micro = new Dqn({ ...AGENT_DEFAULTS.micro, ...config.micro, obsSize: MICRO_OBS_SIZE, numActions: MICRO_ACTIONS, totalTimesteps: Math.max(1, config.totalMicroSteps) }, seed + 1);
    this.rng = new Rng(seed + 2);
  }

  toJSON(): { macro: PpoJson; micro: DqnJson; rng: ReturnType<Rng['save']>; searchLines: number } {
    return { macro: ppoToJson(this.macro), micro: dqnToJson(this.micro), rng: this.rng.save(), searchLines: this.searchLines };
  }

  /** `searchLines` is absent from checkpoints written before it existed: they search up to MAX_LINES. */
  static fromJSON(json: { macro: PpoJson; micro: DqnJson; rng: ReturnType<Rng['save']>; searchLines?: number }, where = 'agent'): SynthAgent {
    const agent = Object.create(SynthAgent.prototype) as SynthAgent;
    const ppo = ppoFromJson(json.macro, `${where}.macro`);
    const dqn = dqnFromJson(json.micro, `${where}.micro`);
    if (ppo.config.obsSize !== MACRO_OBS_SIZE || dqn.config.obsSize !== MICRO_OBS_SIZE) throw new Error(`${where}: made for another observation size (a different version of the DSL)`);
    const searchLines = json.searchLines ?? MAX_LINES;
    if (!(Number.isInteger(searchLines) && searchLines >= 1 && searchLines <= MAX_LINES)) throw new Error(`${where}.searchLines: expected an integer in 1…${MAX_LINES}, got ${JSON.stringify(json.searchLines)}`);
    Object.assign(agent, { macro: ppo, micro: dqn, rng: Rng.fromState(json.rng), searchLines });
    return agent;
  }

  /**
   * Plays one episode. In train mode every decision is stored for learning (PPO rollout, DQN replay);
   * `onMicroStep` lets the trainer run DQN's schedule after each stored micro transition.
   */
  runEpisode(problem: SynthProblem, mode: ActMode, opts: { learn?: boolean; maxLines?: number; onMicroStep?: () => void } = {}): EpisodeRecord {
    const ep = new SynthEpisode(problem, { maxLines: opts.maxLines });
    const decisions: Decision[] = [];
    const params = problem.signature.python.params;
    let ret = 0;
    let lastMacro: { obs: Float64Array; mask: Uint8Array; action: number; logProb: number; value: number; reward: number } | undefined;
    let lastMicro: { obs: Float64Array; action: number; reward: number } | undefined;
    const storeMacro = (terminated: boolean) => {
      if (!lastMacro || !opts.learn) return;
      this.macro.store({ obs: lastMacro.obs, mask: lastMacro.mask, action: lastMacro.action, logProb: lastMacro.logProb, value: lastMacro.value, reward: lastMacro.reward, terminated });
      lastMacro = undefined;
    };
    const storeMicro = (nextObs: Float64Array | null, nextMask: Uint8Array | null) => {
      if (!lastMicro || !opts.learn) return;
      this.micro.store(lastMicro.obs, lastMicro.action, lastMicro.reward, nextObs ?? new Float64Array(MICRO_OBS_SIZE), nextObs === null, nextMask);
      lastMicro = undefined;
      opts.onMicroStep?.();
    };
    const programText = () => {
      const names = variableLetters(ep.program(), params);
      return ep.lines.map((l, i) => `${names[problem.inputs.length + i]} = ${formatLine(l, names)}`).join('\n');
    };
    while (ep.phase !== 'done') {
      if (ep.phase === 'macro') {
        const obs = ep.observe();
        const mask = ep.mask();
        if (!mask.some((x) => x)) break;
        storeMacro(false);
        const s = this.macro.act(obs, mask, mode.kind === 'greedy' || mode.kind === 'replay');
        if (mode.kind === 'replay') {
          s.action = this.replayed(mode, decisions.length, mask);
          s.logProb = Math.log(s.probs[s.action]);
        }
        const reward = ep.macro(s.action);
        ret += reward;
        if (lastMicro) lastMicro.reward += reward; // STOP's terminal reward ends the micro layer's episode too
        lastMacro = { obs, mask, action: s.action, logProb: s.logProb, value: s.value, reward };
        const top = [...s.probs.keys()].filter((i) => s.probs[i] > 0).sort((a, b) => s.probs[b] - s.probs[a]).slice(0, 5);
        decisions.push({ layer: 'macro', action: macroName(s.action), actionIndex: s.action, prob: s.probs[s.action], top: top.map((i) => ({ action: macroName(i), p: s.probs[i] })), reward, program: programText(), entropy: s.entropy });
        continue;
      }
      const obs = ep.observe();
      const mask = ep.mask();
      storeMicro(obs, mask);
      const { action, q, prob } = this.microAct(obs, mask, mode, decisions.length);
      const names = variableLetters({ inputs: problem.inputs, lines: [...ep.lines, { fn: 'head', args: [] }] }, params);
      const { reward, lineDone } = ep.micro(action);
      ret += reward;
      if (lineDone && lastMacro) lastMacro.reward += reward; // the line's shaping (and any terminal reward) is the macro decision's too
      lastMicro = { obs, action, reward };
      const allowed = [...mask.keys()].filter((i) => mask[i]);
      const top = allowed.sort((a, b) => q[b] - q[a]).slice(0, 5);
      const nm = (i: number) => microName(i, names, problem.inputs.length, ep.lines.length - (lineDone ? 1 : 0));
      decisions.push({ layer: 'micro', action: nm(action), actionIndex: action, prob, top: top.map((i) => ({ action: nm(i), q: q[i] })), reward, program: programText(), q: q[action] });
    }
    storeMacro(true);
    storeMicro(null, null);
    const result = ep.outcome()!;
    return { problem, decisions, result, return: ret, ...(opts.maxLines !== undefined ? { maxLines: opts.maxLines } : {}) };
  }

  /** A micro action and its behaviour probability under the mode. */
  private replayed(mode: { actions: readonly number[] }, i: number, mask: Uint8Array): number {
    const a = mode.actions[i];
    if (a === undefined || !mask[a]) throw new Error(`replay: decision ${i + 1} (${a}) is not allowed there`);
    return a;
  }

  private microAct(obs: Float64Array, mask: Uint8Array, mode: ActMode, i: number): { action: number; q: Float64Array; prob: number } {
    const allowed = mask.reduce((n, x) => n + (x ? 1 : 0), 0);
    if (mode.kind === 'train') {
      const s = this.micro.act(obs, mask, mode.microStep);
      const greedy = s.qValues.reduce((b, v, i) => (mask[i] && (b < 0 || v > s.qValues[b]) ? i : b), -1);
      return { action: s.action, q: s.qValues, prob: s.epsilon / allowed + (s.action === greedy ? 1 - s.epsilon : 0) };
    }
    const s = this.micro.act(obs, mask, 0, 0);
    if (mode.kind === 'greedy') return { action: s.action, q: s.qValues, prob: 1 };
    // search: Boltzmann over the allowed Q-values
    const probs = new Float64Array(mask.length);
    let max = -Infinity;
    for (let i = 0; i < mask.length; i++) if (mask[i]) max = Math.max(max, s.qValues[i]);
    let z = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) z += probs[i] = Math.exp((s.qValues[i] - max) / mode.temperature);
    const action = mode.kind === 'replay' ? this.replayed(mode, i, mask) : this.rng.categorical(probs);
    return { action, q: s.qValues, prob: probs[action] / z };
  }
}
