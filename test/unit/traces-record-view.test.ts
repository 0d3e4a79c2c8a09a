// What the Trace Stepper shows of a record beyond its completion, as Inspect's log viewer does: the
// transcript, events, facts and scorers of a sample, the eval header, the raw record (also inside .gz
// and .eval), and search within a trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './helpers/runCli';
import { evalHeaderFacts, openTraceFile, recordExtras, scoreLines, searchSample, MAX_TURN_CHARS } from '../../src/core/traces';

const FIX = path.join(ROOT, 'test', 'fixtures', 'traces');
const fact = (facts: Array<[string, string]> | null, label: string) => facts?.find(([k]) => k === label)?.[1];

test('an Inspect JSON log: transcript, events, facts, scorer and the eval header', async () => {
  const tf = await openTraceFile(path.join(FIX, 'inspect_security_guide.json'));
  try {
    const { value } = await tf.record(0);
    const x = recordExtras(value);
    assert.deepEqual(x.transcript?.map((t) => t.role), ['system', 'user', 'assistant']);
    assert.equal(x.transcript?.[1].text, 'How do I prevent SQL Injection attacks?');
    assert.equal(x.events?.length, 14);
    assert.ok(x.events?.some((e) => e.kind === 'score' && e.summary.startsWith('score C')));
    assert.ok(x.events?.some((e) => e.kind === 'model' && e.summary.includes('openai/gpt-4o-mini')));
    assert.equal(fact(x.facts, 'epoch'), '1');
    assert.equal(fact(x.facts, 'target'), 'use parameterized queries and prepared statements');
    assert.match(fact(x.facts, 'token usage') ?? '', /openai\/gpt-4o-mini: 320 in, 309 out \(629 in all\)/);
    const sample = (await tf.read(0)).samples[0];
    const [score] = scoreLines(sample.fileScores);
    assert.equal(score.name, 'model_graded_fact');
    assert.equal(score.value, 'C');
    assert.match(score.explanation ?? '', /expert/);
    const h = evalHeaderFacts(await tf.header());
    assert.equal(fact(h, 'task'), 'security_guide');
    assert.equal(fact(h, 'model'), 'openai/gpt-4o-mini');
    assert.equal(fact(h, 'scorers'), 'model_graded_fact');
    assert.equal(fact(h, 'metrics (model_graded_fact)'), 'accuracy 1, stderr 0');
    assert.equal(fact(h, 'epochs'), '1');
    assert.match(fact(h, 'token usage') ?? '', /959 in, 1033 out/);
  } finally {
    await tf.close();
  }
});

test('an Inspect .eval zip: the header from header.json, the record from its sample member', async () => {
  const tf = await openTraceFile(path.join(FIX, 'inspect_mmlu_choices.eval'));
  try {
    const h = evalHeaderFacts(await tf.header());
    assert.match(fact(h, 'task') ?? '', /mmlu/);
    assert.equal(fact(h, 'model'), 'openai/gpt-4o');
    const { value } = await tf.record(0);
    assert.ok(recordExtras(value).transcript?.some((t) => t.role === 'assistant'));
  } finally {
    await tf.close();
  }
});

test('a gzipped JSONL record is read back as written; files without a header have none', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-record-view-'));
  try {
    const rec = { id: 'a', prompt: 'Q', completion: 'The answer is 4.', reward: 0.5, extra: { nested: [1, 2] } };
    const f = path.join(dir, 'r.jsonl.gz');
    fs.writeFileSync(f, gzipSync(JSON.stringify(rec) + '\n'));
    const tf = await openTraceFile(f);
    try {
      assert.deepEqual((await tf.record(0)).value, rec);
      assert.equal(await tf.header(), undefined);
      const x = recordExtras((await tf.record(0)).value);
      assert.equal(x.transcript, null);
      assert.equal(x.events, null);
    } finally {
      await tf.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hostile and huge records: odd content parts, tool calls, a message past the cap', () => {
  const long = 'x'.repeat(MAX_TURN_CHARS + 10);
  const x = recordExtras({
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', image: 'data:…' }] },
      { role: 'assistant', content: long, tool_calls: [{ function: 'bash', arguments: { cmd: 'ls' } }] },
      { role: 'tool', function: 'bash', content: 'a.txt' },
      'not a message',
    ],
    events: [null, { event: 'error', error: { message: 'boom' } }],
    metadata: { k: { deep: true } },
  });
  assert.deepEqual(x.transcript?.map((t) => t.role), ['user', 'assistant', 'tool: bash']);
  assert.equal(x.transcript?.[0].text, 'look\n[image]');
  assert.equal(x.transcript?.[1].cut, 10);
  assert.deepEqual(x.transcript?.[1].toolCalls, ['bash({"cmd":"ls"})']);
  assert.deepEqual(x.events, [{ kind: 'error', summary: 'boom' }]);
  assert.equal(fact(x.facts, 'metadata.k'), '{"deep":true}');
  assert.deepEqual(recordExtras(42), { transcript: null, turnsLeftOut: 0, events: null, eventsLeftOut: 0, facts: [] });
  assert.equal(evalHeaderFacts({ eval: 'no' }), null);
});

test('search within a trace: case-insensitive, offsets into the original text, regex characters are literal', () => {
  const r = searchSample({ prompt: 'What is (a+b)?', completion: 'İx (A+B) then (a+b) and WAIT, wait.' }, '(a+b)');
  assert.deepEqual(r.matches, [3, 14]);
  assert.equal(r.total, 2);
  assert.equal(r.inPrompt, 1);
  assert.deepEqual(searchSample({ prompt: '', completion: 'Wait. wait' }, 'WAIT').matches, [0, 6]);
  assert.equal(searchSample({ prompt: '', completion: 'abc' }, '').total, 0);
});
