/**
 * Solving a problem within a budget of program EXECUTIONS, three ways, counted identically: each
 * distinct complete program checked against the shown examples is one execution (a program seen
 * before is not run again and not counted; the held-back check of a program that matched the shown
 * examples is not counted either). Search stops at the first program that matches every shown
 * example; "solved" means it also passes the held-back ones.
 *
 *   solveWithAgent    programs in order of the trained policies' probability (PPO macro × softmax over
 *                     the DQN's Q-values for the micro layer), best first (bestFirst.ts); a program
 *                     with dead lines is run as the program without them. Or (strategy 'sample')
 *                     i.i.d. samples from the policies, the first one greedy
 *   randomSearch      random well-typed, tight programs of random length whose output has the wanted type
 *   enumerate         every tight well-typed program in order of length (1, then 2, …)
 */
import { Rng } from '../../shared/rng';
import { isTight, FUNCTIONS, pruneDeadLines, type Arg, type Line, type Program, type Type } from './dsl';
import { MAX_LINES } from './encode';
import { unsolvableReason } from './env';
import { argumentChoices, sampleProgram } from './generate';
import type { SynthProblem } from './problems';
import { evaluateProgram, passesAll } from './reward';
import type { EpisodeRecord, SynthAgent } from './agent';
import { MICRO_TEMPERATURE, programsByProbability } from './bestFirst';

export interface SolveResult {
  problemId: string;
  solved: boolean;
  /** A program matched every shown example (it may still fail held-back ones). */
  matchedShown: boolean;
  /** The first program that matched the shown examples, else the best by reward. */
  program?: Program;
  reward: number;
  programsExecuted: number;
  /**
   * Which execution (1-based) matched the shown examples, when one did. The search order does not
   * depend on the budget, so the same search with any budget ≥ this would have stopped there too: one
   * search at a large budget gives the solves at every smaller budget.
   */
  matchedAt?: number;
  /** Best-first: states expanded when the match was yielded (the search's time bound also caps them per budget). */
  statesAtMatch?: number;
  /** Random search: attempts (duplicates included) when the match was drawn (also capped per budget). */
  attemptsAtMatch?: number;
  /** Best-first search: partial-program states the policies were asked about (not program executions). */
  statesExpanded?: number;
  /** Why the problem could not be attempted. */
  error?: string;
}

export interface SearchOptions {
  budget: number;
  maxLines?: number;
  seed?: number;
  signal?: AbortSignal;
}

/** Budget accounting shared by the three searches. */
class Tracker {
  readonly seen = new Set<string>();
  executed = 0;
  best: { program: Program; reward: number } | undefined;
  hit: Program | undefined;
  hitAt: number | undefined;
  constructor(readonly problem: SynthProblem, readonly budget: number) {}

  get done(): boolean {
    return this.hit !== undefined || this.executed >= this.budget;
  }

  /** Counts and checks a program; true when it matches every shown example. */
  check(program: Program): boolean {
    const key = JSON.stringify(program.lines);
    if (this.seen.has(key) || this.done) return false;
    this.seen.add(key);
    this.executed++;
    const ev = evaluateProgram(program, this.problem.shown);
    if (!this.best || ev.reward > this.best.reward) this.best = { program, reward: ev.reward };
    if (ev.matched === ev.total && program.lines.length) {
      this.hit = program;
      this.hitAt = this.executed;
      return true;
    }
    return false;
  }

  result(): SolveResult {
    // dead lines change nothing the program computes: the reported solution is the program without them
    const found = this.hit ?? this.best?.program;
    const program = found && found.lines.length ? pruneDeadLines(found) : found;
    return {
      problemId: this.problem.id,
      solved: this.hit ? passesAll(this.hit, this.problem.heldOut) : false,
      matchedShown: !!this.hit,
      program,
      reward: this.best?.reward ?? 0,
      programsExecuted: this.executed,
      ...(this.hitAt !== undefined ? { matchedAt: this.hitAt } : {}),
    };
  }
}

const refused = (problem: SynthProblem, error: string): SolveResult => ({ problemId: problem.id, solved: false, matchedShown: false, reward: 0, programsExecuted: 0, error });

/** States best-first search may expand per execution of budget (bounds the time of a search that finds nothing). */
export const EXPANSIONS_PER_EXECUTION = 40;

export interface AgentSearchOptions extends SearchOptions {
  /** 'best-first' (default): programs in order of the policies' probability, each once; 'sample': i.i.d. episodes. */
  strategy?: 'best-first' | 'sample';
  /** Micro softmax temperature (default MICRO_TEMPERATURE for best-first, 0.5 for sampling). maxLines defaults to agent.searchLines. */
  temperature?: number;
  /** Best-first: at most this many expanded states (default budget × EXPANSIONS_PER_EXECUTION). */
  maxExpansions?: number;
  /** Every executed program as an episode (best-first: the replayed decisions that write it). */
  onEpisode?: (e: EpisodeRecord) => void;
}

/** Searches programs with the agent's policies until one matches the shown examples or the budget is spent. */
export function solveWithAgent(problem: SynthProblem, agent: SynthAgent, optsIn: AgentSearchOptions): SolveResult {
  // the agent's own depth, unless its output type needs more lines (then the DSL's, as the baselines)
  const depth = optsIn.maxLines ?? (unsolvableReason(problem, agent.searchLines) ? MAX_LINES : agent.searchLines);
  const opts = { ...optsIn, maxLines: depth };
  const why = unsolvableReason(problem, opts.maxLines);
  if (why) return refused(problem, why);
  const t = new Tracker(problem, opts.budget);
  if ((opts.strategy ?? 'best-first') === 'best-first') {
    const temperature = opts.temperature ?? MICRO_TEMPERATURE;
    const stats = { expansions: 0 };
    let statesAtMatch: number | undefined;
    const ranked = programsByProbability(problem, agent, { maxLines: opts.maxLines, temperature, stats, maxExpansions: opts.maxExpansions ?? opts.budget * EXPANSIONS_PER_EXECUTION });
    for (const { program, actions } of ranked) {
      if (t.done || opts.signal?.aborted) break;
      const before = t.executed;
      if (t.check(pruneDeadLines(program))) statesAtMatch = stats.expansions;
      if (opts.onEpisode && t.executed > before) opts.onEpisode(agent.runEpisode(problem, { kind: 'replay', actions, temperature }, { maxLines: opts.maxLines }));
    }
    return { ...t.result(), statesExpanded: stats.expansions, ...(statesAtMatch !== undefined ? { statesAtMatch } : {}) };
  }
  // a budget of attempts, not only of executions: repeated samples cost no execution but do cost time
  for (let attempt = 0; !t.done && attempt < opts.budget * 20 && !opts.signal?.aborted; attempt++) {
    const mode = attempt === 0 ? ({ kind: 'greedy' } as const) : ({ kind: 'sample', temperature: opts.temperature ?? 0.5 } as const);
    const ep = agent.runEpisode(problem, mode, { maxLines: opts.maxLines });
    opts.onEpisode?.(ep);
    t.check(ep.result.program);
  }
  return t.result();
}

/** Random draws per execution of budget (duplicates and untight programs cost no execution but do cost time). */
export const RANDOM_ATTEMPTS_PER_EXECUTION = 50;

/**
 * Whether a search run at some budget would also have solved the problem with a smaller `budget`:
 * it matched within `budget` executions and within the time bounds that budget gives (best-first's
 * expansions, random search's draws). Every search's order is independent of its budget, so this
 * counts exactly what a separate search at `budget` would (test/unit/synth-search.test.ts); not for the
 * agent's 'sample' strategy, whose draws are not recorded.
 */
export function solvedWithin(r: SolveResult, budget: number): boolean {
  if (!r.solved || r.matchedAt === undefined || r.matchedAt > budget) return false;
  if (r.statesAtMatch !== undefined && r.statesAtMatch >= budget * EXPANSIONS_PER_EXECUTION) return false;
  if (r.attemptsAtMatch !== undefined && r.attemptsAtMatch >= budget * RANDOM_ATTEMPTS_PER_EXECUTION) return false;
  return true;
}

/** Random well-typed, tight programs (length uniform in 1…maxLines) ending in the output type. */
export function randomSearch(problem: SynthProblem, opts: SearchOptions): SolveResult {
  const why = unsolvableReason(problem, opts.maxLines);
  if (why) return refused(problem, why);
  const rng = new Rng(opts.seed ?? 1);
  const t = new Tracker(problem, opts.budget);
  const maxLines = opts.maxLines ?? MAX_LINES;
  let attemptsAtMatch: number | undefined;
  for (let attempt = 0; !t.done && attempt < opts.budget * RANDOM_ATTEMPTS_PER_EXECUTION && !opts.signal?.aborted; attempt++) {
    const program = sampleProgram(rng, problem.inputs, 1 + rng.int(maxLines), problem.output, 1);
    if (program && isTight(program) && t.check(program)) attemptsAtMatch = attempt;
  }
  return { ...t.result(), ...(attemptsAtMatch !== undefined ? { attemptsAtMatch } : {}) };
}

/** Every tight well-typed program ending in the output type, shortest first, in a fixed order. */
export function* enumeratePrograms(inputs: readonly Type[], output: Type, maxLines = MAX_LINES): Generator<Program> {
  for (let length = 1; length <= maxLines; length++) {
    const lines: Line[] = [];
    const types: Type[] = [...inputs];
    function* extend(): Generator<Program> {
      const depth = lines.length;
      if (depth === length) {
        const p = { inputs: [...inputs], lines: lines.map((l) => ({ fn: l.fn, args: [...l.args] })) };
        if (types[types.length - 1] === output && isTight(p)) yield p;
        return;
      }
      for (const fn of FUNCTIONS) {
        const choices = argumentChoices(fn, types);
        if (!choices) continue;
        const args: Arg[] = [];
        function* fill(k: number): Generator<Program> {
          if (k === choices!.length) {
            let list: Type | undefined;
            fn.params.forEach((p, i) => {
              const a = args[i];
              if (p.kind === 'value' && p.type === 'list' && 'var' in a) list = types[a.var];
            });
            const r = fn.result(list);
            if (depth === length - 1 && r !== output) return;
            lines.push({ fn: fn.name, args: [...args] });
            types.push(r);
            yield* extend();
            lines.pop();
            types.pop();
            return;
          }
          for (const a of choices![k]) {
            args.push(a);
            yield* fill(k + 1);
            args.pop();
          }
        }
        yield* fill(0);
      }
    }
    yield* extend();
  }
}

export function enumerate(problem: SynthProblem, opts: SearchOptions): SolveResult {
  const why = unsolvableReason(problem, opts.maxLines);
  if (why) return refused(problem, why);
  const t = new Tracker(problem, opts.budget);
  for (const program of enumeratePrograms(problem.inputs, problem.output, opts.maxLines)) {
    if (t.done || opts.signal?.aborted) break;
    t.check(program);
  }
  return t.result();
}

