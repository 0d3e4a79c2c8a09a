/**
 * Episode traces: every episode as one JSONL record the trace explorer opens (src/core/traces reads
 * `prompt` / `completion` / `reward` / `step`, splits the completion's `<think>` part into steps at
 * blank lines and groups samples by prompt, GRPO style):
 *
 *   prompt      the problem id (all episodes of a problem form one group)
 *   completion  <think> one step per decision — layer, action, its probability (macro) or Q-value
 *               (micro), the top alternatives, the reward, the program so far — </think>, then the final
 *               program as DSL text and as Python
 *   reward      the episode's evaluation reward (partial credit on the shown examples − line cost)
 *   step        training progress in thousands of decisions (the explorer's per-step curve)
 *   agent       machine-readable: the problem's signature and shown examples, each decision's action
 *               index and behaviour probability — what offline mode (offline.ts) learns from
 */
import * as fs from 'node:fs';
import type { EpisodeRecord } from './agent';
import { toPython } from './compile';
import { formatProgram } from './dsl';
import type { Example, SynthProblem } from './problems';

export interface TraceDecision {
  layer: 'macro' | 'micro';
  /** Action index. */
  a: number;
  /** Behaviour probability of the action. */
  p: number;
}

export interface EpisodeTrace {
  id: string;
  prompt: string;
  completion: string;
  reward: number;
  step?: number;
  solved: boolean;
  matched_shown: boolean;
  agent: {
    mode: 'train' | 'solve';
    problem: { id: string; inputs: SynthProblem['inputs']; output: SynthProblem['output']; params: string[]; shown: Example[] };
    decisions: TraceDecision[];
    /** The episode's line limit, when it had one below the DSL's (curriculum training). */
    maxLines?: number;
    program: string;
    return: number;
  };
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));

export function episodeTrace(ep: EpisodeRecord, meta: { id: string; mode: 'train' | 'solve'; step?: number }): EpisodeTrace {
  const steps = ep.decisions.map((d, i) => {
    const score = d.layer === 'macro' ? `p=${fmt(d.prob)}` : `Q=${fmt(d.q ?? 0)}`;
    const alts = d.top.map((t) => `${t.action} ${t.p !== undefined ? fmt(t.p) : fmt(t.q ?? 0)}`).join(' · ');
    const program = d.program ? d.program.split('\n').map((l) => `  ${l}`).join('\n') : '  (empty)';
    return `Step ${i + 1} [${d.layer}] ${d.action}  ${score}  reward ${fmt(d.reward)}\n${d.layer === 'macro' ? 'policy' : 'Q-values'}: ${alts}\nprogram so far:\n${program}`;
  });
  const params = ep.problem.signature.python.params;
  const text = ep.result.program.lines.length ? formatProgram(ep.result.program, params) : '(no program)';
  const code = ep.result.program.lines.length ? `\n\n\`\`\`python\n${toPython(ep.result.program, ep.problem.signature.python)}\`\`\`` : '';
  const verdict = ep.result.solved ? 'solved (shown and held-back examples pass)' : ep.result.matchedShown ? 'matches the shown examples, fails held-back ones' : `${ep.result.evaluation.matched}/${ep.result.evaluation.total} shown examples match`;
  return {
    id: meta.id,
    prompt: ep.problem.id,
    completion: `<think>\n${steps.join('\n\n')}\n</think>\n\n${text}\n\n${verdict}${code}`,
    reward: ep.result.evaluation.reward,
    ...(meta.step !== undefined ? { step: meta.step } : {}),
    solved: ep.result.solved,
    matched_shown: ep.result.matchedShown,
    agent: {
      mode: meta.mode,
      problem: { id: ep.problem.id, inputs: ep.problem.inputs, output: ep.problem.output, params, shown: ep.problem.shown },
      decisions: ep.decisions.map((d) => ({ layer: d.layer, a: d.actionIndex, p: d.prob })),
      ...(ep.maxLines !== undefined ? { maxLines: ep.maxLines } : {}),
      program: text,
      return: ep.return,
    },
  };
}

/** Appends episode traces to a JSONL file as they come (a training run can be followed in the editor). */
export class TraceWriter {
  private fd: number;
  count = 0;
  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }
  write(t: object): void {
    fs.writeSync(this.fd, JSON.stringify(t) + '\n');
    this.count++;
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}
