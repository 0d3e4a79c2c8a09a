/**
 * SPCT prompts (Self-Principled Critique Tuning, DeepSeek-GRM, Liu et al. 2025): the judge first
 * writes the principles that matter for this query (with weights), then critiques each response
 * against them, then gives one integer score per response on a 1–10 scale in a final \boxed{…}.
 * The same prompt serves one response (pointwise) and several (pairwise / listwise), so scores of
 * different k and different response counts are comparable.
 *
 * The output format is fixed and documented (README "Generative reward model"):
 *
 *   Principles:
 *   1. <principle> (weight: 40%)
 *   Critique:
 *   <response by response>
 *   Scores: \boxed{7, 3}
 */
import type { ChatMessage } from '../../rewards/types';

export interface ScoreScale {
  min: number;
  max: number;
}

/** The paper's scale: integers 1–10, higher is better. */
export const SCORE_SCALE: ScoreScale = { min: 1, max: 10 };

const SYSTEM = `You are a careful, impartial judge of AI assistant responses. You write your own evaluation principles for the user's query, critique every response against them, and then score each response.`;

function formatInstructions(n: number, scale: ScoreScale): string {
  const example = n === 1 ? '\\boxed{7}' : `\\boxed{${Array.from({ length: n }, (_, i) => [7, 3, 5, 8, 4, 6][i % 6]).join(', ')}}`;
  return `Answer in exactly this format:

Principles:
1. <a principle specific to this query> (weight: <percent>%)
2. ...
Critique:
<${n === 1 ? 'an analysis of the response' : 'an analysis of each response in order (Response 1, Response 2, ...)'} against the principles: correctness first, then reasoning, completeness and clarity>
Scores: ${example}

The last line must be "Scores: " followed by \\boxed{} holding ${n === 1 ? 'one integer score' : `${n} integer scores separated by commas, one per response, in the order the responses were given`}, each from ${scale.min} (poor) to ${scale.max} (excellent). Write nothing after that line.`;
}

/** The chat messages that ask for one SPCT judgement of `responses` to `prompt`. */
export function buildJudgeMessages(prompt: string, responses: string[], scale: ScoreScale = SCORE_SCALE): ChatMessage[] {
  if (responses.length === 0) throw new Error('nothing to judge: no responses');
  const body =
    responses.length === 1
      ? `[Response]\n${responses[0]}\n[End of Response]`
      : responses.map((r, i) => `[Response ${i + 1}]\n${r}\n[End of Response ${i + 1}]`).join('\n\n');
  const user = `[User Query]\n${prompt}\n[End of User Query]\n\n${body}\n\n${formatInstructions(responses.length, scale)}`;
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

/**
 * The meta-judge's prompt (meta reward model over an LLM): given the query, the responses and one
 * judgement, how sound is the judgement (principles relevant, critique correct, scores consistent
 * with it)? One integer 1–10 in \boxed{}; the paper trains a scalar meta RM for this, an LLM is the
 * stand-in when none is at hand.
 */
export function buildMetaJudgeMessages(prompt: string, responses: string[], judgement: string, scale: ScoreScale = SCORE_SCALE): ChatMessage[] {
  const body = responses.map((r, i) => `[Response ${i + 1}]\n${r}\n[End of Response ${i + 1}]`).join('\n\n');
  const user = `[User Query]\n${prompt}\n[End of User Query]\n\n${body}\n\n[Judgement]\n${judgement}\n[End of Judgement]

Rate how trustworthy the judgement is: are its principles relevant to the query, is its critique factually correct about each response, and do its scores follow from the critique? Explain briefly, then end with a line "Meta score: \\boxed{<integer from ${scale.min} to ${scale.max}>}".`;
  return [
    { role: 'system', content: 'You are a meta-reviewer who checks the quality of evaluations written by other judges.' },
    { role: 'user', content: user },
  ];
}
