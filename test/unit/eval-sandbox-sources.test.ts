/**
 * The sandbox's own programs as the source files they are: the Python files lint clean (pyflakes,
 * when installed: .ci/run installs it) and compile, driver.js parses, pyvalues.py round-trips every
 * kind of value and refuses what has no plain form, and the assert recorder turns HumanEval-style
 * asserts into cases (and refuses what it cannot turn). Also the grader's Python semantics
 * (src/core/eval/pyValue.ts): ==, EvalPlus's tolerance rules, repr, JSON read as Python reads it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evalplusMatch, floatRepr, fromWire, parsePyJson, pyEqual, pyRepr, toWire, truthy, type PyVal } from '../../src/core/eval/pyValue';

const DIR = path.join(__dirname, '..', '..', 'src', 'core', 'eval', 'sandbox');
const PY = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const pyFiles = fs.readdirSync(DIR).filter((f) => f.endsWith('.py'));

function python(code: string, input = ''): string {
  const r = spawnSync(PY, ['-I', '-B', '-c', `import sys\nsys.path.insert(0, ${JSON.stringify(DIR)})\n${code}`], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('the sandbox sources: Python compiles and lints clean, driver.js parses', () => {
  assert.deepEqual(pyFiles.sort(), ['boot.py', 'forkserver.py', 'harness.py', 'pyvalues.py', 'rewardfn.py']);
  for (const f of pyFiles) python(`import ast\nast.parse(open(${JSON.stringify(path.join(DIR, f))}).read(), ${JSON.stringify(f)})`);
  const flakes = spawnSync(PY, ['-B', '-m', 'pyflakes', ...pyFiles.map((f) => path.join(DIR, f))], { encoding: 'utf8' });
  if (!/No module named pyflakes/.test(flakes.stderr)) assert.equal(flakes.status, 0, flakes.stdout + flakes.stderr);
  const js = spawnSync(process.execPath, ['--check', path.join(DIR, 'driver.js')], { encoding: 'utf8' });
  assert.equal(js.status, 0, js.stderr);
});

test('pyvalues.py: builtin values round-trip through tagged JSON; objects that could lie are refused', () => {
  const out = python(`import json, pyvalues, collections
values = [None, True, 3, -2**70, 0.5, float('nan'), float('-inf'), 'é\\n', b'\\x00\\xff', 1+2j, [1, [2]], (1, 'a'), {1, 2}, frozenset([3]), {'a': (1,), 2: None},
          collections.OrderedDict(b=1), collections.Counter('aa'), collections.namedtuple('P', 'x y')(1, 2), True.__class__(0)]
print(json.dumps([pyvalues.encode(v) for v in values]))
for v in values:
    back = pyvalues.decode(json.loads(pyvalues.dumps(v)))
    assert back == v or v != v, (v, back)
class Yes:
    def __eq__(self, o): return True
class S(str):
    def __eq__(self, o): return True
for bad in (Yes(), lambda: 1, iter([1])):
    try:
        pyvalues.dumps(bad); print('accepted', bad)
    except pyvalues.Unencodable: pass
print(pyvalues.dumps(S('x')))
x = []
for _ in range(1000): x = [x]
try:
    pyvalues.dumps(x); print('accepted deep')
except pyvalues.Unencodable: pass`);
  const [line, sub] = out.trim().split('\n');
  const wire = JSON.parse(line) as unknown[];
  const vals = wire.map((w) => fromWire(w));
  assert.deepEqual(vals.map((v) => pyRepr(v)), ['None', 'True', '3', String(-(2n ** 70n)), '0.5', 'nan', '-inf', "'é\\n'", "b'\\x00ÿ'", '(1.0+2.0j)', '[1, [2]]', "(1, 'a')", '{1, 2}', 'frozenset({3})', "{'a': (1,), 2: None}", "{'b': 1}", "{'a': 2}", '(1, 2)', 'False']);
  assert.equal(sub, '"x"', 'a str subclass crosses as its characters');
  for (const v of vals) assert.ok(pyEqual(fromWire(toWire(v)), v) || pyRepr(v) === 'nan');
  for (const bad of [{ a: 1 }, { f: 'x' }, { i: 'zz' }, { t: 1 }, { d: [[1]] }, 1.5, { q: [] }, { f: 1, t: [] }]) assert.throws(() => fromWire(bad), Error, JSON.stringify(bad));
});

test('the assert recorder: HumanEval-style asserts become cases, with loops and helpers; the rest is refused with a reason', () => {
  const record = (test: string, code = 'def f(*a, **k):\n    return 0\n') =>
    JSON.parse(
      python(`import json, harness, os
r, w = os.pipe()
harness.RESULT_FD = w
pid = os.fork()
if pid == 0:
    harness.run({'mode': 'record', 'code': ${JSON.stringify(code)}, 'test': ${JSON.stringify(test)}, 'call': 'check(f)', 'candidate': 'candidate'})
os.close(w)
os.waitpid(pid, 0)
print(os.read(r, 1 << 20).decode())`).trim(),
    ) as { cases?: { check: string; args: unknown[]; expected?: unknown; wrap?: string; tol?: number; kwargs?: object }[]; unconvertible?: string };
  const ok = record(`import math
def check(candidate):
    assert candidate(1, 2) == 3
    assert 4 == candidate(x=2)
    for i in range(2):
        assert candidate(i) != i + 10, "message"
    assert abs(candidate(0.5) - 0.25) < 1e-6
    assert math.isclose(candidate(2.0), 4.0, rel_tol=1e-3)
    assert candidate([1]) is True
    assert not candidate('')
    assert sorted(candidate([3, 1])) == [1, 3]
    assert True
`);
  assert.deepEqual(ok.cases?.map((c) => c.check), ['eq', 'eq', 'ne', 'ne', 'close', 'isclose', 'is', 'falsy', 'eq']);
  assert.deepEqual(ok.cases?.[1].kwargs, { x: 2 });
  assert.deepEqual(ok.cases?.[3].expected, 11);
  assert.equal(ok.cases?.[4].tol, 1e-6);
  assert.equal(ok.cases?.[7].wrap, 'bool(__rl_out)');
  assert.equal(ok.cases?.[8].wrap, 'sorted(__rl_out)');
  for (const [test, why] of [
    ['def check(candidate):\n    x = candidate(1)\n    assert x > 0\n', /outside an assert/],
    ['def check(candidate):\n    assert candidate(1) > 0\n', /assert candidate\(1\) > 0/],
    ['def check(candidate):\n    assert candidate(candidate(1)) == 1\n', /its own output/],
    ['def check(candidate):\n    assert candidate(object()) == 1\n', /type object/],
    ['def check(candidate):\n    assert 1 == 2\n', /failed with the reference/],
    ['def check(candidate):\n    pass\n', /no assert/],
  ] as const) {
    assert.match(record(test).unconvertible ?? '', why, test);
  }
});

test("pyValue.ts: Python's ==, truthiness and repr; EvalPlus's rules", () => {
  const v = (w: unknown) => fromWire(w);
  assert.ok(pyEqual(v(1), v(true)) && pyEqual(v(2), v({ f: 2 })) && !pyEqual(v(2), v({ f: 2.5 })));
  assert.ok(!pyEqual(v([1, 2]), v({ t: [1, 2] })), 'a list is not a tuple');
  assert.ok(pyEqual(v({ s: [1, 2] }), v({ fs: [2, 1] })));
  assert.ok(pyEqual(v({ d: [['a', 1], [2, 'b']] }), v({ d: [[2, 'b'], ['a', 1]] })));
  assert.ok(!pyEqual(v({ f: 'nan' }), v({ f: 'nan' })));
  assert.ok(pyEqual(v({ i: 'fffffffffffffffffff' }), v({ i: 'fffffffffffffffffff' })) && !pyEqual(v({ i: 'fffffffffffffffffff' }), v({ f: 1 })));
  assert.deepEqual([null, 0, { f: 0 }, '', [], { t: [] }, { d: [] }, 'a', [0]].map((w) => truthy(v(w))), [false, false, false, false, false, false, false, true, true]);
  assert.deepEqual([0.1, 1, 1e16, 1.5e-5, 123.456, 1e22, -0].map(floatRepr), ['0.1', '1.0', '1e+16', '1.5e-05', '123.456', '1e+22', '-0.0']);
  // EvalPlus: exact first; floats within atol (1e-6 once an expected value is floats), same type and length
  const f = (x: number) => ({ f: x });
  assert.deepEqual(evalplusMatch(v(f(1.0000001)), v(f(1)), 0), { ok: true, atol: 1e-6 });
  assert.equal(evalplusMatch(v(1), v(f(1.0000001)), 0).ok, false, 'type(out) != type(exp)');
  assert.equal(evalplusMatch(v([f(1), f(2.0000000001)]), v([f(1), f(2)]), 0).ok, true);
  assert.equal(evalplusMatch(v({ t: [f(1), f(2)] }), v([f(1), f(2)]), 0).ok, false);
  assert.equal(evalplusMatch(v([f(1)]), v([f(1), f(2)]), 0).ok, false);
  assert.equal(evalplusMatch(v(3), v(3), 0).atol, 0);
  assert.deepEqual(evalplusMatch(v(f(1.0001)), v(f(1)), 1e-3), { ok: true, atol: 1e-3 });
  assert.equal(evalplusMatch(v('a'), v('b'), 1e-3).ok, false);
  // HumanEval+ inputs read as Python reads JSON
  const p: PyVal = parsePyJson('[[1.0, 2, -3.5e2, "x\\"y"], {"k": [true, null]}, NaN]');
  assert.equal(pyRepr(p), `[[1.0, 2, -350.0, 'x"y'], {'k': [True, None]}, nan]`);
  assert.throws(() => parsePyJson('[1, 2'));
  assert.throws(() => parsePyJson('{"a": 1} x'));
});
