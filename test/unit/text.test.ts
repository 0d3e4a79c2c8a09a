import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approxTokenCount, scanWords, splitThink, WordKind } from '../../src/core/rewards/text';
import { hermes } from './helpers/rewardData';

function words(text: string): Array<[string, number]> {
  const s = scanWords(text);
  const out: Array<[string, number]> = [];
  for (let i = 0; i < s.length; i++) out.push([text.slice(s.starts[i], s.ends[i]), s.kinds[i]]);
  return out;
}

test('splitThink: tagged, stray close, unclosed, untagged', () => {
  const t = splitThink('<think>reason</think>answer');
  assert.equal(t.state, 'tagged');
  assert.equal('<think>reason</think>answer'.slice(t.thinkStart, t.thinkEnd), 'reason');
  assert.equal('<think>reason</think>answer'.slice(t.answerStart, t.answerEnd), 'answer');

  const s = splitThink('reason</think>answer');
  assert.equal(s.state, 'stray-close');
  assert.equal(s.thinkStart, 0);
  assert.equal('reason</think>answer'.slice(s.answerStart), 'answer');

  const u = splitThink('<think>never closed');
  assert.equal(u.state, 'unclosed');
  assert.equal(u.answerStart, u.answerEnd, 'no answer part');
  assert.deepEqual([u.finalStart, u.finalEnd], [0, '<think>never closed'.length], 'final answer searched in the whole text');

  const n = splitThink('plain');
  assert.equal(n.state, 'untagged');
  assert.deepEqual([n.thinkStart, n.thinkEnd, n.answerStart, n.answerEnd], [0, 5, 0, 5]);
});

test('splitThink: custom tag names and the last closing tag', () => {
  const text = '<reasoning>a</reasoning>b</reasoning>c';
  const s = splitThink(text, 'reasoning');
  assert.equal(s.closeCount, 2);
  assert.equal(text.slice(s.answerStart), 'c');
  assert.equal(splitThink(text, 'think').state, 'untagged');
});

test('splitThink on real DeepHermes outputs: stray </think> and unclosed <think>', () => {
  const stray = hermes('Probability of G#1').completion;
  const s = splitThink(stray);
  assert.equal(s.state, 'stray-close');
  assert.ok(stray.slice(s.answerStart).includes('To determine the probability'));
  const unclosed = hermes('bridge_torch_easy#2').completion;
  assert.equal(splitThink(unclosed).state, 'unclosed');
});

test('scanWords: Latin runs, Han per character, kana, Hangul, Cyrillic, Arabic; numbers, letters, commands apart', () => {
  assert.deepEqual(words("Don't stop"), [["Don't", WordKind.Latin], ['stop', WordKind.Latin]]);
  assert.deepEqual(words('中文abc'), [['中', WordKind.Han], ['文', WordKind.Han], ['abc', WordKind.Latin]]);
  assert.deepEqual(words('カタカナーとひらがな'), [['カタカナーとひらがな', WordKind.Kana]]);
  assert.deepEqual(words('한국어 Привет مرحبا'), [['한국어', WordKind.Hangul], ['Привет', WordKind.Cyrillic], ['مرحبا', WordKind.Arabic]]);
  assert.deepEqual(words('x = 3.5, \\frac{1}{2}'), [['x', WordKind.Letter], ['3.5', WordKind.Number], ['\\frac', WordKind.Command], ['1', WordKind.Number], ['2', WordKind.Number]]);
  assert.deepEqual(words('π r and αβ'), [['π', WordKind.Letter], ['r', WordKind.Letter], ['and', WordKind.Latin], ['αβ', WordKind.Greek]]);
  assert.deepEqual(words('café naïve'), [['café', WordKind.Latin], ['naïve', WordKind.Latin]]);
  assert.equal(scanWords('').length, 0);
  assert.equal(scanWords('  ...  ;; 🙂').length, 0);
});

test('approxTokenCount: whitespace runs plus one per CJK character', () => {
  assert.equal(approxTokenCount(''), 0);
  assert.equal(approxTokenCount('hello world  foo'), 3);
  assert.equal(approxTokenCount('你好 world'), 3);
  assert.equal(approxTokenCount('a\n\tb'), 2);
});
