import { test } from 'node:test';
import assert from 'node:assert/strict';
import { format } from '../../src/core/rewards/format';
import { hermes, r1Records, rec } from './helpers/rewardData';

const strict = { mode: 'strict' as const };
const lenient = { mode: 'lenient' as const };
const score = (c: string, o: object = strict) => format.score(rec(c), { ...format.defaults, ...o });

test('strict: the R1 template passes, with think and answer highlights', () => {
  const text = '<think>\nadd them\n</think>\n\nThe answer is 4.';
  const r = score(text);
  assert.equal(r.value, 1, r.detail);
  const think = r.highlights?.find((h) => h.kind === 'think');
  const answer = r.highlights?.find((h) => h.kind === 'answer');
  assert.equal(text.slice(think!.start, think!.end), 'add them');
  assert.equal(text.slice(answer!.start, answer!.end), 'The answer is 4.');
  assert.equal(score('  \n<think>x</think>y').value, 1, 'leading whitespace is trimmed');
});

test('strict: each failure says what failed', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty completion/],
    ['just an answer', /no <\/think> tag/],
    ['<think>truncated reasoning', /no closing <\/think>/],
    ['reasoning</think>answer', /no opening <think>/],
    ['Sure! <think>r</think>a', /does not start with <think>/],
    ['<think>a<think>b</think>c', /2 <think> tags/],
    ['<think>a</think>b</think>c', /2 <\/think> tags/],
    ['<think>  </think>answer', /empty reasoning/],
    ['<think>reason</think>   \n', /empty answer after <\/think>/],
  ];
  for (const [text, re] of cases) {
    const r = score(text);
    assert.equal(r.value, 0, `should fail: ${JSON.stringify(text)}`);
    assert.match(r.detail, re, JSON.stringify(text));
  }
});

test('strict with answerTag "answer"', () => {
  const o = { mode: 'strict', answerTag: 'answer' };
  assert.equal(score('<think>r</think>\n<answer>42</answer>\n', o).value, 1);
  assert.match(score('<think>r</think>42', o).detail, /no <answer> block/);
  assert.match(score('<think>r</think><answer>4</answer><answer>2</answer>', o).detail, /2 <answer> tags/);
  assert.match(score('<think>r</think><answer>42</answer> trailing', o).detail, /text after <\/answer>/);
  assert.match(score('<think>r</think><answer> </answer>', o).detail, /empty <answer> block/);
  assert.match(score('<think>r</think><answer>42', o).detail, /no closing <\/answer>/);
});

test('lenient: the opening tag may be in the prompt; unclosed still fails', () => {
  assert.equal(score('reasoning</think>answer', lenient).value, 1);
  assert.match(score('reasoning</think>answer', lenient).detail, /assumed in the prompt/);
  assert.equal(score('<think>r</think>a', lenient).value, 1);
  assert.equal(score('<think>truncated', lenient).value, 0);
  assert.equal(score('</think>answer', lenient).value, 0);
  assert.equal(score('reasoning</think>', lenient).value, 0);
});

test('custom think tag', () => {
  assert.equal(score('<reasoning>r</reasoning>a', { thinkTag: 'reasoning' }).value, 1);
  assert.equal(score('<think>r</think>a', { thinkTag: 'reasoning' }).value, 0);
});

test('HTML and script in the text are only text', () => {
  const r = score('<think><script>alert(1)</script> <b>bold</b></think><img src=x onerror=alert(1)>');
  assert.equal(r.value, 1);
});

test('real DeepSeek-R1 samples in the template pass strict', () => {
  for (const r of r1Records()) assert.equal(format.score(r, format.defaults).value, 1, r.id);
});

test('real DeepHermes: unclosed <think> fails both modes; stray </think> fails strict, passes lenient', () => {
  const unclosed = hermes('bridge_torch_easy#2').completion;
  assert.match(score(unclosed).detail, /no closing <\/think>/);
  assert.equal(score(unclosed, lenient).value, 0);
  const stray = hermes('Probability of G#1').completion;
  assert.match(score(stray).detail, /no opening <think>/);
  assert.equal(score(stray, lenient).value, 1);
  assert.match(score(hermes('Ice cream parlor#0').completion).detail, /no <\/think> tag/);
});

test('a 1 MB completion', () => {
  const big = '<think>' + 'step by step. '.repeat(75000) + '</think>done';
  assert.ok(big.length > 1_000_000);
  assert.equal(score(big).value, 1);
});
