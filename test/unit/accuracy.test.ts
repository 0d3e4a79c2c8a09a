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

test('real PRM800K solutions: the reward agrees with the dataset\'s human grading, not with itself', () => {
  interface Row {
    id: string;
    ground_truth_answer: string;
    pre_generated_steps?: string[];
    label_steps?: string[];
    finish_reason: 'solution' | 'found_error' | 'give_up' | 'bad_problem';
    final_step_rating: -1 | 0 | 1 | null;
  }
  const rows = readJsonlFixture<Row>('prm800k_answers.jsonl');
  const verdicts = { right: 0, wrong: 0 };
  for (const row of rows) {
    // PRM800K's labelers rated every step; a solution is right when they accepted it to its end
    // ("solution") with its final "# Answer" step rated +1, wrong when they found an error or gave up
    const human = row.finish_reason === 'solution' && row.final_step_rating === 1 ? 1 : 0;
    const completion = (row.pre_generated_steps ?? row.label_steps ?? []).join('\n');
    const r = acc(completion, row.ground_truth_answer);
    assert.equal(r.value, human, `${row.id} (${row.finish_reason}): ${r.detail}`);
    if (human) verdicts.right++;
    else verdicts.wrong++;
  }
  assert.deepEqual(verdicts, { right: 2, wrong: 10 }, 'both verdicts are exercised');
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

test('LaTeX thousands separators: \\boxed{10{,}000} is 10000, never "000"', () => {
  const r = acc('<think>add</think>The total is $\\boxed{10{,}000}$.', '10000');
  assert.equal(r.value, 1, r.detail);
  assert.match(r.detail, /extracted \\boxed\{10\{,\}000\} = 10000/);
  assert.ok(eq('12,\\!000', '12000') && eq('1\\,000', '1000') && eq('14 {, }916', '14916'));
  assert.equal(extractAnswer('so we need 1 000 bricks')?.text, '1 000');
  assert.equal(extractAnswer('so it is $12,\\!000,\\!023$. I hope')?.text, '12,\\!000,\\!023');
  assert.ok(eq('12,\\!000,\\!023', '12000023'));
  assert.ok(!eq('32, 349', '32349'), 'a comma and a space separate list items');
  assert.ok(eq('2,74', '2.74') && eq('0,111', '0.111'), 'a decimal comma');
  assert.ok(eq('1,234', '1234'), 'a thousands group wins over a decimal comma');
});

test('percentages and units', () => {
  assert.ok(eq('28 percent', '28\\%') && eq('28 pct', '0.28') && eq('28\\%', '28'));
  assert.equal(acc('<think>r</think>$\\boxed{28 percentage}', '$28\\%$').value, 1);
  assert.equal(acc('<think>r</think>It has a 1,000.99€ price', '1000.99').value, 1);
  const cm = compareAnswers('15\\mbox{ cm}^2', '15', 1e-6);
  assert.ok(cm.match);
  assert.match(cm.note ?? '', /unit cm\^2 ignored/);
  const differ = compareAnswers('15 cm', '15 m', 1e-6);
  assert.equal(differ.match, false);
  assert.match(differ.note ?? '', /units differ: cm vs m/);
  assert.ok(eq('7 liters', '7') && eq('125\\textnormal{ miles}', '125 miles'));
  assert.ok(!eq('2x', '2') && !eq('2xy', '2'), 'a variable is not a unit');
  assert.ok(!eq('1', '1 kilogram of feathers'), 'a phrase after a number is not a unit');
});

test('sets, intervals, unions, matrices and ±', () => {
  assert.ok(eq('[-1, -\\tfrac12) \\cup (-\\tfrac12, 0) \\cup (1, \\infty)', '[-1, -\\frac{1}{2}) \\cup (-\\frac{1}{2}, 0) \\cup (1, +\\infty)'));
  assert.ok(eq('(1, \\infty) \\cup (-\\infty, 0)', '(-\\infty, 0) \\cup (1, \\infty)'), 'a union is unordered');
  assert.ok(!eq('(0, 1]', '(0, 1)') && !eq('[0,9)', '[0,1)'));
  assert.ok(eq('0 < x < 1', '(0, 1)') && eq('-2 \\le x \\le 7', '[-2, 7]') && eq('x \\in [-2,7]', '[-2,7]') && eq('k \\ge 2', '[2, \\infty)'));
  assert.ok(!eq('\\{1, 3\\}', '(3, 1)'), 'a set is not a tuple');
  assert.ok(eq('{1,3}', '(1,3)') && !eq('{1,3}', '(3,1)'), 'grouping braces are a plain list');
  assert.ok(eq('\\{3, 3, 1\\}', '\\{1, 3\\}'), 'a set has no repeats');
  assert.ok(eq('\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}', '\\left[\\begin{array}{cc}1 & 0 \\\\ 0 & 1\\end{array}\\right]'));
  assert.ok(eq('\\begin{bmatrix}\\frac{1}{2} & 0\\end{bmatrix}', '\\begin{pmatrix}0.5 & 0\\end{pmatrix}'));
  assert.ok(!eq('\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}', '\\begin{pmatrix}1 & 2 \\\\ 3 & 5\\end{pmatrix}'));
  assert.ok(eq('1 \\pm \\sqrt{19}', '\\{1 - \\sqrt{19}, 1 + \\sqrt{19}\\}') && eq('\\pm 2021', '\\{-2021, 2021\\}') && !eq('\\pm 2021', '2021'));
  assert.ok(eq('(p,q)=(3,2)', '(3,2)') && eq('a_3 = 2, a_{37} = 19', 'a_{37} = 19, a_3 = 2') && eq('p=5,q=2;p=7,q=2', '(5,2),(7,2)'));
  assert.ok(eq('(11,7)or(7,11)', '(7,11), (11,7)') && eq('6 \\text{ and } 8', '6, 8'));
});

test('symbolic equality of formulas, equations and inequalities (KAS), the same on every run', () => {
  const how = (a: string, b: string) => compareAnswers(a, b, 1e-6);
  for (const [a, b] of [
    ['\\frac{x+2}{7}', '\\frac{x}{7}+\\frac{2}{7}'],
    ['\\tan^2(y)+1', '\\sec^2(y)'],
    ['3\\sqrt{13}', '\\sqrt{117}'],
    ['\\frac{\\pi r}{h+r}', '\\frac{\\pi r}{r+h}'],
    ['\\frac94\\pi', '2.25\\pi'],
    ['-2 x^{2}+4 x+3', '-2(x - 1)^2 + 5'],
  ]) {
    assert.deepEqual(how(a, b), { match: true, how: 'symbolic' }, `${a} = ${b}`);
    assert.deepEqual(how(a, b), how(a, b), 'seeded sampling: the same verdict every time');
  }
  assert.deepEqual(how('\\sqrt 2+\\sqrt 5', '\\sqrt{2}+\\sqrt{5}'), { match: true, how: 'string' }, 'normalized: \\sqrt2 is \\sqrt{2}');
  assert.deepEqual(how('x+2n+1', 'x+1'), { match: false, how: 'symbolic' });
  assert.ok(!eq('2', '\\frac{1+\\sqrt{5}}{2}') && !eq('4', '4\\sqrt{2}'));
  for (const [a, b, want] of [
    ['2x+4y-3=0', 'y=-\\frac{1}{2}x+\\frac{3}{4}', true],
    ['x^2/4 + y^2/3 = 1', 'x^2/16 + y^2/12 = 1/4', true],
    ['x \\leq 5', '5 \\geq x', true],
    ['x < 1', '-x > -1', true],
    ['x < 1', 'x > -1', false],
    ['x \\geq 5', 'x \\leq 5', false],
  ] as Array<[string, string, boolean]>) {
    assert.deepEqual(how(a, b), { match: want, how: 'equation' }, `${a} vs ${b}`);
  }
  assert.ok(eq('x = 5+5+1 = 7 = 11', '11') && eq('x = 1/3 \\approx 0.33', '1/3') && eq('x \\approx 11', '11'), 'the last or exact part of a chain');
  assert.ok(!eq('7 = 11a+c', '11a+c') && !eq('a + 3z = 0', '0'), 'an equation is not an assignment');
  assert.ok(!eq('Evelyn', 'nylevE'), 'words are not products of one-letter variables');
  assert.ok(!eq('\\sqrt{2}', '1.41421') && compareAnswers('\\sqrt{2}', '1.41421', 1e-4).match, 'the tolerance holds for constants too');
});

test('extraction: joined boxes, the last math span, answer-phrase tails, numbers inside words', () => {
  const joined = extractAnswer('so \\boxed{1} papers and \\boxed{2} bins');
  assert.deepEqual([joined?.text, joined?.joined], ['1, 2', 2]);
  assert.equal(extractAnswer('\\boxed{1} no no no no no \\boxed{2}')?.text, '2', 'no conjunction: the last box');
  assert.equal(extractAnswer('$\\boxed{(2, 2)} \\quad \\text{and} \\quad \\boxed{(6, 2)}$')?.text, '(2, 2), (6, 2)');
  assert.equal(extractAnswer('\\boxed{004}. So, \\boxed{004} is the answer')?.text, '004', 'the same box twice is one answer');
  const math = extractAnswer('Therefore $x \\geq 5$ is the solution.');
  assert.deepEqual([math?.text, math?.method], ['x \\geq 5', 'last-math']);
  assert.equal(extractAnswer('The value $x$ is 12 here')?.text, '12', 'the number ends later than the math');
  assert.equal(extractAnswer('costs $5 and $6 in all')?.text, '6', 'currency dollars are not math');
  assert.equal(extractAnswer('Final Answer: The final answer is $28 \\%$. I hope it is correct.')?.text, '28 \\%');
  assert.equal(extractAnswer('Answer: Keep the computer you picked. It has a 2/3 chance.')?.text, 'Keep the computer you picked');
  assert.equal(extractAnswer('\\boxed{255} was wrong. The final answer is $10,455$. I hope it is correct.')?.text, '10,455', 'a stated answer after the last box');
  assert.notEqual(extractAnswer('AZYUK2A')?.text, '2', 'a number inside a word is not a number');
  assert.equal(extractAnswer('the answer is .4')?.text, '.4');
  assert.equal(acc('<think>r</think>$\\boxed{\\text{(C)}}$', '\\(\\boxed{\\text{C}}\\).').value, 1, 'a choice letter in parentheses');
});

test('a reference written as a solution is reduced to its answer (MATH \\boxed, GSM8K ####)', () => {
  const math = acc('<think>r</think>So $\\boxed{\\frac{14}{3}}$', 'Thus $f(-2)+f(-1)+f(0)=2+\\frac{5}{3}+1=\\boxed{\\frac{14}{3}}$');
  assert.equal(math.value, 1, math.detail);
  assert.match(math.detail, /reference \\frac\{14\}\{3\} \(from \\boxed in the reference\)/);
  const gsm = acc('<think>48 + 24</think>The answer is 72.', 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72');
  assert.equal(gsm.value, 1, gsm.detail);
  assert.equal(acc('<think>r</think>\\boxed{1,2}', '$\\boxed{1}\\boxed{2}$').value, 1, 'adjacent boxes of a reference are one list');
  assert.equal(extractAnswer('#### Step 3: add\nThe total is 42.')?.text, '42', 'a markdown heading is not GSM8K\'s ####');
});

test('plain-text answers: a short text reference is a phrase of the final answer, and the detail says so', () => {
  const r = acc('<think>Australia’s capital…</think>The capital of Australia is Canberra.', 'Canberra');
  assert.equal(r.value, 1, r.detail);
  assert.equal(r.detail, 'extracted "Canberra" (the reference phrase, in the answer part); reference Canberra → match (phrase)');
  const text = '<think>x</think>Canberra became the capital in 1913.';
  const y = acc(text, 'Canberra');
  assert.equal(y.value, 1, 'the year is not the answer');
  const h = y.highlights!.find((x) => x.kind === 'extracted')!;
  assert.equal(text.slice(h.start, h.end), 'Canberra');
  const neg = acc('<think>x</think>The capital is Sydney, not Canberra.', 'Canberra');
  assert.equal(neg.value, 0);
  assert.match(neg.detail, /the reference phrase appears only negated \(".*not Canberra"\)/);
  assert.equal(acc('<think>x</think>It is not Sydney, it is Canberra.', 'Canberra').value, 1, 'a comma ends the negated clause');
  assert.equal(acc('<think>x</think>**Answer:** You should **keep** the computer you picked.', 'keep').value, 1);
  assert.equal(acc('<think>x</think>Canberra is lovely, but the answer is \\boxed{Sydney}', 'Canberra').value, 0, 'a box is the answer: the phrase is not searched around it');
  assert.equal(acc('No, I would not say yes.', 'Yes').value, 0, 'a polar answer is its first word');
  assert.match(acc('Yes, I would.', ' Yes').detail, /first word/);
  assert.equal(acc('It is a. b c', 'a').value, 0, 'a one-letter reference is no phrase');
});

test('real plain-text answers (MisguidedAttention: QwQ-32B judged by its rubric, R1 and R1-distill-Llama read by us)', (t) => {
  interface Row { id: string; model: string; prompt: string; output: string; answer: string; expected: 0 | 1; oracle: string }
  const rows = readJsonlFixture<Row>('text_answers.jsonl');
  let agree = 0;
  for (const row of rows) {
    // QwQ and R1 outputs come without their reasoning (a separate field upstream): the chat template put
    // <think> in the prompt; the R1-distill-Llama outputs carry their reasoning inline without tags
    const completion = row.model.startsWith('deepseek-r1-distill') ? row.output : `</think>\n\n${row.output}`;
    const r = accuracy.score({ id: row.id, prompt: row.prompt, completion, answer: row.answer }, accuracy.defaults);
    if ((r.value === 1 ? 1 : 0) === row.expected) agree++;
    else t.diagnostic(`disagree ${row.id} (${row.oracle}): want ${row.expected} — ${r.detail.slice(0, 140)}`);
  }
  t.diagnostic(`agreement ${agree}/${rows.length}`);
  assert.equal(rows.length, 60);
  // the misses are synonyms ("stay with your original door" for "keep") and an answer that restates the
  // reference while saying the opposite ("Both 1 kilogram of steel and 1 feather weigh the same")
  assert.ok(agree >= 53, `agreement ${agree}/60 below the floor 53`);
  const l70 = rows.find((x) => x.id === 'l70/feathers_or_steel#0')!;
  const f = acc(l70.output, l70.answer);
  assert.equal(f.value, 1, f.detail);
  assert.match(f.detail, /the reference phrase, in the last paragraph/, 'untagged: the last paragraph, not the last number "1"');
});

test('hostile inputs stay judgeable: 200 KB of unbalanced \\boxed{, of dollars, of nested braces', () => {
  for (const s of ['\\boxed{'.repeat(30000), '$1 and $'.repeat(25000), '\\boxed{' + '{'.repeat(100000) + '}'.repeat(100000)]) {
    const r = acc(`<think>r</think>${s}`, '1');
    assert.ok(r.value === 0 || r.value === 1, r.detail);
  }
});
