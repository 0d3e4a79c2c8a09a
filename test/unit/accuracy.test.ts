import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy } from '../../src/core/rewards/accuracy';
import { extractAnswer } from '../../src/core/rewards/answer';
import { compareAnswers, parseNumber } from '../../src/core/rewards/equivalence';
import { normalizeAnswer } from '../../src/core/rewards/latex';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, hermes, readJsonlFixture, rec } from './helpers/rewardData';

const acc = (completion: string, answer?: string, o: object = {}) => accuracy.score(rec(completion, answer === undefined ? {} : { answer }), { ...accuracy.defaults, ...o });
const eq = (a: string, b: string) => compareAnswers(a, b, 1e-6).match;

test('extraction order: last \\boxed with nested braces, <answer>, phrases, last number', () => {
  assert.equal(extractAnswer('first \\boxed{1} then \\boxed{\\frac{3}{4}}')?.text, '\\frac{3}{4}');
  assert.equal(extractAnswer('\\fbox{7} end')?.text, '7');
  assert.equal(extractAnswer('\\boxed{a{b}c} and \\boxed{unbalanced')?.text, 'a{b}c');
  assert.equal(extractAnswer('x <answer> 12 </answer> 5')?.text, '12');
  assert.equal(extractAnswer('So 3 and 4. The answer is 7.')?.text, '7');
  assert.equal(extractAnswer('blah 9\nFinal answer: $x = 5$')?.text, 'x = 5');
  assert.equal(extractAnswer('所以答案是 42。')?.text, '42');
  assert.equal(extractAnswer('最终答案：3/4')?.text, '3/4');
  assert.equal(extractAnswer('We get 12, then -3.5 remains')?.text, '-3.5');
  assert.equal(extractAnswer('no digits here')?.method, 'whole', 'a short answer without numbers is taken whole');
  assert.equal(extractAnswer('# Answer\n\n40_9')?.text, '40_9');
  assert.equal(extractAnswer('so we get $\\frac{1}{9}$ in the end')?.text, '\\frac{1}{9}');
  assert.equal(extractAnswer(''), undefined);
});

test('normalization', () => {
  assert.equal(normalizeAnswer('$\\text{ Canberra }$.'), 'canberra');
  assert.equal(normalizeAnswer('\\left( 1, 2 \\right)'), '(1,2)');
  assert.equal(normalizeAnswer('\\dfrac{3}{4}'), '\\frac{3}{4}');
  assert.equal(normalizeAnswer('90^\\circ'), '90');
});

test('numbers: separators, fractions, LaTeX, percent, scientific, negatives', () => {
  assert.equal(parseNumber('1,234')?.value, 1234);
  assert.equal(parseNumber('-0.5')?.value, -0.5);
  assert.equal(parseNumber('3/4')?.value, 0.75);
  assert.equal(parseNumber('\\frac{3}{4}')?.value, 0.75);
  assert.equal(parseNumber(normalizeAnswer('-\\frac34'))?.value, -0.75);
  assert.equal(parseNumber('1e3')?.value, 1000);
  assert.equal(parseNumber('2.5\\times10^{3}')?.value, 2500);
  assert.deepEqual(parseNumber('50%'), { value: 50, percent: true });
  assert.equal(parseNumber('1/0'), undefined);
  assert.equal(parseNumber('abc'), undefined);
  assert.ok(eq('1,234', '1234'));
  assert.ok(eq('\\tfrac{1}{2}', '0.5'));
  assert.ok(!eq('0.3333', '1/3'), 'outside 1e-6 relative tolerance');
  assert.ok(compareAnswers('0.3333', '1/3', 1e-3).match, 'inside a looser tolerance');
  assert.ok(eq('-7', '-7.0'));
  assert.ok(!eq('7', '-7'));
  assert.ok(eq('50%', '0.5') && eq('50%', '50') && eq('50\\%', '0.5'));
  assert.ok(!eq('50%', '5'));
  assert.ok(eq('x = 5', '5'));
});

test('sets, tuples and lists elementwise', () => {
  assert.ok(eq('(1, 2)', '(1,2)'));
  assert.ok(!eq('(1, 2)', '(2, 1)'), 'tuples are ordered');
  assert.ok(eq('\\{1, 2\\}', '\\{2,1\\}'), 'sets are unordered');
  assert.ok(eq('{1,2}', '{2,1}'));
  assert.ok(eq('1, 2', '2, 1'), 'bare lists are unordered');
  assert.ok(eq('[1,2]', '[1, 2]'));
  assert.ok(!eq('[1,2]', '[2,1]'));
  assert.ok(eq('(\\frac{1}{2}, 3)', '(0.5, 3)'), 'recursively numeric');
  assert.ok(!eq('(1, 2, 3)', '(1, 2)'));
  assert.ok(!eq('(0, 1)', '[0, 1]'), 'open vs closed interval');
});

test('accuracy: match, mismatch and details', () => {
  const text = '<think>3 of 4 parts</think>So it is $\\boxed{3/4}$.';
  const r = acc(text, '0.75');
  assert.equal(r.value, 1);
  assert.equal(r.detail, 'extracted \\boxed{3/4} = 0.75; reference 0.75 → match (numeric)');
  const h = r.highlights!.find((x) => x.kind === 'extracted')!;
  assert.equal(text.slice(h.start, h.end), '3/4');
  const w = acc(text, '0.7');
  assert.equal(w.value, 0);
  assert.match(w.detail, /no match \(numeric\)/);
  assert.match(acc('<think>x</think>50%', '0.5').detail, /50% read as 0\.5/);
  assert.equal(acc('<think>x</think>Canberra.', 'canberra').value, 1);
});

test('accuracy: the reasoning is not searched when there is a </think>', () => {
  assert.equal(acc('<think>maybe \\boxed{5}</think>I am not sure.', '5').value, 0);
  assert.match(acc('<think>maybe \\boxed{5}</think>I am not sure.', '5').detail, /^extracted I am not sure\./);
  assert.match(acc('<think>maybe \\boxed{5}</think>\n\n', '5').detail, /^no final answer found/);
});

test('accuracy: no or unusable reference → null with the reason, never a pass', () => {
  for (const [ref, re] of [
    [undefined, /no reference answer/],
    ['', /empty reference/],
    ['  ', /empty reference/],
    ['\\frac{1}{2', /unbalanced/],
    ['1}', /unbalanced/],
  ] as Array<[string | undefined, RegExp]>) {
    const r = acc('<think>r</think>\\boxed{1}', ref);
    assert.equal(r.value, null);
    assert.match(r.detail, re);
  }
});

test('accuracy: empty completion, HTML, Chinese, unclosed think, 1 MB', () => {
  assert.equal(acc('', '1').value, 0);
  assert.equal(acc('<think>r</think><script>alert(1)</script> \\boxed{1}', '1').value, 1);
  assert.equal(acc('<think>计算 6 乘 7</think>答案是 42', '42').value, 1);
  const unclosed = acc('<think>so the answer is 12', '12');
  assert.equal(unclosed.value, 0, 'a number inside unfinished reasoning is not a final answer');
  assert.match(unclosed.detail, /no final answer: <think> never closed/);
  const searched = acc('<think>so the answer is 12', '12', { searchUnclosed: true });
  assert.equal(searched.value, 1);
  assert.match(searched.detail, /no closing <\/think>: searched the whole text/);
  const big = '<think>' + 'We add 1 and 1. '.repeat(70000) + '</think> \\boxed{2}';
  assert.equal(acc(big, '2').value, 1);
});

test('real DeepHermes AIME answers: boxed extraction against the published answers (16, 117)', () => {
  const expectIce = [0, 1, 1, 1, 1]; // sample 0 boxes 638, samples 1-4 box 16
  expectIce.forEach((want, i) => {
    const row = hermes(`Ice cream parlor#${i}`);
    const r = acc(row.completion, '16');
    assert.equal(r.value, want, `${row.id}: ${r.detail}`);
  });
  const expectPairs = [0, 1, 1, 0, 1]; // 118, 117, 117, 101, 117
  expectPairs.forEach((want, i) => {
    const r = acc(hermes(`Integer pairs#${i}`).completion, '117');
    assert.equal(r.value, want, r.detail);
  });
  // "**Answer:** The train travels **150 kilometers**." → the number inside the phrase
  const train = acc(hermes('train_distance#0').completion, '150');
  assert.equal(train.value, 1, train.detail);
  assert.match(train.detail, /answer phrase/);
});

test('real PRM800K answers: the pre-generated final answers against ground truth', () => {
  interface Row { id: string; ground_truth_answer: string; pre_generated_steps?: string[]; pre_generated_answer?: string; label_steps?: string[] }
  const rows = readJsonlFixture<Row>('prm800k_answers.jsonl');
  let judged = 0;
  for (const row of rows) {
    const steps = row.pre_generated_steps ?? row.label_steps ?? [];
    const completion = steps.join('\n');
    const r = acc(completion, row.ground_truth_answer);
    if (row.pre_generated_answer !== undefined) {
      const want = compareAnswers(row.pre_generated_answer, row.ground_truth_answer, 1e-6).match ? 1 : 0;
      assert.equal(r.value, want, `${row.id}: ${r.detail}`);
      judged++;
    }
  }
  assert.ok(judged >= 9);
  // phase 1: the human-labelled solutions end with "# Answer\n\n29" and "40_9"
  const p0 = rows.find((r) => r.id === 'phase1-0')!;
  assert.equal(acc(p0.label_steps!.join('\n'), p0.ground_truth_answer).value, 1);
  const p2 = rows.find((r) => r.id === 'phase1-2')!;
  assert.equal(acc(p2.label_steps!.join('\n'), p2.ground_truth_answer).value, 1, acc(p2.label_steps!.join('\n'), p2.ground_truth_answer).detail);
  // ground truth \frac{1}{2} vs the generated \frac{1}{9}
  const p8 = rows.find((r) => r.id === 'phase2-8')!;
  assert.equal(acc(`# Answer\n\n\\frac{1}{2}`, p8.ground_truth_answer).value, 1);
  assert.equal(acc(`# Answer\n\n0.5`, p8.ground_truth_answer).value, 1);
});

test('real Game-of-24 CoTs (GPT-4, Tree of Thoughts logs): the "Answer:" line is extracted', () => {
  const puzzles = JSON.parse(readFileSync(join(FIXTURES, 'game24_naive_cot.json'), 'utf8')) as Array<{ ys: string[] }>;
  let n = 0;
  for (const p of puzzles) {
    for (const y of p.ys) {
      const ex = extractAnswer(y);
      if (!y.includes('Answer:')) {
        assert.equal(ex?.method, 'last-number', 'one sample stops without an Answer line');
        continue;
      }
      assert.equal(ex?.method, 'phrase', y);
      assert.equal(ex?.text, y.slice(y.lastIndexOf('Answer:') + 'Answer:'.length).trim().replace(/\.$/, ''));
      n++;
    }
  }
  assert.equal(n, 14);
});
