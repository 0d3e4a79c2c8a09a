// The CLI as a user runs it: a real child process over real files, checking stdout, stderr and the exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, runCli } from './helpers/runCli';

const EXAMPLE_RECORDS = path.join(ROOT, 'examples', 'records.jsonl');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rl-cli-'));
}

const lines = (s: string) => s.split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('scores the demo records with r1: fixed component names, one line per good record, broken line reported', async () => {
  const r = await runCli(['score', EXAMPLE_RECORDS]);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const inputLines = fs.readFileSync(EXAMPLE_RECORDS, 'utf8').split('\n').filter(Boolean);
  assert.equal(out.length, inputLines.length - 1, 'every line but the broken one is scored');
  for (const row of out) {
    assert.deepEqual(Object.keys(row), ['id', 'total', 'components']);
    assert.deepEqual(Object.keys(row.components), ['accuracy', 'format', 'language']);
    for (const c of Object.values(row.components) as { value: unknown; weight: number; detail: string }[]) {
      assert.equal(typeof c.weight, 'number');
      assert.equal(typeof c.detail, 'string');
      assert.ok(c.value === null || typeof c.value === 'number');
    }
  }
  const byId = Object.fromEntries(out.map((o) => [o.id, o]));
  assert.equal(byId['en-well-formed'].components.accuracy.value, 1);
  assert.equal(byId['en-well-formed'].components.format.value, 1);
  assert.equal(byId['en-well-formed'].total, 3);
  assert.equal(byId['en-wrong-answer'].components.accuracy.value, 0);
  assert.equal(byId['en-unclosed-think'].components.format.value, 0);
  assert.ok(byId['zh-mixed-language'].components.language.value < 1);
  assert.equal(byId['chat-form'].components.accuracy.value, 1, 'chat-messages record is read');
  const brokenLine = inputLines.findIndex((l) => l.includes('broken-line')) + 1;
  assert.match(r.stderr, new RegExp(`records\\.jsonl:${brokenLine}: skipped: .*JSON`));
  assert.match(r.stderr, /scored 7 records with r1/);
});

test('accuracy is null with a reason when the reference cannot be parsed, never a silent pass', async () => {
  const input = [
    JSON.stringify({ id: 'a', prompt: 'p', completion: '<think>x</think> \\boxed{5}', answer: '\\frac{1}{' }),
    JSON.stringify({ id: 'b', prompt: 'p', completion: '<think>x</think> \\boxed{5}' }),
  ].join('\n');
  const r = await runCli(['score', '-'], input);
  assert.equal(r.code, 0, r.stderr);
  const [a, b] = lines(r.stdout);
  assert.equal(a.components.accuracy.value, null);
  assert.ok(a.components.accuracy.detail.length > 0);
  assert.equal(b.components.accuracy.value, null);
  assert.equal(a.total, 1 + a.components.language.value, 'null accuracy contributes nothing to the total');
});

test('the accuracy-efficiency-novelty preset and a spec file', async () => {
  const dir = tempDir();
  const r = await runCli(['score', EXAMPLE_RECORDS, '--rewards', 'accuracy-efficiency-novelty']);
  assert.equal(r.code, 0, r.stderr);
  const row = lines(r.stdout)[0];
  assert.deepEqual(Object.keys(row.components), ['accuracy', 'steps', 'novelty']);
  assert.deepEqual(
    Object.values(row.components).map((c) => (c as { weight: number }).weight),
    [0.6, 0.3, 0.1],
  );
  const spec = path.join(dir, 'spec.json');
  fs.writeFileSync(spec, JSON.stringify({ components: { similarity: { weight: 2 }, repetition: { weight: 1 } } }));
  const s = await runCli(['score', EXAMPLE_RECORDS, '--rewards', spec]);
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(Object.keys(lines(s.stdout)[0].components), ['repetition', 'similarity']);
});

test('an invalid spec names the file, the line and the field, and exits 2', async () => {
  const dir = tempDir();
  const spec = path.join(dir, 'rewards.json');
  fs.writeFileSync(spec, '{\n  "components": {\n    "format": { "weight": "heavy" }\n  }\n}\n');
  const r = await runCli(['score', EXAMPLE_RECORDS, '--rewards', spec]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /rewards\.json:3:\d+/);
  assert.match(r.stderr, /weight/);
  assert.equal(r.stdout, '');
  const unknown = await runCli(['score', EXAMPLE_RECORDS, '--rewards', 'no-such-preset']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no-such-preset/);
});

test('empty input, only broken lines and a missing file exit 1 with a clear message', async () => {
  const empty = await runCli(['score', '-'], '');
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no record could be read/);
  const broken = await runCli(['score', '-'], '{"id":\nnot json\n[1,2]\n{"id":"x","prompt":"p","completion":42}\n');
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /stdin:1: skipped/);
  assert.match(broken.stderr, /stdin:3: skipped/);
  assert.match(broken.stderr, /stdin:4: skipped: .*completion/);
  const missing = await runCli(['score', path.join(tempDir(), 'nope.jsonl')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*nope\.jsonl/);
});

test('bad usage exits 2 with the usage text', async () => {
  const r = await runCli(['score']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage: reasoning-lab/);
  const u = await runCli(['frobnicate']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /unknown command "frobnicate"/);
});

test('--out writes atomically and never replaces an existing file without --force', async () => {
  const dir = tempDir();
  const out = path.join(dir, 'scores.jsonl');
  fs.writeFileSync(out, 'precious\n');
  const refused = await runCli(['score', EXAMPLE_RECORDS, '--out', out]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /exists; pass --force/);
  assert.equal(fs.readFileSync(out, 'utf8'), 'precious\n', 'the user file is untouched');
  const forced = await runCli(['score', EXAMPLE_RECORDS, '--out', out, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(lines(fs.readFileSync(out, 'utf8')).length, 7);
  assert.deepEqual(fs.readdirSync(dir), ['scores.jsonl'], 'no temporary file is left behind');
  const same = await runCli(['score', EXAMPLE_RECORDS, '--out', EXAMPLE_RECORDS, '--force']);
  assert.equal(same.code, 2);
  assert.match(same.stderr, /must not be the input/);
});

/** `score - --out <out>` reading a pipe the test keeps open; resolves once its temporary output exists. */
async function scoringIntoFolder(dir: string, out: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), 'score', '-', '--out', out], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  child.stdin.write(fs.readFileSync(EXAMPLE_RECORDS, 'utf8'));
  while (!fs.readdirSync(dir).some((n) => n.endsWith('.tmp'))) await new Promise((r) => setTimeout(r, 50));
  return { child, done };
}

test('score --out: a file created at the target while scoring runs is kept, and nothing is left behind', async () => {
  const dir = tempDir();
  const out = path.join(dir, 'scores.jsonl');
  const { child, done } = await scoringIntoFolder(dir, out);
  fs.writeFileSync(out, 'made by another program meanwhile\n');
  child.stdin.end();
  const r = await done;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /scores\.jsonl appeared while the output was being written; it was kept .*pass --force/);
  assert.equal(fs.readFileSync(out, 'utf8'), 'made by another program meanwhile\n');
  assert.deepEqual(fs.readdirSync(dir), ['scores.jsonl']);
  fs.rmSync(dir, { recursive: true });
});

test('score --out: SIGTERM while scoring removes the temporary output', async () => {
  const dir = tempDir();
  const { child, done } = await scoringIntoFolder(dir, path.join(dir, 'scores.jsonl'));
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.signal, 'SIGTERM', r.stderr);
  assert.deepEqual(fs.readdirSync(dir), []);
  fs.rmSync(dir, { recursive: true });
});

test('hostile and huge records: HTML is data, a 2 MB completion is scored, output stays one line per record', async () => {
  const huge = '<think>' + 'We add the numbers again. '.repeat(80_000) + '</think> The answer is 7.';
  const input = [
    JSON.stringify({ id: '<script>alert(1)</script>', prompt: '<img src=x onerror=alert(1)>', completion: '<think>ok</think><b>7</b>', answer: '7' }),
    JSON.stringify({ id: 'huge', prompt: 'p', completion: huge, answer: '7' }),
  ].join('\n');
  const r = await runCli(['score', '-'], input);
  assert.equal(r.code, 0, r.stderr);
  const [hostile, big] = lines(r.stdout);
  assert.equal(hostile.id, '<script>alert(1)</script>');
  assert.equal(big.id, 'huge');
  assert.equal(big.components.accuracy.value, 1);
});

test('score reads what traces reads (.gz, JSON documents, Inspect logs, Parquet), the same samples in the same order', async () => {
  const dir = tempDir();
  try {
    const { gzipSync } = await import('node:zlib');
    const gz = path.join(dir, 'records.jsonl.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(EXAMPLE_RECORDS)));
    const plain = await runCli(['score', EXAMPLE_RECORDS]);
    const zipped = await runCli(['score', gz]);
    assert.equal(zipped.code, 0, zipped.stderr);
    assert.equal(zipped.stdout, plain.stdout);
    assert.equal(zipped.stderr.replace(/ in [\d.]+ s/, ''), plain.stderr.replaceAll(EXAMPLE_RECORDS, gz).replace(/ in [\d.]+ s/, ''));

    const FIX = path.join(ROOT, 'test', 'fixtures');
    for (const file of [path.join(FIX, 'game24_naive_cot.json'), path.join(FIX, 'traces', 'inspect_log_read_sample.json'), path.join(FIX, 'traces', 'inspect_log_streaming.eval'), path.join(FIX, 'traces', 'trl_completions.parquet')]) {
      const [scored, listed] = await Promise.all([runCli(['score', file]), runCli(['traces', file, '--samples'])]);
      assert.equal(scored.code, 0, `${file}: ${scored.stderr}`);
      assert.equal(listed.code, 0, `${file}: ${listed.stderr}`);
      const ids = lines(scored.stdout).map((o) => o.id);
      assert.ok(ids.length > 0, file);
      assert.deepEqual(ids, lines(listed.stdout).map((o) => o.id), file);
      if (!file.endsWith('.parquet')) assert.match(scored.stderr, /note: reading .* as (multi|inspect) records/, file);
    }

    // score's own output has no text to score again: refused, by name
    const scores = path.join(dir, 'scores.jsonl');
    fs.writeFileSync(scores, plain.stdout);
    const again = await runCli(['score', scores]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /scores\.jsonl holds reasoning-lab score output .*nothing to score/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('score - reads JSONL from stdin with the same detection: several completions per line become samples', async () => {
  const input = [JSON.stringify({ prompt_id: 'q1', prompt: 'What is 2+2?', answer: '4', completions: ['<think>2+2=4</think> 4', '<think>hmm</think> 5'] }), '{"broken', JSON.stringify({ prompt_id: 'q2', prompt: 'What is 3+3?', answer: '6', completions: ['<think>3+3</think> 6'] })].join('\n');
  const r = await runCli(['score', '-'], input);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out.map((o) => [o.id, o.components.accuracy.value]), [['q1#0', 1], ['q1#1', 0], ['q2#0', 1]]);
  assert.match(r.stderr, /stdin:2: skipped/);
  assert.match(r.stderr, /note: reading stdin as multi records/);
});
