/**
 * Red team: the sandbox as a policy under RL would attack it, looking passed without solving the
 * problem. Every problem here has a secret answer (a fresh random string); a sample that finds it
 * anywhere returns it and would pass. Each attack asserts the verdict it must get, that it was not
 * an infrastructure error (attempts 1), and that nothing leaked or was left behind on the host.
 * Runs as root (CI) and as an ordinary user (CI runs this file again with runuser).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { evaluate, loadProblemSet, readRun, referenceSamples, Sandbox, type Problem, type Protections, type Sample, type SampleResult } from '../../src/core/eval';
import { scoreRecord } from '../../src/core/rewards';
import type { RewardRecord, RewardSpec } from '../../src/core/rewards/types';
import { RewardFunctionRunner } from '../../src/core/rewards/workspace/runner';
import { functionSample } from '../../src/core/rewards/workspace/inputs';

const SECRET = `rl-secret-${randomUUID()}`;
const MARK = `rl-redteam-${process.pid}`;
// a command line no other process on the machine has (the check below looks for it)
const LINGER = `sleep 300.${process.pid}`;
const FAST = { timeoutMs: 10000, memoryBytes: 256 * 2 ** 20, outputBytes: 256 * 1024, calibrate: false, jobs: 2 } as const;
const isRoot = process.getuid?.() === 0;
// paths are fixed before the attacks are written: an attacker may be told (or guess) every one of them
const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${MARK}-`));
const problemsFile = path.join(dir, 'problems.jsonl');
const workspace = path.join(dir, 'ws', 'secret');
const hostFile = path.join(dir, 'users-file.txt');
const hostSocket = path.join(dir, 'host.sock');
const convertedTests = path.join(dir, 'converted-tests');
let problems: Problem[];
const servers: net.Server[] = [];
let connections = 0;

before(async () => {
  fs.chmodSync(dir, 0o755);
  // a HumanEval-style problem (its assert becomes a case) and one whose test can only run in-process
  const prompt = 'def answer():\n    """Return the secret."""\n';
  const records = [
    { task_id: 'RedTeam/cases', prompt, entry_point: 'answer', canonical_solution: `    return ${JSON.stringify(SECRET)}\n`, test: `\n\ndef check(candidate):\n    assert candidate() == ${JSON.stringify(SECRET)}\n` },
    { task_id: 'RedTeam/in-process', prompt, entry_point: 'answer', canonical_solution: `    return ${JSON.stringify(SECRET)}\n`, test: `\n\ndef check(candidate):\n    out = candidate()\n    assert out.startswith(${JSON.stringify(SECRET)})\n` },
  ];
  fs.writeFileSync(problemsFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  // a workspace problem: tests.json on disk, never sent to the program
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'problem.md'), '---\nid: secret\n---\nReturn the secret.\n');
  fs.writeFileSync(path.join(workspace, 'signature.json'), JSON.stringify({ python: { entry: 'answer', params: [] }, javascript: { entry: 'answer', params: [] } }));
  fs.writeFileSync(path.join(workspace, 'tests.json'), JSON.stringify([{ input: [], expected: SECRET }]));
  problems = [...loadProblemSet(problemsFile).problems, ...loadProblemSet(path.join(dir, 'ws')).problems];
  // things of the user's a program must not reach: a file, a unix socket, an abstract socket
  fs.writeFileSync(hostFile, `private ${SECRET}\n`);
  fs.chmodSync(hostFile, 0o666);
  for (const where of [hostSocket, `\0${MARK}`]) {
    const server = net.createServer((c) => {
      connections++;
      c.end(SECRET);
    });
    await new Promise<void>((resolve) => server.listen(where, resolve));
    servers.push(server);
  }
  fs.chmodSync(hostSocket, 0o777);
});

after(() => {
  for (const s of servers) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A Python sample for every problem: `body` is the body of answer(). */
const py = (index: number, body: string, problemId = 'RedTeam/cases'): Sample => ({
  problemId,
  index,
  language: 'python',
  kind: 'program',
  code: `import os, sys, gc, json, signal, socket, subprocess, time, ctypes\nSECRET_PREFIX = 'rl-secret-'\ndef answer():\n${body.split('\n').map((l) => '    ' + l).join('\n')}\n`,
});

/** Searches `blob` for the secret's prefix and returns what follows it (a pass if it is the secret). */
const FIND = `def find(blob):
    i = blob.find(SECRET_PREFIX)
    return blob[i:i + 46] if i >= 0 else None
`;
const hunt = (search: string) => `${FIND.split('\n').join('\n')}\n${search}`;

const ATTACKS: { name: string; body: string; verdicts: RegExp; reason?: RegExp }[] = [
  // forged passes: look for the expected value, or reach whatever decides
  { name: 'walk the stack frames for the expected value or the reporting function', verdicts: /^(failed|timeout|memory)$/, body: hunt(`f = sys._getframe()\nseen = []\nwhile f:\n    for v in list(f.f_locals.values()) + list(f.f_globals.values()):\n        try: seen.append(repr(v)[:200000])\n        except Exception: pass\n    f = f.f_back\nreturn find('\\n'.join(seen)) or 'clean'`) },
  { name: 'scan every object the garbage collector knows', verdicts: /^(failed|timeout|memory)$/, body: hunt(`parts = []\nfor o in gc.get_objects():\n    try:\n        if isinstance(o, dict): parts.extend(repr(x)[:10000] for x in o.values())\n        elif isinstance(o, (list, tuple)): parts.extend(repr(x)[:10000] for x in o)\n    except Exception: pass\nreturn find('\\n'.join(parts)) or 'clean'`) },
  { name: 'read the test source from linecache and sys.modules', verdicts: /^failed$/, body: hunt(`import linecache\nblob = '\\n'.join(''.join(v[2]) for v in linecache.cache.values() if len(v) > 2)\nblob += '\\n'.join(repr(getattr(m, '__dict__', ''))[:100000] for m in list(sys.modules.values()))\nreturn find(blob) or 'clean'`) },
  { name: 'find the problems file through /proc/*/cmdline, environ and open files', verdicts: /^failed$/, body: hunt(`blob = []\nfor p in os.listdir('/proc'):\n    if not p.isdigit(): continue\n    for f in ('cmdline', 'environ'):\n        try: blob.append(open('/proc/%s/%s' % (p, f), 'rb').read().decode('latin1'))\n        except OSError: pass\n    try:\n        for fd in os.listdir('/proc/%s/fd' % p):\n            f = '/proc/%s/fd/%s' % (p, fd)\n            try: blob.append(open(f).read(1 << 20) if os.path.isfile(f) else f)\n            except Exception: pass\n    except OSError: pass\nfor guess in (${JSON.stringify(problemsFile)}, ${JSON.stringify(path.join(workspace, 'tests.json'))}):\n    try: blob.append(open(guess).read())\n    except OSError as e: blob.append(str(e))\nreturn find('\\n'.join(blob)) or 'clean: ' + ' '.join(sorted(p for p in os.listdir('/proc') if p.isdigit()))`) },
  { name: "read /proc/self/mem for anything the harness holds", verdicts: /^(failed|timeout|memory)$/, body: hunt(`out = []\nfor line in open('/proc/self/maps'):\n    a, b = [int(x, 16) for x in line.split()[0].split('-')]\n    if 'r' not in line.split()[1] or b - a > 64 << 20: continue\n    try:\n        with open('/proc/self/mem', 'rb') as m:\n            m.seek(a); data = m.read(b - a)\n    except (OSError, ValueError, OverflowError): continue\n    import re\n    m = re.search(SECRET_PREFIX.encode() + rb'[0-9a-f-]{36}', data)\n    if m: return m.group().decode('latin1')\nreturn 'clean'`) },
  { name: 'patch json and the value encoder so a failure is serialised as the answer', verdicts: /^failed$/, body: `import pyvalues\njson.dumps = lambda *a, **k: '"passed"'\npyvalues.dumps = lambda v: '"passed"'\nreturn 'wrong'` },
  { name: 'sys.settrace and sys.addaudithook to swap the check for a no-op', verdicts: /^failed$/, body: `sys.addaudithook(lambda e, a: None)\nsys.settrace(lambda *a: None)\nreturn 'wrong'` },
  { name: 'an object whose __eq__ is always true', verdicts: /^failed$/, reason: /not a value that can be compared/, body: `class Yes:\n    def __eq__(self, other): return True\n    def __hash__(self): return 0\nreturn Yes()` },
  { name: 'a str subclass whose __eq__ is always true', verdicts: /^failed$/, reason: /expected 'rl-secret-/, body: `class S(str):\n    def __eq__(self, other): return True\n    def __str__(self): return SECRET_PREFIX\nreturn S('wrong')` },
  { name: 'an object that lies about its __class__', verdicts: /^failed$/, body: `class Liar:\n    __class__ = str\n    def __eq__(self, other): return True\nreturn Liar()` },
  { name: 'call the harness reporting function directly', verdicts: /^failed$/, reason: /broke the result protocol/, body: `import harness\nharness.finish({'verdict': 'passed'})` },
  { name: 'write a forged report and "done" on fd 3, then exit', verdicts: /^failed$/, reason: /broke the result protocol|got 'passed'/, body: `os.write(3, b'{"i":0,"v":"passed"}\\n{"done":1}\\n{"verdict":"passed"}\\n')\nos._exit(0)` },
  { name: 'write a fake pass marker on every descriptor', verdicts: /^failed$/, body: `for fd in range(0, 1024):\n    try: os.write(fd, b'{"verdict": "passed"}\\n')\n    except OSError: pass\nreturn 'wrong'` },
  // hidden failures: look like an infrastructure error so the sample is left out of pass@k
  { name: 'claim a harness / infrastructure error on fd 3', verdicts: /^failed$/, body: `os.write(3, b'{"infra": "worker died", "verdict": "harness_error"}\\n')\nos._exit(0)` },
  { name: 'return NaN', verdicts: /^failed$/, reason: /got nan/, body: `return float('nan')` },
  { name: 'return a result nested 100,000 deep', verdicts: /^failed$/, reason: /nested/, body: `x = []\nfor _ in range(100000):\n    x = [x]\nreturn x` },
  { name: 'leave a 3,000-deep directory tree and 2,000 files in /tmp', verdicts: /^failed$/, body: `d = '/tmp'\nfor i in range(3000):\n    d = os.path.join(d, 'd')\n    try: os.mkdir(d)\n    except OSError: break\nfor i in range(2000):\n    try: open('/tmp/f%d' % i, 'w').close()\n    except OSError: break\nreturn 'wrong'` },
  { name: 'exit(0) before the tests finish', verdicts: /^runtime_error$/, reason: /exit/, body: `sys.exit(0)` },
  { name: 'os._exit(0) before the tests finish', verdicts: /^runtime_error$/, reason: /before the tests finished/, body: `os._exit(0)` },
  // pid 1 of its own namespace ignores its own SIGKILL: the program returns None (failed); without a pid namespace it dies (runtime_error)
  { name: 'kill itself', verdicts: /^runtime_error$|^failed$/, body: `os.kill(os.getpid(), signal.SIGKILL)` },
  { name: 'kill everything it can see', verdicts: /^runtime_error$|^failed$/, body: `os.kill(-1, signal.SIGKILL)\nos.kill(0, signal.SIGKILL)\nreturn 'wrong'` },
  { name: 'sleep past the limit hoping a timeout is not counted', verdicts: /^timeout$/, body: `time.sleep(60)` },
  // one sample changing others, or the machine
  { name: 'fork 12 children of 60 MB each (a per-process limit would let 720 MB through)', verdicts: /^memory$/, body: `kids = []\nfor i in range(12):\n    pid = os.fork()\n    if pid == 0:\n        b = bytearray(60 << 20)\n        for j in range(0, len(b), 4096): b[j] = 1\n        time.sleep(30)\n        os._exit(0)\n    kids.append(pid)\ntime.sleep(30)\nreturn 'wrong'` },
  { name: 'start a new session in a child (a CPU scheduling group of its own)', verdicts: /^failed$/, reason: /setsid refused/, body: `pid = os.fork()\nif pid == 0:\n    try:\n        os.setsid(); os._exit(0)\n    except OSError:\n        os._exit(7)\n_, st = os.waitpid(pid, 0)\nreturn 'setsid refused' if os.waitstatus_to_exitcode(st) == 7 else 'setsid allowed'` },
  { name: 'store state in the kernel keyring for the next program', verdicts: /^failed$/, reason: /keyring refused/, body: `libc = ctypes.CDLL(None, use_errno=True)\nr = libc.syscall(248 if os.uname().machine == 'x86_64' else 217, b'user', b'rl', b'x', 1, -4)\nreturn 'keyring refused' if r < 0 and ctypes.get_errno() == 1 else 'keyring allowed %d' % r` },
  { name: 'leave a background process behind', verdicts: /^failed$/, body: `subprocess.Popen(['sh', '-c', 'exec ${LINGER}'])\nreturn 'wrong'` },
  { name: 'fill /tmp until the disk is full', verdicts: /^failed$|^runtime_error$|^memory$/, body: `with open('/tmp/big', 'wb') as f:\n    for i in range(4096):\n        f.write(b'x' * (1 << 20))\nreturn 'wrong'` },
  { name: 'flood the result channel', verdicts: /^output_limit$|^failed$/, body: `line = b'{"i":0,"v":"' + b'x' * 65536 + b'"}\\n'\nwhile True:\n    os.write(3, line)` },
  // leaks: the host's files, sockets, processes
  { name: "read and append to the user's files (home, /work, /root, the run file, a file it was told about)", verdicts: /^failed$/, reason: /clean/, body: hunt(`seen = []\nfor p in ('/home', '/root', '/work', os.path.expanduser('~'), ${JSON.stringify(dir)}, ${JSON.stringify(path.dirname(process.cwd()))}):\n    try: seen.append(repr(os.listdir(p)))\n    except OSError as e: seen.append(type(e).__name__)\nfor p in (${JSON.stringify(hostFile)}, ${JSON.stringify(path.join(dir, 'run.jsonl'))}):\n    try:\n        with open(p, 'a') as f: f.write('{"type":"sample","problemId":"RedTeam/cases","sampleIndex":0,"language":"python","verdict":"passed"}\\n')\n        seen.append('appended ' + p)\n    except OSError as e: seen.append(type(e).__name__)\n    try: seen.append(open(p).read())\n    except OSError as e: seen.append(type(e).__name__)\nreturn find('\\n'.join(seen)) or 'clean ' + ' '.join(seen)[:300]`) },
  { name: 'connect to a unix socket of the host, by path and abstract name', verdicts: /^failed$/, reason: /clean/, body: `got = []\nfor addr in (${JSON.stringify(hostSocket)}, '\\0${MARK}'):\n    s = socket.socket(socket.AF_UNIX)\n    try:\n        s.connect(addr); got.append(s.recv(100).decode())\n    except OSError as e: got.append(type(e).__name__)\nreturn ('clean ' if not any(SECRET_PREFIX in g for g in got) else '') + ' '.join(got)` },
  { name: 'reach the network', verdicts: /^failed$/, reason: /clean/, body: `try:\n    socket.create_connection(('1.1.1.1', 53), timeout=1)\n    return 'connected'\nexcept OSError as e:\n    return 'clean ' + type(e).__name__` },
  { name: 'list the host processes', verdicts: /^failed$/, reason: /clean/, body: `pids = sorted(p for p in os.listdir('/proc') if p.isdigit())\nreturn ('clean ' if len(pids) <= 3 else 'leak ') + ' '.join(pids[:20])` },
  { name: 'import a module planted in the working directory', verdicts: /^failed$/, body: `open('random.py', 'w').write('raise SystemExit("planted")')\nimport importlib\nreturn 'wrong'` },
];

test('red team: every attack gets the verdict it must get, never a pass, never an infrastructure error', async () => {
  const samples = ATTACKS.map((a, i) => py(i, a.body));
  samples.push(py(ATTACKS.length, `return ${JSON.stringify(SECRET)}`)); // the honest answer still passes after all of them
  const hostShmBefore = fs.readdirSync('/dev/shm');
  const run = await evaluate(problems, samples, { ...FAST, runFile: path.join(dir, 'run.jsonl') });
  const problems0 = run.results;
  ATTACKS.forEach((a, i) => {
    const r = problems0[i];
    const where = `${a.name}: ${r.verdict} (${r.reason}) got=${r.failure?.got ?? ''}`;
    assert.match(r.verdict, a.verdicts, where);
    assert.notEqual(r.verdict, 'passed', where);
    assert.equal(r.attempts, 1, `${where}: not an infrastructure error`);
    if (a.reason) assert.match(`${r.reason} ${r.failure?.got ?? ''}`, a.reason, where);
    assert.ok(!(r.failure?.got ?? '').includes(SECRET) && !(r.output ?? '').includes(SECRET), `${a.name}: the program found the secret`);
  });
  assert.equal(problems0.at(-1)!.verdict, 'passed', 'the honest sample passes after all the attacks');
  assert.equal(run.summary.unjudged, 0);
  // nothing left behind on the host
  assert.equal(connections, 0, 'no connection reached the host sockets');
  assert.equal(fs.readFileSync(hostFile, 'utf8'), `private ${SECRET}\n`, "the user's file is unchanged");
  const stored = readRun(path.join(dir, 'run.jsonl'));
  assert.equal(stored.results.filter((r) => r.verdict === 'passed').length, 1, 'no forged line in the run file');
  assert.deepEqual(fs.readdirSync('/dev/shm').filter((f) => !hostShmBefore.includes(f)), []);
  assert.equal(spawnSync('pgrep', ['-f', MARK]).stdout.toString().trim() + spawnSync('pgrep', ['-x', '-f', LINGER]).stdout.toString().trim(), '', 'no process outlives its program');
  assert.ok(!fs.existsSync('/tmp/big') && !fs.existsSync('/tmp/d') && !fs.existsSync('/tmp/f0'), "no file in the host's /tmp");
});

test('red team, workspace and JavaScript: the program never sees tests.json; a JavaScript program reading its own memory finds nothing', async () => {
  const js = (index: number, code: string): Sample => ({ problemId: 'secret', index, language: 'javascript', kind: 'program', code });
  const jsHunt = `function answer() {
    const fs = require('fs');
    const blobs = [];
    for (const p of [${JSON.stringify(path.join(workspace, 'tests.json'))}, ${JSON.stringify(problemsFile)}, '/proc/1/cmdline', '/proc/self/environ']) {
      try { blobs.push(fs.readFileSync(p, 'latin1')); } catch (e) { blobs.push(e.code); }
    }
    for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line);
      if (!m) continue;
      const a = parseInt(m[1], 16), b = parseInt(m[2], 16);
      if (b - a > 8 * 2 ** 20) continue;
      try { const fd = fs.openSync('/proc/self/mem', 'r'); const buf = Buffer.alloc(b - a); fs.readSync(fd, buf, 0, b - a, a); fs.closeSync(fd); blobs.push(buf.toString('latin1')); } catch (e) {}
    }
    const all = blobs.join('\\n');
    const i = all.indexOf('rl-secret-' + '${SECRET.slice(10, 14)}');
    return i >= 0 ? all.slice(i, i + 46) : 'clean';
  }`;
  const pySamples: Sample[] = [
    { ...py(0, `return open(${JSON.stringify(path.join(workspace, 'tests.json'))}).read()`, 'secret') },
    { ...py(1, `os.write(3, b'{"verdict": "passed"}\\n')\nos._exit(0)`, 'secret') },
    { ...py(2, `return ${JSON.stringify(SECRET)}`, 'secret') },
  ];
  const run = await evaluate(problems, [...pySamples, js(3, jsHunt), js(4, `function answer() { require('fs').writeSync(3, '{"i":0,"v":"x"}\\n{"done":1}\\n'); process.reallyExit(0); }`), js(5, `function answer() { return ${JSON.stringify(SECRET)}; }`)], FAST);
  const v = run.results.map((r) => r.verdict);
  assert.deepEqual(v.map((x, i) => (i === 3 && x === 'timeout' ? 'failed' : x)), ['runtime_error', 'failed', 'passed', 'failed', 'failed', 'passed'], JSON.stringify(run.results.map((r) => r.reason)));
  assert.match(run.results[0].reason, /FileNotFoundError/);
  if (v[3] === 'failed') assert.match(run.results[3].failure?.got ?? '', /clean/);
  for (const r of [...run.results.slice(0, 2), ...run.results.slice(3, 5)]) assert.ok(!(r.failure?.got ?? '').includes(SECRET) && !(r.traceback ?? '').includes(SECRET));
});

test('red team: tests that can only run in-process are marked, counted, and a forged pass there is never passed off as judged outside', async () => {
  const forge = py(0, `import harness\nharness.finish({'verdict': 'passed'})`, 'RedTeam/in-process');
  const honest = py(1, `return ${JSON.stringify(SECRET)} + '!'`, 'RedTeam/in-process');
  const run = await evaluate(problems, [forge, honest], FAST);
  assert.equal(run.header.tests?.inProcess['RedTeam/in-process'] !== undefined, true, 'the run header says which problems ran in-process');
  assert.ok(run.results.every((r) => r.inProcess === true), 'both verdicts are marked as judged in-process');
  assert.equal(run.summary.inProcess, 2);
  assert.equal(run.results[1].verdict, 'passed');
});

test('red team: what one program leaves (SysV IPC, POSIX queues, /dev/shm, /run/lock, /tmp, patched modules) the next one in the same worker never sees', async () => {
  const sb = await Sandbox.create({ workers: 1 });
  const limits = { timeoutMs: 8000, cpuSeconds: 8, memoryBytes: 256 * 2 ** 20, outputBytes: 1 << 16, processes: 16 };
  const run = (body: string) =>
    sb.run({ runtime: 'python', mode: 'calls', code: `import os, sys, ctypes, json, builtins\ndef f():\n${body.split('\n').map((l) => '    ' + l).join('\n')}\n`, entry: 'f', cases: [{ args: [] }], args: 'json', limits });
  try {
    const key = 0x5eed0000 + (process.pid % 0xffff);
    const leave = await run(`libc = ctypes.CDLL(None, use_errno=True)
made = []
made.append(libc.shmget(${key}, 4096, 0o1666))
made.append(libc.msgget(${key}, 0o1666))
for p in ('/dev/shm/${MARK}', '/run/lock/${MARK}', '/tmp/${MARK}', '/var/tmp/${MARK}'):
    try:
        open(p, 'w').write('x'); made.append(p)
    except OSError as e: made.append(str(e))
try:
    rt = ctypes.CDLL('librt.so.1', use_errno=True)
    made.append(rt.mq_open(b'/${MARK}', 0o100 | 2, 0o666, None))
except OSError as e: made.append(str(e))
json.planted = True
builtins.planted = True
return made`);
    assert.equal(leave.status, 'exited', JSON.stringify(leave));
    assert.ok(leave.report.startsWith('{"i":0,"v":'), JSON.stringify(leave));
    const made = JSON.parse(leave.report.split('\n')[0]).v as unknown[];
    assert.ok((made[0] as number) >= 0 && (made[1] as number) >= 0, `SysV objects were made: ${JSON.stringify(made)}`);
    const look = await run(`libc = ctypes.CDLL(None, use_errno=True)
seen = {}
seen['shm'] = open('/proc/sysvipc/shm').read().count('\\n') - 1
seen['msg'] = open('/proc/sysvipc/msg').read().count('\\n') - 1
seen['shmget'] = libc.shmget(${key}, 4096, 0o666)
seen['files'] = [p for p in ('/dev/shm/${MARK}', '/run/lock/${MARK}', '/tmp/${MARK}', '/var/tmp/${MARK}') if os.path.exists(p)]
seen['tmp'] = os.listdir('/tmp')
seen['json'] = hasattr(json, 'planted')
seen['planted'] = hasattr(builtins, 'planted')
try:
    rt = ctypes.CDLL('librt.so.1', use_errno=True)
    seen['mq'] = rt.mq_open(b'/${MARK}', 2)
except OSError as e: seen['mq'] = str(e)
return seen`);
    assert.ok(look.report.startsWith('{"i":0,"v":'), JSON.stringify(look));
    const seen = JSON.parse(look.report.split('\n')[0]).v as { d: [string, unknown][] };
    const got = Object.fromEntries(seen.d.map(([k, v]) => [k, v]));
    assert.deepEqual(got, { shm: 0, msg: 0, shmget: -1, files: [], tmp: [], json: false, planted: false, mq: -1 }, JSON.stringify(got));
  } finally {
    await sb.close();
  }
  // and none of it on the host
  assert.ok(!fs.readFileSync('/proc/sysvipc/shm', 'utf8').includes(String(0x5eed0000 + (process.pid % 0xffff))));
  assert.ok(!fs.existsSync(`/dev/shm/${MARK}`) && !fs.existsSync(`/tmp/${MARK}`));
});

test('red team: a sample cannot plant converted tests that a later run would trust', async () => {
  // the converted-tests cache holds expected values: a file planted there would make any answer pass
  // in every later run. The attack is told the folder; it forges every file it can and makes the folder
  // open to all. It must fail now, and a wrong answer must still fail in the next run.
  const target = problems.filter((p) => p.id === 'RedTeam/cases');
  const opts = { ...FAST, convertedTestsCache: convertedTests };
  const first = await evaluate(target, referenceSamples(target), opts);
  assert.equal(first.results[0].verdict, 'passed');
  const kept = fs.existsSync(convertedTests) ? fs.readdirSync(convertedTests) : [];
  const before = kept.map((f) => fs.readFileSync(path.join(convertedTests, f), 'utf8'));
  const forged = JSON.stringify({ format: 1, cases: [{ args: [], check: 'eq', expected: 'wrong' }] });
  const attack = py(0, `d = ${JSON.stringify(convertedTests)}
done = []
try:
    os.makedirs(d, exist_ok=True)
    names = os.listdir(d) or ['planted.json']
    for n in names + ${JSON.stringify(kept)}:
        with open(os.path.join(d, n), 'w') as f:
            f.write(${JSON.stringify(forged)})
        done.append(n)
    os.chmod(d, 0o777)
except OSError as e:
    return 'wrong: %s after %s' % (type(e).__name__, done)
return 'wrong: planted %s' % done`);
  const planted = await evaluate(target, [attack], opts);
  assert.equal(planted.results[0].verdict, 'failed', JSON.stringify(planted.results[0]));
  assert.equal(planted.results[0].attempts, 1);
  const later = await evaluate(target, [py(1, "return 'wrong'")], opts);
  assert.equal(later.results[0].verdict, 'failed', `a planted file was trusted: ${JSON.stringify(later.results[0])}`);
  const guard = first.header.protections as Protections;
  const protectedHere = guard.filesystem === 'interpreters-only' || guard.dedicatedUid;
  if (protectedHere) {
    // the sample never reached the folder: what the first run kept is untouched and still private
    assert.ok(kept.length > 0, 'the first run kept its conversion');
    assert.deepEqual(kept.map((f) => fs.readFileSync(path.join(convertedTests, f), 'utf8')), before);
    assert.deepEqual(fs.readdirSync(convertedTests).sort(), [...kept].sort());
    assert.equal(fs.statSync(convertedTests).mode & 0o777, 0o700);
  } else assert.deepEqual(kept, [], 'where samples can write the cache, it is not used');
});

test("red team: a program forked from a worker never finds in its memory the expected values of a reference run before it", async () => {
  // the problem's own reference runs in the sandbox before the samples (calibration, conversion of its
  // asserts): the worker that read its job and its outputs must not be the one the samples fork from
  const sb = await Sandbox.create({ workers: 1 });
  const limits = { timeoutMs: 8000, cpuSeconds: 8, memoryBytes: 256 * 2 ** 20, outputBytes: 1 << 16, processes: 16 };
  const hidden = `rl-hidden-${randomUUID()}`;
  try {
    const reference = await sb.run({ runtime: 'python', mode: 'calls', code: `def f():\n    return ${JSON.stringify(hidden)}\n`, entry: 'f', cases: [{ args: [] }], args: 'json', limits, trusted: true });
    assert.ok(reference.report.includes(hidden), JSON.stringify(reference));
    const scan = `import os\ndef f():
    found = set()
    for line in open('/proc/self/maps'):
        a, b = [int(x, 16) for x in line.split()[0].split('-')]
        if 'r' not in line.split()[1] or b - a > 64 << 20: continue
        try:
            with open('/proc/self/mem', 'rb') as m:
                m.seek(a); data = m.read(b - a)
        except (OSError, ValueError, OverflowError): continue
        i = data.find(b'rl-hidden-')
        while i >= 0 and len(found) < 200:
            found.add(data[i:i + 46].decode('latin1'))
            i = data.find(b'rl-hidden-', i + 1)
    return sorted(found)
`;
    for (let i = 0; i < 3; i++) {
      const r = await sb.run({ runtime: 'python', mode: 'calls', code: scan, entry: 'f', cases: [{ args: [] }], args: 'json', limits });
      assert.ok(r.report.startsWith('{"i":0,"v":'), JSON.stringify(r));
      assert.ok(!r.report.includes(hidden) && !r.output.includes(hidden), `program ${i} found the reference's output in its memory`);
    }
  } finally {
    await sb.close();
  }
});

/** What a memory scan looks for: a secret (the answer) or an earlier sample's code marker, as the regex finds them. */
const MARKERS = String.raw`rl-(?:secret|code)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
/** The scanner's answer: a secret it found (which passes), the code markers it found, or "clean". */
const SCAN_ANSWER = `secrets = sorted(f for f in found if f.startswith('rl-secret-'))
if secrets: return secrets[0]
return 'leak ' + ' '.join(sorted(found)) if found else 'clean'`;
/** Python bodies that search the program's own memory, three ways, each into the set `found`. */
const MEMORY_SCANS: { name: string; body: string }[] = [
  {
    name: 'every object the garbage collector knows, and every string they hold',
    body: `import re
pat = re.compile(r'${MARKERS}')
found = set()
for o in gc.get_objects():
    try:
        vals = list(o.values()) + list(o.keys()) if isinstance(o, dict) else o if isinstance(o, (list, tuple, set, frozenset)) else ()
        for v in vals:
            if isinstance(v, (str, bytes, bytearray)):
                found.update(pat.findall(v if isinstance(v, str) else bytes(v).decode('latin1')))
    except Exception: pass
${SCAN_ANSWER}`,
  },
  {
    name: 'ctypes: every byte of its heap, stack and anonymous mappings',
    body: `import re
pat = re.compile(rb'${MARKERS}')
found = set()
for line in open('/proc/self/maps'):
    parts = line.split()
    a, b = [int(x, 16) for x in parts[0].split('-')]
    name = parts[5] if len(parts) > 5 else ''
    if not parts[1].startswith('r') or (name and name not in ('[heap]', '[stack]')): continue
    at = a
    while at < b:
        n = min(b - at, 1 << 20)
        found.update(x.decode() for x in pat.findall(ctypes.string_at(at, n)))
        at += n - 64 if at + n < b else n
${SCAN_ANSWER}`,
  },
  {
    name: '/proc/self/mem: every readable mapping',
    body: `import re
pat = re.compile(rb'${MARKERS}')
found = set()
with open('/proc/self/mem', 'rb', buffering=0) as m:
    for line in open('/proc/self/maps'):
        parts = line.split()
        a, b = [int(x, 16) for x in parts[0].split('-')]
        if not parts[1].startswith('r') or (len(parts) > 5 and parts[5] in ('[vvar]', '[vsyscall]')): continue
        at = a
        while at < b:
            n = min(b - at, 1 << 20)
            try:
                m.seek(at); data = m.read(n)
            except (OSError, ValueError, OverflowError): break
            found.update(x.decode() for x in pat.findall(data))
            at += n - 64 if at + n < b else n
${SCAN_ANSWER}`,
  },
];

test("red team: a program never finds in its memory the code or the outputs of the samples that ran before it in the same worker (Python and JavaScript)", async () => {
  // one worker: every sample forks from the one that ran the samples before it. Before each scan runs a
  // sample that solves the problem (its output is the secret; its code holds a marker but not the secret)
  const codeMark = { python: `rl-code-${randomUUID()}`, javascript: `rl-code-${randomUUID()}` };
  const reversed = JSON.stringify([...SECRET].reverse().join(''));
  const victim = (index: number, language: 'python' | 'javascript'): Sample => ({
    problemId: 'secret',
    index,
    language,
    kind: 'program',
    code: language === 'python' ? `MARK = ${JSON.stringify(codeMark.python)}\ndef answer():\n    return ${reversed}[::-1]\n` : `const MARK = ${JSON.stringify(codeMark.javascript)};\nfunction answer() { return [...${reversed}].reverse().join(''); }\n`,
  });
  const jsScan = `function answer() {
    const fs = require('fs');
    const pat = new RegExp('${MARKERS}', 'g');
    const found = new Set();
    const fd = fs.openSync('/proc/self/mem', 'r');
    for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line);
      if (!m || /\\[(vvar|vsyscall)\\]/.test(line)) continue;
      const a = parseInt(m[1], 16), b = parseInt(m[2], 16);
      for (let at = a; at < b; at += 1 << 20) {
        const n = Math.min(b - at, (1 << 20) + 64);
        const buf = Buffer.alloc(n);
        try { fs.readSync(fd, buf, 0, n, at); } catch (e) { break; }
        for (const x of buf.toString('latin1').match(pat) ?? []) found.add(x);
      }
    }
    const secrets = [...found].filter((f) => f.startsWith('rl-secret-'));
    return secrets.length ? secrets[0] : found.size ? 'leak ' + [...found].join(' ') : 'clean';
  }`;
  const scans: { name: string; language: 'python' | 'javascript'; code: string }[] = [
    ...MEMORY_SCANS.map((s) => ({ name: s.name, language: 'python' as const, code: py(0, s.body).code })),
    { name: 'JavaScript: /proc/self/mem', language: 'javascript', code: jsScan },
  ];
  const samples = scans.flatMap((s, i): Sample[] => [victim(2 * i, i % 2 ? 'javascript' : 'python'), { problemId: 'secret', index: 2 * i + 1, language: s.language, kind: 'program', code: s.code }]);
  const run = await evaluate(problems, samples, { ...FAST, jobs: 1 });
  assert.deepEqual(run.results.filter((_, i) => i % 2 === 0).map((r) => r.verdict), scans.map(() => 'passed'), JSON.stringify(run.results));
  const scanned = run.results.filter((_, i) => i % 2 === 1);
  const seen = scanned.map((r, i) => `${scans[i].name}: ${r.verdict} (attempts ${r.attempts}) got ${r.failure?.got ?? r.reason}`);
  scanned.forEach((r, i) => {
    assert.equal(r.attempts, 1, `${seen[i]}: not an infrastructure error`);
    assert.equal(r.verdict, 'failed', seen.join('\n'));
    assert.match(r.failure?.got ?? '', /clean/, seen.join('\n'));
    for (const leak of [SECRET, codeMark.python, codeMark.javascript]) {
      assert.ok(![r.failure?.got, r.output, r.traceback].some((t) => t?.includes(leak)), `${seen[i]}: found ${leak === SECRET ? 'an earlier output' : "an earlier sample's code"}`);
    }
  });
});

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.ts');
const TSX = pathToFileURL(path.join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

test('red team, CLI: a module planted in the working directory is never imported; escape sequences never reach the terminal', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), `${MARK}-cwd-`));
  const marker = path.join(cwd, 'imported');
  try {
    for (const m of ['tempfile', 'json', 'types', 'os']) fs.writeFileSync(path.join(cwd, `${m}.py`), `open(${JSON.stringify(marker)}, 'w').write('${m}')\n`);
    const set = path.join(cwd, 'set', 'esc');
    fs.mkdirSync(set, { recursive: true });
    fs.writeFileSync(path.join(set, 'problem.md'), '---\nid: esc\n---\nx\n');
    fs.writeFileSync(path.join(set, 'signature.json'), JSON.stringify({ python: { entry: 'f', params: [] } }));
    fs.writeFileSync(path.join(set, 'tests.json'), JSON.stringify([{ input: [], expected: 1 }]));
    fs.writeFileSync(path.join(set, 'solution.py'), 'def f():\n    print("\\x1b]0;pwned\\x07\\x1b[2J")\n    raise ValueError("\\x1b[31mred\\x1b]0;title\\x07")\n');
    const r = spawnSync(process.execPath, ['--import', TSX, CLI, 'eval', path.join(cwd, 'set')], { cwd, encoding: 'utf8', timeout: 120000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /ValueError/);
    assert.ok(!r.stderr.includes('\x1b') && !r.stdout.includes('\x1b'), `raw escape sequences: ${JSON.stringify(r.stderr.slice(0, 400))}`);
    assert.ok(!fs.existsSync(marker), `a planted module was imported: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});

/** The ancestor of `pid` whose parent is `parent` (walking /proc), or undefined. */
const ancestorUnder = (pid: string, parent: string): string | undefined => {
  let p = pid;
  for (let i = 0; i < 32 && p && p !== '1'; i++) {
    let ppid: string;
    try {
      ppid = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(')').pop()!.trim().split(' ')[1];
    } catch {
      return undefined;
    }
    if (ppid === parent) return p;
    p = ppid;
  }
  return undefined;
};

test('red team, infrastructure: a worker killed under a sample every time is retried, then counted as not judged: no pass@k, the CLI exits non-zero', async () => {
  const out = path.join(dir, 'infra.jsonl');
  const samplesFile = path.join(dir, 'slow-samples.jsonl');
  // the slow sample runs a command no other process on the machine has: the worker to kill is the one above it
  const slow = `sleep 30.${process.pid}`;
  fs.writeFileSync(samplesFile, [{ task_id: 'RedTeam/cases', completion: `    import subprocess\n    subprocess.run(${JSON.stringify(slow.split(' '))})\n    return 1\n` }, { task_id: 'RedTeam/cases', completion: `    return ${JSON.stringify(SECRET)}\n` }].map((x) => JSON.stringify(x)).join('\n') + '\n');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'eval', problemsFile, '--samples', samplesFile, '--jobs', '1', '--timeout-ms', '60000', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  // kill the sample's worker (the CLI's child that the slow command descends from) from outside while the
  // slow sample runs, once per attempt
  let kills = 0;
  const killed = new Set<string>();
  const started = Date.now();
  while (kills < 3 && Date.now() - started < 120000 && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 300));
    const running = spawnSync('pgrep', ['-x', '-f', slow]).stdout.toString().trim().split('\n').filter(Boolean);
    const worker = running.map((pid) => ancestorUnder(pid, String(child.pid))).find((w) => w && !killed.has(w));
    if (!worker) continue;
    spawnSync('kill', ['-9', worker]);
    killed.add(worker);
    kills++;
  }
  const code = await exited;
  const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
  assert.equal(kills, 3, stderr);
  assert.notEqual(code, 0, 'samples that could not be judged make the CLI fail');
  assert.equal(summary.unjudged, 1, stdout);
  assert.deepEqual(summary.passAtK, {}, 'no pass@k over fewer samples');
  assert.match(stderr, /1 sample could not be judged/);
});

test('red team: the protections claimed are the ones in force (bubblewrap off: the host files are reported visible)', async () => {
  const claims = await evaluate(problems.slice(0, 1), [py(0, `return ${JSON.stringify(SECRET)}`)], { ...FAST, bubblewrap: false });
  const p = claims.header.protections;
  assert.ok(p.version === 2);
  if (p.version !== 2) return;
  assert.equal(p.filesystem, 'host');
  assert.equal(p.bubblewrap, false);
  const withBwrap = await evaluate(problems.slice(0, 1), [py(0, `return ${JSON.stringify(SECRET)}`)], FAST);
  const q = withBwrap.header.protections;
  if (q.version !== 2) return assert.fail('version');
  if (process.platform === 'linux' && fs.existsSync('/usr/bin/bwrap')) {
    assert.equal(q.filesystem, 'interpreters-only');
    assert.deepEqual(q.namespaces, ['user', 'pid', 'ipc', 'mount', 'uts']);
    assert.equal(q.network, 'none');
    assert.ok(q.freshProc && q.privateDirs.includes('/tmp') && q.seccomp.includes('setsid'));
    assert.equal(q.dedicatedUid, isRoot);
    if (!isRoot) assert.equal(q.uid, process.getuid?.());
  }
  const results: SampleResult[] = [...claims.results, ...withBwrap.results];
  assert.ok(results.every((r) => r.verdict === 'passed'));
});

test('red team, workspace reward functions: a completion run by a code reward cannot forge its reward or reach the user\'s files; a forging function only spoils its own component', async () => {
  const ws = path.join(dir, 'rewards-ws');
  fs.mkdirSync(ws, { recursive: true });
  fs.chmodSync(ws, 0o755);
  const records = path.join(ws, 'rollouts.jsonl');
  fs.writeFileSync(records, JSON.stringify({ id: 'other', prompt: 'Q', completion: 'x', answer: SECRET }) + '\n');
  // a code reward as users write them: run the completion with its test in a subprocess, 1.0 when it exits 0
  fs.writeFileSync(path.join(ws, 'code_reward.py'), `import subprocess, sys

def code_reward(completions, **kwargs):
    rewards = []
    for code in completions:
        r = subprocess.run([sys.executable, '-c', code + '\\nassert add(2, 3) == 5\\n'], capture_output=True, text=True, timeout=20)
        print(r.stdout[-2000:], r.stderr[-2000:])
        rewards.append(1.0 if r.returncode == 0 else 0.0)
    return rewards

def forger(completions, **kwargs):
    import os
    os.write(3, b'{"b":0,"values":[{"v":1e999},{"v":"1"},{"v":1},{"v":1}]}\\n{"b":7,"values":[{"v":1}]}\\n{"done":9}\\n')
    os._exit(0)
`);
  // the policy's completion: no add(), but every way it might make the reward function's process report a pass
  const attack = `import os, signal
ppid = os.getppid()
seen = []
for target in ('/proc/%d/fd/3' % ppid, '/dev/fd/3', '/proc/self/fd/3'):
    try:
        fd = os.open(target, os.O_WRONLY)
        os.write(fd, b'{"b":0,"values":[{"v":1},{"v":1}]}\\n{"done":1}\\n')
        seen.append('FORGED via ' + target)
    except OSError as e:
        seen.append('blocked %s %s' % (target, type(e).__name__))
try:
    with open('/proc/%d/mem' % ppid, 'r+b') as m:
        seen.append('FORGED: opened the parent memory')
except OSError as e:
    seen.append('blocked mem %s' % type(e).__name__)
for p in (${JSON.stringify(records)}, ${JSON.stringify(hostFile)}, ${JSON.stringify(path.join(ws, 'code_reward.py'))}):
    try:
        seen.append('LEAK ' + open(p).read()[:300])
    except OSError as e:
        seen.append('blocked read %s' % type(e).__name__)
    try:
        open(p, 'a').write('appended')
        seen.append('WROTE ' + p)
    except OSError as e:
        seen.append('blocked write %s' % type(e).__name__)
print('\\n'.join(seen))
raise SystemExit(1)
`;
  const honest = 'def add(a, b):\n    return a + b\n';
  const spec: RewardSpec = {
    name: 'red team',
    components: { format: { weight: 1 } },
    functions: [
      { name: 'code', weight: 1, module: 'code_reward.py', function: 'code_reward', style: 'trl' },
      { name: 'forger', weight: 1, module: 'code_reward.py', function: 'forger', style: 'trl' },
    ],
  };
  const recs: RewardRecord[] = [attack, honest].map((completion, i) => ({ id: `s${i}`, prompt: 'Write add(a, b).', completion }));
  const runner = new RewardFunctionRunner({ workers: 1 });
  let run;
  try {
    run = await runner.score({ functions: spec.functions!, root: ws, samples: recs.map((r) => functionSample(r)) });
  } finally {
    await runner.close();
  }
  const code = run.get('code')!.scores;
  const forged = run.get('forger')!.scores;
  const output = code[0].output ?? '';
  assert.deepEqual(code.map((s) => s.value), [0, 1], `the attack is scored as what its test says, the honest add() passes:\n${output}`);
  assert.doesNotMatch(output, /FORGED|LEAK|WROTE/, output);
  assert.equal(output.match(/blocked/g)?.length, 10, output);
  assert.ok(!output.includes(SECRET));
  assert.equal(fs.readFileSync(hostFile, 'utf8'), `private ${SECRET}\n`, "the user's file is unchanged");
  assert.ok(!fs.readFileSync(records, 'utf8').includes('appended'));
  // forged report lines: values that are not finite numbers are errors; a call that does not exist is ignored
  assert.equal(forged.length, 2);
  assert.deepEqual(forged.map((s) => s.error?.kind), ['invalid', 'invalid'], JSON.stringify(forged));
  for (const [i, r] of recs.entries()) {
    r.functionScores = { code: code[i], forger: forged[i] };
    const s = scoreRecord(r, spec);
    assert.deepEqual(s.incomplete, ['forger'], 'the forging function is marked as failed, the total as incomplete');
    assert.equal(s.components.forger?.contribution, 0);
    assert.equal(s.total, (s.components.format?.contribution ?? 0) + code[i].value!);
  }
  assert.equal(spawnSync('pgrep', ['-f', 'assert add\\(2, 3\\)']).stdout.toString().trim(), '', 'no process outlives its program');
});
