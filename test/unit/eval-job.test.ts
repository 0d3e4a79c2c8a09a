// Loading an evaluation job (src/core/eval/job.ts), as `reasoning-lab eval` and the editor's
// evaluation worker both do it: real problem sets and samples from test/fixtures/eval, narrowed by
// problem and by origin, and broken or missing input named in the error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEvalJob, NothingToJudgeError } from '../../src/core/eval/job';

const FIX = path.join(__dirname, '..', 'fixtures', 'eval');
const HUMANEVAL = path.join(FIX, 'humaneval_5.jsonl');
const WORKSPACE = path.join(FIX, 'workspace');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-eval-job-'));

test('the references: every problem with its reference solutions; no calibration, no samples path', () => {
  const job = loadEvalJob({ problemSet: HUMANEVAL, samples: { kind: 'reference' } });
  assert.deepEqual(job.problems.map((p) => p.id), ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/4', 'HumanEval/7']);
  assert.equal(job.samples.length, 5);
  assert.ok(job.samples.every((s) => s.origin === 'reference'));
  assert.deepEqual(job.evaluateOptions, { problemSetPath: path.resolve(HUMANEVAL), samplesPath: '', calibrate: false });
});

test('a samples file: only the problems it has samples for, broken lines named and skipped, paths resolved', () => {
  const dir = tmp();
  try {
    const file = path.join(dir, 'samples.jsonl');
    const lines = [
      { task_id: 'HumanEval/2', completion: '    return number % 1.0\n' },
      { task_id: 'HumanEval/2', completion: '    return 0.5\n' },
      'not json',
      { task_id: 'HumanEval/99', completion: 'x' },
      { task_id: 'HumanEval/7', solution: '    return [s for s in strings if substring in s]\n' },
    ];
    fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    const job = loadEvalJob({ problemSet: HUMANEVAL, samples: { kind: 'path', path: file } });
    assert.deepEqual(job.problems.map((p) => p.id), ['HumanEval/2', 'HumanEval/7']);
    assert.deepEqual(job.samples.map((s) => `${s.problemId}#${s.index}`), ['HumanEval/2#0', 'HumanEval/2#1', 'HumanEval/7#0']);
    assert.equal(job.warnings.length, 2, job.warnings.join('\n'));
    assert.match(job.warnings[0], /samples\.jsonl:3/);
    assert.match(job.warnings[1], /samples\.jsonl:4: skipped: task_id "HumanEval\/99" is not in the problem set/);
    assert.deepEqual(job.evaluateOptions, { problemSetPath: path.resolve(HUMANEVAL), samplesPath: path.resolve(file), calibrate: undefined });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('narrowed to some problems and to the samples of one solution file (Run Tests on one file)', () => {
  const some = loadEvalJob({ problemSet: HUMANEVAL, samples: { kind: 'reference' }, problemIds: ['HumanEval/1', 'HumanEval/4'] });
  assert.deepEqual(some.problems.map((p) => p.id), ['HumanEval/1', 'HumanEval/4']);
  assert.deepEqual([...new Set(some.samples.map((s) => s.problemId))], ['HumanEval/1', 'HumanEval/4']);

  // a folder of solution files: <problem-id>/<file> (here the problem folders hold them)
  const both = loadEvalJob({ problemSet: WORKSPACE, samples: { kind: 'path', path: WORKSPACE } });
  assert.deepEqual(both.samples.map((s) => path.basename(s.origin!)).sort(), ['solution.js', 'solution.py']);
  const one = loadEvalJob({ problemSet: WORKSPACE, samples: { kind: 'path', path: WORKSPACE }, origins: [path.relative(process.cwd(), path.join(WORKSPACE, 'two-sum', 'solution.js'))] });
  assert.deepEqual(one.samples.map((s) => path.basename(s.origin!)), ['solution.js']);
});

test('a missing or broken file is named; nothing left to judge says why and keeps what was skipped', () => {
  assert.throws(() => loadEvalJob({ problemSet: path.join(FIX, 'nope.jsonl'), samples: { kind: 'reference' } }), /^Error: cannot read .*nope\.jsonl: ENOENT/);
  assert.throws(() => loadEvalJob({ problemSet: HUMANEVAL, samples: { kind: 'path', path: path.join(FIX, 'none.jsonl') } }), /^Error: cannot read .*none\.jsonl: ENOENT/);
  const dir = tmp();
  try {
    const file = path.join(dir, 'other.jsonl');
    fs.writeFileSync(file, JSON.stringify({ task_id: 'Mbpp/1', completion: 'x' }) + '\n');
    assert.throws(
      () => loadEvalJob({ problemSet: HUMANEVAL, samples: { kind: 'path', path: file } }),
      (err: unknown) => {
        assert.ok(err instanceof NothingToJudgeError);
        assert.match(err.message, /^nothing to judge: 5 problems and 0 samples \(.*other\.jsonl:1: skipped: task_id "Mbpp\/1" is not in the problem set\)$/);
        assert.equal(err.warnings.length, 1);
        return true;
      },
    );
    assert.throws(() => loadEvalJob({ problemSet: HUMANEVAL, samples: { kind: 'reference' }, problemIds: ['HumanEval/999'] }), /nothing to judge: 0 problems and 0 samples/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
