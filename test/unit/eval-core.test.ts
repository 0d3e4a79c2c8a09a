/** Evaluation engine, pure parts: pass@k, output comparison, problem/sample loaders, the run store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultKs, loadProblemSet, loadSamples, outputsEqual, parseFrontMatter, passAtK, referenceSamples, RunCatalog, RunStore, summarizeJudgedSamples } from '../../src/core/eval';
import { readRun, RunWriter } from '../../src/core/eval/runStore';
import { OutputExistsError } from '../../src/core/shared/safeOutput';
import type { RunHeader, SampleResult } from '../../src/core/eval';

const FIX = path.join(__dirname, '..', 'fixtures', 'eval');

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

test('pass@k: product form equals 1 − C(n−c,k)/C(n,k), edge cases, and stays stable for large n', () => {
  for (const [n, c, k] of [[10, 3, 1], [10, 3, 5], [20, 0, 10], [20, 20, 1], [5, 4, 2], [30, 7, 10]]) {
    assert.ok(Math.abs(passAtK(n, c, k) - (1 - choose(n - c, k) / choose(n, k))) < 1e-12, `${n} ${c} ${k}`);
  }
  assert.ok(Math.abs(passAtK(10, 3, 1) - 0.3) < 1e-12);
  assert.equal(passAtK(10, 8, 3), 1); // n − c < k
  assert.ok(Number.isNaN(passAtK(3, 1, 5)));
  const big = passAtK(2000, 1, 1000); // C(2000,1000) overflows doubles; the product form does not
  assert.ok(Math.abs(big - 0.5) < 1e-12);
});

test('summarize: per problem and overall pass@k over judged samples; samples that could not be judged leave pass@k empty', () => {
  const r = (problemId: string, i: number, verdict: SampleResult['verdict'], extra: Partial<SampleResult> = {}): SampleResult => ({ problemId, sampleIndex: i, language: 'python', verdict, reason: '', wallMs: 1, timeoutMs: 1, attempts: 1, ...extra });
  const s = summarizeJudgedSamples([{ id: 'a' }, { id: 'b' }], [r('a', 0, 'passed'), r('a', 1, 'failed', { inProcess: true }), r('b', 0, 'failed'), r('b', 1, 'infra_error'), r('b', 2, 'timeout')], [1, 2, 3]);
  assert.equal(s.perProblem.find((p) => p.problemId === 'b')!.n, 2);
  assert.deepEqual(s.passAtK, {}, 'one sample could not be judged: no pass@k that silently leaves it out');
  assert.equal(s.unjudged, 1);
  assert.equal(s.passAtKJudged['1'], 0.25);
  assert.equal(s.passAtKJudged['2'], 0.5);
  assert.equal(s.passAtKJudged['3'], undefined); // no problem has 3 judged samples
  assert.equal(s.verdicts.infra_error, 1);
  assert.equal(s.verdicts.timeout, 1);
  assert.equal(s.inProcess, 1);
  const clean = summarizeJudgedSamples([{ id: 'a' }], [r('a', 0, 'passed', { plus: { verdict: 'failed', reason: '' } }), r('a', 1, 'passed', { plus: { verdict: 'passed', reason: '' } })], [1]);
  assert.equal(clean.passAtK['1'], 1);
  assert.equal(clean.passAtKPlus?.['1'], 0.5, 'HumanEval+: base and extra inputs reported apart');
});

test('default k: pass@1, and pass@10 / pass@100 only when every problem with samples has that many', () => {
  const problems = [{ id: 'a' }, { id: 'b' }, { id: 'unsampled' }];
  const samples = (a: number, b: number) => [...Array(a).fill({ problemId: 'a' }), ...Array(b).fill({ problemId: 'b' }), { problemId: 'not-in-the-set' }];
  assert.deepEqual(defaultKs(problems, samples(1, 1)), [1]);
  assert.deepEqual(defaultKs(problems, samples(100, 9)), [1]);
  assert.deepEqual(defaultKs(problems, samples(10, 99)), [1, 10]);
  assert.deepEqual(defaultKs(problems, samples(200, 100)), [1, 10, 100]);
  assert.deepEqual(defaultKs(problems, []), [1]);
});

test('outputsEqual: exact, unordered (top-level multiset), float (1e-6 relative)', () => {
  assert.ok(outputsEqual([0, 1], [0, 1], 'exact'));
  assert.ok(!outputsEqual([1, 0], [0, 1], 'exact'));
  assert.ok(outputsEqual([[1, 2], [0, 3]], [[0, 3], [1, 2]], 'unordered'));
  assert.ok(!outputsEqual([1, 1, 2], [1, 2, 2], 'unordered'));
  assert.ok(outputsEqual(0.1 + 0.2, 0.3, 'float'));
  assert.ok(!outputsEqual(0.1 + 0.2, 0.3, 'exact'));
  assert.ok(!outputsEqual(1.001, 1, 'float'));
  assert.ok(outputsEqual({ a: [1.0000000001] }, { a: [1] }, 'float'));
  assert.ok(!outputsEqual(null, 0, 'exact'));
});

test('loads real HumanEval, MBPP and LeetCodeDataset records', () => {
  const he = loadProblemSet(path.join(FIX, 'humaneval_5.jsonl'));
  assert.equal(he.format, 'humaneval');
  assert.deepEqual(he.problems.map((p) => p.id), ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/4', 'HumanEval/7']);
  const p0 = he.problems[0];
  assert.equal(p0.entryPoint, 'has_close_elements');
  assert.ok(p0.test.kind === 'python-check' && p0.test.call === 'check(has_close_elements)');
  assert.ok(p0.references[0].code.startsWith(p0.prefix!));
  const full = loadProblemSet('/work/shared/data/HumanEval.jsonl.gz');
  assert.equal(full.problems.length, 164);
  const mbpp = loadProblemSet(path.join(FIX, 'mbpp_3.jsonl'));
  assert.equal(mbpp.format, 'mbpp');
  assert.equal(mbpp.problems[0].id, 'Mbpp/2');
  assert.equal(mbpp.problems[0].entryPoint, 'similar_elements');
  const lcd = loadProblemSet(path.join(FIX, 'leetcodedataset_2.jsonl'));
  assert.equal(lcd.format, 'leetcodedataset');
  assert.match(lcd.problems[0].entryPoint, /^Solution\(\)\.\w+$/);
  assert.equal(lcd.problems[0].difficulty, 'medium');
});

test('workspace folder format: front matter, signature, tests, references; bad folders are skipped with file and field', () => {
  const set = loadProblemSet(path.join(FIX, 'workspace'));
  assert.equal(set.problems.length, 1);
  const p = set.problems[0];
  assert.equal(p.id, 'two-sum');
  assert.equal(p.difficulty, 'easy');
  assert.deepEqual(p.tags, ['arrays', 'hash-map']);
  assert.ok(p.test.kind === 'io' && p.test.cases.length === 4 && p.test.signature.javascript?.entry === 'twoSum');
  assert.deepEqual(p.references.map((r) => r.language), ['python', 'javascript']);
  assert.deepEqual(parseFrontMatter('---\nid: x\ntags: [a, "b"]\n---\nbody').meta, { id: 'x', tags: ['a', 'b'] });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-ws-'));
  try {
    fs.cpSync(path.join(FIX, 'workspace', 'two-sum'), path.join(dir, 'good'), { recursive: true });
    fs.cpSync(path.join(FIX, 'workspace', 'two-sum'), path.join(dir, 'bad'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bad', 'problem.md'), '---\nid: bad\n---\n');
    fs.writeFileSync(path.join(dir, 'bad', 'tests.json'), '[{"input": 3, "expected": 1}]');
    const s2 = loadProblemSet(dir);
    assert.equal(s2.problems.length, 1);
    assert.match(s2.warnings[0], /bad[/\\]tests\.json: \[0\]: needs "input"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('samples: reflexion `solution` (whole function or body), HumanEval `completion`, unknown task ids warned', () => {
  const set = loadProblemSet(path.join(FIX, 'humaneval_5.jsonl'));
  const { samples, warnings } = loadSamples(path.join(FIX, 'reflexion_samples_5.jsonl'), set.problems);
  assert.equal(samples.length, 15);
  assert.deepEqual(warnings, []);
  assert.deepEqual(samples.filter((s) => s.problemId === 'HumanEval/0').map((s) => s.index), [0, 1, 2]);
  const ex = loadProblemSet(path.join(FIX, 'human-eval_example_problem.jsonl'));
  const exs = loadSamples(path.join(FIX, 'human-eval_example_samples.jsonl'), ex.problems);
  assert.equal(exs.samples.length, 6);
  assert.ok(exs.samples.every((s) => s.kind === 'completion'));
  const other = loadSamples(path.join(FIX, 'human-eval_example_samples.jsonl'), set.problems);
  assert.equal(other.samples.length, 0);
  assert.match(other.warnings[0], /human-eval_example_samples\.jsonl:1: skipped: task_id "test\/0" is not in the problem set/);
  assert.equal(referenceSamples(set.problems).length, 5);
});

test('run store: header + one line per sample, torn last line ignored and cut before appending, list and reopen', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-runs-'));
  try {
    const store = new RunStore(dir);
    const file = store.newRunFile();
    const header: RunHeader = { type: 'header', version: 1, runId: 'r1', createdAt: new Date().toISOString(), k: [1], protections: {} as never, timeouts: { a: 1000, b: 1000 }, calibration: null, totalSamples: 3 };
    const w = RunWriter.create(file, header);
    const res = (p: string, verdict: SampleResult['verdict']): SampleResult => ({ problemId: p, sampleIndex: 0, language: 'python', verdict, reason: '', wallMs: 1, timeoutMs: 1000, attempts: 1 });
    w.write(res('a', 'passed'));
    w.close();
    assert.deepEqual(fs.readdirSync(dir), [path.basename(file)], 'the run file appears with its header; no temporary file is left');
    assert.throws(() => RunWriter.create(file, header), OutputExistsError, 'a fresh run never replaces an existing file');
    assert.equal(readRun(file).results.length, 1);
    fs.appendFileSync(file, '{"type":"sample","probl');
    assert.equal(readRun(file).warnings.length, 1);
    const w2 = RunWriter.append(file);
    w2.write(res('b', 'failed'));
    w2.close();
    const run = store.open(file);
    assert.equal(run.results.length, 2);
    assert.equal(run.warnings.length, 0);
    assert.equal(run.summary.passAtK['1'], 0.5);
    assert.equal(run.cancelled, true); // 2 of 3 judged
    const list = new RunCatalog(() => store).list().runs;
    assert.equal(list.length, 1);
    assert.equal(list[0].judged, 2);
    assert.equal(list[0].complete, false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
