// The Eval Dashboard's data side (src/vscode/eval/runCatalog.ts, plain Node): a stored run turned into
// the problem table (sort, filter, pages), a problem's detail with its sample code, and two runs compared.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../src/core/eval';
import { RunCatalog } from '../../src/vscode/eval/runCatalog';

const BUILTIN = path.resolve(__dirname, '../../problems/builtin');
const SAMPLES = path.resolve(__dirname, '../../examples/eval/builtin-samples.jsonl');
const protections = { forkServer: true, network: false, pidNamespace: false, uid: false, privateTmp: [], rlimitCpu: true, rlimitMemory: true, rlimitProcesses: true, rlimitFileSize: true, basics: true, notes: [] };

function writeRun(dir: string, name: string, createdAt: string, results: [string, number, string, number][], samples = SAMPLES) {
  const ids = [...new Set(results.map((r) => r[0]))];
  const header = { type: 'header', version: 1, runId: name, createdAt, problemSet: BUILTIN, samples, k: [1], protections, timeouts: Object.fromEntries(ids.map((i) => [i, 2000])), calibration: null, totalSamples: results.length };
  const lines = results.map(([problemId, sampleIndex, verdict, wallMs]) => ({ type: 'sample', problemId, sampleIndex, language: 'python', verdict, reason: verdict === 'failed' ? 'test case 0: expected 14, got 16' : 'ok', failure: verdict === 'failed' ? { case: 0, input: ['XIV'], expected: '14', got: '16' } : undefined, wallMs, timeoutMs: 2000, attempts: 1 }));
  const file = path.join(dir, `${name}.jsonl`);
  writeFileSync(file, [header, ...lines].map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

test('run catalog: rows sorted, filtered and paged; detail with code; compare', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-catalog-'));
  const a = writeRun(dir, 'a', '2026-01-01T00:00:00Z', [['roman-to-integer', 0, 'failed', 5], ['roman-to-integer', 1, 'passed', 6], ['missing-number', 0, 'passed', 3], ['move-zeros', 0, 'syntax_error', 1]]);
  const b = writeRun(dir, 'b', '2026-01-02T00:00:00Z', [['roman-to-integer', 0, 'passed', 5], ['roman-to-integer', 1, 'passed', 6], ['missing-number', 0, 'failed', 3], ['move-zeros', 0, 'syntax_error', 1]]);
  const catalog = new RunCatalog(() => new RunStore(dir));
  const runs = catalog.list();
  assert.deepEqual(runs.map((r) => r.id), [b, a], 'newest first');
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
  assert.deepEqual(cmp.counts, { fixed: 0, broken: 1, changed: 1, same: 1 });
  assert.equal(cmp.rows.find((r) => r.problemId === 'missing-number')?.change, 'broken');
  assert.equal(catalog.compare(a, b, { offset: 0, limit: 10, onlyChanged: true }).total, 2);
});
