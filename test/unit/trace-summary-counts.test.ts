// The trace analysis counts steps, reflections and tokens of every sample in one pass each
// (countSteps, approxTokenCounts): the same numbers as building the steps and counting tokens twice,
// on real traces (R1, R1-Distill, QwQ, DeepHermes-3: English, Chinese, unclosed <think>) and on edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { countSteps, reasoningSteps } from '../../src/core/rewards/reasoningSteps';
import { approxTokenCount, approxTokenCounts, splitThink } from '../../src/core/rewards/text';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function realCompletions(): string[] {
  const out: string[] = [];
  const distill = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'traces', 'r1_distill_llama70b_outputs.json'), 'utf8'));
  for (const r of distill.results) out.push(...r.output);
  const hermes = JSON.parse(gunzipSync(fs.readFileSync(path.join(FIXTURES, 'traces', 'deephermes3_unclosed.json.gz'))).toString('utf8'));
  for (const r of hermes.results) out.push(...r.output);
  const r1 = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'traces', 'r1_misguided_groups.json'), 'utf8'));
  for (const r of r1.results) for (let i = 0; i < r.output.length; i++) out.push(`<think>\n${r.thinking[i]}\n</think>\n\n${r.output[i]}`);
  return out;
}

const EDGES = [
  '',
  '<think></think>',
  '<think>abc</think>def',
  'x<think>run-on</think>tail',
  '<think>\n让我们一步一步地思考。等等，不对。\n\n所以答案是 42。</think>答案：42',
  '<think>Wait, 1. first\n2. second\n\nHmm, alternatively try 3.</think>',
  '<think>never closed\n\nBut wait, again',
  'no tags at all\n\nAlternatively, that is wrong.',
  '한국어 텍스트 and ｆｕｌｌ　ｗｉｄｔｈ\u3000spaces',
  `<think>${'a'.repeat(2000)}. ${'Wait. '.repeat(300)}</think>`,
];

test('countSteps gives the step and reflection counts of reasoningSteps', () => {
  const texts = [...realCompletions(), ...EDGES];
  assert.ok(texts.length > 150);
  for (const t of texts) {
    const steps = reasoningSteps(t);
    const expected = { steps: steps.length, reflections: steps.filter((s) => s.kind === 'reflection' || s.kind === 'backtrack').length };
    assert.deepEqual(countSteps(t), expected, t.slice(0, 80));
    // and without the cache of the last completion
    reasoningSteps('reset the cache');
    assert.deepEqual(countSteps(t), expected, t.slice(0, 80));
  }
});

test('approxTokenCounts gives approxTokenCount of the whole text and of the reasoning', () => {
  for (const t of [...realCompletions(), ...EDGES]) {
    const sp = splitThink(t);
    assert.deepEqual(approxTokenCounts(t, sp.thinkStart, sp.thinkEnd), { total: approxTokenCount(t), part: approxTokenCount(t, sp.thinkStart, sp.thinkEnd) }, t.slice(0, 80));
  }
  // a range that starts or ends inside a run of non-space characters
  const t = 'abcdef ghi 漢字x jk\tl\u3000 mnop😀q';
  for (let a = 0; a <= t.length; a++) {
    for (let b = a; b <= t.length; b++) {
      assert.deepEqual(approxTokenCounts(t, a, b), { total: approxTokenCount(t), part: approxTokenCount(t, a, b) }, `${a}..${b}`);
    }
  }
});
