import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toRewardRecord } from '../../src/core/records/record';
import { readJsonlFixture } from './helpers/rewardData';

test('plain records; numeric ids and answers stringified; null is absent', () => {
  assert.deepEqual(toRewardRecord({ id: 7, prompt: 'p', completion: 'c', answer: 42, language: 'zh', reference: 'r' }, 'f').record, {
    id: '7',
    prompt: 'p',
    completion: 'c',
    answer: '42',
    language: 'zh',
    reference: 'r',
  });
  assert.deepEqual(toRewardRecord({ completion: 'c', answer: null }, 'line-3').record, { id: 'line-3', prompt: '', completion: 'c' });
});

test('chat messages: last assistant turn, user turns as prompt, system ignored, text parts', () => {
  const r = toRewardRecord(
    {
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: [{ type: 'text', text: 'Q2 ' }, { type: 'image_url', image_url: {} }, { type: 'text', text: 'more' }] },
        { role: 'assistant', content: [{ type: 'text', text: '<think>r</think>A2' }] },
      ],
      answer: '2',
    },
    'f',
  ).record!;
  assert.equal(r.completion, '<think>r</think>A2');
  assert.equal(r.prompt, 'Q1\n\nQ2 more');
  assert.equal(r.answer, '2');
});

test('TRL conversational prompt/completion lists', () => {
  const r = toRewardRecord({ prompt: [{ role: 'user', content: 'Q' }], completion: [{ role: 'assistant', content: 'A' }] }, 'f').record!;
  assert.deepEqual([r.prompt, r.completion], ['Q', 'A']);
});

test('errors name the field', () => {
  const e = (v: unknown) => toRewardRecord(v, 'f').error;
  assert.equal(e({ completion: 5 }), 'field "completion": expected a string or a list of chat messages, got number');
  assert.match(e({ prompt: 'p' })!, /field "completion": missing/);
  assert.match(e([1, 2])!, /expected a JSON object/);
  assert.match(e(null)!, /got null/);
  assert.match(e({ messages: 'hi' })!, /field "messages": expected a list of chat messages, got string/);
  assert.match(e({ messages: [{ role: 'user', content: 'q' }] })!, /no assistant message/);
  assert.match(e({ messages: [{ content: 'q' }] })!, /field "messages\[0\]\.role": expected a string, got undefined/);
  assert.match(e({ completion: 'c', answer: { v: 1 } })!, /field "answer": expected a string or a number, got object/);
  assert.match(e({ completion: 'c', prompt: 3 })!, /field "prompt"/);
  assert.match(e({ completion: 'c', language: 5 })!, /field "language"/);
  assert.match(e({ completion: [{ role: 'assistant', content: 9 }] })!, /field "completion\[0\]\.content"/);
});

test('real PRM800K rows map with a little glue', () => {
  const rows = readJsonlFixture<{ id: string; problem: string; ground_truth_answer: string; pre_generated_steps?: string[] }>('prm800k_answers.jsonl');
  for (const row of rows.filter((r) => r.pre_generated_steps)) {
    const { record, error } = toRewardRecord({ id: row.id, prompt: row.problem, completion: row.pre_generated_steps!.join('\n'), answer: row.ground_truth_answer }, 'f');
    assert.equal(error, undefined);
    assert.equal(record!.answer, row.ground_truth_answer);
  }
});
