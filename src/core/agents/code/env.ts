/**
 * One episode of the code agent on one problem: a language model proposes candidate solutions and
 * tests, the agent decides what to do next, the sandbox judges.
 *
 *   macro (PPO)  draw candidates (plain / plan first / test first), draw generated tests, run a
 *                candidate on the visible examples, run it on the generated tests (the examples ride
 *                along in the same run), repair a failing candidate (live generators only), submit
 *   micro (DQN)  which candidate the run or repair applies to, which behaviour cluster to submit
 *
 * Clusters follow CodeT's dual execution agreement: candidates that pass exactly the same tests are
 * one cluster, scored by (candidates in it) × (tests they pass). The reward is the hidden tests'
 * verdict of the submission (judged in the sandbox; the agent never sees those tests) in a composite
 * with efficiency and novelty, minus costs for runs and generated tokens.
 */
import type { Problem, Sample } from '../../eval/types';
import { isFullFunction } from '../../eval/samples';
import { pythonImports } from '../../eval/problems';
import type { ChatMessage } from '../../rewards/types';
import type { TextGenerator } from '../../models/generation';
import { ReplayGenerator, estimateTokens } from '../../models/generators/replay';
import { throwIfAborted } from '../../models/errors';
import type { CodeExecutor, HiddenVerdict } from './executor';
import { codeFromChat, cutAtStop, examplesFromPrompt, testsFromGeneration } from './tests';

export const MACRO_NAMES = ['draw-plain', 'draw-plan-first', 'draw-test-first', 'draw-tests', 'run-examples', 'run-tests', 'repair', 'submit'] as const;
export type MacroName = (typeof MACRO_NAMES)[number];
export const MACRO_ACTIONS = MACRO_NAMES.length;
const [DRAW_PLAIN, DRAW_PLAN, DRAW_TEST_FIRST, DRAW_TESTS, RUN_EXAMPLES, RUN_TESTS, REPAIR, SUBMIT] = MACRO_NAMES.map((_, i) => i);
export { SUBMIT };
/** Candidates or clusters a micro decision chooses among. */
export const SLOTS = 8;
const SLOT_FEATURES = 8;
export const MACRO_OBS_SIZE = 15;
export const MICRO_OBS_SIZE = MACRO_OBS_SIZE + MACRO_ACTIONS + SLOTS * SLOT_FEATURES;

/** The composite reward: the seeds' accuracy / efficiency / novelty, and what runs and tokens cost. */
export interface RewardWeights {
  accuracy: number;
  /** Paid only for a correct submission, in proportion to the runs it left unspent. */
  efficiency: number;
  /** Share of distinct behaviours among the candidates run. */
  novelty: number;
  /** Per candidate run. */
  runCost: number;
  /** Per generated token. */
  tokenCost: number;
}
export const REWARD_DEFAULTS: RewardWeights = { accuracy: 0.6, efficiency: 0.3, novelty: 0.1, runCost: 0.001, tokenCost: 0.000_001 };

export interface EnvConfig {
  /** Candidate runs per problem. */
  budget: number;
  /** Candidates one draw action asks for. */
  drawBatch: number;
  /** Test generations one draw-tests action asks for. */
  testBatch: number;
  /** At most this many candidates and test generations per problem. */
  maxCandidates: number;
  maxTestGenerations: number;
  maxTokens: number;
  temperature: number;
  reward: RewardWeights;
}
export const ENV_DEFAULTS: Omit<EnvConfig, 'reward'> = { budget: 20, drawBatch: 5, testBatch: 10, maxCandidates: 100, maxTestGenerations: 100, maxTokens: 512, temperature: 0.8 };

export interface CodeTask {
  problem: Problem;
  /** The prompt's examples as asserts: tests the agent may see. */
  examples: string[];
}

export function codeTask(problem: Problem): CodeTask {
  return { problem, examples: examplesFromPrompt(problem.prefix ?? problem.statement, problem.entryPoint) };
}

export interface Candidate {
  index: number;
  sample: Sample;
  /** The whole Python program that runs. */
  program: string;
  strategy: MacroName;
  repairOf?: number;
  /** Results on the visible examples, once run. */
  examples?: boolean[];
  /** Results on generated tests 0…testPass.length − 1 (those it was run on). */
  testPass: boolean[];
}

export interface Cluster {
  members: number[];
  passed: number;
  score: number;
  examples: number;
}

export interface EpisodeOutcome {
  submitted?: Candidate;
  verdict?: HiddenVerdict;
  solved: boolean;
  runs: number;
  llmCalls: number;
  tokens: number;
  candidates: number;
  tests: number;
  /** The composite's parts. */
  accuracy: number;
  efficiency: number;
  novelty: number;
}

const MACRO_PROMPTS: Record<'draw-plain' | 'draw-plan-first' | 'draw-test-first', string> = {
  'draw-plain': 'Complete the Python function. Answer with the whole function in one ```python block.',
  'draw-plan-first': 'Complete the Python function. First write a short plan as comments inside the function, then the code. Answer with the whole function in one ```python block.',
  'draw-test-first': 'Complete the Python function. First think of three input/output examples and write them as comments inside the function, then the code. Answer with the whole function in one ```python block.',
};

export class CodeEpisode {
  readonly candidates: Candidate[] = [];
  readonly tests: string[] = [];
  private readonly seenTests = new Set<string>();
  testGenerations = 0;
  runs = 0;
  llmCalls = 0;
  tokens = 0;
  steps = 0;
  phase: 'macro' | 'micro' | 'done' = 'macro';
  pending = -1;
  private slotItems: number[] = [];
  private clusterCache?: Cluster[];
  outcome?: EpisodeOutcome;
  /** What the last action did, in words (drawn, run, repaired, submitted), for the episode's trace. */
  note = '';
  private exhausted = { solution: false, tests: false };
  readonly maxSteps: number;

  constructor(
    readonly task: CodeTask,
    readonly generator: TextGenerator,
    readonly executor: CodeExecutor,
    readonly config: EnvConfig,
    readonly signal?: AbortSignal,
  ) {
    if (generator instanceof ReplayGenerator) generator.rewind(task.problem.id);
    this.maxSteps = 4 * config.budget + 2 * (config.maxCandidates / config.drawBatch + config.maxTestGenerations / config.testBatch) + 10;
  }

  private get replay(): ReplayGenerator | undefined {
    return this.generator instanceof ReplayGenerator ? this.generator : undefined;
  }

  private canDraw(kind: 'solution' | 'tests'): boolean {
    if (this.exhausted[kind]) return false;
    if (kind === 'solution' ? this.candidates.length >= this.config.maxCandidates : this.testGenerations >= this.config.maxTestGenerations) return false;
    return !this.replay || this.replay.remaining(this.task.problem.id, kind) > 0;
  }

  private runnable(kind: 'examples' | 'tests'): number[] {
    if (this.runs >= this.config.budget) return [];
    const out: number[] = [];
    for (const c of this.candidates) {
      if (kind === 'examples' ? !c.examples && this.task.examples.length > 0 : c.testPass.length < this.tests.length || (!c.examples && this.task.examples.length > 0 && this.tests.length > 0)) out.push(c.index);
      if (out.length >= SLOTS) break;
    }
    return out;
  }

  private repairable(): number[] {
    if (this.replay) return [];
    return this.candidates.filter((c) => c.examples?.includes(false) || c.testPass.includes(false)).slice(0, SLOTS).map((c) => c.index);
  }

  macroMask(): Uint8Array {
    const m = new Uint8Array(MACRO_ACTIONS);
    const draw = this.canDraw('solution');
    // replayed generations were recorded with one prompt: the other strategies would be the same draw
    m[DRAW_PLAIN] = +draw;
    m[DRAW_PLAN] = m[DRAW_TEST_FIRST] = +(draw && !this.replay);
    m[DRAW_TESTS] = +this.canDraw('tests');
    m[RUN_EXAMPLES] = +(this.runnable('examples').length > 0);
    m[RUN_TESTS] = +(this.tests.length > 0 && this.runnable('tests').length > 0);
    m[REPAIR] = +(this.repairable().length > 0 && this.canDraw('solution'));
    m[SUBMIT] = +(this.candidates.length > 0);
    return m;
  }

  /** CodeT's consensus sets among the candidates run on the generated tests, best first. */
  clusters(): Cluster[] {
    if (this.clusterCache) return this.clusterCache;
    const groups = new Map<string, number[]>();
    for (const c of this.candidates) {
      if (!c.testPass.length) continue;
      const key = this.tests.map((_, i) => (i < c.testPass.length ? (c.testPass[i] ? '1' : '0') : '?')).join('') + '|' + (c.examples ? c.examples.map((x) => +x).join('') : '?');
      const g = groups.get(key);
      if (g) g.push(c.index);
      else groups.set(key, [c.index]);
    }
    const out: Cluster[] = [...groups.values()].map((members) => {
      const first = this.candidates[members[0]];
      const passed = first.testPass.filter(Boolean).length;
      return { members, passed, score: members.length * passed, examples: exampleSign(first) };
    });
    // those that pass the visible examples first (a user's own examples are the surest tests), then CodeT's order
    out.sort((a, b) => b.examples - a.examples || b.score - a.score || b.members.length - a.members.length || a.members[0] - b.members[0]);
    return (this.clusterCache = out);
  }

  observe(): Float64Array {
    const o = new Float64Array(MACRO_OBS_SIZE);
    const n = this.candidates.length;
    const ranTests = this.candidates.filter((c) => c.testPass.length > 0).length;
    const ranExamples = this.candidates.filter((c) => c.examples).length;
    const cl = this.clusters();
    const top = cl[0];
    o[0] = this.runs / this.config.budget;
    o[1] = n / this.config.maxCandidates;
    o[2] = this.testGenerations / this.config.maxTestGenerations;
    o[3] = Math.min(1, this.tests.length / 200);
    o[4] = n ? ranTests / n : 0;
    o[5] = n ? ranExamples / n : 0;
    o[6] = ranTests ? cl.length / ranTests : 0;
    o[7] = top && ranTests ? top.members.length / ranTests : 0;
    o[8] = top && this.tests.length ? top.passed / this.tests.length : 0;
    o[9] = top ? top.examples : 0;
    o[10] = ranExamples ? this.candidates.filter((c) => c.examples && !c.examples.includes(false)).length / ranExamples : 0;
    o[11] = top && top.score > 0 ? (top.score - (cl[1]?.score ?? 0)) / top.score : 0;
    o[12] = this.task.examples.length ? 1 : 0;
    o[13] = this.canDraw('solution') ? 1 : 0;
    o[14] = this.steps / this.maxSteps;
    return o;
  }

  /** The options of the pending micro decision: candidate indices (run, repair) or cluster ranks (submit). */
  private options(): number[] {
    if (this.pending === RUN_EXAMPLES) return this.runnable('examples');
    if (this.pending === RUN_TESTS) return this.runnable('tests');
    if (this.pending === REPAIR) return this.repairable();
    const cl = this.clusters();
    // nothing run on tests yet: each candidate is its own choice
    return cl.length ? cl.slice(0, SLOTS).map((_, i) => i) : this.candidates.slice(0, SLOTS).map((c) => c.index);
  }

  microObserve(): Float64Array {
    const o = new Float64Array(MICRO_OBS_SIZE);
    o.set(this.observe(), 0);
    o[MACRO_OBS_SIZE + this.pending] = 1;
    const base = MACRO_OBS_SIZE + MACRO_ACTIONS;
    const cl = this.clusters();
    const ranTests = this.candidates.filter((c) => c.testPass.length > 0).length;
    const ranPrograms = new Set(this.candidates.filter((c) => c.testPass.length || c.examples).map((c) => c.program));
    this.slotItems.forEach((item, s) => {
      const f = base + s * SLOT_FEATURES;
      o[f] = 1;
      o[f + 7] = s / SLOTS;
      if (this.pending === SUBMIT && cl.length) {
        const c = cl[item];
        o[f + 1] = ranTests ? c.members.length / ranTests : 0;
        o[f + 2] = this.tests.length ? c.passed / this.tests.length : 0;
        o[f + 3] = c.examples;
        o[f + 4] = cl[0].score > 0 ? c.score / cl[0].score : 0;
        o[f + 5] = Math.min(1, this.candidates[c.members[0]].sample.code.length / 2000);
        o[f + 6] = c.members.filter((m) => this.candidates[m].repairOf !== undefined).length / c.members.length;
        return;
      }
      const c = this.candidates[item];
      o[f + 1] = Math.min(1, c.sample.code.length / 2000);
      o[f + 2] = ranPrograms.has(c.program) && !(c.testPass.length || c.examples) ? 1 : 0;
      o[f + 3] = exampleSign(c);
      o[f + 4] = c.testPass.length ? c.testPass.filter(Boolean).length / c.testPass.length : 0;
      o[f + 5] = this.tests.length ? c.testPass.length / this.tests.length : 0;
      o[f + 6] = c.repairOf !== undefined ? 1 : 0;
    });
    return o;
  }

  microMask(): Uint8Array {
    const m = new Uint8Array(SLOTS);
    for (let i = 0; i < this.slotItems.length; i++) m[i] = 1;
    return m;
  }

  /** What a slot of the pending micro decision stands for: "candidate #3", "cluster 1 (candidates #2, #5)". */
  slotLabel(slot: number): string {
    const item = this.slotItems[slot];
    if (item === undefined) return `slot ${slot}`;
    const cl = this.pending === SUBMIT ? this.clusters() : [];
    if (!cl.length) return `candidate #${item}`;
    const members = cl[item].members;
    return `cluster ${item + 1} (${members.length === 1 ? 'candidate' : 'candidates'} ${members.slice(0, 4).map((m) => `#${m}`).join(', ')}${members.length > 4 ? ', …' : ''})`;
  }

  /** Applies a macro action; returns its reward (costs). A run, repair or submit waits for its micro decision. */
  async macro(a: number): Promise<number> {
    if (this.phase !== 'macro') throw new Error(`macro action while the episode is ${this.phase}`);
    if (!this.macroMask()[a]) throw new Error(`macro action ${MACRO_NAMES[a] ?? a} is not allowed now`);
    this.steps++;
    if (a === RUN_EXAMPLES || a === RUN_TESTS || a === REPAIR || a === SUBMIT) {
      this.pending = a;
      this.slotItems = this.options();
      this.phase = 'micro';
      this.note = `chooses among ${this.slotItems.length} option${this.slotItems.length === 1 ? '' : 's'}`;
      return 0;
    }
    const tokens0 = this.tokens;
    const before = { candidates: this.candidates.length, tests: this.tests.length };
    if (a === DRAW_TESTS) await this.drawTests();
    else await this.drawCandidates(MACRO_NAMES[a] as keyof typeof MACRO_PROMPTS);
    const drawn = a === DRAW_TESTS ? this.tests.length - before.tests : this.candidates.length - before.candidates;
    this.note = a === DRAW_TESTS ? `${drawn} new generated test${drawn === 1 ? '' : 's'} (${this.tests.length} in all)` : drawn ? `candidates #${before.candidates}–#${this.candidates.length - 1} drawn` : 'no candidate drawn';
    this.clusterCache = undefined;
    const reward = -(this.tokens - tokens0) * this.config.reward.tokenCost;
    return this.steps >= this.maxSteps ? reward + (await this.autoSubmit()) : reward;
  }

  /** Applies the micro decision (a slot) of the pending macro action; returns its reward. */
  async micro(slot: number): Promise<number> {
    if (this.phase !== 'micro') throw new Error(`micro action while the episode is ${this.phase}`);
    const item = this.slotItems[slot];
    if (item === undefined) throw new Error(`micro action ${slot} is not allowed now`);
    const a = this.pending;
    this.phase = 'macro';
    this.pending = -1;
    if (a === SUBMIT) {
      const cl = this.clusters();
      const c = cl.length ? this.candidates[cl[item].members[0]] : this.candidates[item];
      const reward = await this.submit(c);
      this.note = `submitted candidate #${c.index}: hidden tests ${this.outcome?.solved ? 'pass' : `fail (${this.outcome?.verdict?.verdict ?? 'not judged'})`}`;
      return reward;
    }
    const tokens0 = this.tokens;
    const runs0 = this.runs;
    const c = this.candidates[item];
    if (a === REPAIR) {
      const n = this.candidates.length;
      await this.repair(c);
      this.note = this.candidates.length > n ? `candidate #${c.index} repaired as #${n}` : `the repair of candidate #${c.index} drew nothing`;
    } else {
      await this.run(c, a === RUN_TESTS);
      const ex = c.examples ? `examples ${c.examples.filter(Boolean).length}/${c.examples.length}` : '';
      const ts = c.testPass.length ? `generated tests ${c.testPass.filter(Boolean).length}/${c.testPass.length}` : '';
      this.note = `ran candidate #${c.index}: ${[ex, ts].filter(Boolean).join(', ') || 'nothing to run'}`;
    }
    this.clusterCache = undefined;
    const r = this.config.reward;
    const reward = -(this.runs - runs0) * r.runCost - (this.tokens - tokens0) * r.tokenCost;
    return this.steps >= this.maxSteps ? reward + (await this.autoSubmit()) : reward;
  }

  /** The step limit: submit CodeT's choice (or the first candidate), or end unsolved with none. */
  private async autoSubmit(): Promise<number> {
    const cl = this.clusters();
    const pick = cl.length ? this.candidates[cl[0].members[0]] : this.candidates[0];
    if (pick) return this.submit(pick);
    this.finish(undefined, undefined);
    return 0;
  }

  private async submit(c: Candidate): Promise<number> {
    const verdict = await this.executor.judgeHidden(this.task.problem, c.sample);
    return this.finish(c, verdict);
  }

  /** Ends the episode (also when nothing can be done any more); returns the terminal reward. */
  finish(c: Candidate | undefined, verdict: HiddenVerdict | undefined): number {
    const r = this.config.reward;
    const accuracy = verdict?.passed ? 1 : 0;
    const efficiency = accuracy * Math.max(0, 1 - this.runs / this.config.budget);
    const ran = this.candidates.filter((x) => x.testPass.length).length;
    const novelty = ran ? this.clusters().length / ran : 0;
    this.outcome = { submitted: c, verdict, solved: accuracy === 1, runs: this.runs, llmCalls: this.llmCalls, tokens: this.tokens, candidates: this.candidates.length, tests: this.tests.length, accuracy, efficiency, novelty };
    this.phase = 'done';
    return r.accuracy * accuracy + r.efficiency * efficiency + r.novelty * novelty;
  }

  private async generate(messages: ChatMessage[], kind: 'solution' | 'tests'): Promise<string | undefined> {
    try {
      throwIfAborted(this.signal);
      const g = await this.generator.generate({ messages, maxTokens: this.config.maxTokens, temperature: this.config.temperature, signal: this.signal, task: { id: this.task.problem.id, kind } });
      // a generator may answer a cancel with the text it had: the episode ends as when it throws
      throwIfAborted(this.signal);
      this.llmCalls++;
      this.tokens += g.usage.completionTokens || estimateTokens(g.text);
      if (g.finishReason === 'cancelled' || g.finishReason === 'error') return undefined;
      return g.text;
    } catch (err) {
      if (this.signal?.aborted) throw err;
      // a replay that ran out, or a provider that failed: no more of this kind in this episode
      this.exhausted[kind] = true;
      this.lastError = err;
      return undefined;
    }
  }
  lastError: unknown;

  private addCandidate(text: string, strategy: MacroName, repairOf?: number) {
    const p = this.task.problem;
    // a chat answer's code block as it is; a raw continuation of the prompt cut where CodeT cuts it
    const code = text.includes('```') ? codeFromChat(text) : cutAtStop(text);
    const full = isFullFunction(code, p);
    const sample: Sample = { problemId: p.id, index: this.candidates.length, language: 'python', kind: full ? 'program' : 'completion', code };
    const program = full ? (p.prefix ? pythonImports(p.prefix) + '\n' : '') + code : (p.prefix ?? '') + sample.code;
    this.candidates.push({ index: this.candidates.length, sample, program, strategy, testPass: [], ...(repairOf !== undefined ? { repairOf } : {}) });
  }

  private async drawCandidates(strategy: keyof typeof MACRO_PROMPTS) {
    const prompt = this.task.problem.prefix ?? this.task.problem.statement;
    for (let i = 0; i < this.config.drawBatch && this.canDraw('solution'); i++) {
      const text = await this.generate([{ role: 'system', content: MACRO_PROMPTS[strategy] }, { role: 'user', content: prompt }], 'solution');
      if (text !== undefined) this.addCandidate(text, strategy);
    }
  }

  private async drawTests() {
    const p = this.task.problem;
    const prompt = `${p.prefix ?? p.statement}\n    pass\n\n# check the correctness of ${p.entryPoint}\nassert `;
    for (let i = 0; i < this.config.testBatch && this.canDraw('tests'); i++) {
      const text = await this.generate([{ role: 'system', content: `Write test cases for the Python function ${p.entryPoint}: one \`assert\` statement per line, nothing else.` }, { role: 'user', content: prompt }], 'tests');
      this.testGenerations++;
      if (text === undefined) continue;
      for (const t of testsFromGeneration(text, p.entryPoint)) {
        if (this.seenTests.has(t)) continue;
        this.seenTests.add(t);
        this.tests.push(t);
      }
    }
  }

  private async run(c: Candidate, onTests: boolean) {
    this.runs++;
    const examples = c.examples ? [] : this.task.examples;
    const fresh = onTests ? this.tests.slice(c.testPass.length) : [];
    const { passed } = await this.executor.runTests(c.program, [...examples, ...fresh]);
    if (!c.examples && examples.length) c.examples = passed.slice(0, examples.length);
    c.testPass.push(...passed.slice(examples.length));
  }

  private async repair(c: Candidate) {
    const failing = [...this.task.examples.filter((_, i) => c.examples && !c.examples[i]), ...this.tests.filter((_, i) => i < c.testPass.length && !c.testPass[i])].slice(0, 3);
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Fix the Python function so that the failing tests pass. Answer with the whole corrected function in one ```python block.' },
      { role: 'user', content: `${c.program}\n\n# These tests fail:\n${failing.join('\n')}` },
    ];
    const text = await this.generate(messages, 'solution');
    if (text !== undefined) this.addCandidate(text, 'repair', c.index);
  }
}

function exampleSign(c: Candidate): number {
  if (!c.examples || !c.examples.length) return 0;
  return c.examples.includes(false) ? -1 : 1;
}
