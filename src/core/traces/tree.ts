/**
 * The reasoning path tree: a trace as states and actions.
 *
 * - expand: a new step from the current state (reasoning, reflection, verification, conclusion);
 * - backtrack: a step labelled backtrack ("Alternatively", "That's wrong", "Let me try another",
 *   "换一种") abandons the current attempt and starts a new branch from the point where that attempt
 *   began (the branch point of the current attempt; the root for the first);
 * - submit: the final answer (the text after `</think>`), a leaf under the last state.
 *
 * So a trace with three attempts is a root with three branches, two of them abandoned. Each node's
 * state carries the candidate answer its step states (`\boxed{}`, an `<answer>` block, "the answer is
 * …"; a bare last number is not a candidate) and the characters of reasoning on its path (context).
 */
import { extractAnswer } from '../rewards/answer';
import { splitThink } from '../rewards/text';
import type { Step } from '../rewards/reasoningSteps';
import type { ReasoningTree, TreeNode } from './types';

/**
 * A step's candidate, searched in the step's own text: extractAnswer over a window of the whole
 * completion lets its patterns run on past the window's end, which is quadratic on traces with tens
 * of thousands of steps.
 */
function candidateIn(stepText: string): string | undefined {
  const e = extractAnswer(stepText);
  return e && (e.method === 'boxed' || e.method === 'answer-tag' || e.method === 'phrase') ? e.text : undefined;
}

/**
 * Build the tree of one completion from its steps (offsets into `completion`, as segmentSteps /
 * reasoningSteps return them).
 */
export function buildReasoningTree(completion: string, steps: readonly Step[], thinkTag = 'think'): ReasoningTree {
  const nodes: TreeNode[] = [{ id: 0, parent: -1, action: 'root', step: -1, kind: 'root', depth: 0, attempt: 0, abandoned: false, context: 0 }];
  let cur = 0;
  let attemptStart = 0;
  let attempt = 0;
  for (const s of steps) {
    const backtrack = s.kind === 'backtrack' && cur !== attemptStart;
    if (backtrack) attempt++;
    const parent = backtrack ? attemptStart : cur;
    const p = nodes[parent];
    const node: TreeNode = {
      id: nodes.length,
      parent,
      action: backtrack ? 'backtrack' : 'expand',
      step: s.index,
      kind: s.kind,
      depth: p.depth + 1,
      attempt,
      abandoned: false,
      context: p.context + s.chars,
    };
    const c = candidateIn(completion.slice(s.start, s.end));
    if (c !== undefined) node.candidate = c;
    nodes.push(node);
    cur = node.id;
  }
  // submit: the answer after </think>; for an untagged trace, a final conclusion step with a candidate
  const sp = splitThink(completion, thinkTag);
  let submitted = -1;
  const answerText = sp.state === 'tagged' || sp.state === 'stray-close' ? completion.slice(sp.answerStart, sp.answerEnd).trim() : '';
  if (answerText || (sp.state === 'untagged' && nodes[cur].candidate !== undefined)) {
    const p = nodes[cur];
    const node: TreeNode = { id: nodes.length, parent: cur, action: 'submit', step: -1, kind: 'answer', depth: p.depth + 1, attempt, abandoned: false, context: p.context };
    const c = answerText ? (extractAnswer(completion, sp.answerStart, sp.answerEnd)?.text ?? answerText.slice(0, 200)) : p.candidate;
    if (c !== undefined) node.candidate = c;
    nodes.push(node);
    submitted = node.id;
  }
  // abandoned: everything off the path from the root to the final node
  const onPath = new Uint8Array(nodes.length);
  for (let n = submitted >= 0 ? submitted : cur; n >= 0; n = nodes[n].parent) onPath[n] = 1;
  const liveAttempts = new Set<number>();
  for (const n of nodes) {
    n.abandoned = !onPath[n.id];
    if (!n.abandoned && n.id !== 0) liveAttempts.add(n.attempt);
  }
  const attempts = attempt + 1;
  return { nodes, attempts, abandonedBranches: attempts - Math.max(1, liveAttempts.size), submitted };
}
