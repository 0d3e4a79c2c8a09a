import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJudgement } from '../../src/core/models/grm/parse';
import { buildJudgeMessages, buildMetaJudgeMessages } from '../../src/core/models/grm/spct';

const ok = (text: string, n: number, scores: number[], source?: string) => {
  const r = parseJudgement(text, n);
  assert.ok(r.ok, `expected scores from ${JSON.stringify(text)}, got: ${!r.ok && r.reason}`);
  assert.deepEqual(r.scores, scores);
  if (source) assert.equal(r.source, source);
  return r;
};
const bad = (text: string, n: number, reason: RegExp) => {
  const r = parseJudgement(text, n);
  assert.ok(!r.ok, `expected unparseable, got scores ${r.ok && r.scores} from ${JSON.stringify(text)}`);
  assert.match(r.reason, reason);
  return r;
};

test('the documented SPCT format: principles with weights, critique, boxed scores', () => {
  const r = ok(
    'Principles:\n1. Correctness of the final answer (weight: 60%)\n2. Clarity of the steps (weight: 40%)\nCritique:\nResponse 1 computes 12 correctly.\nResponse 2 drops a sign.\nScores: \\boxed{8, 3}',
    2,
    [8, 3],
    'boxed',
  );
  assert.deepEqual(r.principles, [
    { text: 'Correctness of the final answer', weight: 0.6 },
    { text: 'Clarity of the steps', weight: 0.4 },
  ]);
  assert.equal(r.critique, 'Response 1 computes 12 correctly.\nResponse 2 drops a sign.');
});

test('written forms judges drift into', () => {
  ok('**Score**: 7/10', 1, [7], 'score-line');
  ok('Overall score: 7/10 — a solid answer', 1, [7]);
  ok('Response 1: 6\nResponse 2: 8/10', 2, [6, 8], 'labelled');
  ok('## Scores\n- **Response 1**: 7\n- **Response 2**: 3', 2, [7, 3], 'labelled');
  ok('Score for Response 2: 4\nScore for Response 1: 9', 2, [9, 4], 'labelled');
  ok('Scores: 7, 3', 2, [7, 3], 'score-line');
  ok('Scores: [7, 3].', 2, [7, 3], 'score-line');
  ok('Final scores: $\\boxed{7,\\ 3}$', 2, [7, 3], 'boxed');
  ok('Scores: \\boxed{7}, \\boxed{3}', 2, [7, 3], 'boxed');
  ok('Scores: \\boxed{7.5, 3}', 2, [7.5, 3]);
  ok('<think>Response 1 looks wrong… maybe 2?</think>\nPrinciples:\n1. x\nCritique:\ny\nScores: \\boxed{2, 9}', 2, [2, 9]);
  ok('Some text \\boxed{4} then the final line\nScores: \\boxed{6}', 1, [6]);
});

test('Chinese colons and commas, full-width digits', () => {
  ok('评分：8', 1, [8]);
  ok('原则：\n1. 正确性（权重：70%）\n评价：回答一正确。\n最终得分：\\boxed{８，６}', 2, [8, 6]);
  const r = ok('原则：\n1. 正确性（权重：70%）\n评价：回答一正确。\n得分：\\boxed{9}', 1, [9]);
  assert.deepEqual(r.principles, [{ text: '正确性', weight: 0.7 }]);
  ok('回答1：7\n回答2：5', 2, [7, 5]);
});

test('never guesses: wrong count, off the scale, conflicts, no score', () => {
  bad('Scores: \\boxed{7, 3, 2}', 2, /3 scores for 2 responses/);
  bad('Scores: \\boxed{7}', 2, /1 score for 2 responses/);
  bad('Scores: \\boxed{12}', 1, /12 .* outside 1–10/);
  bad('Scores: \\boxed{0, 5}', 2, /outside 1–10/);
  bad('Score: 4/5', 1, /4\/5 .* not on the 1–10 scale/);
  bad('Scores: \\boxed{A, B}', 2, /not a list of numbers/);
  bad('Score: 7\nScore: 5', 1, /conflicting score lines/);
  bad('Response 1: 7\nlater on\nResponse 1: 5\nResponse 2: 5', 2, /conflicting scores for response 1/);
  bad('Response 1: 7. Response 3: 5', 2, /response 3, but there are 2 responses/);
  bad('Response 1: 7', 2, /no score for response 2/);
  bad('Overall score: 7', 2, /1 score for 2 responses/);
  bad('Overall score: 7 out of 10, a fine pair', 2, /one score per response/);
  bad('Response 1: 2 + 2 = 4 is correct', 1, /no scores found/);
  bad('<think>Let me weigh the principles', 1, /inside <think>/);
  bad('<think>done</think>   ', 1, /nothing after <\/think>/);
  bad('', 1, /empty judgement/);
  bad('the the the of the and a a a', 1, /no scores found/);
});

test('an unparseable judgement keeps what it could read of principles and critique', () => {
  const r = bad('Principles:\n1. Be right\nCritique:\nIt is wrong.\nScores: none', 1, /no scores found/);
  assert.deepEqual(r.principles, [{ text: 'Be right' }]);
  assert.match(r.critique, /It is wrong/);
});

test('the judge prompt asks for the documented format, pointwise and listwise', () => {
  const one = buildJudgeMessages('What is 2+2?', ['4']);
  assert.equal(one[0].role, 'system');
  assert.match(one[1].content, /\[Response\]\n4\n\[End of Response\]/);
  assert.match(one[1].content, /Principles:[\s\S]*Critique:[\s\S]*Scores: \\boxed\{7\}/);
  const three = buildJudgeMessages('q', ['a', 'b', 'c']);
  assert.match(three[1].content, /\[Response 3\]\nc\n\[End of Response 3\]/);
  assert.match(three[1].content, /Scores: \\boxed\{7, 3, 5\}/);
  assert.match(three[1].content, /3 integer scores/);
  assert.throws(() => buildJudgeMessages('q', []), /no responses/);
  assert.match(buildMetaJudgeMessages('q', ['a'], 'J')[1].content, /\[Judgement\]\nJ\n[\s\S]*Meta score: \\boxed/);
});
