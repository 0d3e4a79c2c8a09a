// The replay generator: recorded generations served per problem in recorded order, both layouts, bad lines named.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, test } from 'node:test';
import { GenerationError } from '../../src/core/models/generation';
import { ReplayGenerator } from '../../src/core/models/generators/replay';
import { examplesFromPrompt, testsFromGeneration, cutAtStop } from '../../src/core/agents/code/tests';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'code-agent', 'codet_3.jsonl');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-gen-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const ask = (g: ReplayGenerator, id: string, kind: 'solution' | 'tests') => g.generate({ messages: [{ role: 'user', content: 'x' }], maxTokens: 10, temperature: 0.8, task: { id, kind } });

test('the CodeT layout: solutions and test generations of a task come back in their recorded order, rewind starts over', async () => {
  const g = ReplayGenerator.load(FIXTURE);
  const rows = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const he2 = rows.find((r) => r.task_id === 'HumanEval/2');
  assert.deepEqual([...g.tasks.keys()].sort(), ['HumanEval/0', 'HumanEval/2', 'HumanEval/4']);
  assert.equal(g.warnings.length, 0);
  assert.equal(g.remaining('HumanEval/2', 'solution'), 12);
  assert.equal((await ask(g, 'HumanEval/2', 'solution')).text, he2.solutions[0]);
  assert.equal((await ask(g, 'HumanEval/2', 'solution')).text, he2.solutions[1]);
  assert.equal((await ask(g, 'HumanEval/2', 'tests')).text, he2.test_samples[0]);
  assert.equal(g.remaining('HumanEval/2', 'solution'), 10);
  g.rewind('HumanEval/2');
  const first = await ask(g, 'HumanEval/2', 'solution');
  assert.equal(first.text, he2.solutions[0]);
  assert.equal(first.finishReason, 'stop');
  assert.ok(first.usage.completionTokens > 0 && first.usage.estimated);
});

test('samples JSONL (gzipped): many completions per task in file order; bad lines named by line number and skipped', async () => {
  const file = path.join(dir, 'samples.jsonl.gz');
  const lines = [
    JSON.stringify({ task_id: 'T/1', completion: '    return 1\n' }),
    'not json',
    JSON.stringify({ task_id: 'T/1', completion: 42 }),
    JSON.stringify({ completion: 'x' }),
    JSON.stringify({ task_id: 'T/2', completion: '    return 2\n' }),
    JSON.stringify({ task_id: 'T/1', completion: '    return 3\n' }),
    JSON.stringify({ task_id: 'T/3', something: 1 }),
  ];
  fs.writeFileSync(file, zlib.gzipSync(lines.join('\n')));
  const g = ReplayGenerator.load(file);
  assert.deepEqual(g.tasks.get('T/1')!.solutions, ['    return 1\n', '    return 3\n']);
  assert.deepEqual(g.warnings.map((w) => w.replace(file, 'F').split(': skipped')[0]), ['F:2', 'F:3', 'F:4', 'F:7']);
  assert.match(g.warnings[1], /"completion" is not a string/);
  assert.equal((await ask(g, 'T/1', 'solution')).text, '    return 1\n');
  assert.equal((await ask(g, 'T/1', 'solution')).text, '    return 3\n');
  await assert.rejects(ask(g, 'T/1', 'solution'), (e) => e instanceof GenerationError && /all 2 recorded solutions of T\/1 were served/.test(e.message));
  await assert.rejects(ask(g, 'T/9', 'solution'), /no recorded generations for T\/9/);
  await assert.rejects(g.generate({ messages: [], maxTokens: 1, temperature: 0 }), /must name its task/);
});

test('unreadable, empty and hostile replay files are errors naming the file', () => {
  assert.throws(() => ReplayGenerator.load(path.join(dir, 'missing.jsonl')), /missing\.jsonl: cannot read/);
  const empty = path.join(dir, 'empty.jsonl');
  fs.writeFileSync(empty, '');
  assert.throws(() => ReplayGenerator.load(empty), /empty\.jsonl: no recorded generations \(the file is empty\)/);
  const bad = path.join(dir, 'bad.jsonl');
  fs.writeFileSync(bad, '[1,2]\n{"task_id": "a", "solutions": [1]}\n');
  assert.throws(() => ReplayGenerator.load(bad), /bad\.jsonl: no recorded generations \(.*bad\.jsonl:1: skipped: not a JSON object, and 1 more\)/);
});

test('CodeT cuts: a solution at the first stop sequence, a test generation into at most five asserts on the entry point, the prompt examples as asserts', () => {
  assert.equal(cutAtStop('    return x\n\ndef other():\n    pass'), '    return x\n');
  const raw = '\n    truncate_number(3.5) == 0.5\nassert truncate_number(1.25) == 0.25\nassert other(1) == 2\n# done\nassert truncate_number(0.0) == 0.0';
  assert.deepEqual(testsFromGeneration(raw, 'truncate_number'), ['assert truncate_number(3.5) == 0.5', 'assert truncate_number(1.25) == 0.25', 'assert truncate_number(0.0) == 0.0']);
  assert.equal(testsFromGeneration('f(1) == 1\nassert f(2) == 2\nassert f(3) == 3\nassert f(4) == 4\nassert f(5) == 5\nassert f(6) == 6', 'f').length, 5);
  const prompt = 'def f(a):\n    """ Doubles.\n    >>> f(1)\n    2\n    >>> f([1,\n    ... 2])\n    [2, 4]\n    >>> f(\'x\')\n    \'xx\'\n    """\n';
  assert.deepEqual(examplesFromPrompt(prompt, 'f'), ['assert (f(1)) == (2)', 'assert (f([1, 2])) == ([2, 4])', "assert (f('x')) == ('xx')"]);
});
