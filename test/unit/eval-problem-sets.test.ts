// The Testing view's problem sets (src/vscode/eval/builtinCatalog.ts, plain Node): which workspace
// folders are problem sets, and a set's problems as listed (the same ids loadProblemSet gives).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadProblemSet } from '../../src/core/eval';
import { listProblems, problemSetDirs } from '../../src/vscode/eval/builtinCatalog';

function problem(dir: string, { md = '---\ntitle: T\n---\nS\n', tests = true } = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'problem.md'), md);
  writeFileSync(path.join(dir, 'signature.json'), JSON.stringify({ python: { entry: 'f', params: ['x'] } }));
  if (tests) writeFileSync(path.join(dir, 'tests.json'), JSON.stringify([{ input: [1], expected: 1 }]));
}

test('problemSetDirs: a problem folder makes its parent a set; incomplete folders and skipped sets do not count', () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'rl-sets-'));
  problem(path.join(ws, 'my-problems', 'a'));
  problem(path.join(ws, 'my-problems', 'b'));
  problem(path.join(ws, 'deep', 'set', 'c'));
  problem(path.join(ws, 'half', 'd'), { tests: false });
  problem(path.join(ws, 'builtin', 'e'));
  const sig = (...p: string[]) => path.join(ws, ...p, 'signature.json');
  const dirs = problemSetDirs([sig('my-problems', 'a'), sig('my-problems', 'b'), sig('deep', 'set', 'c'), sig('half', 'd'), sig('builtin', 'e')], [ws], [path.join(ws, 'builtin')]);
  assert.deepEqual(dirs, [path.join(ws, 'deep', 'set'), path.join(ws, 'my-problems')]);
  // a workspace folder that is itself one problem folder is its own set
  const single = path.join(ws, 'single');
  problem(single);
  assert.deepEqual(problemSetDirs([path.join(single, 'signature.json')], [single]), [single]);
  assert.deepEqual(listProblems(single).map((p) => p.dir), [single]);
});

test('listProblems: the ids and folders loadProblemSet uses, only complete problem folders', () => {
  const set = mkdtempSync(path.join(tmpdir(), 'rl-set-'));
  problem(path.join(set, 'slug-one'));
  problem(path.join(set, 'slug-two'), { md: '---\nid: custom-id\ntitle: Two\ndifficulty: hard\n---\nS\n' });
  problem(path.join(set, 'no-tests'), { tests: false });
  const listed = listProblems(set);
  assert.deepEqual(listed.map((p) => [p.id, p.title, p.difficulty]), [['slug-one', 'T', undefined], ['custom-id', 'Two', 'hard']]);
  assert.deepEqual(listed.map((p) => p.id).sort(), loadProblemSet(set).problems.map((p) => p.id).sort());
});
