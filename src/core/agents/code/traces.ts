/**
 * The code agent's episodes as trace records the Trace Explorer opens (the same JSONL the synthesis
 * agent writes, see ../synth/traces.ts), read as a reasoning path:
 *
 *   expand     draw candidates (plain, plan first, test first) or generated tests: the search widens
 *   verify     run a candidate on the visible examples or the generated tests
 *   backtrack  repair: go back to a failing candidate and revise it with its failing tests
 *   submit     hand one behaviour cluster's candidate to the hidden tests
 *
 * One step per decision (macro: the PPO policy's probability and its alternatives; micro: the DQN's
 * Q-values over the candidates or clusters it chose among), then the submitted code and the verdict.
 * A search can also write its candidates as one group of records (prompt "<problem> candidates"), so
 * the Group View lines them up with their word diffs.
 */
import type { CandidateSummary, CodeDecision, CodeEpisodeRecord } from './agent';
import { MACRO_NAMES, type MacroName } from './env';

export type PathMove = 'expand' | 'verify' | 'backtrack' | 'submit';

const MOVES: Record<MacroName, PathMove> = {
  'draw-plain': 'expand',
  'draw-plan-first': 'expand',
  'draw-test-first': 'expand',
  'draw-tests': 'expand',
  'run-examples': 'verify',
  'run-tests': 'verify',
  repair: 'backtrack',
  submit: 'submit',
};

export interface CodeEpisodeTrace {
  id: string;
  prompt: string;
  completion: string;
  reward: number;
  step?: number;
  solved: boolean;
  agent: {
    kind: 'code';
    mode: 'train' | 'solve';
    problem: string;
    budget: number;
    /** Machine-readable: each decision's layer, action index and behaviour probability (for offline learning). */
    decisions: { layer: 'macro' | 'micro'; a: number; p: number }[];
    /** The path as moves, one per macro decision. */
    moves: PathMove[];
    submitted?: number;
    verdict?: string;
    /** Only on the record of an episode that has not ended (see unfinishedEpisodeTrace). */
    unfinished?: UnfinishedState['kind'];
    runs: number;
    /** Absent on an unfinished episode's record (its decisions do not count them). */
    llmCalls?: number;
    tokens?: number;
  };
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));

/** The path move of a macro action. */
export const macroMove = (actionIndex: number): PathMove => MOVES[MACRO_NAMES[actionIndex]] ?? 'expand';

/** The move of each decision: a micro decision continues the macro action before it. */
function movesOf(decisions: CodeDecision[]): PathMove[] {
  let last: PathMove = 'expand';
  return decisions.map((d) => {
    if (d.layer === 'macro') last = macroMove(d.actionIndex);
    return last;
  });
}

/** One stepper step per decision: the move, the choice with its probability, the alternatives, what it did. */
function stepTexts(decisions: CodeDecision[], budget: number): string[] {
  const moves = movesOf(decisions);
  return decisions.map((d, i) => {
    const score = d.layer === 'macro' ? `p=${fmt(d.prob)}` : `p=${fmt(d.prob)}, Q=${fmt(d.top.find((t) => t.action === d.action)?.q ?? 0)}`;
    const alts = d.top.map((t) => `${t.action} ${t.p !== undefined ? fmt(t.p) : `Q=${fmt(t.q ?? 0)}`}`).join(' · ');
    return [
      `Step ${i + 1} · ${moves[i]} · [${d.layer}] ${d.action}  ${score}  reward ${fmt(d.reward)}`,
      `${d.layer === 'macro' ? 'policy' : 'Q-values'}: ${alts}`,
      `${d.note} · ${d.candidates} candidates, ${d.tests} tests, ${d.runs}/${budget} runs`,
    ].join('\n');
  });
}

/** The decisions as the record's `agent` fields: machine-readable, and the path as macro moves. */
function decisionFields(decisions: CodeDecision[]): Pick<CodeEpisodeTrace['agent'], 'decisions' | 'moves'> {
  const moves = movesOf(decisions);
  return { decisions: decisions.map((d) => ({ layer: d.layer, a: d.actionIndex, p: d.prob })), moves: moves.filter((_, i) => decisions[i].layer === 'macro') };
}

export function codeEpisodeTrace(rec: CodeEpisodeRecord, meta: { id: string; mode: 'train' | 'solve'; step?: number }): CodeEpisodeTrace {
  const steps = stepTexts(rec.decisions, rec.budget);
  const o = rec.outcome;
  const verdict = o.submitted
    ? `Submitted candidate #${o.submitted.index}: hidden tests ${o.solved ? 'pass' : `fail (${o.verdict?.verdict ?? 'not judged'}${o.verdict?.reason ? `: ${o.verdict.reason}` : ''})`}`
    : 'No submission: no candidate was drawn';
  const cost = `${o.runs} runs, ${o.candidates} candidates, ${o.tests} generated tests, ${o.llmCalls} LLM calls, ${o.tokens} tokens`;
  const code = o.submitted ? `\n\n\`\`\`python\n${o.submitted.sample.code.replace(/\n+$/, '')}\n\`\`\`` : '';
  return {
    id: meta.id,
    prompt: rec.problemId,
    completion: `<think>\n${steps.join('\n\n')}\n</think>\n\n${verdict}.\n${cost}.${code}`,
    reward: rec.return,
    ...(meta.step !== undefined ? { step: meta.step } : {}),
    solved: o.solved,
    agent: {
      kind: 'code',
      mode: meta.mode,
      problem: rec.problemId,
      budget: rec.budget,
      ...decisionFields(rec.decisions),
      ...(o.submitted ? { submitted: o.submitted.index, verdict: o.verdict?.verdict } : {}),
      runs: o.runs,
      llmCalls: o.llmCalls,
      tokens: o.tokens,
    },
  };
}

/** Where an episode that has not ended stands: still deciding, cancelled, or stopped by an error. */
export type UnfinishedState = { kind: 'running' } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

/**
 * An episode that has not ended, as one record of the same shape: the steps so far (the same text the
 * final record will have, so a step keeps its number), then where it stands instead of a verdict.
 */
export function unfinishedEpisodeTrace(run: { id: string; problemId: string; budget: number }, decisions: CodeDecision[], state: UnfinishedState): CodeEpisodeTrace {
  const last = decisions.at(-1);
  const n = `${decisions.length} decision${decisions.length === 1 ? '' : 's'}`;
  const where =
    state.kind === 'running'
      ? decisions.length ? `Running: ${n} so far; the agent is choosing its next move` : 'Running: the agent is choosing its first move'
      : state.kind === 'cancelled' ? `Cancelled after ${n}: nothing was submitted` : `Stopped after ${n} by an error: ${state.message}`;
  const cost = `${last?.runs ?? 0}/${run.budget} runs, ${last?.candidates ?? 0} candidates, ${last?.tests ?? 0} generated tests`;
  return {
    id: run.id,
    prompt: run.problemId,
    completion: `<think>\n${stepTexts(decisions, run.budget).join('\n\n')}\n</think>\n\n${where}.\n${cost}.`,
    reward: decisions.reduce((r, d) => r + d.reward, 0),
    solved: false,
    agent: {
      kind: 'code',
      mode: 'solve',
      problem: run.problemId,
      budget: run.budget,
      ...decisionFields(decisions),
      unfinished: state.kind,
      runs: last?.runs ?? 0,
    },
  };
}

/** The group a search's candidates form in the Trace Explorer. */
export const candidatesPrompt = (problemId: string) => `${problemId} candidates`;

/**
 * The episode's candidates as one group of records: the code, what it passed, its cluster; reward =
 * the share of the visible and generated tests it was run on that it passes (0 when never run). The
 * hidden verdict shows on the submitted one only: it is the only one the hidden tests judged.
 */
export function candidateTraces(rec: CodeEpisodeRecord, episodeId: string): CodeEpisodeTrace[] {
  const submitted = rec.outcome.submitted?.index;
  return rec.candidates.map((c) => {
    const ran = (c.examples?.[1] ?? 0) + c.tests[1];
    const passed = (c.examples?.[0] ?? 0) + c.tests[0];
    return {
      id: `${episodeId}-candidate-${c.index}`,
      prompt: candidatesPrompt(rec.problemId),
      completion: `${describe(c, submitted, rec.outcome.solved)}\n\n\`\`\`python\n${c.code.replace(/\n+$/, '')}\n\`\`\``,
      reward: ran ? passed / ran : 0,
      solved: c.index === submitted && rec.outcome.solved,
      agent: {
        kind: 'code',
        mode: 'solve',
        problem: rec.problemId,
        budget: rec.budget,
        decisions: [],
        moves: [],
        runs: 0,
        llmCalls: 0,
        tokens: 0,
      },
    };
  });
}

function describe(c: CandidateSummary, submitted: number | undefined, solved: boolean): string {
  const parts = [`Candidate #${c.index} (${c.repairOf !== undefined ? `repair of #${c.repairOf}` : c.strategy})`];
  parts.push(c.examples ? `examples ${c.examples[0]}/${c.examples[1]}` : 'examples not run');
  parts.push(c.tests[1] ? `generated tests ${c.tests[0]}/${c.tests[1]}` : 'generated tests not run');
  if (c.cluster !== undefined) parts.push(`cluster ${c.cluster}`);
  if (c.index === submitted) parts.push(`SUBMITTED: hidden tests ${solved ? 'pass' : 'fail'}`);
  return parts.join(' · ');
}
