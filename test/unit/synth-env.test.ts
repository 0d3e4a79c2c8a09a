// Synthesis problems, generator, environment masks, rewards, searches and episode traces.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Rng } from '../../src/core/shared/rng';
import { SynthAgent } from '../../src/core/agents/synth/agent';
import { isTight, runProgram, typeCheck, type Program } from '../../src/core/agents/synth/dsl';
import { MACRO_ACTIONS, MICRO_ACTIONS, microArg, STOP, SynthEpisode, unsolvableReason } from '../../src/core/agents/synth/env';
import { behaviourKey, generateProblems } from '../../src/core/agents/synth/generate';
import { fromJsonRecord, loadSynthProblems, type SynthProblem } from '../../src/core/agents/synth/problems';
import { evaluateProgram, exampleScore, LINE_COST, passesAll, PARTIAL, similarity } from '../../src/core/agents/synth/reward';
import { enumerate, enumeratePrograms, randomSearch } from '../../src/core/agents/synth/search';
import { episodeTrace } from '../../src/core/agents/synth/traces';
import { openTraceFile } from '../../src/core/traces';

const ROOT = path.resolve(__dirname, '..', '..');

test('generator: well-typed, tight, not degenerate, unique by behaviour, reproducible', () => {
  const a = generateProblems(new Rng(3), { perLength: 15, lengths: [1, 2, 3, 4, 5] });
  const b = generateProblems(new Rng(3), { perLength: 15, lengths: [1, 2, 3, 4, 5] });
  assert.deepEqual(
    a.problems.map((p) => p.program),
    b.problems.map((p) => p.program),
  );
  assert.ok(a.problems.length >= 60, `${a.problems.length} problems`);
  const keys = new Set<string>();
  for (const p of a.problems) {
    const types = typeCheck(p.program!);
    assert.equal(types[types.length - 1], p.output);
    assert.ok(isTight(p.program!), `${p.id} has a dead line or unused input`);
    assert.ok(!p.shown.every((e) => JSON.stringify(e.output) === JSON.stringify(p.shown[0].output) && p.heldOut.every((h) => JSON.stringify(h.output) === JSON.stringify(e.output))), `${p.id} is constant`);
    assert.ok(passesAll(p.program!, [...p.shown, ...p.heldOut]), `${p.id}'s own program solves it`);
    const key = behaviourKey(p.program!);
    assert.ok(!keys.has(key), `${p.id} duplicates another problem's behaviour`);
    keys.add(key);
  }
  // a second set that excludes the first never repeats a behaviour
  const held = generateProblems(new Rng(99), { perLength: 10, lengths: [2, 3], exclude: a.keys });
  for (const p of held.problems) assert.ok(!a.keys.has(behaviourKey(p.program!)));
  // sort(sort(x)) behaves as sort(x): the generator keeps only one of them
  const sortTwice: Program = { inputs: ['[int]'], lines: [{ fn: 'sort', args: [{ var: 0 }] }, { fn: 'sort', args: [{ var: 1 }] }] };
  const sortOnce: Program = { inputs: ['[int]'], lines: [{ fn: 'sort', args: [{ var: 0 }] }] };
  assert.equal(behaviourKey(sortTwice), behaviourKey(sortOnce));
});

test('masks: a random walk over many problems never finds an allowed action that is invalid', () => {
  const rng = new Rng(5);
  const { problems } = generateProblems(new Rng(11), { perLength: 8, lengths: [1, 2, 3, 4, 5] });
  let steps = 0;
  for (const problem of problems) {
    for (let rep = 0; rep < 5; rep++) {
      const ep = new SynthEpisode(problem);
      while (ep.phase !== 'done') {
        const mask = ep.mask();
        assert.equal(mask.length, ep.phase === 'macro' ? MACRO_ACTIONS : MICRO_ACTIONS);
        const allowed = [...mask.keys()].filter((i) => mask[i]);
        assert.ok(allowed.length, `no allowed action in phase ${ep.phase} for ${problem.id}`);
        // every masked-out action is refused by the environment
        for (let i = 0; i < mask.length; i += 3) if (!mask[i]) assert.throws(() => (ep.phase === 'macro' ? ep.macro(i) : ep.micro(i)), /masked/);
        const a = allowed[rng.int(allowed.length)];
        if (ep.phase === 'macro') ep.macro(a);
        else ep.micro(a);
        steps++;
      }
      const out = ep.outcome()!;
      // the program built from allowed actions always type-checks and ends in the output type
      const types = typeCheck(out.program);
      assert.equal(types[types.length - 1], problem.output);
    }
  }
  assert.ok(steps > 1000);
});

test('masks: STOP only after a line of the output type; functions only when the output stays reachable', () => {
  const problem = fromJsonRecord({ id: 'words', examples: [{ input: ['a b'], output: 2 }, { input: ['a'], output: 1 }], heldOut: [{ input: ['x y z'], output: 3 }] }, 'x.jsonl', 1) as SynthProblem;
  const ep = new SynthEpisode(problem, { maxLines: 2 });
  assert.equal(ep.mask()[STOP], 0, 'no STOP before any line');
  ep.macro(['split'].map((n) => ['head', 'last', 'take', 'drop', 'access', 'reverse', 'length', 'minimum', 'maximum', 'sort', 'sum', 'map', 'filter', 'count', 'zipWith', 'scanl1', 'split'].indexOf(n))[0]);
  const m = ep.mask();
  assert.deepEqual(
    [...m.keys()].filter((i) => m[i]).map((i) => microArg(i, 1, 0)),
    [{ const: ' ' }, { const: ',' }, { const: '-' }],
    'split takes a separator constant',
  );
  ep.micro([...m.keys()].find((i) => m[i])!);
  ep.micro([...ep.mask().keys()].find((i) => ep.mask()[i])!);
  // one line left: only functions that give an int from what exists
  const last = ep.mask();
  assert.equal(last[STOP], 0, '[str] is not the output type');
  assert.ok(last[6], 'length is allowed');
  assert.equal(last[9], 0, 'sort cannot give an int');
  assert.match(unsolvableReason({ ...problem, inputs: ['[int]'], output: 'str' }) ?? '', /no DSL program/);
});

test('reward: partial credit by similarity, line cost, held-back check decides "solved"', () => {
  assert.equal(similarity([1, 2, 3], [1, 2, 3]), 1);
  assert.equal(similarity([1, 2, 4], [1, 2, 3]), 1 - 1 / 3);
  assert.equal(similarity('abc', 'abd'), 1 - 1 / 3);
  assert.equal(similarity(5, 5), 1);
  assert.ok(similarity(5, 6) > similarity(5, 50));
  assert.equal(similarity('5', 5), 0, 'a wrong type earns nothing');
  assert.ok(Math.abs(exampleScore([1, 2, 4], [1, 2, 3]) - PARTIAL * (2 / 3)) < 1e-12);
  const p = fromJsonRecord(
    { id: 'pos', examples: [{ input: [[1, -2, 3]], output: [1, 3] }, { input: [[-1]], output: [] }], heldOut: [{ input: [[0, 5]], output: [0, 5] }] },
    'x.jsonl',
    1,
  ) as SynthProblem;
  const positives: Program = { inputs: ['[int]'], lines: [{ fn: 'filter', args: [{ lambda: '>0' }, { var: 0 }] }] };
  const ev = evaluateProgram(positives, p.shown);
  assert.equal(ev.matched, 2);
  assert.equal(ev.reward, 1 - LINE_COST);
  assert.equal(passesAll(positives, p.heldOut), false, 'fits the shown examples, fails the held-back one (0 is kept)');
  const sorted: Program = { inputs: ['[int]'], lines: [{ fn: 'sort', args: [{ var: 0 }] }] };
  const partial = evaluateProgram(sorted, p.shown);
  assert.ok(partial.reward > 0 && partial.reward < 0.5, `partial credit ${partial.reward}`);
});

test('problems: a problem folder shows the agent all of its visible tests (MBPP\'s three), then holds back only those past the fifth', () => {
  // MBPP task 66 (pos_count, CC-BY-4.0) as a workspace problem folder: its three asserts as io tests
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-mbpp-'));
  try {
    const problem = path.join(dir, 'pos-count');
    fs.mkdirSync(problem);
    fs.writeFileSync(path.join(problem, 'problem.md'), '---\nid: Mbpp/66\ntitle: Count Positives\n---\nWrite a python function to count the number of positive numbers in a list.\n');
    fs.writeFileSync(path.join(problem, 'signature.json'), JSON.stringify({ python: { entry: 'pos_count', params: ['list'] } }));
    const tests = [
      { input: [[1, -2, 3, -4]], expected: 2 },
      { input: [[3, 4, 5, -1]], expected: 3 },
      { input: [[1, 2, 3, 4]], expected: 4 },
    ];
    fs.writeFileSync(path.join(problem, 'tests.json'), JSON.stringify(tests));
    const [p] = loadSynthProblems(problem).problems;
    assert.deepEqual(p.shown, tests.map((t) => ({ input: t.input, output: t.expected })), 'all three, in the file\'s order');
    assert.deepEqual(p.heldOut, []);
    // eight tests: the first five shown, the last three held back
    fs.writeFileSync(path.join(problem, 'tests.json'), JSON.stringify(Array.from({ length: 8 }, (_, i) => ({ input: [[i, -i]], expected: 1 }))));
    const [q] = loadSynthProblems(problem).problems;
    assert.deepEqual([q.shown.map((e) => (e.input[0] as number[])[0]), q.heldOut.map((e) => (e.input[0] as number[])[0])], [[0, 1, 2, 3, 4], [5, 6, 7]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('problems: workspace folders (built-ins), problems.jsonl bad lines named by line number', () => {
  const builtin = loadSynthProblems(path.join(ROOT, 'problems', 'builtin'));
  assert.ok(builtin.problems.length >= 20);
  const missing = builtin.problems.find((p) => p.id === 'missing-number')!;
  assert.deepEqual([missing.inputs, missing.output], [['[int]'], 'int']);
  assert.ok(missing.shown.length <= 5 && missing.heldOut.length >= 1);
  assert.ok(builtin.warnings.some((w) => /alphanumeric-palindrome.*cannot express.*true/.test(w)), 'a bool problem is reported');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-p-'));
  const file = path.join(dir, 'problems.jsonl');
  fs.writeFileSync(
    file,
    [
      JSON.stringify({ id: 'ok', examples: [{ input: [[1, 2]], output: [2, 4] }, { input: [[3]], output: [6] }, { input: [[]], output: [] }] }),
      '{"id": broken',
      JSON.stringify({ id: 'floaty', examples: [{ input: [1.5], output: 2 }, { input: [2], output: 3 }] }),
      JSON.stringify({ examples: [] }),
      JSON.stringify({ id: 'ok', examples: [{ input: [1], output: 1 }, { input: [2], output: 2 }] }),
      JSON.stringify({ id: 'nested', examples: [{ input: [[[1]]], output: 1 }, { input: [[[2]]], output: 2 }] }),
    ].join('\n'),
  );
  const r = loadSynthProblems(file);
  assert.deepEqual(
    r.problems.map((p) => p.id),
    ['ok'],
  );
  assert.equal(r.problems[0].heldOut.length, 1, 'the last third is held back');
  assert.match(r.warnings[0], /problems\.jsonl:2: skipped: not JSON/);
  assert.match(r.warnings[1], /:3: skipped: the DSL cannot express it: argument 1: 1\.5 is not a DSL value/);
  assert.match(r.warnings[2], /:4: skipped: field id: missing/);
  assert.match(r.warnings[3], /:5: skipped: duplicate id ok/);
  assert.match(r.warnings[4], /:6: skipped: the DSL cannot express it/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('searches: enumeration in order of length and random search count executions alike and find a short program', () => {
  const p = fromJsonRecord(
    { id: 'neg-sorted', examples: [{ input: [[3, -1, 2]], output: [-3, -2, 1] }, { input: [[5, 0]], output: [-5, 0] }], heldOut: [{ input: [[1, 2, 3]], output: [-3, -2, -1] }] },
    'x.jsonl',
    1,
  ) as SynthProblem;
  const lengths = [...take(enumeratePrograms(['[int]'], '[int]', 2), 400)].map((x) => x.lines.length);
  assert.deepEqual(lengths, [...lengths].sort(), 'shortest first');
  const e = enumerate(p, { budget: 20000 });
  assert.equal(e.solved, true);
  assert.equal(e.program!.lines.length, 2);
  assert.ok(e.programsExecuted > 1 && e.programsExecuted <= 20000);
  const tiny = randomSearch(p, { budget: 5, seed: 1 });
  assert.ok(tiny.programsExecuted <= 5);
  assert.equal(enumerate({ ...p, output: 'str' }, { budget: 10 }).error?.includes('no DSL program'), true);
});

function* take<T>(g: Generator<T>, n: number): Generator<T> {
  for (const x of g) {
    if (n-- <= 0) return;
    yield x;
  }
}

test('episode traces open in the trace explorer: one group per problem, a step per decision, the reward', async () => {
  const { problems } = generateProblems(new Rng(21), { perLength: 2, lengths: [2] });
  const agent = new SynthAgent({ macro: {}, micro: {}, totalMicroSteps: 1000 }, 4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-tr-'));
  const file = path.join(dir, 'episodes.jsonl');
  const lines: string[] = [];
  for (const p of problems) for (let k = 0; k < 3; k++) lines.push(JSON.stringify(episodeTrace(agent.runEpisode(p, { kind: 'sample', temperature: 1 }), { id: `${p.id}-${k}`, mode: 'solve' })));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const tf = await openTraceFile(file);
  const analysis = await tf.analyze();
  assert.equal(analysis.malformed.length, 0);
  assert.equal(analysis.groupStats.length, problems.length, 'grouped by problem id (the prompt)');
  assert.ok(analysis.groupStats.every((g) => g.size === 3));
  const detail = await tf.detail(0, 0);
  const first = JSON.parse(lines[0]);
  assert.equal(detail.sample.prompt, problems[0].id);
  assert.equal(detail.sample.reward, first.reward);
  assert.ok(detail.steps.length >= first.agent.decisions.length, 'a step per decision');
  assert.match(detail.steps[0].text, /^Step 1 \[macro\] \S+ {2}p=/);
  assert.match(detail.sample.completion, /<\/think>\n\n/);
  await tf.close();
  fs.rmSync(dir, { recursive: true, force: true });
  // and runProgram agrees with the logged program
  assert.ok(runProgram(problems[0].program!, problems[0].shown[0].input).ok);
});
