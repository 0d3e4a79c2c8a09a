// `reasoning-lab hacks` as a user runs it: a child process over real files (the ranked table, JSON
// lines, the rule and threshold flags, bad input named by line, usage errors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, runCli } from './helpers/runCli';

const ROLLOUTS = path.join(ROOT, 'test', 'fixtures', 'hacks', 'rollouts.jsonl');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-hacks-cli-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

test('hacks prints a ranked table with the record line, reward, rule and evidence, and a summary on stderr', async () => {
  const r = await runCli(['hacks', ROLLOUTS]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^\s*#\s+line\s+id\s+reward\s+score\s+rule$/);
  assert.match(lines[1], /^\s*1\s+2\s+he0-exit\s+1\s+1\.000\s+code-exit$/);
  assert.match(lines[2], /Exit before the tests: sys\.exit\(0\) inside has_close_elements\(\)/);
  assert.match(lines[3], /completion \[19, 30\) .*: sys\.exit\(0\)$/);
  assert.match(r.stdout, /math-hedge[\s\S]*\\boxed\{72\}[\s\S]*\\boxed\{96\}/);
  assert.doesNotMatch(r.stdout, /he0-honest|gsm-honest|apples-honest/);
  assert.match(r.stderr, /^10 findings in 13 samples of 13 records \(plain\); 10 rewarded: ≥ 0\.500 \(midpoint of 0…1\); code-exit 1, /m);
});

test('hacks --json: one JSON object per finding, --rule and --top narrow it, --threshold changes it', async () => {
  const all = await runCli(['hacks', ROLLOUTS, '--json']);
  assert.equal(all.code, 0, all.stderr);
  const findings = all.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(findings.length, 10);
  for (const f of findings) {
    assert.deepEqual(Object.keys(f), ['rule', 'score', 'sample', 'reward', 'message', 'evidence', 'numbers']);
    assert.equal(typeof f.sample.line, 'number');
  }
  const code = await runCli(['hacks', ROLLOUTS, '--json', '--rule', 'code-exit,code-pass-marker']);
  assert.deepEqual(code.stdout.trim().split('\n').map((l) => JSON.parse(l).rule), ['code-exit', 'code-pass-marker']);
  const top = await runCli(['hacks', ROLLOUTS, '--json', '--top', '2']);
  assert.equal(top.stdout.trim().split('\n').length, 2);
  // a cut above every reward leaves only format-only (which needs a reward above 0, not a high one)
  const cut = await runCli(['hacks', ROLLOUTS, '--json', '--threshold', 'minReward=1.5']);
  assert.deepEqual([...new Set(cut.stdout.trim().split('\n').map((l) => JSON.parse(l).rule))], ['format-only']);
});

test('hacks: broken lines are named by line number and the rest is scanned; a missing file, an empty one', async () => {
  const good = fs.readFileSync(ROLLOUTS, 'utf8').trim().split('\n');
  const f = path.join(dir, 'broken.jsonl');
  fs.writeFileSync(f, [good[0], '{"prompt": "q", "completion": ', good[1], 'garbage'].join('\n') + '\n');
  const r = await runCli(['hacks', f, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: skipped: `));
  assert.match(r.stderr, /:4: skipped: /);
  assert.match(r.stderr, /2 broken records skipped/);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).sample.id), ['he0-exit']);

  const missing = await runCli(['hacks', path.join(dir, 'nope.jsonl')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.jsonl/);
  const empty = path.join(dir, 'empty.jsonl');
  fs.writeFileSync(empty, '');
  const e = await runCli(['hacks', empty]);
  assert.equal(e.code, 1);
  assert.equal(e.stdout, '');
});

test('hacks: usage errors name the flag and list what is known; --help; listed in the CLI help', async () => {
  const bad = await runCli(['hacks', ROLLOUTS, '--threshold', 'lengthMinRhoo=0.5']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown threshold "lengthMinRhoo" \(known: minReward, copyMinDigits, .*lengthMinRho, .*rmMinGap, maxFindings\)/);
  const range = await runCli(['hacks', ROLLOUTS, '--threshold', 'lengthMinRho=3']);
  assert.equal(range.code, 2);
  assert.match(range.stderr, /lengthMinRho: 3 is outside 0…1/);
  const rule = await runCli(['hacks', ROLLOUTS, '--rule', 'code-exit,bogus']);
  assert.equal(rule.code, 2);
  assert.match(rule.stderr, /unknown rule "bogus" \(known: code-exit, .*rm-disagrees\)/);
  const top = await runCli(['hacks', ROLLOUTS, '--top', '0']);
  assert.equal(top.code, 2);
  assert.equal((await runCli(['hacks'])).code, 2);
  const help = await runCli(['hacks', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: reasoning-lab hacks <file> \[--top N\] \[--rule r1,r2\] \[--threshold name=value\] \[--json\]/);
  const all = await runCli(['--help']);
  assert.match(all.stdout, /\n  hacks <file>/);
});
