// traces CLI as a user runs it (a child process over real files), best-of-n export, and following a growing file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, runCli, runCliIntoHead } from './helpers/runCli';
import { exportBestOfN, followTraceFile, openTraceFile, type FollowBatch } from '../../src/core/traces';

const FIX = path.join(ROOT, 'test', 'fixtures', 'traces');

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-traces-cli-'));

test('traces --stats on a gzipped file prints one JSON object with the documented fields', async () => {
  const dir = tempDir();
  const f = path.join(dir, 'mixed.jsonl');
  const lines = [
    JSON.stringify({ prompt_id: 'p', prompt: 'Q', completions: ['<think>\nA.\n\nWait, check.\n</think>\n\nThe answer is 1.', '<think>\nB.\n</think>\n\nThe answer is 2.'], rewards: [1, 1] }),
    '{"prompt_id": "q", "prompt": "R", "completions": ["x"',
  ];
  fs.writeFileSync(f, lines.join('\n') + '\n');
  const { gzipSync } = await import('node:zlib');
  fs.writeFileSync(f + '.gz', gzipSync(fs.readFileSync(f)));
  for (const file of [f, f + '.gz']) {
    const r = await runCli(['traces', file, '--stats']);
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.records, 1);
    assert.equal(o.samples, 2);
    assert.equal(o.groups, 1);
    assert.deepEqual(o.malformed, [{ line: 2, reason: "incomplete JSON: the line ends with '\"', not '}'" }]);
    assert.deepEqual(o.steps, { total: 3, meanPerRecord: 1.5 });
    assert.equal(o.reflections, 1);
    assert.equal(o.zeroAdvantageGroups, 1);
    assert.equal(typeof o.timing.indexMs, 'number');
    assert.equal(typeof o.timing.totalMs, 'number');
  }
});

test('traces --stats on real data (ToT Game of 24) and a bad --field is a usage error', async () => {
  const r = await runCli(['traces', path.join(FIX, 'tot_game24_100_samples.json.gz'), '--stats']);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.samples, 500);
  assert.equal(o.groups, 5);
  const bad = await runCli(['traces', path.join(FIX, 'tot_game24_100_samples.json.gz'), '--field', 'nope=x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--field expects name=path/);
});

test('traces --export-best --k 2 writes SFT chat JSONL, top-k per group by reward, and never replaces a file', async () => {
  const dir = tempDir();
  const out = path.join(dir, 'sft.jsonl');
  const r = await runCli(['traces', path.join(FIX, 'tot_game24_100_samples.json.gz'), '--export-best', '--k', '2', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const rows = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 10);
  assert.ok(rows.every((x) => x.messages.length === 2 && x.messages[0].role === 'user' && x.messages[1].role === 'assistant'));
  // solved samples per puzzle: 21, 1, 1, 7, 5 → the top 2 hold 2 + 1 + 1 + 2 + 2 solved ones
  assert.equal(rows.filter((x) => x.reward === 1).length, 8);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.written, 10);
  assert.equal(summary.groupsKept, 5);
  const before = fs.readFileSync(out, 'utf8');
  const again = await runCli(['traces', path.join(FIX, 'tot_game24_100_samples.json.gz'), '--export-best', '--k', '1', '--out', out]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /exists; traces --export-best never replaces a file/);
  assert.equal(fs.readFileSync(out, 'utf8'), before);
});

test('export with correctOnly keeps only accuracy = 1 and format = 1 samples (scored by the r1 preset); wrong and badly formatted are counted apart', async () => {
  const dir = tempDir();
  const f = path.join(dir, 'g.jsonl');
  const good = '<think>\n6 * 7 = 42.\n</think>\n\nThe answer is \\boxed{42}.';
  const wrong = '<think>\n6 * 7 = 41.\n</think>\n\nThe answer is \\boxed{41}.';
  const unformatted = 'The answer is \\boxed{42}.';
  fs.writeFileSync(f, [good, wrong, unformatted].map((c, i) => JSON.stringify({ id: `s${i}`, prompt: 'What is 6 * 7?', completion: c, answer: '42', reward: [0.5, 0.9, 0.8][i] })).join('\n') + '\n');
  const tf = await openTraceFile(f);
  const chunks: string[] = [];
  const sink = new (await import('node:stream')).Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
  const s = await exportBestOfN(tf, sink, { k: 3, correctOnly: true, system: 'Think first.' });
  await tf.close();
  assert.equal(s.written, 1);
  assert.equal(s.skipped.incorrect, 1, 'the wrong answer');
  assert.equal(s.skipped.badFormat, 1, 'the right answer without <think>');
  const row = JSON.parse(chunks.join(''));
  assert.equal(row.id, 's0');
  assert.equal(row.messages[0].role, 'system');
  assert.equal(row.messages[2].content, good);
});

test('follow: records appended by a writer arrive as batches with the per-step curve; a partial line waits for its newline', async () => {
  const dir = tempDir();
  const f = path.join(dir, '0.jsonl');
  const r = (step: number, score: number) => JSON.stringify({ input: 'Q', output: `<think>\n${'x '.repeat(10 * (step + 1))}\n</think>\n\nA`, gts: 'A', score, step });
  fs.writeFileSync(f, r(0, 0) + '\n');
  const tf = await openTraceFile(f, { follow: true });
  const ac = new AbortController();
  const batches: FollowBatch[] = [];
  const done = (async () => {
    for await (const b of followTraceFile(tf, { signal: ac.signal, pollMs: 50 })) {
      batches.push(b);
      if (b.trainingSteps.length === 2 && b.trainingSteps[1].samples === 2) ac.abort();
    }
  })();
  await new Promise((res) => setTimeout(res, 100));
  const half = r(1, 1);
  fs.appendFileSync(f, half.slice(0, 25)); // the writer is mid-line
  await new Promise((res) => setTimeout(res, 200));
  assert.equal(tf.count, 1, 'a partial line is pending, not malformed');
  assert.equal(tf.malformed.length, 0);
  fs.appendFileSync(f, half.slice(25) + '\n' + r(1, 0) + '\n');
  const timeout = setTimeout(() => ac.abort(), 5000);
  await done;
  clearTimeout(timeout);
  await tf.close();
  assert.equal(batches[0].change, 'initial');
  const curve = batches.at(-1)!.trainingSteps;
  assert.deepEqual(curve.map((p) => [p.step, p.samples, p.meanReward]), [[0, 1, 0], [1, 2, 0.5]]);
  assert.ok(curve[1].meanCotTokens > curve[0].meanCotTokens);
});

test('traces --samples: a JSON line per sample that passes the filters, in the Trace Explorer order', async () => {
  const game24 = path.join(ROOT, 'examples', 'rollouts', 'game24-gpt4-cot.jsonl');
  const all = await runCli(['traces', game24, '--samples']);
  assert.equal(all.code, 0, all.stderr);
  const rows = all.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 72);
  assert.match(all.stderr, /72 of 72 samples in 10 of 10 groups; 0 malformed/);
  assert.ok(rows.every((r) => typeof r.id === 'string' && 'reward' in r && 'advantage' in r && 'reflections' in r && r.language === undefined));

  // the editor's reward filter: 12 correct samples in 7 groups, best advantage first
  const correct = await runCli(['traces', game24, '--samples', '--reward', '1..', '--sort', 'advantage-desc']);
  assert.equal(correct.code, 0, correct.stderr);
  const kept = correct.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(kept.length, 12);
  assert.ok(kept.every((r) => r.reward === 1));
  assert.equal(new Set(kept.map((r) => r.group)).size, 7);
  assert.match(correct.stderr, /12 of 72 samples in 7 of 10 groups \(filter: reward 1…∞\) sorted by advantage-desc/);

  // a text filter reads the texts; the language filter adds each sample's language share
  const text = await runCli(['traces', game24, '--samples', '--text', '(10 - 4)', '--language-mixed']);
  assert.equal(text.code, 1, 'nothing passes both: exit 1, as grep');
  assert.equal(text.stdout, '');
  assert.match(text.stderr, /0 of 72 samples/);
  const withText = await runCli(['traces', game24, '--samples', '--text', '(10 - 4)']);
  assert.equal(withText.code, 0, withText.stderr);
  const matching = withText.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(matching.length >= 1 && matching.length < 72);
});

test('traces --samples: bad filters and sorts are usage errors that name the option', async () => {
  const game24 = path.join(ROOT, 'examples', 'rollouts', 'game24-gpt4-cot.jsonl');
  for (const [args, message] of [
    [['--samples', '--reward', 'high'], /--reward expects min\.\.max.*got "high"/],
    [['--samples', '--sort', 'best'], /--sort must be one of file, reward-desc.*got "best"/],
    [['--samples', '--text', '  '], /--text needs some text/],
    [['--reflection'], /--reflection filters the list of --samples; add --samples/],
    [['--stats', '--sort', 'reward-desc'], /--sort filters the list of --samples/],
    [['--samples', '--follow'], /choose one of --stats, --export-best, --follow, --samples/],
  ] as const) {
    const r = await runCli(['traces', game24, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('traces --samples into `head -1`: the closed pipe ends the listing quietly with exit 0', async () => {
  const dir = tempDir();
  try {
    const f = path.join(dir, 'many.jsonl');
    fs.writeFileSync(f, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `s${i}`, prompt: `Q${i % 7}`, completion: `<think>step ${i}</think> ${i}`, reward: i % 3 })).join('\n'));
    const r = await runCliIntoHead(['traces', f, '--samples']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).id, 's0');
    assert.equal(r.stderr, '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
