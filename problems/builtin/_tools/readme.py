#!/usr/bin/env python3
"""Write problems/builtin/README.md from the problems' front matter: python3 problems/builtin/_tools/readme.py"""
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORDER = {'easy': 0, 'medium': 1, 'hard': 2}


def front(slug):
    text = open(os.path.join(ROOT, slug, 'problem.md')).read()
    block = re.match(r'^---\n(.*?)\n---\n', text, re.S).group(1)
    meta = dict(line.split(': ', 1) for line in block.splitlines() if line.strip())
    meta['tags'] = [t.strip() for t in meta['tags'].strip('[]').split(',')]
    return meta


rows = []
total_cases = 0
for slug in sorted(os.listdir(ROOT)):
    if slug.startswith('_') or not os.path.isdir(os.path.join(ROOT, slug)):
        continue
    m = front(slug)
    n = len(json.load(open(os.path.join(ROOT, slug, 'tests.json'))))
    total_cases += n
    rows.append((ORDER[m['difficulty']], slug, m['title'], m['difficulty'], ', '.join(m['tags']), n))
rows.sort()
counts = {d: sum(1 for r in rows if r[3] == d) for d in ORDER}

out = [
    '# Built-in problem set',
    '',
    f'{len(rows)} LeetCode-style problems ({counts["easy"]} easy, {counts["medium"]} medium, {counts["hard"]} hard; '
    f'{total_cases} test cases), each with a statement, a signature, test cases and reference solutions in '
    'Python and JavaScript.',
    '',
    '**License:** written for this project, MIT (the same license as the rest of Reasoning Lab). The statements are '
    'original; the tasks are classic algorithmic exercises.',
    '',
    '## Layout',
    '',
    '```',
    '<slug>/problem.md      front matter (id, title, difficulty, tags) + the statement in Markdown',
    '<slug>/signature.json  {"python": {"entry", "params"}, "javascript": {"entry", "params"}, "compare"}',
    '<slug>/tests.json      [{"input": [arg, ...], "expected": value}, ...]',
    '<slug>/solution.py     reference solution (standard library only)',
    '<slug>/solution.js     reference solution (no dependencies; module.exports = { entry })',
    '```',
    '',
    '`compare` is `exact` (default), `unordered` (the order of the top-level result list does not matter) or `float` '
    '(relative tolerance 1e-6).',
    '',
    '## Regenerating tests',
    '',
    'The inputs are produced by `_tools/cases.py` (hand-written edge cases plus seeded random large cases). '
    '`python3 problems/builtin/_tools/build.py [slug ...]` runs **both** reference solutions on them, fails unless '
    'they agree under the compare mode, and writes `tests.json`. `python3 problems/builtin/_tools/readme.py` rewrites '
    'this file. `test/unit/builtin-problems.test.ts` checks every problem\'s files and runs both solutions on every '
    'test.',
    '',
    '## Problems',
    '',
    '| # | Slug | Title | Difficulty | Tags | Tests |',
    '|---|------|-------|------------|------|-------|',
]
for i, (_, slug, title, diff, tags, n) in enumerate(rows, 1):
    out.append(f'| {i} | `{slug}` | {title} | {diff} | {tags} | {n} |')
open(os.path.join(ROOT, 'README.md'), 'w').write('\n'.join(out) + '\n')
print(f'{len(rows)} problems, {total_cases} cases, {counts}')
