/**
 * Runs programs in the sandbox: a pool of pre-started fork servers (one per core), or — the classic
 * way, for the benchmark — a fresh worker per program with the same isolation. See forkserver.py
 * for what each program's world is, and isolation.ts for how a worker is started.
 *
 * Only what this process or a fork server saw fail on its own side (a spawn, a fork, the sandbox's
 * setup before the program ran, a worker that died) rejects with InfraError: the caller retries
 * it. Nothing a program prints, writes or exits with can reach that path.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Protections } from '../types';
import { bubblewrapArgs, findBubblewrap, pythonInfo, workerIdentity, type Interpreter } from './isolation';
import { sandboxSource } from './sources';

export class InfraError extends Error {}

export interface SandboxLimits {
  timeoutMs: number;
  cpuSeconds: number;
  memoryBytes: number;
  outputBytes: number;
  processes: number;
  /** What the program may report on its result channel (its outputs); default 64 MB. */
  reportBytes?: number;
}

/** One program for the sandbox. */
export interface SandboxJob {
  runtime: 'python' | 'node';
  /** calls: outputs of the entry function per case; record: a problem's asserts as cases; check: its test code run in-process; rewards: a workspace reward function's calls (rewardfn.py). */
  mode: 'calls' | 'record' | 'check' | 'rewards';
  code: string;
  entry?: string;
  /** Python: [{args, kwargs?, wrap?}] (tagged or plain JSON values, see `args`); node: the argument lists. */
  cases?: unknown[];
  args?: 'json' | 'tagged';
  /** Per-case limits enforced by the harness inside (EvalPlus's per-input limits); the whole run is limited outside. */
  caseLimitsMs?: number[];
  /** Report each case's time (reference runs: EvalPlus sets per-input limits from them). */
  timeCases?: boolean;
  setup?: string;
  test?: string;
  call?: string;
  candidate?: string;
  /** mode rewards: the module, function, style and calls (see rewardfn.py). */
  rewards?: unknown;
  limits: SandboxLimits;
  /**
   * The problem's own reference or tests, no sample: its job and its outputs are expected values. A
   * program can read all the memory it was forked with, so no sample's program is ever forked from a
   * worker that ran one: that worker is replaced first.
   */
  trusted?: boolean;
}

/** What happened to a program, as the fork server saw it. `report` is the program's own (untrusted) fd 3. */
export interface RawResult {
  status: 'exited' | 'timeout' | 'output_limit' | 'report_limit' | 'memory_limit' | 'cpu_limit';
  wallMs: number;
  outputBytes: number;
  /** The first 16 KB of stdout+stderr. */
  output: string;
  report: string;
  exitCode?: number;
  signal?: number;
  peakTreeBytes?: number;
}

export interface SandboxOptions {
  workers?: number;
  python?: string;
  /** Node binary for JavaScript/TypeScript programs (default: this process's). */
  node?: string;
  /** A fresh worker per program instead of fork servers (the benchmark's baseline). */
  classic?: boolean;
  /** First of the dedicated uids, one per worker (only when running as root). */
  uidBase?: number;
  /** Leave the network reachable (default: none). */
  allowNetwork?: boolean;
  /** false: never use bubblewrap (tests of the fallback); default: when installed and usable. */
  bubblewrap?: boolean;
}

const PREIMPORT = [
  'math', 're', 'collections', 'itertools', 'functools', 'heapq', 'bisect', 'string', 'typing', 'random',
  'statistics', 'fractions', 'decimal', 'hashlib', 'operator', 'copy', 'json', 'datetime', 'array', 'numbers',
  'cmath', 'textwrap', 'unicodedata', 'dataclasses', 'enum', 'sys', 'os', 'time',
];

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** /usr/bin/python3 when root (a pyenv under /root is unreadable to the sandbox's uid), else python3. */
export function defaultPython(): string {
  if (process.env.REASONING_LAB_PYTHON) return process.env.REASONING_LAB_PYTHON;
  if (isRoot() && fs.existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  return 'python3';
}

// ELECTRON_RUN_AS_NODE: in desktop VS Code process.execPath (the JavaScript runtime used for JS samples)
// is Electron, which behaves as plain Node only with it; real Node ignores it.
const CLEAN_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1', ELECTRON_RUN_AS_NODE: '1' };

interface Features {
  userns?: boolean;
  pidns?: boolean;
  freshProc?: boolean;
  privateDirs?: string[];
  seccomp?: boolean;
  nproc?: boolean;
}

interface Hello {
  python: string;
  uid: number;
  network: boolean;
  features: Features;
  nprocBase: number;
  notes: string[];
  seccomp: string[];
}

interface WorkerSpec {
  command: string;
  args: string[];
  identity?: { uid: number; gid: number };
  config: Record<string, unknown>;
}

/** A job as the fork server reads it: the part it reads itself (nothing of the sample) and the body only the program's process reads. */
interface WireJob {
  server: { id: number; limits: object; argv?: string[] };
  body: object;
}

/** A job on the fork server's stdin: the two lengths (8 bytes), the server's part, the body. */
function jobBytes(job: WireJob): Buffer {
  const server = Buffer.from(JSON.stringify(job.server));
  const body = Buffer.from(JSON.stringify(job.body));
  const head = Buffer.alloc(8);
  head.writeUInt32BE(server.length, 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, server, body]);
}

/**
 * The fork server's stdout: frames of a kind byte and a 4-byte length. J: a message of the server's
 * (JSON); O and R: a program's output and report, moved from its pipes without passing through the
 * server's memory (see forkserver.py).
 */
class FrameReader {
  private head = Buffer.alloc(5);
  private headLen = 0;
  private kind = 0;
  private left = -1;
  private parts: Buffer[] = [];

  constructor(private readonly onFrame: (kind: string, parts: Buffer[]) => void) {}

  push(data: Buffer) {
    let at = 0;
    while (at < data.length) {
      if (this.left < 0) {
        const n = Math.min(5 - this.headLen, data.length - at);
        data.copy(this.head, this.headLen, at, at + n);
        this.headLen += n;
        at += n;
        if (this.headLen < 5) return;
        this.kind = this.head[0];
        this.left = this.head.readUInt32BE(1);
        this.headLen = 0;
        this.parts = [];
      }
      const n = Math.min(this.left, data.length - at);
      if (n) this.parts.push(data.subarray(at, at + n));
      at += n;
      this.left -= n;
      if (this.left === 0) {
        this.left = -1;
        this.onFrame(String.fromCharCode(this.kind), this.parts);
      }
    }
  }
}

/** One fork server process: serves one job at a time. */
class ForkServer {
  private pending: { resolve(r: RawResult): void; reject(e: Error): void; output: Buffer[]; report: Buffer[] } | null = null;
  private dead: Error | null = null;
  hello!: Hello;
  private stderr = '';

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {}

  static start(spec: WorkerSpec): Promise<ForkServer> {
    return new Promise((resolve, reject) => {
      let proc: ChildProcessWithoutNullStreams;
      try {
        proc = spawn(spec.command, spec.args, { env: CLEAN_ENV, stdio: 'pipe', cwd: '/', ...spec.identity });
      } catch (err) {
        reject(new InfraError(`cannot start ${spec.command}: ${(err as Error).message}`));
        return;
      }
      const server = new ForkServer(proc);
      let greeted = false;
      proc.stderr.on('data', (d: Buffer) => {
        if (server.stderr.length < 8192) server.stderr += d.toString();
      });
      proc.stdin.on('error', () => undefined);
      const frames = new FrameReader((kind, parts) => {
        const p = server.pending;
        if (kind === 'O' || kind === 'R') {
          if (p) (kind === 'O' ? p.output : p.report).push(...parts);
          return;
        }
        const text = Buffer.concat(parts).toString();
        let msg: { hello?: boolean; infra?: string } & Partial<RawResult> & Partial<Hello>;
        try {
          if (kind !== 'J') throw new Error(kind);
          msg = JSON.parse(text);
        } catch {
          server.fail(new InfraError(`fork server sent a malformed frame: ${kind} ${text.slice(0, 200)}`));
          return;
        }
        if (msg.hello) {
          greeted = true;
          server.hello = msg as Hello;
          resolve(server);
          return;
        }
        server.pending = null;
        if (!p) return;
        if (msg.infra) p.reject(new InfraError(msg.infra));
        else p.resolve({ ...(msg as RawResult), output: Buffer.concat(p.output).toString(), report: Buffer.concat(p.report).toString() });
      });
      proc.stdout.on('data', (d: Buffer) => frames.push(d));
      const onEnd = (why: string) => {
        const err = new InfraError(`${why}${server.stderr ? `: ${server.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
        if (!greeted) reject(err);
        server.fail(err);
      };
      proc.on('error', (err) => onEnd(`cannot start ${spec.command}: ${err.message}`));
      proc.on('exit', (code, signal) => onEnd(`the sandbox worker exited (${signal ?? `code ${code}`})`));
      const modules = (['pyvalues.py', 'harness.py', 'rewardfn.py', 'forkserver.py'] as const).map((f) => [f.replace(/\.py$/, ''), sandboxSource(f)]);
      const boot = Buffer.from(JSON.stringify({ modules, config: spec.config }));
      const length = Buffer.alloc(4);
      length.writeUInt32BE(boot.length, 0);
      proc.stdin.write(Buffer.concat([length, boot]));
    });
  }

  get alive() {
    return !this.dead;
  }

  private fail(err: Error) {
    if (!this.dead) this.dead = err;
    const p = this.pending;
    this.pending = null;
    p?.reject(err);
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }

  run(job: WireJob): Promise<RawResult> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, output: [], report: [] };
      this.proc.stdin.write(jobBytes(job));
    });
  }

  close() {
    this.dead ??= new InfraError('closed');
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    timer.unref();
    this.proc.once('exit', () => clearTimeout(timer));
  }

  get pid() {
    return this.proc.pid;
  }
}

/** Turns a job into what the fork server reads: Python runs in the forked program itself, JavaScript by exec of node. */
function wireJob({ trusted: _, limits: asked, ...job }: SandboxJob, nodePath: string, id: number): WireJob {
  const limits = { ...asked, tmpfsBytes: Math.min(64 * 2 ** 20, Math.floor(asked.memoryBytes / 4)) };
  if (job.runtime === 'python') return { server: { id, limits }, body: job };
  const heapMb = Math.max(32, Math.floor(asked.memoryBytes / 2 / 2 ** 20));
  return {
    server: {
      id,
      argv: [nodePath, `--max-old-space-size=${heapMb}`, '--max-semi-space-size=4', 'driver.js'],
      // V8 needs threads (they count as processes) and reserves address space: node gets more of both
      limits: { ...limits, processes: Math.max(asked.processes, 64), memoryBytes: asked.memoryBytes * 2 },
    },
    body: { mode: 'exec', files: { 'solution.js': job.code, 'driver.js': sandboxSource('driver.js'), 'job.json': JSON.stringify({ entry: job.entry, cases: job.cases ?? [] }) } },
  };
}

export class Sandbox {
  private servers: (ForkServer | null)[] = [];
  /** Slots whose worker ran a trusted job (see SandboxJob.trusted). */
  private holdsExpected = new Set<number>();
  private idle: number[] = [];
  private waiting: ((slot: number) => void)[] = [];
  private nextId = 1;
  protections!: Protections;
  pythonVersion = '';
  private closed = false;
  readonly workers: number;
  private readonly python: string;
  private readonly node: string;
  private readonly classic: boolean;
  private readonly uidBase: number;
  private readonly allowNetwork: boolean;
  private readonly wantBubblewrap: boolean;
  private interpreter!: Interpreter;
  private nodeReal = '';
  private bwrap: { path: string; version: string } | null = null;
  private learned: { features: Features; nprocBase: number } | null = null;
  private bwrapNote = '';

  private constructor(opts: SandboxOptions) {
    this.workers = Math.max(1, opts.workers ?? os.availableParallelism?.() ?? os.cpus().length);
    this.python = opts.python ?? defaultPython();
    this.node = opts.node ?? process.execPath;
    this.classic = !!opts.classic;
    this.uidBase = opts.uidBase ?? 61000;
    this.allowNetwork = !!opts.allowNetwork;
    this.wantBubblewrap = opts.bubblewrap !== false;
  }

  /** Starts the workers (fork servers) and learns which protections this machine allows. */
  static async create(opts: SandboxOptions = {}): Promise<Sandbox> {
    if (process.platform === 'win32') throw new Error('the evaluation sandbox needs Linux or macOS (on Windows, run VS Code in WSL)');
    const sb = new Sandbox(opts);
    const info = pythonInfo(sb.python);
    if (typeof info === 'string') throw new InfraError(info);
    sb.interpreter = info;
    try {
      sb.nodeReal = fs.realpathSync(sb.node);
    } catch {
      sb.nodeReal = sb.node;
    }
    sb.bwrap = sb.wantBubblewrap ? findBubblewrap() : null;
    if (!sb.wantBubblewrap) sb.bwrapNote = 'bubblewrap turned off';
    else if (!sb.bwrap && process.platform === 'linux') sb.bwrapNote = 'bubblewrap is not installed (apt install bubblewrap): programs see the host\'s files';
    let first: ForkServer;
    try {
      first = await ForkServer.start(sb.spec(0, sb.classic));
    } catch (err) {
      if (!sb.bwrap) throw err;
      // installed but unusable (unprivileged user namespaces turned off): say so, and go on without it
      sb.bwrapNote = `bubblewrap ${sb.bwrap.version} could not start a worker (${(err as Error).message.slice(0, 300)})`;
      sb.bwrap = null;
      first = await ForkServer.start(sb.spec(0, sb.classic));
    }
    sb.learned = { features: first.hello.features, nprocBase: first.hello.nprocBase };
    sb.describe(first.hello);
    if (sb.classic) {
      first.close();
      sb.servers = new Array(sb.workers).fill(null);
    } else {
      sb.servers = [first, ...(await Promise.all(Array.from({ length: sb.workers - 1 }, (_, i) => ForkServer.start(sb.spec(i + 1, false)))))];
    }
    sb.idle = Array.from({ length: sb.workers }, (_, i) => i);
    return sb;
  }

  private spec(slot: number, once: boolean): WorkerSpec {
    const boot = sandboxSource('boot.py');
    const python = ['-I', '-c', boot];
    const config: Record<string, unknown> = {
      preimport: this.classic ? [] : PREIMPORT,
      once,
      allowNetwork: this.allowNetwork,
      networkIsolated: !!this.bwrap && !this.allowNetwork,
      ...(this.learned ?? {}),
    };
    const identity = workerIdentity(slot, this.uidBase);
    if (this.bwrap) {
      const args = bubblewrapArgs({ python: this.interpreter, node: this.node, allowNetwork: this.allowNetwork });
      return { command: this.bwrap.path, args: [...args, '--', this.interpreter.executable, ...python], identity, config };
    }
    return { command: this.interpreter.executable, args: python, identity, config };
  }

  private describe(hello: Hello) {
    const f = hello.features;
    const linux = process.platform === 'linux';
    const perProgram = f.userns ? ['user', ...(f.pidns ? ['pid'] : []), 'ipc', 'mount', 'uts'] : [];
    const treeNproc = !!f.userns;
    this.pythonVersion = hello.python;
    this.protections = {
      version: 2,
      platform: process.platform,
      forkServer: !this.classic,
      bubblewrap: this.bwrap ? this.bwrap.version : false,
      filesystem: this.bwrap ? 'interpreters-only' : 'host',
      network: hello.network ? 'none' : 'host',
      namespaces: perProgram,
      freshProc: !!f.freshProc,
      privateDirs: f.privateDirs ?? [],
      uid: hello.uid,
      dedicatedUid: isRoot(),
      limits: {
        memory: linux ? 'per process (RLIMIT_AS) and the whole process tree, tmpfs included (sampled every 20 ms)' : 'per process (RLIMIT_AS)',
        processes: treeNproc ? 'the whole process tree (RLIMIT_NPROC counted in its own user namespace)' : f.nproc ? 'every process of the uid together (RLIMIT_NPROC)' : 'none',
        cpu: linux ? 'per process (RLIMIT_CPU) and the whole process tree (sampled every 20 ms)' : 'per process (RLIMIT_CPU)',
        fileSize: true,
        openFiles: true,
        wallClock: true,
        output: true,
      },
      seccomp: hello.seccomp ?? [],
      isolatedInterpreter: true,
      notes: [...(this.bwrapNote ? [this.bwrapNote] : []), ...hello.notes],
    };
  }

  private acquire(): Promise<number> {
    const slot = this.idle.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: number) {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  /** Runs one program; resolves with what happened to it, rejects with InfraError when the sandbox failed. */
  async run(job: SandboxJob): Promise<RawResult> {
    if (this.closed) throw new InfraError('the sandbox is closed');
    const slot = await this.acquire();
    try {
      const wire = wireJob(job, this.nodeReal, this.nextId++);
      if (this.classic) {
        const server = await ForkServer.start(this.spec(slot, true));
        try {
          return await server.run(wire);
        } finally {
          server.close();
        }
      }
      let server = this.servers[slot];
      if (server && !job.trusted && this.holdsExpected.has(slot)) {
        server.close();
        server = null;
      }
      if (!server || !server.alive) {
        this.servers[slot] = null;
        this.holdsExpected.delete(slot);
        server = await ForkServer.start(this.spec(slot, false));
        if (this.closed) {
          // closed while this worker started: nobody else would ever close it, and it would keep the process alive
          server.close();
          throw new InfraError('the sandbox is closed');
        }
        this.servers[slot] = server;
      }
      if (job.trusted) this.holdsExpected.add(slot);
      return await server.run(wire);
    } finally {
      this.release(slot);
    }
  }

  /** The worker processes' pids (tests use them to kill a worker from outside). */
  get workerPids(): number[] {
    return this.servers.flatMap((s) => (s?.alive && s.pid ? [s.pid] : []));
  }

  async close() {
    this.closed = true;
    for (const s of this.servers) s?.close();
    this.servers = [];
  }
}
