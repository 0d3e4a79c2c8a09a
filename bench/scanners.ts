/**
 * Text scanners on hostile input: each case builds a text that is worst-case for one scanner (a run
 * of unbalanced `\boxed{`, braces nested deep, one word repeated, no sentence end, long runs of blanks…)
 * at sizes growing 4× and times the scanner on it. The ratio between two sizes is what it shows: about
 * 4 for a linear scanner, 16 for a quadratic one. Each case fails (exit 1) when a step of 4× in size
 * costs more than 10× in time, which no linear scanner does and every quadratic one does.
 *
 *   BENCH_SCANNER_KB=64 (the smallest size; then ×4, ×16)   BENCH_ROUNDS=3 (best of)
 *   BENCH_SCANNER_ONLY=<part of a case name>
 */
import { scoreRecord } from '../src/core/rewards/composite';
import { extractAnswer } from '../src/core/rewards/answer';
import { normalizeAnswer } from '../src/core/rewards/latex';
import { reasoningSteps, segmentSteps } from '../src/core/rewards/reasoningSteps';
import { detectLanguage } from '../src/core/rewards/language';
import { splitThink } from '../src/core/rewards/text';
import { buildReasoningTree } from '../src/core/traces/tree';
import { parseJudgement } from '../src/core/models/grm/parse';
import { recordFromDocumentText } from '../src/core/records/document';
import type { RewardSpec } from '../src/core/rewards/types';
import { mulberry32 } from '../src/core/shared/rng';

const BASE = Number(process.env.BENCH_SCANNER_KB ?? 64) * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIMIT = 10;

/** `piece` repeated to `n` characters. */
const fill = (piece: string, n: number) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n);
const spec = (component: string, options?: Record<string, unknown>): RewardSpec => ({ name: component, components: { [component]: { weight: 1, ...(options ? { options } : {}) } } });
const score = (completion: string, s: RewardSpec, answer = '42') => scoreRecord({ id: 'x', prompt: 'What is 6 × 7?', completion, answer }, s);

const rand = mulberry32(12);
const words = Array.from({ length: 500 }, (_, i) => `w${i.toString(36)}`);
const prose = (n: number) => {
  let s = '';
  while (s.length < n) s += words[Math.floor(rand() * words.length)] + (rand() < 0.08 ? '. ' : ' ');
  return s.slice(0, n);
};

interface Case {
  name: string;
  make(n: number): string;
  run(text: string): unknown;
}

const ONLY = process.env.BENCH_SCANNER_ONLY;

const ALL: Case[] = [
  { name: 'accuracy: unbalanced \\boxed{', make: (n) => `<think>x</think>\n${fill('\\boxed{', n)}`, run: (t) => score(t, spec('accuracy')) },
  { name: 'answer: braces nested deep', make: (n) => `\\boxed{${'{'.repeat(n / 2)}42${'}'.repeat(n / 2)}}`, run: (t) => extractAnswer(t) },
  { name: 'answer: \\frac{ unclosed', make: (n) => fill('\\frac{1}{', n), run: (t) => normalizeAnswer(t) },
  { name: 'answer: numbers glued to words', make: (n) => fill('a1', n), run: (t) => extractAnswer(t) },
  { name: 'repetition: one word repeated', make: (n) => `<think>${fill('wait ', n)}</think> 42`, run: (t) => score(t, spec('repetition')) },
  { name: 'repetition: prose', make: (n) => `<think>${prose(n)}</think> 42`, run: (t) => score(t, spec('repetition')) },
  { name: 'steps: no sentence end', make: (n) => `<think>${fill('word ', n)}</think>`, run: (t) => segmentSteps(t) },
  { name: 'steps: long paragraphs, no sentence end', make: (n) => fill(`${'word '.repeat(150)}\n\n`, n), run: (t) => segmentSteps(t) },
  { name: 'steps: blank lines only', make: (n) => `<think>${'\n'.repeat(n)}</think>`, run: (t) => segmentSteps(t) },
  { name: 'steps: one-letter sentences', make: (n) => `<think>${fill('a. ', n)}</think>`, run: (t) => segmentSteps(t) },
  { name: 'format: <think> opened again and again', make: (n) => fill('<think>', n), run: (t) => score(t, spec('format', { mode: 'strict' })) },
  { name: 'think split: unclosed tags', make: (n) => fill('<think', n), run: (t) => splitThink(t) },
  { name: 'language: scripts mixed', make: (n) => fill('abc 中文 абв ', n), run: (t) => detectLanguage(t) },
  { name: 'language reward: scripts mixed', make: (n) => `<think>${fill('abc 中文 ', n)}</think>42`, run: (t) => score(t, spec('language')) },
  {
    name: 'reasoning tree: a backtrack per step',
    make: (n) => `<think>\n${fill('Try x.\n\nWait, that is wrong. Let me go back.\n\n', n)}</think>`,
    run: (t) => buildReasoningTree(t, reasoningSteps(t)),
  },
  { name: 'GRM verdict: blank runs', make: (n) => `Scores: ${' '.repeat(n)}\n`, run: (t) => parseJudgement(t, 2) },
  { name: 'GRM verdict: words between scores', make: (n) => `Final scores: ${fill('7 , ', n)}`, run: (t) => parseJudgement(t, 2) },
  { name: 'document: comment line of blanks', make: (n) => `# answer: ${' '.repeat(n)}x\n`, run: (t) => recordFromDocumentText(t, 'doc') },
  { name: 'document: many comment lines', make: (n) => fill('<!-- prompt: a -->\n', n), run: (t) => recordFromDocumentText(t, 'doc') },
];

const CASES = ONLY ? ALL.filter((c) => c.name.includes(ONLY)) : ALL;

/** CPU time of the best of ROUNDS runs, in ms: CPU time, not wall time, so other processes on a busy machine hardly move it. */
function time(c: Case, text: string): number {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.cpuUsage();
    c.run(text);
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

const sizes = [BASE, 4 * BASE, 16 * BASE];
console.log(`Text scanners on hostile input, sizes ${sizes.map((s) => `${s / 1024} KB`).join(' → ')} (CPU time, best of ${ROUNDS}); ratio per 4× in size: ~4 linear, ~16 quadratic`);
let failed = 0;
for (const c of CASES) {
  time(c, c.make(BASE)); // warm-up: the first calls run before the JIT has compiled the scanner
  const ms = sizes.map((n) => time(c, c.make(n)));
  // below a few milliseconds the collector and the JIT, not the scanner, make the ratio
  const ratios = [Math.max(ms[1], 5) / Math.max(ms[0], 5), Math.max(ms[2], 5) / Math.max(ms[1], 5)];
  const worst = Math.max(...ratios);
  const ok = worst <= LIMIT;
  if (!ok) failed++;
  console.log(`  ${ok ? 'ok  ' : 'SLOW'} ${c.name.padEnd(42)} ${ms.map((m) => `${m.toFixed(1)} ms`.padStart(10)).join('')}   ×${ratios.map((r) => r.toFixed(1)).join(' ×')}`);
}
if (failed) {
  console.log(`${failed} scanner${failed === 1 ? '' : 's'} grew faster than linear`);
  process.exitCode = 1;
}
