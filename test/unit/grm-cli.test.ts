// `judge` and `score --judge-url` as a user runs them (real child processes) against a real scripted
// OpenAI-compatible server on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOpenAiServer, type ScriptReply } from '../fixtures/openaiServer.mjs';
import * as net from 'node:net';
import { ROOT, runCli } from './helpers/runCli';
import { readJudgeInput } from '../../src/cli/judge';
import { judgeOptionsFrom, parseJudgeFlags, refuseKeyInArgv, type JudgeValues } from '../../src/cli/judgeOptions';
import { UsageError } from '../../src/cli/common';

const judgement = (scores: number[]) => `Principles:\n1. Correctness (weight: 100%)\nCritique:\nchecked.\nScores: \\boxed{${scores.join(', ')}}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grm-cli-'));
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('judge: several responses from a JSON file → the full result as JSON; key from the env var, sent, never printed', async () => {
  const replies: ScriptReply[] = [
    { match: { seed: 5 }, text: judgement([9, 2]) },
    { match: { seed: 6 }, text: 'no idea' },
    { match: { seed: 7 }, text: judgement([7, 4]) },
  ];
  const server = await startOpenAiServer({ script: { apiKey: 'sk-cli-secret', models: ['qwen'], replies } });
  try {
    const file = write('pair.json', JSON.stringify({ prompt: 'What is 6 × 7?', responses: ['42', { completion: '48' }] }));
    process.env.GRM_TEST_KEY = 'sk-cli-secret';
    const { code, stdout, stderr } = await runCli(['judge', file, '--judge-url', server.url, '--judge-model', 'qwen', '--judge-key-env', 'GRM_TEST_KEY', '--k', '3', '--seed', '5', '--price-in', '1', '--price-out', '4']);
    assert.equal(code, 0, stderr);
    const r = JSON.parse(stdout);
    assert.deepEqual(r.responses, ['42', '48']);
    assert.deepEqual(r.judgements.map((j: { status: string }) => j.status), ['ok', 'unparseable', 'ok']);
    assert.deepEqual(r.voting.sums, [16, 6]);
    assert.equal(r.final.winner, 0);
    assert.equal(r.curve.length, 3);
    assert.ok(r.usage.cost > 0 && r.usage.promptTokens > 0);
    assert.match(stderr, /judgement 2: unparseable: no scores found/);
    assert.match(stderr, /response 1 wins \(votes 16, 6\); 2 of 3 judgements valid; \d+ tokens, \$0\.\d{4}/);
    assert.ok(!stdout.includes('sk-cli-secret') && !stderr.includes('sk-cli-secret'));
    assert.ok(server.completions().every((q) => q.headers.authorization === 'Bearer sk-cli-secret'));
  } finally {
    delete process.env.GRM_TEST_KEY;
    await server.close();
  }
});

test('score --judge-url adds the grm component per record; JSONL records for judge must share one prompt', async () => {
  const server = await startOpenAiServer({
    script: {
      replies: [
        { match: { contains: 'The answer is 4' }, text: judgement([10]), repeat: true },
        { match: { contains: 'The answer is 5' }, text: 'Score: 2/10', repeat: true },
      ],
    },
  });
  try {
    const records = write(
      'recs.jsonl',
      [
        JSON.stringify({ id: 'good', prompt: 'What is 2+2?', completion: '<think>2+2=4</think>\nThe answer is 4.', answer: '4' }),
        '{broken',
        JSON.stringify({ id: 'bad', prompt: 'What is 2+2?', completion: '<think>hmm</think>\nThe answer is 5.', answer: '4' }),
      ].join('\n') + '\n',
    );
    const { code, stdout, stderr } = await runCli(['score', records, '--judge-url', server.url, '--judge-model', 'judge', '--k', '2', '--no-stream']);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.id), ['good', 'bad']);
    assert.equal(lines[0].components.grm.value, 1);
    assert.equal(lines[0].components.grm.weight, 1);
    assert.match(lines[0].components.grm.detail, /vote 10\/10 over 2 of 2 judgements/);
    assert.equal(lines[1].components.grm.value, 1 / 9);
    assert.ok(lines[0].components.accuracy, 'the rule rewards are still there');
    assert.match(stderr, /note: r1 has no grm component; added with weight 1/);
    assert.match(stderr, /recs\.jsonl:2: skipped/);
    assert.ok(server.completions().every((q) => q.body.stream === false));

    const mixed = write('mixed.jsonl', [JSON.stringify({ prompt: 'a', completion: 'x' }), JSON.stringify({ prompt: 'b', completion: 'y' })].join('\n'));
    const m = await runCli(['judge', mixed, '--judge-url', server.url, '--judge-model', 'judge']);
    assert.equal(m.code, 1);
    assert.match(m.stderr, /mixed\.jsonl:2: its prompt differs from .*mixed\.jsonl:1's/);
  } finally {
    await server.close();
  }
});

test('judge flags and input files: bad usage and bad input get clear errors (in process)', () => {
  const url = 'http://127.0.0.1:9/v1';
  const usage: [Record<string, string>, RegExp][] = [
    [{ 'judge-model': 'm' }, /--judge-url is required/],
    [{ 'judge-url': url }, /--judge-model is required/],
    [{ 'judge-url': url, 'judge-model': 'm', 'judge-key-env': 'GRM_UNSET_VAR_XYZ' }, /GRM_UNSET_VAR_XYZ is not set/],
    [{ 'judge-url': url, 'judge-model': 'm', k: '0' }, /--k must be an integer from 1 to 64, got "0"/],
    [{ 'judge-url': url, 'judge-model': 'm', k: '2.5' }, /--k must be an integer/],
    [{ 'judge-url': url, 'judge-model': 'm', k: '3', 'meta-k': '4' }, /--meta-k must be an integer from 1 to 3/],
    [{ 'judge-url': url, 'judge-model': 'm', 'meta-model': 'x' }, /--meta-model needs --meta-k/],
    [{ 'judge-url': url, 'judge-model': 'm', k: '2', temperature: '0' }, /identical/],
    [{ 'judge-url': url, 'judge-model': 'm', 'price-in': '-1' }, /--price-in must be a number ≥ 0/],
    [{ 'judge-url': 'ftp://x', 'judge-model': 'm' }, /must be http or https/],
  ];
  // argv values are checked into typed flags, then turned into judge options with the final k
  const options = (values: JudgeValues, defaultK?: number) => judgeOptionsFrom(parseJudgeFlags(values), defaultK);
  for (const [values, reason] of usage) assert.throws(() => options(values), (e: Error) => e instanceof UsageError && reason.test(e.message));
  assert.throws(() => refuseKeyInArgv(['x', '--api-key=sk-1']), /environment variable/);
  const o = options({ 'judge-url': url, 'judge-model': 'm', 'meta-k': '2' }, 6);
  assert.equal(o.k, 6, "the spec's k when --k is absent");
  assert.equal(o.meta!.keep, 2);
  assert.equal(options({ 'judge-url': url, 'judge-model': 'm', k: '3' }, 6).k, 3, '--k wins');
  assert.throws(() => options({ 'judge-url': url, 'judge-model': 'm', 'meta-k': '5' }, 4), /--meta-k must be an integer from 1 to 4, got "5"/, "meta-k is checked against the spec's k too");
  assert.deepEqual(
    { ...parseJudgeFlags({ 'judge-url': url, 'judge-model': 'm', k: '3', 'price-in': '2', 'no-stream': true }) },
    { url, local: undefined, model: 'm', apiKey: undefined, k: 3, metaK: undefined, metaModel: undefined, metaRm: undefined, temperature: undefined, maxTokens: undefined, concurrency: undefined, timeoutMs: undefined, retries: undefined, seed: undefined, prices: { inputPerMTok: 2, outputPerMTok: 0 }, stream: false },
  );

  assert.deepEqual(readJudgeInput('{"prompt": "p", "responses": ["a", {"response": "b"}]}', 'f.json'), { prompt: 'p', responses: ['a', 'b'] });
  assert.deepEqual(readJudgeInput('[{"prompt": "p", "completion": "a"}, {"messages": [{"role": "user", "content": "p"}, {"role": "assistant", "content": "b"}]}]', 'f.json'), {
    prompt: 'p',
    responses: ['a', 'b'],
  });
  const input: [string, RegExp][] = [
    ['  \n', /f: the file is empty/],
    ['{"prompt": "p", "responses": []}', /field "responses" is empty/],
    ['{"prompt": 3, "responses": ["a"]}', /field "prompt": expected a string, got number/],
    ['{"prompt": "p", "responses": [3]}', /field "responses\[0\]": expected a string/],
    ['{"prompt":"p","completion":"a"}\n{oops\n', /f:2: not JSON/],
    ['{"prompt":"p","completion":"a"}\n{"prompt":"p","completion":7}\n', /f:2: field "completion"/],
    ['[{"prompt":"a","completion":"x"},{"prompt":"b","completion":"y"}]', /f: item 1: its prompt differs from f: item 0's/],
  ];
  for (const [text, reason] of input) assert.throws(() => readJudgeInput(text, 'f'), reason);
});

test('judge as a process: a key in argv is refused; an unreachable server fails every judgement with the reason, exit 1, result still printed', async () => {
  const file = write('one.json', JSON.stringify({ prompt: 'p', responses: ['a'] }));
  const [refused, unreachable] = await Promise.all([
    runCli(['judge', file, '--judge-url', 'http://127.0.0.1:1/v1', '--judge-model', 'm', '--judge-key', 'sk-x']),
    runCli(['judge', file, '--judge-url', `http://127.0.0.1:${await freePort()}/v1`, '--judge-model', 'm', '--k', '2', '--retries', '0']),
  ]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /pass the API key through an environment variable: --judge-key-env VAR/);
  assert.ok(!refused.stderr.includes('sk-x'));
  assert.equal(unreachable.code, 1);
  const out = JSON.parse(unreachable.stdout);
  assert.deepEqual(out.judgements.map((j: { status: string }) => j.status), ['error', 'error']);
  assert.match(out.judgements[0].error, /cannot connect \(ECONNREFUSED/);
  assert.match(unreachable.stderr, /no valid judgement/);
});

test('judge with local ONNX models: --judge-local (tiny LM: unparseable, reported) and --meta-rm (tiny RM keeps the best)', async () => {
  const models = path.join(ROOT, 'examples', 'models');
  const server = await startOpenAiServer({ script: { default: { text: judgement([8]), repeat: true } } });
  try {
    const file = write('local.json', JSON.stringify({ prompt: 'What is 2+2?', responses: ['4'] }));
    const [local, meta] = await Promise.all([
      runCli(['judge', file, '--judge-local', path.join(models, 'tiny-gpt2-lm'), '--k', '2', '--max-tokens', '16', '--seed', '3']),
      runCli(['judge', file, '--judge-url', server.url, '--judge-model', 'judge', '--k', '3', '--meta-k', '2', '--meta-rm', path.join(models, 'tiny-bert-rm')]),
    ]);
    assert.equal(local.code, 1, local.stderr);
    const l = JSON.parse(local.stdout);
    assert.match(l.generator, /^onnx:.*tiny-gpt2-lm$/);
    assert.deepEqual(l.judgements.map((j: { status: string }) => j.status), ['unparseable', 'unparseable']);
    assert.equal(meta.code, 0, meta.stderr);
    const m = JSON.parse(meta.stdout);
    assert.equal(m.meta.keep, 2);
    assert.match(m.meta.label, /reward model tiny-bert-rm/);
    assert.ok(m.judgements.every((j: { meta: { score: number } }) => Number.isFinite(j.meta.score)));
    assert.equal(m.metaVoting.judgements, 2);
    assert.deepEqual(m.final.means, [8]);
  } finally {
    await server.close();
  }
});

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

test('judge with 16 judgements in flight: one cancellation signal for all of them, no listener warning', async () => {
  const server = await startOpenAiServer({ script: { replies: [{ text: judgement([8, 3]), repeat: true, delayMs: 50 }] } });
  try {
    const file = write('sixteen.json', JSON.stringify({ prompt: 'What is 6 × 7?', responses: ['42', '48'] }));
    const { code, stdout, stderr } = await runCli(['judge', file, '--judge-url', server.url, '--judge-model', 'qwen', '--k', '16', '--concurrency', '16']);
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout).judgements.length, 16);
    assert.doesNotMatch(stderr, /MaxListeners|Warning/);
  } finally {
    await server.close();
  }
});
