// `solve` and `train synth` as a user runs them (real child processes through runCli).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, after, test } from 'node:test';
import { saveCheckpoint, trainSynthAgent } from '../../src/core/agents/synth/train';
import { runCli } from './helpers/runCli';

let dir: string;
let checkpoint: string;
const ex = (input: unknown, output: unknown) => ({ input: [input], output });

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cli-'));
  checkpoint = path.join(dir, 'agent.json');
  const { checkpoint: ck } = await trainSynthAgent({ seed: 1, steps: 400, perLength: 10, agent: { macro: { numSteps: 64 }, micro: { learningStarts: 50, bufferSize: 500 }, totalMicroSteps: 300 } });
  saveCheckpoint(checkpoint, ck);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('solve problems.jsonl: a line per problem, bad lines named and skipped, the final summary line', async () => {
  const file = path.join(dir, 'problems.jsonl');
  fs.writeFileSync(
    file,
    [
      JSON.stringify({ id: 'sort', examples: [ex([3, 1, 2], [1, 2, 3]), ex([5, -1], [-1, 5])], heldOut: [ex([9, 8, 10], [8, 9, 10])] }),
      'not json',
      JSON.stringify({ id: 'rev', examples: [ex([3, 1, 2], [2, 1, 3]), ex([5, -1], [-1, 5])], heldOut: [ex([1, 2, 3], [3, 2, 1])] }),
      JSON.stringify({ id: 'to-text', examples: [ex([1], 'a'), ex([2], 'b')], heldOut: [ex([3], 'c')] }),
    ].join('\n'),
  );
  const r = await runCli(['solve', file, '--agent', checkpoint, '--budget', '3000']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /problems\.jsonl:2: skipped: not JSON/);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 4);
  assert.equal(lines[0].id, 'sort');
  assert.equal(lines[0].solved, true, JSON.stringify(lines[0]));
  assert.match(lines[0].program, /sort/);
  assert.ok(lines[0].program.split('\n').length <= 5);
  assert.match(lines[2].error, /no DSL program of at most 5 lines turns \(\[int\]\) into str/, 'a problem the DSL cannot express is reported');
  const summary = lines[3];
  assert.deepEqual(Object.keys(summary).slice(0, 4), ['solved', 'total', 'solveRate', 'programsExecuted']);
  assert.equal(summary.total, 3);
  assert.equal(summary.solveRate, summary.solved / 3);
  assert.equal(summary.programsExecuted, lines[0].programsExecuted + lines[1].programsExecuted + lines[2].programsExecuted);
});

test('solve --write puts solution.py / solution.js beside a workspace problem, never over a user file without --force', async () => {
  const ws = path.join(dir, 'ws');
  const prob = path.join(ws, 'sorted-copy');
  fs.mkdirSync(prob, { recursive: true });
  fs.writeFileSync(path.join(prob, 'problem.md'), '---\nid: sorted-copy\ntitle: Sorted Copy\n---\nReturn the numbers in ascending order.\n');
  fs.writeFileSync(path.join(prob, 'signature.json'), JSON.stringify({ python: { entry: 'sorted_copy', params: ['nums'] }, javascript: { entry: 'sortedCopy', params: ['nums'] } }));
  fs.writeFileSync(path.join(prob, 'tests.json'), JSON.stringify([3, 4, 5, 6, 7, 8].map((n) => ({ input: [[n, -n, 1, 2 * n]], expected: [-n, 1, n, 2 * n] }))));
  fs.writeFileSync(path.join(prob, 'solution.js'), '// my own solution\n');
  const r = await runCli(['solve', ws, '--agent', checkpoint, '--budget', '3000', '--write']);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.split('\n')[0]);
  assert.equal(line.solved, true);
  assert.deepEqual(line.written, { 'solution.py': 'written', 'solution.js': 'kept (exists; --force replaces it)' });
  assert.equal(fs.readFileSync(path.join(prob, 'solution.js'), 'utf8'), '// my own solution\n');
  assert.match(fs.readFileSync(path.join(prob, 'solution.py'), 'utf8'), /^def sorted_copy\(nums\):\n(.*\n)* {4}return \w+\n$/);
  const forced = await runCli(['solve', ws, '--agent', checkpoint, '--budget', '3000', '--write', '--force']);
  assert.deepEqual(JSON.parse(forced.stdout.split('\n')[0]).written, { 'solution.py': 'written', 'solution.js': 'written' });
  assert.match(fs.readFileSync(path.join(prob, 'solution.js'), 'utf8'), /function sortedCopy\(nums\) \{/);
  // both written solutions pass the evaluation's own judge (sandbox, all tests)
  const ev = await runCli(['eval', ws]);
  assert.equal(ev.code, 0, ev.stdout + ev.stderr);
  assert.equal(JSON.parse(ev.stdout.trim().split('\n').pop()!).passed, 2);
});

test('solve: a missing or corrupt checkpoint is a clear error', async () => {
  const file = path.join(dir, 'p.jsonl');
  fs.writeFileSync(file, JSON.stringify({ id: 'x', examples: [ex([1], [1]), ex([2], [2])] }) + '\n');
  const missing = await runCli(['solve', file, '--agent', path.join(dir, 'none.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /none\.json: cannot read the checkpoint: no such file/);
  fs.writeFileSync(path.join(dir, 'corrupt.json'), '{"kind": "reasoning-lab/synth-agent", "version": 1, "agent": {}}');
  const corrupt = await runCli(['solve', file, '--agent', path.join(dir, 'corrupt.json')]);
  assert.equal(corrupt.code, 1);
  assert.match(corrupt.stderr, /corrupt\.json: corrupt checkpoint/);
  const usage = await runCli(['solve', file]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--agent <checkpoint>/);
});

test('train synth: learning curve lines, final line, checkpoint, traces and ONNX policies written', async () => {
  const out = path.join(dir, 'cli-agent.json');
  const traces = path.join(dir, 'train-traces.jsonl');
  const onnxDir = path.join(dir, 'onnx');
  const r = await runCli(['train', 'synth', '--steps', '600', '--seed', '3', '--out', out, '--traces', traces, '--onnx', onnxDir]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const last = lines[lines.length - 1];
  assert.equal(last.mode, 'train');
  assert.ok(last.steps >= 600 && last.episodes > 0 && last.checkpoint === out);
  assert.ok(lines.slice(0, -1).every((l) => typeof l.meanReturn === 'number' && typeof l.entropy === 'number'));
  assert.ok(fs.existsSync(out));
  assert.deepEqual(last.onnx, { macro: path.join(onnxDir, 'macro-policy.onnx'), micro: path.join(onnxDir, 'micro-q.onnx') });
  for (const f of Object.values(last.onnx as Record<string, string>)) assert.ok(fs.statSync(f).size > 10_000, `${f} written`);
  assert.equal(fs.readFileSync(traces, 'utf8').trim().split('\n').length, last.episodes);
  const again = await runCli(['train', 'synth', '--steps', '600', '--out', out]);
  assert.equal(again.code, 2, 'an existing checkpoint is not replaced without --force');
  const offline = await runCli(['train', 'synth', '--offline', traces, '--resume', out, '--out', path.join(dir, 'offline.json')]);
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(JSON.parse(offline.stdout.trim()).episodes, last.episodes);
});
