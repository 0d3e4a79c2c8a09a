import type { TraceTreeDrawing } from '../../contracts/traces';
import type { ReasoningTree } from './types';

/** Above this many nodes the stepper draws one segment per attempt instead of a dot per step. */
export const MAX_TREE_DOTS = 400;

/** Lay out the reasoning path tree for the stepper: lanes by attempt, x by depth (see contracts/traces.ts). */
export function treeDrawing(tree: ReasoningTree): TraceTreeDrawing {
  const byAttempt = new Map<number, TraceTreeDrawing['segments'][number]>();
  let maxDepth = 0;
  let submit: TraceTreeDrawing['submit'] = null;
  for (const n of tree.nodes) {
    if (n.depth > maxDepth) maxDepth = n.depth;
    if (n.action === 'root') continue;
    if (n.action === 'submit') {
      submit = { depth: n.depth, attempt: n.attempt, ...(n.candidate !== undefined ? { candidate: n.candidate.slice(0, 200) } : {}) };
      continue;
    }
    let seg = byAttempt.get(n.attempt);
    if (!seg) {
      const p = tree.nodes[n.parent];
      seg = { attempt: n.attempt, abandoned: n.abandoned, fromDepth: p.depth, fromAttempt: p.attempt, startDepth: n.depth, endDepth: n.depth, firstStep: n.step, lastStep: n.step };
      byAttempt.set(n.attempt, seg);
    }
    seg.endDepth = n.depth;
    seg.lastStep = n.step;
    seg.abandoned = seg.abandoned && n.abandoned;
  }
  const nodes =
    tree.nodes.length <= MAX_TREE_DOTS
      ? tree.nodes
          .filter((n) => n.action !== 'root')
          .map((n) => ({ depth: n.depth, attempt: n.attempt, step: n.step, kind: n.kind, action: n.action, abandoned: n.abandoned, ...(n.candidate !== undefined ? { candidate: n.candidate.slice(0, 200) } : {}) }))
      : null;
  return { attempts: tree.attempts, abandonedBranches: tree.abandonedBranches, maxDepth, segments: [...byAttempt.values()], nodes, submit };
}
