/**
 * The synthesis environment: an episode writes a program line by line for one problem.
 *
 *   phase 'macro'  the MACRO policy picks the next function (FUNCTIONS index) or STOP
 *   phase 'micro'  the MICRO policy fills that function's parameters one at a time: a variable slot,
 *                  a lambda, or a constant (MICRO action = slot | SLOTS + lambda | SLOTS + LAMBDAS + const)
 *
 * Invalid choices are MASKED, never punished: a function is allowed only when every parameter has a
 * candidate of the right type AND the wanted output type stays reachable in the lines left (so the
 * last line always gives the output type); STOP only once the last line has the output type; a
 * micro action only when it has the parameter's type (a list argument also keeps the output
 * reachable). The line runs on the shown examples as soon as it is complete.
 *
 * Rewards: the episode's return is the final evaluation (reward.ts: partial credit on the shown
 * examples minus a cost per line), paid with potential-based shaping (Ng et al. 1999) — each completed
 * line earns SHAPING × (φ after − φ before), φ = the best mean credit of any line result, and the
 * terminal step pays the rest — so credit arrives where it is earned and the optimal policy is unchanged.
 */
import { CONSTS, FUNCTIONS, LAMBDAS, OverflowError, runLine, TYPES, type Arg, type DslFunction, type Line, type Program, type Type, type Value } from './dsl';
import { encodeObservation, MAX_INPUTS, MAX_LINES, OBS_SIZE, SLOTS, slotOf, varOfSlot } from './encode';
import { argumentChoices } from './generate';
import type { SynthProblem } from './problems';
import { evaluateProgram, exampleScore, passesAll, type Evaluation } from './reward';

export const STOP = FUNCTIONS.length;
export const MACRO_ACTIONS = FUNCTIONS.length + 1;
export const MICRO_ACTIONS = SLOTS + LAMBDAS.length + CONSTS.length;
export const MACRO_OBS_SIZE = OBS_SIZE;
export const MICRO_OBS_SIZE = OBS_SIZE + FUNCTIONS.length + 3 + MICRO_ACTIONS;
export const SHAPING = 0.5;

/** A micro action as a program argument. */
export function microArg(action: number, inputs: number, lines: number): Arg {
  if (action < SLOTS) return { var: varOfSlot(action, inputs, lines) };
  if (action < SLOTS + LAMBDAS.length) return { lambda: LAMBDAS[action - SLOTS].name };
  return { const: CONSTS[action - SLOTS - LAMBDAS.length] };
}

/** The micro action of a program argument (inverse of microArg). */
export function microAction(arg: Arg, inputs: number): number {
  if ('var' in arg) return slotOf(arg.var, inputs);
  if ('lambda' in arg) return SLOTS + LAMBDAS.findIndex((l) => l.name === arg.lambda);
  return SLOTS + LAMBDAS.length + CONSTS.indexOf(arg.const);
}

const bit = (t: Type) => 1 << TYPES.indexOf(t);

/** Why a problem cannot be attempted at all (too many inputs, output type unreachable), or undefined. */
export function unsolvableReason(problem: SynthProblem, maxLines = MAX_LINES): string | undefined {
  if (problem.inputs.length > MAX_INPUTS) return `${problem.inputs.length} inputs; the agent reads at most ${MAX_INPUTS}`;
  if (!new Reachability(problem.output).canFinish(problem.inputs.reduce((m, t) => m | bit(t), 0), undefined, maxLines))
    return `no DSL program of at most ${maxLines} lines turns (${problem.inputs.join(', ')}) into ${problem.output}`;
  return undefined;
}

/** Can a program over variables of these types still end with a value of the wanted type in `remaining` lines? */
class Reachability {
  private readonly memo = new Map<string, boolean>();
  constructor(readonly output: Type) {}

  canFinish(set: number, last: Type | undefined, remaining: number): boolean {
    if (last === this.output) return true;
    if (remaining <= 0) return false;
    const key = `${set}:${last}:${remaining}`;
    let r = this.memo.get(key);
    if (r === undefined) {
      r = false;
      const types = TYPES.filter((t) => set & bit(t));
      for (const f of FUNCTIONS) {
        for (const res of resultsOf(f, types)) if (this.canFinish(set | bit(res), res, remaining - 1)) r = true;
        if (r) break;
      }
      this.memo.set(key, r);
    }
    return r;
  }
}

/** The result types `f` can give over variables of these types ([] when it cannot be called). */
function resultsOf(f: DslFunction, types: readonly Type[]): Type[] {
  if (!argumentChoices(f, types)) return [];
  if (f.params.some((p) => p.kind === 'value' && p.type === 'list')) return [...new Set(types.filter((t) => t === '[int]' || t === '[str]').map((l) => f.result(l)))];
  return [f.result(undefined)];
}

export interface EpisodeResult {
  program: Program;
  evaluation: Evaluation;
  /** Exact on every shown example. */
  matchedShown: boolean;
  /** Exact on every shown and every held-back example. */
  solved: boolean;
}

export class SynthEpisode {
  phase: 'macro' | 'micro' | 'done' = 'macro';
  readonly types: Type[];
  readonly lines: Line[] = [];
  /** values[e][v] on each shown example. */
  readonly values: (Value | undefined)[][];
  private readonly used = new Set<number>();
  private readonly reach: Reachability;
  private readonly maxLines: number;
  private pending: { fn: DslFunction; args: Arg[]; list?: Type } | undefined;
  private potential = 0;
  private result: EpisodeResult | undefined;
  private readonly obs = new Float64Array(MACRO_OBS_SIZE);
  /** `obs` encodes the current lines (it changes only when a line completes; micro steps reuse it). */
  private obsFresh = false;

  /** Run the finished program on the shown examples (off for search, which runs and counts complete programs itself). */
  private readonly evaluate: boolean;

  constructor(readonly problem: SynthProblem, options: { maxLines?: number; evaluate?: boolean } = {}) {
    this.maxLines = Math.min(options.maxLines ?? MAX_LINES, MAX_LINES);
    this.evaluate = options.evaluate ?? true;
    this.types = [...problem.inputs];
    this.values = problem.shown.slice(0, 5).map((e) => [...e.input]);
    this.reach = new Reachability(problem.output);
    if (unsolvableReason(problem, this.maxLines)) this.phase = 'done';
  }

  /** An independent copy of this state (search expands several continuations of one partial program). */
  clone(): SynthEpisode {
    const c = Object.create(SynthEpisode.prototype) as SynthEpisode;
    Object.assign(c, this, {
      types: [...this.types],
      lines: this.lines.map((l) => ({ fn: l.fn, args: [...l.args] })),
      values: this.values.map((v) => [...v]),
      used: new Set(this.used),
      pending: this.pending && { ...this.pending, args: [...this.pending.args] },
      obs: Float64Array.from(this.obs),
    });
    return c;
  }

  /** Lines the program may still get. */
  get linesLeft(): number {
    return this.maxLines - this.lines.length;
  }

  get inputs(): number {
    return this.problem.inputs.length;
  }

  private typeSet(): number {
    return this.types.reduce((m, t) => m | bit(t), 0);
  }

  /** The observation of the current phase (the micro one adds the function, the parameter and the arguments so far). */
  observe(): Float64Array {
    if (!this.obsFresh)
      encodeObservation(
        { output: this.problem.output, wanted: this.problem.shown.map((e) => e.output), types: this.types, inputs: this.inputs, values: this.values, lineFns: this.lines.map((l) => FUNCTIONS.findIndex((f) => f.name === l.fn)), used: this.used },
        this.obs,
      );
    this.obsFresh = true;
    if (this.phase !== 'micro') return Float64Array.from(this.obs);
    const out = new Float64Array(MICRO_OBS_SIZE);
    out.set(this.obs);
    const p = this.pending!;
    out[OBS_SIZE + FUNCTIONS.indexOf(p.fn)] = 1;
    out[OBS_SIZE + FUNCTIONS.length + Math.min(p.args.length, 2)] = 1;
    for (const a of p.args) out[OBS_SIZE + FUNCTIONS.length + 3 + microAction(a, this.inputs)] = 1;
    return out;
  }

  /** 1 = allowed, for the current phase's actions. */
  mask(): Uint8Array {
    if (this.phase === 'micro') return this.microMask();
    const m = new Uint8Array(MACRO_ACTIONS);
    if (this.phase === 'done') return m;
    const set = this.typeSet();
    const remaining = this.maxLines - this.lines.length;
    if (remaining > 0) {
      const types = TYPES.filter((t) => set & bit(t));
      FUNCTIONS.forEach((f, i) => {
        if (resultsOf(f, types).some((r) => this.reach.canFinish(set | bit(r), r, remaining - 1))) m[i] = 1;
      });
    }
    if (this.lines.length && this.types[this.types.length - 1] === this.problem.output) m[STOP] = 1;
    return m;
  }

  private microMask(): Uint8Array {
    const m = new Uint8Array(MICRO_ACTIONS);
    const p = this.pending!;
    const param = p.fn.params[p.args.length];
    const choices = argumentChoices(p.fn, this.types)![p.args.length];
    const set = this.typeSet();
    const remaining = this.maxLines - this.lines.length - 1;
    for (const a of choices) {
      if (param.kind === 'value' && param.type === 'list' && 'var' in a) {
        const r = p.fn.result(this.types[a.var]);
        if (!this.reach.canFinish(set | bit(r), r, remaining)) continue;
      }
      m[microAction(a, this.inputs)] = 1;
    }
    return m;
  }

  /** Picks the next function, or STOP. Returns the reward of this step (non-zero only for STOP). */
  macro(action: number): number {
    if (this.phase !== 'macro') throw new Error(`macro action in phase ${this.phase}`);
    if (!this.mask()[action]) throw new Error(`macro action ${action} is masked`);
    if (action === STOP) return this.finish();
    this.pending = { fn: FUNCTIONS[action], args: [] };
    this.phase = 'micro';
    return 0;
  }

  /**
   * Fills the next parameter. When the line is complete it runs; the returned reward is the line's
   * shaping reward, plus the terminal reward when the program reached the maximum length.
   */
  micro(action: number): { reward: number; lineDone: boolean } {
    if (this.phase !== 'micro') throw new Error(`micro action in phase ${this.phase}`);
    if (!this.microMask()[action]) throw new Error(`micro action ${action} is masked`);
    const p = this.pending!;
    const arg = microArg(action, this.inputs, this.lines.length);
    const param = p.fn.params[p.args.length];
    if (param.kind === 'value' && param.type === 'list' && 'var' in arg) p.list = this.types[arg.var];
    p.args.push(arg);
    if (p.args.length < p.fn.params.length) return { reward: 0, lineDone: false };
    return { reward: this.completeLine(), lineDone: true };
  }

  private completeLine(): number {
    const p = this.pending!;
    const line: Line = { fn: p.fn.name, args: p.args };
    const type = p.fn.result(p.list);
    this.types.push(type);
    this.values.forEach((vals) => {
      let v: Value | undefined;
      if (line.args.every((a) => !('var' in a) || vals[a.var] !== undefined)) {
        try {
          v = runLine(line, vals as Value[], this.types);
        } catch (err) {
          if (!(err instanceof OverflowError)) throw err;
        }
      }
      vals.push(v);
    });
    for (const a of line.args) if ('var' in a) this.used.add(a.var);
    this.lines.push(line);
    this.obsFresh = false;
    this.pending = undefined;
    this.phase = 'macro';
    const before = this.potential;
    this.potential = this.currentPotential();
    let reward = SHAPING * (this.potential - before);
    if (this.lines.length >= this.maxLines) reward += this.finish();
    return reward;
  }

  /** φ: the best mean credit of any line result on the shown examples. */
  private currentPotential(): number {
    let best = 0;
    for (let v = this.inputs; v < this.types.length; v++) {
      if (this.types[v] !== this.problem.output) continue;
      let s = 0;
      this.values.forEach((vals, e) => (s += exampleScore(vals[v], this.problem.shown[e].output)));
      best = Math.max(best, s / Math.max(1, this.values.length));
    }
    return best;
  }

  private finish(): number {
    const program = this.program();
    if (!this.evaluate) {
      this.phase = 'done';
      return 0;
    }
    const evaluation = evaluateProgram(program, this.problem.shown);
    const matchedShown = this.lines.length > 0 && evaluation.matched === evaluation.total;
    this.result = { program, evaluation, matchedShown, solved: matchedShown && passesAll(program, this.problem.heldOut) };
    this.phase = 'done';
    return evaluation.reward - SHAPING * this.potential;
  }

  program(): Program {
    return { inputs: [...this.problem.inputs], lines: this.lines.map((l) => ({ fn: l.fn, args: [...l.args] })) };
  }

  /** The final result (undefined until the episode is done; an unsolvable problem gives an empty program). */
  outcome(): EpisodeResult | undefined {
    if (this.phase === 'done' && !this.result) {
      const program = this.program();
      this.result = { program, evaluation: { reward: 0, matched: 0, total: this.problem.shown.length, outputs: [] }, matchedShown: false, solved: false };
    }
    return this.result;
  }
}

