#!/usr/bin/env python3
"""Build tests.json for the built-in problems.

For every problem, the inputs come from cases.py; the expected outputs are computed by
running BOTH reference solutions (solution.py in-process, solution.js under node) and
the build fails unless they agree under the problem's compare mode.

    python3 problems/builtin/_tools/build.py            # all problems
    python3 problems/builtin/_tools/build.py slug ...   # some problems
"""
import copy
import importlib.util
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.setrecursionlimit(100000)

from cases import CASES  # noqa: E402

JS_DRIVER = r"""
const fn = require(process.argv[1])[process.argv[2]];
let data = '';
process.stdin.on('data', (c) => (data += c));
process.stdin.on('end', () => {
  const out = JSON.parse(data).map((args) => { const r = fn(...args); return r === undefined ? null : r; });
  process.stdout.write(JSON.stringify(out));
});
"""


def canon(v, mode):
    if mode == 'unordered' and isinstance(v, list):
        return sorted(v, key=lambda x: json.dumps(x, sort_keys=True))
    return v


def close(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-6 * max(1.0, abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return a == b


def same(a, b, mode):
    if mode == 'float':
        return close(a, b)
    return json.dumps(canon(a, mode), sort_keys=True) == json.dumps(canon(b, mode), sort_keys=True)


def build(slug):
    d = os.path.join(ROOT, slug)
    sig = json.load(open(os.path.join(d, 'signature.json')))
    mode = sig.get('compare', 'exact')
    inputs = CASES[slug]()
    # round-trip through JSON so both languages see exactly the committed inputs
    inputs = json.loads(json.dumps(inputs, allow_nan=False))
    assert 8 <= len(inputs) <= 20, f'{slug}: {len(inputs)} cases'
    spec = importlib.util.spec_from_file_location('sol_' + slug.replace('-', '_'), os.path.join(d, 'solution.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fn = getattr(mod, sig['python']['entry'])
    py = [json.loads(json.dumps(fn(*copy.deepcopy(args)), allow_nan=False)) for args in inputs]
    res = subprocess.run(['node', '-e', JS_DRIVER, os.path.join(d, 'solution.js'), sig['javascript']['entry']],
                         input=json.dumps(inputs), capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f'{slug}: node failed\n{res.stderr}')
    js = json.loads(res.stdout)
    for i, (a, b) in enumerate(zip(py, js)):
        if not same(a, b, mode):
            raise SystemExit(f'{slug}: case {i} disagrees\n  input {json.dumps(inputs[i])[:300]}\n  py {json.dumps(a)[:300]}\n  js {json.dumps(b)[:300]}')
    tests = [{'input': args, 'expected': exp} for args, exp in zip(inputs, py)]
    text = '[\n' + ',\n'.join(json.dumps(t, separators=(',', ':')) for t in tests) + '\n]\n'
    assert len(text) < 200_000, f'{slug}: tests.json is {len(text)} bytes'
    open(os.path.join(d, 'tests.json'), 'w').write(text)
    print(f'{slug}: {len(tests)} cases, {len(text)} bytes')


def main():
    slugs = sys.argv[1:] or sorted(CASES)
    missing = [s for s in sorted(os.listdir(ROOT)) if os.path.isdir(os.path.join(ROOT, s)) and not s.startswith('_') and s not in CASES]
    if missing:
        raise SystemExit(f'no cases for {missing}')
    for s in slugs:
        build(s)


if __name__ == '__main__':
    main()
