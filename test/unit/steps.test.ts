import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyStep, MAX_STEP_CHARS, segmentSteps } from '../../src/core/rewards/reasoningSteps';
import { steps } from '../../src/core/rewards/steps';
import { r1Records, rec } from './helpers/rewardData';

test('segmentation: numbered steps, Step N:, 第N步, blank-line paragraphs; offsets into the text', () => {
  const text = '1. First do this.\n2. Then that.\nStep 3: more\n第三步：计算\n\n  Wait, no.  \n\n\n';
  const s = segmentSteps(text);
  assert.deepEqual(s.map((x) => x.text), ['1. First do this.', '2. Then that.', 'Step 3: more', '第三步：计算', 'Wait, no.']);
  for (const x of s) {
    assert.equal(text.slice(x.start, x.end), x.text);
    assert.equal(x.chars, x.text.length);
    assert.ok(x.tokens > 0);
  }
  assert.deepEqual(s.map((x) => x.index), [0, 1, 2, 3, 4]);
  assert.equal(s[4].kind, 'reflection');
});

test('segmentation: CRLF, empty text, whitespace only', () => {
  assert.deepEqual(segmentSteps(''), []);
  assert.deepEqual(segmentSteps(' \n\n \t\n'), []);
  const s = segmentSteps('a\r\n\r\nb');
  assert.deepEqual(s.map((x) => x.text), ['a', 'b']);
});

test('segmentation: long paragraphs split at sentence ends, no piece over the limit unless one sentence is', () => {
  const sentence = 'This sentence is about forty characters. ';
  const text = sentence.repeat(60).trim(); // ~2400 chars, one paragraph
  const s = segmentSteps(text);
  assert.ok(s.length >= 4, `${s.length} steps`);
  for (const x of s) {
    assert.ok(x.chars <= MAX_STEP_CHARS + 1, `${x.chars}`);
    assert.ok(x.text.endsWith('.'), 'cut at a sentence end');
  }
  const noStops = 'word '.repeat(500); // 2500 chars without sentence ends
  const t = segmentSteps(noStops);
  assert.ok(t.length >= 4);
  assert.equal(t.map((x) => x.text).join(' '), noStops.trim(), 'no text lost');
  const cjk = '这是一个很长的句子。'.repeat(200);
  assert.ok(segmentSteps(cjk).every((x) => x.text.endsWith('。')));
});

test('labels from English and Chinese cue phrases', () => {
  const cases: Array<[string, string]> = [
    ['Wait, that is odd.', 'reflection'],
    ['Hmm, let me think.', 'reflection'],
    ['But wait, the premise says dead.', 'reflection'],
    ['Let me double-check the sum.', 'reflection'],
    ['等等，这里有问题。', 'reflection'],
    ['不对，应该是 5。', 'reflection'],
    ['Alternatively, use a table.', 'backtrack'],
    ["That's wrong, start over.", 'backtrack'],
    ['Let me try another approach.', 'backtrack'],
    ['换一种方法。', 'backtrack'],
    ['Let me verify: 3 + 4 = 7.', 'verification'],
    ['Check: 7 - 4 = 3.', 'verification'],
    ['验证：7 - 4 = 3。', 'verification'],
    ['Therefore, x = 3.', 'conclusion'],
    ['So the answer is 7.', 'conclusion'],
    ['综上，答案是 7。', 'conclusion'],
    ['所以答案是 7。', 'conclusion'],
    ['**Step 4:** Wait, recheck.', 'reflection'],
    ['We add the numbers.', 'reasoning'],
    ['The weight is 5 kg.', 'reasoning'],
  ];
  for (const [t, k] of cases) assert.equal(classifyStep(t), k, t);
});

test('steps reward: 1 / log2(n + 1)', () => {
  const sc = (c: string) => steps.score(rec(c), steps.defaults);
  assert.equal(sc('<think>one step</think>a').value, 1);
  assert.equal(sc('<think>a\n\nb\n\nc</think>x').value, 0.5);
  assert.equal(sc('<think>a\n\nb\n\nc\n\nd\n\ne\n\nf\n\ng</think>x').value, 1 / 3);
  const zero = sc('<think> </think>x');
  assert.equal(zero.value, 1);
  assert.match(zero.detail, /no reasoning steps/);
  const r = sc('<think>a\n\nWait, b</think>x');
  assert.match(r.detail, /^2 steps: 1 \/ log2\(2 \+ 1\) = 0\.631/);
  assert.equal(r.highlights!.length, 2);
  const text = '<think>a\n\nWait, b</think>x';
  assert.equal(text.slice(r.highlights![1].start, r.highlights![1].end), 'Wait, b', 'offsets into the completion');
  assert.equal(sc('').value, 1);
});

test('steps reward on real R1 reasoning: several steps, reflections found', () => {
  for (const r of r1Records()) {
    const v = steps.score(r, steps.defaults);
    assert.ok(v.value !== null && v.value > 0 && v.value < 1, `${r.id}: ${v.detail}`);
    assert.ok(v.highlights!.some((h) => /reflection/.test(h.note ?? '')), `${r.id} has a reflection step`);
  }
});

test('segmentation of a 1 MB text stays linear and keeps every step under the limit', () => {
  const big = 'Compute the next value and carry on. '.repeat(28000);
  const s = segmentSteps(big);
  assert.ok(s.length > 1000);
  assert.ok(s.every((x) => x.chars <= MAX_STEP_CHARS + 1));
});
