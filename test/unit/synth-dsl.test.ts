// The synthesis DSL: total semantics at the edges, type checking, and compiled Python (a real python3
// child process) and compiled JavaScript (node:vm) giving exactly the interpreter's outputs on many
// random programs and inputs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import * as vm from 'node:vm';
import { Rng } from '../../src/core/shared/rng';
import { toJavaScript, toPython } from '../../src/core/agents/synth/compile';
import { formatProgram, isTight, runProgram, typeCheck, type Line, type Program, type Type, type Value } from '../../src/core/agents/synth/dsl';
import { randomValue, sampleProgram, SIGNATURES } from '../../src/core/agents/synth/generate';

const prog = (inputs: Type[], ...lines: Line[]): Program => ({ inputs, lines });
const out = (p: Program, ...input: Value[]) => {
  const r = runProgram(p, input);
  return r.ok ? r.output : `error: ${r.error}`;
};

test('edge cases: empty lists give the documented defaults, indices out of range are total', () => {
  assert.equal(out(prog(['[int]'], { fn: 'head', args: [{ var: 0 }] }), []), 0);
  assert.equal(out(prog(['[int]'], { fn: 'last', args: [{ var: 0 }] }), []), 0);
  assert.equal(out(prog(['[int]'], { fn: 'minimum', args: [{ var: 0 }] }), []), 0);
  assert.equal(out(prog(['[int]'], { fn: 'maximum', args: [{ var: 0 }] }), []), 0);
  assert.equal(out(prog(['[str]'], { fn: 'head', args: [{ var: 0 }] }), []), '');
  assert.equal(out(prog(['[int]', 'int'], { fn: 'access', args: [{ var: 1 }, { var: 0 }] }), [5, 6], -1), 0, 'negative index is out of range, not Python xs[-1]');
  assert.equal(out(prog(['[int]', 'int'], { fn: 'access', args: [{ var: 1 }, { var: 0 }] }), [5, 6], 1), 6);
  assert.deepEqual(out(prog(['[int]', 'int'], { fn: 'take', args: [{ var: 1 }, { var: 0 }] }), [1, 2, 3], -2), []);
  assert.deepEqual(out(prog(['[int]', 'int'], { fn: 'drop', args: [{ var: 1 }, { var: 0 }] }), [1, 2, 3], -2), [1, 2, 3]);
  assert.deepEqual(out(prog(['[int]'], { fn: 'scanl1', args: [{ lambda: '+' }, { var: 0 }] }), []), []);
  assert.deepEqual(out(prog(['[int]'], { fn: 'sort', args: [{ var: 0 }] }), [10, -2, 3, 1]), [-2, 1, 3, 10], 'numeric, not string order');
});

test('integer semantics: floor division, odd negatives, overflow is reported', () => {
  assert.deepEqual(out(prog(['[int]'], { fn: 'map', args: [{ lambda: '/2' }, { var: 0 }] }), [-3, 3, -1]), [-2, 1, -1]);
  assert.deepEqual(out(prog(['[int]'], { fn: 'filter', args: [{ lambda: 'odd' }, { var: 0 }] }), [-3, -2, 5]), [-3, 5]);
  assert.deepEqual(out(prog(['[int]'], { fn: 'zipWith', args: [{ lambda: '-' }, { var: 0 }, { var: 0 }] }), [7, 1]), [0, 0]);
  assert.deepEqual(out(prog(['[int]'], { fn: 'scanl1', args: [{ lambda: 'max' }, { var: 0 }] }), [1, 3, 2, 5]), [1, 3, 3, 5]);
  const big = 2 ** 52;
  assert.equal(out(prog(['[int]'], { fn: 'sum', args: [{ var: 0 }] }), [big, big - 1]), 2 ** 53 - 1, 'the largest safe integer is exact');
  assert.match(String(out(prog(['[int]'], { fn: 'sum', args: [{ var: 0 }] }), [big, big])), /^error: integer overflow/);
  assert.match(String(out(prog(['[int]'], { fn: 'map', args: [{ lambda: '**2' }, { var: 0 }] }), [2 ** 30])), /overflow/);
  assert.equal(out(prog(['[int]'], { fn: 'count', args: [{ lambda: '>0' }, { var: 0 }] }), [0, 1, -1, 2]), 2);
});

test('strings: code points, only spaces are stripped, replace replaces all, unicode case mapping', () => {
  assert.equal(out(prog(['str'], { fn: 'len', args: [{ var: 0 }] }), 'é😀'), 2);
  assert.equal(out(prog(['str'], { fn: 'strip', args: [{ var: 0 }] }), '  a b \t '), 'a b \t');
  assert.equal(out(prog(['str'], { fn: 'replace', args: [{ const: '-' }, { const: ' ' }, { var: 0 }] }), 'a-b--c'), 'a b  c');
  assert.equal(out(prog(['str'], { fn: 'upper', args: [{ var: 0 }] }), 'straße'), 'STRASSE');
  assert.deepEqual(out(prog(['str'], { fn: 'split', args: [{ const: ',' }, { var: 0 }] }), 'a,,b'), ['a', '', 'b']);
  assert.equal(out(prog(['[str]'], { fn: 'join', args: [{ const: '' }, { var: 0 }] }), ['日本', 'x']), '日本x');
});

test('type checking names the line and the argument', () => {
  assert.throws(() => typeCheck(prog(['str'], { fn: 'sort', args: [{ var: 0 }] })), /line 1 \(sort\): argument xs: expects \[int\], got str/);
  assert.throws(() => typeCheck(prog(['[int]'], { fn: 'map', args: [{ lambda: '>0' }, { var: 0 }] })), /expects a map lambda/);
  assert.throws(() => typeCheck(prog(['str'], { fn: 'split', args: [{ var: 0 }, { var: 0 }] })), /argument sep/, 'separators are constants only');
  assert.throws(() => typeCheck(prog(['[int]'], { fn: 'head', args: [{ var: 3 }] })), /not a variable/);
  assert.throws(() => typeCheck(prog(['[int]'], { fn: 'nope', args: [] })), /unknown function/);
  assert.deepEqual(typeCheck(prog(['[str]'], { fn: 'reverse', args: [{ var: 0 }] }, { fn: 'head', args: [{ var: 1 }] })), ['[str]', '[str]', 'str']);
});

const EDGE: Record<Type, Value[]> = {
  int: [0, -1, 3, 100],
  '[int]': [[], [0], [-5, 5, -5], [2 ** 40, -(2 ** 40), 7]],
  str: ['', ' ', 'ΟΔΟΣ ΣΑΣ', 'ǅemal İstanbul', 'ﬁsh, straße', ' 日本-語_x. ', 'emoji 😀 ok', '  a  b  '],
  '[str]': [[], [''], ['ΟΔΟΣ', 'ß'], ['a', 'b', 'c', 'd']],
};

test('compiled Python and JavaScript equal the interpreter on random programs', () => {
  const rng = new Rng(7);
  const cases: { program: Program; py: string; js: string; inputs: Value[][]; want: (Value | undefined)[] }[] = [];
  let overflowed = 0;
  for (let i = 0; cases.length < 400; i++) {
    const inputs = SIGNATURES[i % SIGNATURES.length];
    const program = sampleProgram(rng, inputs, 1 + (i % 5));
    if (!program) continue;
    const ins: Value[][] = [];
    for (let k = 0; k < 4; k++) ins.push(inputs.map((t) => randomValue(rng, t)));
    for (let k = 0; k < 2; k++) ins.push(inputs.map((t) => EDGE[t][rng.int(EDGE[t].length)]));
    const want = ins.map((x) => {
      const r = runProgram(program, x);
      if (!r.ok) overflowed++;
      return r.ok ? r.output : undefined;
    });
    cases.push({ program, py: toPython(program), js: toJavaScript(program), inputs: ins, want });
  }
  // Python: one interpreter for all programs; each module runs in its own namespace.
  const script = `import json, sys
data = json.load(sys.stdin)
results = []
for case in data:
    ns = {}
    exec(case["code"], ns)
    results.append([ns["solve"](*inp) for inp in case["inputs"]])
json.dump(results, sys.stdout)`;
  const payload = JSON.stringify(cases.map((c) => ({ code: c.py, inputs: c.inputs })));
  const py = spawnSync('python3', ['-c', script], { input: payload, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(py.status, 0, py.stderr);
  const pyOut = JSON.parse(py.stdout) as Value[][];
  let compared = 0;
  cases.forEach((c, i) => {
    const module = { exports: {} as Record<string, (...a: Value[]) => Value> };
    vm.runInNewContext(c.js, { module });
    c.inputs.forEach((input, k) => {
      if (c.want[k] === undefined) return; // overflow: undefined in the DSL
      const where = `program:\n${formatProgram(c.program)}\ninput ${JSON.stringify(input)}`;
      assert.deepEqual(pyOut[i][k], c.want[k], `Python differs on ${where}\n${c.py}`);
      // vm values come from another realm: compare their JSON
      assert.equal(JSON.stringify(module.exports.solve(...structuredClone(input))), JSON.stringify(c.want[k]), `JavaScript differs on ${where}\n${c.js}`);
      compared++;
    });
  });
  assert.ok(compared > cases.length * 5, `compared ${compared} runs (${overflowed} overflowed)`);
});

test('compiled code is readable: named function, one line per program line, meaningful names', () => {
  const p = prog(['[int]'], { fn: 'filter', args: [{ lambda: '>0' }, { var: 0 }] }, { fn: 'map', args: [{ lambda: '*2' }, { var: 1 }] }, { fn: 'scanl1', args: [{ lambda: '+' }, { var: 2 }] });
  assert.ok(isTight(p));
  assert.equal(
    toPython(p, { entry: 'running_double', params: ['nums'] }),
    'from itertools import accumulate\n\n\ndef running_double(nums):\n    positive_values = [v for v in nums if v > 0]\n    doubled = [v * 2 for v in positive_values]\n    running_sums = list(accumulate(doubled))\n    return running_sums\n',
  );
  const js = toJavaScript(p, { entry: 'runningDouble', params: ['nums'] });
  assert.match(js, /function runningDouble\(nums\) \{\n  const positiveValues = nums\.filter\(\(v\) => v > 0\);\n  const doubled = positiveValues\.map\(\(v\) => v \* 2\);\n  const runningSums = scanl1\(doubled, \(a, b\) => a \+ b\);\n  return runningSums;\n\}/);
  assert.match(js, /module\.exports = \{ runningDouble \};/);
});
