// `train code-agent` and `solve --generator` as a user runs them: real child processes, the real sandbox,
// recorded CodeGen-16B generations (CodeT) and the scripted OpenAI-compatible server on 127.0.0.1.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startOpenAiServer } from '../fixtures/openaiServer.mjs';
import { runCli } from './helpers/runCli';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const PROBLEMS = path.join(FIXTURES, 'eval', 'humaneval_5.jsonl');
const REPLAY = path.join(FIXTURES, 'code-agent', 'codet_3.jsonl');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-cli-'));
const checkpoint = path.join(dir, 'agent.json');
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);
const savedCache = process.env.XDG_CACHE_HOME;

before(async () => {
  process.env.XDG_CACHE_HOME = path.join(dir, 'cache'); // the children's run cache stays in this test's folder
  const r = await runCli(['train', 'code-agent', '--problems', PROBLEMS, '--generator', `replay:${REPLAY}`, '--steps', '120', '--budget', '4', '--seed', '2', '--out', checkpoint]);
  assert.equal(r.code, 0, r.stderr);
});
after(() => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('train code-agent: problems without recorded generations are named and skipped; the checkpoint is written, never over a file without --force', async () => {
  assert.ok(fs.statSync(checkpoint).size > 0);
  assert.ok(fs.existsSync(path.join(dir, 'cache', 'reasoning-lab', 'test-results', 'code-agent-runs.jsonl')));
  const again = await runCli(['train', 'code-agent', '--problems', PROBLEMS, '--generator', `replay:${REPLAY}`, '--steps', '10', '--out', checkpoint]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /agent\.json exists; pass --force/);
  const bad = await runCli(['train', 'code-agent', '--problems', PROBLEMS, '--generator', 'openai:http://127.0.0.1:1/v1#m', '--out', path.join(dir, 'x.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /replay:<file>/);
});

test('solve --generator replay: one human-eval sample per problem, the hidden verdicts and the summary line', async () => {
  const out = path.join(dir, 'submissions.jsonl');
  const tracesFile = path.join(dir, 'solve-traces.jsonl');
  const r = await runCli(['solve', PROBLEMS, '--agent', checkpoint, '--generator', `replay:${REPLAY}`, '--budget', '4', '--out', out, '--traces', tracesFile]);
  assert.equal(r.code, 0, r.stderr);
  // --traces: one episode per problem (a reasoning path) and each episode's candidates
  const traces = fs.readFileSync(tracesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const episodes = traces.filter((t) => !t.prompt.endsWith(' candidates'));
  assert.deepEqual(episodes.map((t) => t.prompt), ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/4', 'HumanEval/7']);
  assert.ok(episodes.every((t) => t.agent.kind === 'code' && /^<think>\nStep 1 · /.test(t.completion) === t.agent.decisions.length > 0));
  assert.ok(traces.some((t) => t.prompt === 'HumanEval/0 candidates'));
  const rows = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((x) => x.task_id), ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/4', 'HumanEval/7']);
  assert.deepEqual(Object.keys(rows[0]), ['task_id', 'completion']);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const summary = lines.pop();
  assert.deepEqual(Object.keys(summary), ['solved', 'total', 'solveRate', 'programsExecuted', 'llmCalls', 'tokens']);
  assert.equal(summary.total, 5);
  assert.equal(summary.solved, lines.filter((l) => l.solved).length);
  // no recorded generations for HumanEval/1 and /7: nothing to submit, not solved
  assert.deepEqual(lines.filter((l) => l.verdict === 'no submission').map((l) => l.task_id), ['HumanEval/1', 'HumanEval/7']);
  assert.ok(lines.every((l) => l.runs <= 4));
  assert.ok(summary.llmCalls > 0 && summary.tokens > 0);
  const exists = await runCli(['solve', PROBLEMS, '--agent', checkpoint, '--generator', `replay:${REPLAY}`, '--out', out]);
  assert.equal(exists.code, 2);
  assert.match(exists.stderr, /exists; pass --force/);
});

test('train code-agent --traces logs episodes that --offline learns from; --onnx exports both policies', async () => {
  const log = path.join(dir, 'train-episodes.jsonl');
  const logged = path.join(dir, 'logged.json');
  const onnx = path.join(dir, 'onnx');
  const r = await runCli(['train', 'code-agent', '--problems', PROBLEMS, '--generator', `replay:${REPLAY}`, '--steps', '40', '--budget', '4', '--seed', '3', '--out', logged, '--traces', log, '--onnx', onnx]);
  assert.equal(r.code, 0, r.stderr);
  const episodes = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(episodes.length, lastJson(r.stdout).episodes);
  assert.deepEqual(lastJson(r.stdout).onnx, { macro: path.join(onnx, 'macro-policy.onnx'), micro: path.join(onnx, 'micro-q.onnx') });
  assert.ok(fs.statSync(path.join(onnx, 'micro-q.onnx')).size > 0);
  fs.appendFileSync(log, '{broken\n');
  const off = await runCli(['train', 'code-agent', '--problems', PROBLEMS, '--generator', `replay:${REPLAY}`, '--offline', log, '--out', path.join(dir, 'offline.json')]);
  assert.equal(off.code, 0, off.stderr);
  const summary = lastJson(off.stdout);
  assert.equal(summary.mode, 'offline');
  assert.equal(summary.episodes, episodes.filter((e) => e.agent.decisions.length).length);
  assert.equal(summary.skipped, 1);
  assert.match(off.stderr, new RegExp(`train-episodes\\.jsonl:${episodes.length + 1}: skipped: not JSON`));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'offline.json'), 'utf8')).kind, 'reasoning-lab/code-agent');
});

test('solve --generator openai: candidates and tests from a live OpenAI-compatible server, judged on the hidden tests', async () => {
  const problems = path.join(dir, 'he2.jsonl');
  fs.writeFileSync(problems, fs.readFileSync(PROBLEMS, 'utf8').split('\n').filter((l) => l.includes('"HumanEval/2"'))[0] + '\n');
  const server = await startOpenAiServer({
    script: {
      models: ['coder'],
      replies: [
        { match: { contains: '# check the correctness of truncate_number' }, text: 'assert truncate_number(3.5) == 0.5\nassert truncate_number(1.25) == 0.25', repeat: true },
        { text: 'Here it is:\n```python\ndef truncate_number(number: float) -> float:\n    return number % 1.0\n```', repeat: true },
      ],
    },
  });
  try {
    const out = path.join(dir, 'live.jsonl');
    const r = await runCli(['solve', problems, '--agent', checkpoint, '--generator', `openai:${server.url}#coder`, '--budget', '3', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const summary = lastJson(r.stdout);
    assert.equal(summary.solved, 1);
    assert.equal(summary.llmCalls, server.completions().length);
    assert.ok(summary.tokens > 0);
    const row = JSON.parse(fs.readFileSync(out, 'utf8').trim());
    assert.equal(row.task_id, 'HumanEval/2');
    assert.match(row.completion, /def truncate_number[\s\S]*return number % 1\.0/);
  } finally {
    await server.close();
  }
});

test('bad usage and unreadable inputs: exit 2 with the usage mistake, exit 1 naming the file', async () => {
  const out = path.join(dir, 'never.jsonl');
  const bad = await runCli(['solve', PROBLEMS, '--agent', checkpoint, '--generator', 'gpt:x', '--out', out]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--generator gpt:x: expected replay:<file>/);
  const missing = await runCli(['solve', PROBLEMS, '--agent', checkpoint, '--generator', `replay:${path.join(dir, 'nope.jsonl')}`, '--out', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.jsonl: cannot read the recorded generations/);
  const notAgent = await runCli(['solve', PROBLEMS, '--agent', REPLAY, '--generator', `replay:${REPLAY}`, '--out', out]);
  assert.equal(notAgent.code, 1);
  assert.match(notAgent.stderr, /codet_3\.jsonl: not a checkpoint/);
  assert.ok(!fs.existsSync(out));
});
