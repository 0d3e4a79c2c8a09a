// `reasoning-lab compare` as a user runs it (a child process over real files): tables and JSON, usage
// errors, and hostile input (broken lines, binary files, folders, terminal escapes in prompts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli, runCliIntoHead } from './helpers/runCli';

const FIX = path.join(ROOT, 'test', 'fixtures', 'traces');
const GPT35 = path.join(FIX, 'reflexion_humaneval_gpt35.jsonl');
const GPT4 = path.join(FIX, 'reflexion_humaneval_gpt4.jsonl');
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-compare-cli-'));

test('compare prints the aggregate curve and the top regressions and improvements; --json prints the comparison', async () => {
  const r = await runCli(['compare', GPT35, GPT4, '--by', 'pass', '--top', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^compare: 2 files, joined by prompt id: every file names its prompts; 12 prompts in every file, 0 only in some/);
  assert.match(r.stdout, /aggregate curve over the 12 prompts in every file/);
  assert.match(r.stdout, /\[2\] {3}\S+ \([+-][\d.]+\) +\d+\.\d% \([+-][\d.]+%\)/);
  assert.match(r.stdout, /top \d improvements by pass, first file → last:\n {2}\+100\.0% +0\.0% → 100\.0% +id:HumanEval\/\d+/);
  const j = await runCli(['compare', GPT35, GPT4, '--json', '--by', 'length']);
  assert.equal(j.code, 0, j.stderr);
  const c = JSON.parse(j.stdout);
  assert.equal(c.by, 'length');
  assert.equal(c.common, 12);
  assert.equal(c.curve.length, 2);
  assert.equal(c.curveSteps.length, 1);
  assert.ok(c.regressions.length + c.improvements.length > 0);
  // a reader that goes away early ends it quietly
  const head = await runCliIntoHead(['compare', GPT35, GPT4], 1);
  assert.equal(head.code, 0, head.stderr);
});

test('compare --help, and usage errors name the mistake (exit 2)', async () => {
  const help = await runCli(['compare', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: reasoning-lab compare <a> <b> \[\.\.\.\]/);
  assert.match(help.stdout, /--by <metric> +rank prompts by reward \| pass \| length \| reflections/);
  const all = await runCli(['--help']);
  assert.match(all.stdout, /\n {2}compare <a> <b>/, 'listed with the other commands');
  for (const [args, message] of [
    [[GPT35], /compare needs at least two files, in training order \(got 1\)/],
    [[GPT35, GPT4, '--by', 'speed'], /--by must be one of reward, pass, length, reflections; got "speed"/],
    [[GPT35, GPT4, '--top', '-1'], /--top: expected an integer ≥ 0, got -1/],
    [[GPT35, GPT4, '--join', 'nope'], /--join must be one of auto, id, prompt/],
    [[GPT35, GPT4, '--field', 'bogus=x'], /--field expects name=path/],
  ] as const) {
    const r = await runCli(['compare', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('hostile input: broken lines are named file:line, binary and folder inputs are named and left out, escapes never reach the terminal', async () => {
  const dir = tempDir();
  const broken = path.join(dir, 'broken.jsonl');
  const evil = '\u001b]0;pwned\u0007\u001b[2J';
  fs.writeFileSync(
    broken,
    [
      JSON.stringify({ prompt_id: 'p', prompt: `Prompt ${evil} one`, completion: 'x', reward: 0 }),
      '{"prompt_id": "q", "prompt": "cut off',
      '\u0000\u0001\u0002 binary junk',
      JSON.stringify({ prompt_id: 'r', prompt: 'R', completion: 'y', reward: 1 }),
    ].join('\n') + '\n',
  );
  const later = path.join(dir, 'later.jsonl');
  fs.writeFileSync(later, [JSON.stringify({ prompt_id: 'p', prompt: `Prompt ${evil} one`, completion: 'x', reward: 1 }), JSON.stringify({ prompt_id: 'r', prompt: 'R', completion: 'y', reward: 0 })].join('\n') + '\n');
  const binary = path.join(dir, 'weights.bin');
  fs.writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
  const r = await runCli(['compare', broken, binary, dir, later]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: incomplete JSON`));
  assert.match(r.stderr, /broken\.jsonl:3: not a JSON object/);
  assert.match(r.stderr, /weights\.bin: /);
  assert.match(r.stderr, new RegExp(`${path.basename(dir)}: cannot be compared: .*(folder|directory)`));
  assert.match(r.stdout, /2 prompts in every file/);
  assert.ok(!r.stdout.includes('\u001b') && !r.stderr.includes('\u001b'), 'no raw escape reaches the terminal');
  assert.match(r.stdout, /\\x1b\]0;pwned/);
  // two unreadable files: nothing to compare (exit 1), both named
  const none = await runCli(['compare', binary, path.join(dir, 'missing.jsonl')]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /missing\.jsonl: cannot be compared/);
  assert.match(none.stderr, /error: compare needs at least two readable files \(0 of 2 could be read\)/);
  fs.rmSync(dir, { recursive: true, force: true });
});
