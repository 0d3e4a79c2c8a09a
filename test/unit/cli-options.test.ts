// The parse half of the CLI commands train, eval, solve and train synth: argv into the typed options
// each command runs with, defaults filled in, and every mistake a UsageError that names the flag; and
// `reasoning-lab <command> --help` prints that command's usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinNegativeNumbers, UsageError } from '../../src/cli/common';
import { parseEvalArgs } from '../../src/cli/eval';
import { parseSolveArgs } from '../../src/cli/solve';
import { parseTrainSynthArgs } from '../../src/cli/synth';
import { parseTrainCartPoleArgs } from '../../src/cli/train';
import { runCli } from './helpers/runCli';

const usage = (fn: () => unknown, message: RegExp) => assert.throws(fn, (err: unknown) => err instanceof UsageError && message.test(err.message));

test('eval: options with their defaults, and bad flags named', () => {
  assert.deepEqual(parseEvalArgs(['set.jsonl']), { problemSet: 'set.jsonl', samples: undefined, k: undefined, jobs: undefined, timeoutMs: undefined, out: undefined, testsCache: true });
  assert.deepEqual(parseEvalArgs(['dir', '--samples', 's.jsonl', '--k', '1, 10', '--jobs', '3', '--timeout-ms', '1500', '--out', 'run.jsonl', '--no-tests-cache']), {
    problemSet: 'dir',
    samples: 's.jsonl',
    k: [1, 10],
    jobs: 3,
    timeoutMs: 1500,
    out: 'run.jsonl',
    testsCache: false,
  });
  usage(() => parseEvalArgs([]), /exactly one problem set/);
  usage(() => parseEvalArgs(['a', 'b']), /exactly one problem set/);
  usage(() => parseEvalArgs(['a', '--k', '1,0']), /--k: expected positive integers like 1,10, got 1,0/);
  usage(() => parseEvalArgs(['a', '--jobs', '-1']), /--jobs: expected an integer ≥ 1, got -1/);
  usage(() => parseEvalArgs(['a', '--timeout-ms', 'soon']), /--timeout-ms: expected a positive number, got soon/);
  assert.throws(() => parseEvalArgs(['a', '--sample', 'x']), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
});

test('solve: options with their defaults, and bad flags named', () => {
  assert.deepEqual(parseSolveArgs(['p.jsonl', '--agent', 'a.json']), { problems: 'p.jsonl', agent: 'a.json', budget: 1000, write: false, force: false, traces: undefined });
  assert.deepEqual(parseSolveArgs(['ws', '--agent', 'a.json', '--budget', '50', '--write', '--force', '--traces', 't.jsonl']), { problems: 'ws', agent: 'a.json', budget: 50, write: true, force: true, traces: 't.jsonl' });
  usage(() => parseSolveArgs(['p.jsonl']), /needs --agent <checkpoint>/);
  usage(() => parseSolveArgs(['--agent', 'a.json']), /exactly one problem set/);
  usage(() => parseSolveArgs(['p', '--agent', 'a', '--budget', '-3']), /--budget: expected an integer ≥ 1, got -3/);
  usage(() => parseSolveArgs(['p', '--agent', 'a', '--budget', '2.5']), /--budget: expected an integer ≥ 1, got 2\.5/);
});

test('train cartpole: options with their defaults, and bad flags named', () => {
  assert.deepEqual(parseTrainCartPoleArgs(['--algo', 'dqn']), { algo: 'dqn', steps: 500_000, seed: undefined, totalSteps: undefined, out: undefined, resume: undefined, onnx: undefined, force: false });
  assert.deepEqual(parseTrainCartPoleArgs(['--resume', 'c.json', '--steps', '9000', '--seed', '0', '--total-steps', '20000', '--out', 'c.json', '--onnx', 'p.onnx', '--force']), {
    algo: undefined,
    steps: 9000,
    seed: 0,
    totalSteps: 20000,
    out: 'c.json',
    resume: 'c.json',
    onnx: 'p.onnx',
    force: true,
  });
  usage(() => parseTrainCartPoleArgs([]), /needs --algo ppo\|dqn \(or --resume <checkpoint>\)/);
  usage(() => parseTrainCartPoleArgs(['--algo', 'sac']), /--algo: expected ppo or dqn, got "sac"/);
  usage(() => parseTrainCartPoleArgs(['--algo', 'ppo', '--steps', '-5']), /--steps: expected an integer ≥ 1, got -5/);
  usage(() => parseTrainCartPoleArgs(['--algo', 'ppo', '--seed', '-1']), /--seed: expected an integer ≥ 0, got -1/);
  usage(() => parseTrainCartPoleArgs(['--algo', 'ppo', 'extra']), /unexpected argument "extra"/);
});

test('train synth: options with their defaults, and bad flags named', () => {
  assert.deepEqual(parseTrainSynthArgs([]), { problems: undefined, steps: undefined, seed: undefined, out: 'synth-agent.json', force: false, resume: undefined, traces: undefined, offline: undefined, onnx: undefined });
  const o = parseTrainSynthArgs(['--problems', 'ws', '--steps', '600', '--seed', '3', '--out', 'a.json', '--resume', 'b.json', '--traces', 't.jsonl', '--onnx', 'onnx', '--force']);
  assert.deepEqual(o, { problems: 'ws', steps: 600, seed: 3, out: 'a.json', force: true, resume: 'b.json', traces: 't.jsonl', offline: undefined, onnx: 'onnx' });
  assert.equal(parseTrainSynthArgs(['--problems', 'generated']).problems, undefined, 'generated is the default, not a folder');
  usage(() => parseTrainSynthArgs(['--steps', '-5']), /--steps: expected an integer ≥ 1, got -5/);
  usage(() => parseTrainSynthArgs(['--steps', '0']), /--steps: expected an integer ≥ 1, got 0/);
  usage(() => parseTrainSynthArgs(['oops']), /unexpected argument oops/);
});

test('a negative number after a number flag becomes its value; anything else stays as it was', () => {
  assert.deepEqual(joinNegativeNumbers(['--steps', '-5', '--out', '-x', '-7'], ['steps']), ['--steps=-5', '--out', '-x', '-7']);
  assert.deepEqual(joinNegativeNumbers(['--seed=-1', '-2', '--seed', '--force'], ['seed']), ['--seed=-1', '-2', '--seed', '--force']);
});

test('reasoning-lab <command> --help prints that command\'s usage and exits 0', async () => {
  const [evalHelp, trainHelp] = await Promise.all([runCli(['eval', '--help']), runCli(['train', 'synth', '--help'])]);
  assert.equal(evalHelp.code, 0, evalHelp.stderr);
  assert.match(evalHelp.stdout, /^Usage: reasoning-lab eval <problems\.jsonl\[\.gz\]\|dir>/);
  assert.match(evalHelp.stdout, /--timeout-ms T/);
  assert.doesNotMatch(evalHelp.stdout, /train cartpole/);
  assert.equal(trainHelp.code, 0, trainHelp.stderr);
  assert.match(trainHelp.stdout, /train cartpole --algo ppo\|dqn/);
  assert.match(trainHelp.stdout, /train synth .*\n(.*\n)*\s+--offline <traces\.jsonl>/);
});

test('score --help is score\'s usage alone; --version prints the version; a usage error shows that command\'s usage', async () => {
  const [help, short, version, bad, dashDash] = await Promise.all([
    runCli(['score', '--help']),
    runCli(['runs', '-h']),
    runCli(['--version']),
    runCli(['score', 'x.jsonl', '--frobnicate']),
    runCli(['score', '--', '--help']),
  ]);
  assert.equal(help.code, 0, help.stderr);
  assert.equal(help.stderr, '');
  assert.match(help.stdout, /^Usage: reasoning-lab score </);
  assert.match(help.stdout, /--rewards <preset\|file>/);
  assert.doesNotMatch(help.stdout, /rm-eval|train cartpole|error/);
  assert.equal(short.code, 0, short.stderr);
  assert.match(short.stdout, /^Usage: reasoning-lab runs /);

  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, `reasoning-lab ${(await import('../../package.json')).version}\n`);

  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: Unknown option '--frobnicate'/);
  assert.match(bad.stderr, /Usage: reasoning-lab score </);
  assert.doesNotMatch(bad.stderr, /rm-eval|train cartpole/);
  assert.match(bad.stderr, /reasoning-lab --help lists every command/);

  // after "--" it is a file name, not a request for help
  assert.equal(dashDash.code, 1);
  assert.match(dashDash.stderr, /cannot read --help/);
});
