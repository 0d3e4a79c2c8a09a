// The stored runs as views (src/core/eval/runCatalog.ts, for the Eval Dashboard and `runs`): a stored run
// turned into the problem table (sort, filter, pages), a problem's detail with its sample code, two runs
// compared, and the files that are not readable runs listed with the reason.
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RunCatalog, RunStore } from '../../src/core/eval';
import { runCli } from './helpers/runCli';

const BUILTIN = path.resolve(__dirname, '../../problems/builtin');
const SAMPLES = path.resolve(__dirname, '../../examples/eval/builtin-samples.jsonl');
const protections = { forkServer: true, network: false, pidNamespace: false, uid: false, privateTmp: [], rlimitCpu: true, rlimitMemory: true, rlimitProcesses: true, rlimitFileSize: true, basics: true, notes: [] };

function writeRun(dir: string, name: string, createdAt: string, results: [string, number, string, number][], samples = SAMPLES) {
  const ids = [...new Set(results.map((r) => r[0]))];
  const header = { type: 'header', version: 1, runId: name, createdAt, problemSet: BUILTIN, samples, k: [1], protections, timeouts: Object.fromEntries(ids.map((i) => [i, 2000])), calibration: null, totalSamples: results.length };
  const lines = results.map(([problemId, sampleIndex, verdict, wallMs]) => ({ type: 'sample', problemId, sampleIndex, language: 'python', verdict, reason: verdict === 'failed' ? 'test case 0: expected 14, got 16' : verdict === 'runtime_error' ? 'ZeroDivisionError: division by zero' : 'ok', failure: verdict === 'failed' ? { case: 0, input: ['XIV'], expected: '14', got: '16' } : undefined, wallMs, timeoutMs: 2000, attempts: 1 }));
  const file = path.join(dir, `${name}.jsonl`);
  writeFileSync(file, [header, ...lines].map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

test('run catalog: rows sorted, filtered and paged; detail with code; compare', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-catalog-'));
  const a = writeRun(dir, 'a', '2026-01-01T00:00:00Z', [['roman-to-integer', 0, 'failed', 5], ['roman-to-integer', 1, 'passed', 6], ['missing-number', 0, 'passed', 3], ['move-zeros', 0, 'syntax_error', 1]]);
  const b = writeRun(dir, 'b', '2026-01-02T00:00:00Z', [['roman-to-integer', 0, 'passed', 5], ['roman-to-integer', 1, 'passed', 6], ['missing-number', 0, 'failed', 3], ['move-zeros', 0, 'syntax_error', 1]]);
  const catalog = new RunCatalog(() => new RunStore(dir));
  const { runs, unreadable } = catalog.list();
  assert.deepEqual(runs.map((r) => r.id), [b, a], 'newest first');
  assert.deepEqual(unreadable, []);
  assert.deepEqual(runs[0].samples, { kind: 'path', path: SAMPLES });
  assert.equal(runs[1].problems, 3);
  assert.equal(runs[1].msPerProblem, 5);

  const q = { offset: 0, limit: 10, sort: 'passAt1' as const, descending: false, verdict: 'all' as const, query: '' };
  assert.deepEqual(catalog.rows(a, q).rows.map((r) => r.problemId), ['move-zeros', 'roman-to-integer', 'missing-number']);
  assert.deepEqual(catalog.rows(a, { ...q, descending: true }).rows.map((r) => r.problemId), ['missing-number', 'roman-to-integer', 'move-zeros']);
  assert.deepEqual(catalog.rows(a, { ...q, verdict: 'failing' }).rows.map((r) => r.problemId), ['move-zeros', 'roman-to-integer']);
  assert.deepEqual(catalog.rows(a, { ...q, verdict: 'syntax_error' }).rows.map((r) => r.problemId), ['move-zeros']);
  assert.deepEqual(catalog.rows(a, { ...q, query: 'roman' }).rows.map((r) => r.title), ['Roman Numeral Value']);
  const page = catalog.rows(a, { ...q, sort: 'problem', offset: 1, limit: 1 });
  assert.equal(page.total, 3);
  assert.deepEqual(page.rows.map((r) => r.problemId), ['move-zeros']);

  const detail = catalog.problem(a, 'roman-to-integer');
  assert.match(detail.statement, /Roman numerals/);
  assert.equal(detail.samples[0].failure?.expected, '14');
  assert.equal(detail.samples[0].failure?.input, '["XIV"]');
  assert.match(detail.samples[0].code ?? '', /ignores subtractive pairs/, 'the sample code comes from the samples file');

  const cmp = catalog.compare(a, b, { offset: 0, limit: 10, onlyChanged: false });
  assert.deepEqual(cmp.counts, { fixed: 0, broken: 1, changed: 1, same: 1, 'only-a': 0, 'only-b': 0 });
  assert.equal(cmp.rows.find((r) => r.problemId === 'missing-number')?.change, 'broken');
  assert.equal(catalog.compare(a, b, { offset: 0, limit: 10, onlyChanged: true }).total, 2);
  assert.deepEqual(cmp.common, { problems: 3, passAtK: { a: { 1: runs[1].passAtK['1'] }, b: { 1: runs[0].passAtK['1'] } } }, 'the same problems: the runs\' own pass@1');
});

test('run catalog: a row\'s reason is that of a sample with the row\'s verdict (the badge and the message agree)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-catalog-'));
  try {
    // the first failing sample failed a test; most failed with an exception: the badge says runtime error
    const a = writeRun(dir, 'a', '2026-01-01T00:00:00Z', [['roman-to-integer', 0, 'failed', 5], ['roman-to-integer', 1, 'runtime_error', 6], ['roman-to-integer', 2, 'runtime_error', 6]]);
    const row = new RunCatalog(() => new RunStore(dir)).rows(a, { offset: 0, limit: 10, sort: 'problem', descending: false, verdict: 'all', query: '' }).rows[0];
    assert.equal(row.verdict, 'runtime_error');
    assert.equal(row.reason, 'ZeroDivisionError: division by zero');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run catalog: runs over different problems are compared on the problems both judged; the others are only in one, not changed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-catalog-'));
  try {
    const a = writeRun(dir, 'a', '2026-01-01T00:00:00Z', [['roman-to-integer', 0, 'failed', 5], ['roman-to-integer', 1, 'passed', 6], ['missing-number', 0, 'passed', 3], ['move-zeros', 0, 'syntax_error', 1], ['majority-value', 0, 'passed', 2]]);
    // majority-value: in both runs, but B could not judge it (no pass@1 on B's side to compare)
    const b = writeRun(dir, 'b', '2026-01-02T00:00:00Z', [['roman-to-integer', 0, 'passed', 5], ['roman-to-integer', 1, 'passed', 6], ['merge-intervals', 0, 'failed', 4], ['stair-climbing-ways', 0, 'passed', 4], ['majority-value', 0, 'infra_error', 2]]);
    const catalog = new RunCatalog(() => new RunStore(dir));
    const cmp = catalog.compare(a, b, { offset: 0, limit: 10, onlyChanged: false });
    assert.deepEqual(cmp.counts, { fixed: 0, broken: 0, changed: 2, same: 0, 'only-a': 2, 'only-b': 2 });
    assert.deepEqual(
      cmp.rows.map((r) => [r.problemId, r.change]),
      [['majority-value', 'changed'], ['merge-intervals', 'only-b'], ['missing-number', 'only-a'], ['move-zeros', 'only-a'], ['roman-to-integer', 'changed'], ['stair-climbing-ways', 'only-b']],
    );
    // pass@1 over roman-to-integer alone: A 1/2, B 2/2; the runs' own pass@1 cover other problems
    assert.deepEqual(cmp.common, { problems: 1, passAtK: { a: { 1: 0.5 }, b: { 1: 1 } } });
    assert.notEqual(catalog.info(a)?.passAtK['1'], 0.5);
    const changedOnly = catalog.compare(a, b, { offset: 0, limit: 10, onlyChanged: true });
    assert.deepEqual(changedOnly.rows.map((r) => r.problemId), ['majority-value', 'roman-to-integer']);

    // nothing in common: nothing to compare, and nothing called a change
    const c = writeRun(dir, 'c', '2026-01-03T00:00:00Z', [['balanced-brackets', 0, 'passed', 1]]);
    const none = catalog.compare(a, c, { offset: 0, limit: 10, onlyChanged: false });
    assert.deepEqual(none.counts, { fixed: 0, broken: 0, changed: 0, same: 0, 'only-a': 4, 'only-b': 1 });
    assert.deepEqual(none.common, { problems: 0, passAtK: { a: {}, b: {} } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run catalog: every file in the runs folder that is not a readable run is listed with the reason, the rest are shown', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-catalog-'));
  try {
    const good = writeRun(dir, 'good', '2026-01-01T00:00:00Z', [['missing-number', 0, 'passed', 3]]);
    // a sample line of the wrong shape is skipped with a warning; the run itself still reads
    appendFileSync(good, JSON.stringify({ type: 'sample', problemId: 7, sampleIndex: 1, verdict: 'passed', wallMs: 1 }) + '\n');
    writeFileSync(path.join(dir, 'notes.jsonl'), 'my notes, not a run\n');
    writeFileSync(path.join(dir, 'empty.jsonl'), '');
    writeFileSync(path.join(dir, 'half-header.jsonl'), JSON.stringify({ type: 'header', version: 1, runId: 'x', createdAt: '2026-01-01T00:00:00Z', k: [1], protections, totalSamples: 1 }) + '\n');
    mkdirSync(path.join(dir, 'folder.jsonl'));
    writeFileSync(path.join(dir, 'README.md'), 'not a .jsonl file: not a run candidate');
    const locked = path.join(dir, 'locked.jsonl');
    writeFileSync(locked, '{}\n');
    const canLock = process.getuid?.() !== 0; // root reads a mode-000 file anyway
    if (canLock) chmodSync(locked, 0o000);

    const catalog = new RunCatalog(() => new RunStore(dir));
    const { runs, unreadable } = catalog.list();
    assert.deepEqual(runs.map((r) => r.id), [good]);
    assert.equal(runs[0].judged, 1);
    const reasons = Object.fromEntries(unreadable.map((u) => [path.basename(u.file), u.reason]));
    assert.equal(reasons['notes.jsonl'], 'not a run file (no header line)');
    assert.equal(reasons['empty.jsonl'], 'not a run file (no header line)');
    assert.equal(reasons['half-header.jsonl'], 'line 1: not a run header: "timeouts" is missing');
    assert.equal(reasons['folder.jsonl'], 'a folder, not a run file');
    if (canLock) assert.match(reasons['locked.jsonl'], /EACCES|permission denied/);
    else assert.equal(reasons['locked.jsonl'], 'not a run file (no header line)');
    assert.equal(unreadable.length, 5, 'README.md is not a run candidate');
    assert.equal(catalog.info(path.join(dir, 'notes.jsonl')), undefined);
    assert.throws(() => catalog.rows(path.join(dir, 'notes.jsonl'), { offset: 0, limit: 10, sort: 'problem', descending: false, verdict: 'all', query: '' }), /cannot be read/);

    // a file that becomes a run is listed as one at once (nothing stale is cached)
    writeRun(dir, 'notes', '2026-01-02T00:00:00Z', [['missing-number', 0, 'failed', 3]]);
    assert.deepEqual(catalog.list().runs.map((r) => path.basename(r.id)), ['notes.jsonl', 'good.jsonl']);

    // a runs folder that is a file is one entry, not a crash
    const notAFolder = path.join(dir, 'README.md');
    const odd = new RunCatalog(() => new RunStore(notAFolder)).list();
    assert.deepEqual(odd.runs, []);
    assert.equal(odd.unreadable.length, 1);
    assert.match(odd.unreadable[0].reason, /the runs folder cannot be read: ENOTDIR/);
    assert.deepEqual(new RunCatalog(() => new RunStore(path.join(dir, 'absent'))).list(), { runs: [], unreadable: [] });
  } finally {
    chmodSync(path.join(dir, 'locked.jsonl'), 0o600);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reasoning-lab runs: the runs as JSON lines, newest first; files that are not runs named on stderr with the reason', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-catalog-'));
  try {
    const older = writeRun(dir, 'older', '2026-01-01T00:00:00Z', [['missing-number', 0, 'passed', 3]]);
    const newer = writeRun(dir, 'newer', '2026-01-02T00:00:00Z', [['missing-number', 0, 'failed', 3]]);
    writeFileSync(path.join(dir, 'notes.jsonl'), 'not a run\n');
    const r = await runCli(['runs', dir]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.id), [newer, older]);
    assert.deepEqual(lines[1].passAtK, { 1: 1 });
    assert.deepEqual(lines[1].samples, { kind: 'path', path: SAMPLES });
    assert.equal(r.stderr, `${path.join(dir, 'notes.jsonl')}: not a run file (no header line)\n`);

    rmSync(older);
    rmSync(newer);
    const only = await runCli(['runs', dir]);
    assert.equal(only.code, 1, 'nothing but unreadable files');
    assert.equal(only.stdout, '');
    const none = await runCli(['runs', path.join(dir, 'absent')]);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /no runs in .*absent/);
    assert.equal((await runCli(['runs', 'a', 'b'])).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
