/**
 * Best-first enumeration of programs in order of the trained policies' probability (the search the
 * agent solves with). The probability of a program is the product of its decisions' probabilities:
 * the PPO macro policy's π(STOP | state), or (1 − π(STOP)) × its choice of function flattened at
 * MACRO_TEMPERATURE, for every line, and the softmax of the DQN micro layer's Q-values at
 * MICRO_TEMPERATURE for every argument. Each state is the environment's (the
 * partial program, its lines' values on the shown examples), so the policies are asked again after
 * every line, as when they play an episode.
 *
 * Uniform-cost search over −log p (every decision costs ≥ 0): a priority queue of open decisions,
 * popped most probable first, yields complete programs in NON-INCREASING probability and each at
 * most once (a program is one sequence of decisions). Unlike i.i.d. sampling it never draws the same
 * program twice, so the whole budget of executions goes to distinct programs. Open nodes keep only
 * (parent state, action, log p); a state is materialised when its node is popped.
 * Pruned, as programs that compute nothing new: programs with a dead line, lines whose values some
 * earlier variable already holds on the shown examples, and states equivalent to one already
 * continued (see stateKey).
 */
import { maskedLogSoftmax } from '../nn';
import type { SynthAgent } from './agent';
import { FUNCTIONS, type Line, type Program } from './dsl';
import { MACRO_ACTIONS, MICRO_ACTIONS, STOP, SynthEpisode } from './env';
import type { SynthProblem } from './problems';

export interface RankedProgram {
  program: Program;
  /** log of the policies' probability of the program. */
  logProb: number;
  /** The decisions that write it (macro and micro action indices, in order; the last macro one may be STOP). */
  actions: number[];
}

export interface BestFirstOptions {
  maxLines?: number;
  /** Softmax temperature over the micro layer's Q-values (default MICRO_TEMPERATURE). */
  temperature?: number;
  /** Temperature of the macro policy's logits (default MACRO_TEMPERATURE; 1 = PPO's π itself). */
  macroTemperature?: number;
  /** Stop after expanding this many states (bounds the time of a search that finds nothing). */
  maxExpansions?: number;
  /** Counts the states expanded (each one ran its newest line on the shown examples, for the policies' observation). */
  stats?: { expansions: number };
}

/** Q-values are returns in [−0.1, 1]: a temperature below 1 makes their differences count (tuned on a validation set). */
export const MICRO_TEMPERATURE = 0.5;
/**
 * PPO's π is trained to act, so it is sharper than a prior over programs should be: search flattens
 * its choice of function (not its probability of STOP) at this temperature (tuned on a validation set).
 */
export const MACRO_TEMPERATURE = 2;

interface Expanded {
  ep: SynthEpisode;
  actions: number[];
}

interface Open {
  logProb: number;
  parent: Expanded;
  action: number;
  /** Insertion order: ties are broken first in, first out (deterministic). */
  seq: number;
}

/** A binary max-heap on (logProb, −seq). */
class Frontier {
  private readonly heap: Open[] = [];
  get size(): number {
    return this.heap.length;
  }
  private before(a: Open, b: Open): boolean {
    return a.logProb > b.logProb || (a.logProb === b.logProb && a.seq < b.seq);
  }
  push(n: Open): void {
    const h = this.heap;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Open | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** The log-probabilities of the current phase's allowed actions (−∞ elsewhere). */
export function decisionLogProbs(agent: SynthAgent, ep: SynthEpisode, temperature = MICRO_TEMPERATURE, mask = ep.mask(), macroTemperature = MACRO_TEMPERATURE): Float64Array {
  const obs = ep.observe();
  if (ep.phase === 'macro') {
    // P(STOP) is π's own; the rest of the mass goes to the functions by π's logits at the temperature
    const logits = agent.macro.actor.forward(obs, 1);
    const pi = new Float64Array(MACRO_ACTIONS);
    maskedLogSoftmax(logits, mask, 0, MACRO_ACTIONS, pi);
    const scaled = new Float64Array(MACRO_ACTIONS);
    for (let i = 0; i < MACRO_ACTIONS; i++) scaled[i] = logits[i] / macroTemperature;
    const fnMask = Uint8Array.from(mask);
    fnMask[STOP] = 0;
    const out = new Float64Array(MACRO_ACTIONS).fill(-Infinity);
    if (!fnMask.some((x) => x)) {
      out[STOP] = 0;
      return out;
    }
    maskedLogSoftmax(scaled, fnMask, 0, MACRO_ACTIONS, out);
    const stop = mask[STOP] ? Math.exp(pi[STOP]) : 0;
    if (stop >= 1) {
      out.fill(-Infinity);
      out[STOP] = 0;
      return out;
    }
    const rest = Math.log1p(-stop);
    for (let i = 0; i < STOP; i++) out[i] += rest;
    if (mask[STOP]) out[STOP] = pi[STOP];
    return out;
  }
  const q = agent.micro.qNetwork.forward(obs, 1);
  const scaled = new Float64Array(MICRO_ACTIONS);
  for (let i = 0; i < MICRO_ACTIONS; i++) scaled[i] = q[i] / temperature;
  const out = new Float64Array(MICRO_ACTIONS);
  maskedLogSoftmax(scaled, mask, 0, MICRO_ACTIONS, out);
  return out;
}

/** Complete programs, most probable first, each once. */
export function* programsByProbability(problem: SynthProblem, agent: SynthAgent, opts: BestFirstOptions = {}): Generator<RankedProgram> {
  const root = new SynthEpisode(problem, { maxLines: opts.maxLines, evaluate: false });
  if (root.phase === 'done') return;
  const states = new Set<string>();
  const frontier = new Frontier();
  let seq = 0;
  let expansions = 0;
  const maxExpansions = opts.maxExpansions ?? Infinity;
  const expand = (node: Expanded, logProb: number) => {
    expansions++;
    if (opts.stats) opts.stats.expansions++;
    const mask = node.ep.mask();
    if (!mask.some((x) => x)) return; // a dead end (the environment's masks leave none, but a search must not throw)
    const lp = decisionLogProbs(agent, node.ep, opts.temperature, mask, opts.macroTemperature);
    for (let a = 0; a < lp.length; a++) if (lp[a] > -Infinity) frontier.push({ logProb: logProb + lp[a], parent: node, action: a, seq: seq++ });
  };
  expand({ ep: root, actions: [] }, 0);
  while (frontier.size && expansions < maxExpansions) {
    const n = frontier.pop()!;
    const actions = [...n.parent.actions, n.action];
    const parent = n.parent.ep;
    if (parent.phase === 'macro' && n.action === STOP) {
      if (!deadLines(parent.lines, parent.inputs)) yield { program: parent.program(), logProb: n.logProb, actions };
      continue;
    }
    const ep = parent.clone();
    if (ep.phase === 'macro') ep.macro(n.action);
    else ep.micro(n.action);
    const dead = ep.phase === 'micro' ? 0 : deadLines(ep.lines, ep.inputs);
    if (ep.phase !== 'micro') {
      // observational equivalence on the shown examples (the values the policies observe anyway)
      const key = stateKey(ep);
      if (key === undefined || states.has(key)) continue;
      states.add(key);
    }
    if (ep.phase === 'done') {
      if (!dead) yield { program: ep.program(), logProb: n.logProb, actions };
    } else if (ep.phase === 'micro' || canBecomeTight(dead, ep.linesLeft)) expand({ ep, actions }, n.logProb);
  }
}

/**
 * What a state after a complete line means for the rest of the search: the number of lines, the
 * values of its variables on the shown examples (which are read, and the newest), up to renaming.
 * Two states with the same key lead to the same outputs, so only the more probable one (popped
 * first) is continued. Undefined for a line whose values some earlier variable already holds on every
 * shown example (`zipWith max xs xs`, `sort` of a sorted list): every program through it equals one
 * without it.
 */
function stateKey(ep: SynthEpisode): string | undefined {
  const n = ep.types.length;
  const cols: string[] = [];
  for (let v = 0; v < n; v++) cols.push(ep.types[v] + JSON.stringify(ep.values.map((vals) => vals[v] ?? null)));
  const newest = cols[n - 1];
  for (let v = 0; v < n - 1; v++) if (cols[v] === newest) return undefined;
  const read = new Set<number>();
  for (const l of ep.lines) for (const a of l.args) if ('var' in a) read.add(a.var);
  const rest = cols.slice(0, n - 1).map((c, v) => (read.has(v) ? 'r' : 'u') + c);
  return `${ep.lines.length}|${newest}|${rest.sort().join('|')}`;
}

/**
 * Whether `dead` unread lines plus the newest one can all still be read: k more lines read at most
 * MAX_READS·k variables and need the newest, the dead and all but the last of themselves read:
 * dead + 1 + (k − 1) ≤ MAX_READS·k for some k ≤ linesLeft (or no dead line: stop now).
 */
function canBecomeTight(dead: number, linesLeft: number): boolean {
  return dead === 0 || (linesLeft > 0 && dead <= (MAX_READS - 1) * linesLeft);
}

/** The most variables one line can read (zipWith: two lists): a bound on how many dead lines one more line can revive. */
const MAX_READS = Math.max(...FUNCTIONS.map((f) => f.params.filter((p) => p.kind === 'value' && !p.constOnly).length));

/**
 * Lines (all but the last) whose result no later line reads. A program with a dead line computes
 * what the program without it computes, which the search reaches on its own (shorter) path: such a
 * program is never yielded, and a state with more dead lines than the lines left can read is not expanded.
 */
export function deadLines(lines: readonly Line[], inputs: number): number {
  const read = new Set<number>();
  for (const l of lines) for (const a of l.args) if ('var' in a) read.add(a.var);
  let dead = 0;
  for (let i = 0; i < lines.length - 1; i++) if (!read.has(inputs + i)) dead++;
  return dead;
}
