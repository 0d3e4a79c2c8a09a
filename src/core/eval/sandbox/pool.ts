/**
 * Runs programs in the sandbox: a pool of pre-started fork servers (one per core), or — the classic
 * way, for the benchmark and as a fallback — a fresh interpreter per program with the same isolation.
 *
 * Anything that goes wrong on our side (the interpreter cannot start, a worker dies, fork or mkdir
 * fails) rejects with InfraError: the caller retries it and never counts it against the program.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createInterface } from 'node:readline';
import type { Protections } from '../types';
import { DRIVER_JS, FORK_SERVER_PY } from './helperSources';

export class InfraError extends Error {}

export interface SandboxLimits {
  timeoutMs: number;
  cpuSeconds: number;
  memoryBytes: number;
  outputBytes: number;
  processes: number;
}

/** One program for the sandbox. */
export interface SandboxJob {
  /** `script`: run `code` then `test` then `call`, pass = no exception; `calls`: call `entry` on each input, return outputs. */
  kind: 'script' | 'calls';
  runtime: 'python' | 'node';
  code: string;
  test?: string;
  call?: string;
  entry?: string;
  inputs?: unknown[][];
  limits: SandboxLimits;
}

/** What the program's own harness reported on the nonce channel (null: nothing trustworthy came). */
export interface HarnessReport {
  verdict: 'passed' | 'failed' | 'ran' | 'runtime_error' | 'syntax_error' | 'memory' | 'harness_error';
  message?: string;
  traceback?: string;
  line?: number;
  assertion?: string;
  got?: string;
  expected?: string;
  case?: number;
  outputs?: string[];
}

export interface RawResult {
  status: 'exited' | 'timeout' | 'output_limit';
  wallMs: number;
  outputBytes: number;
  /** The first 16 KB of stdout+stderr. */
  output: string;
  result: HarnessReport | null;
  exitCode?: number;
  signal?: number;
  maxRssKb?: number;
}

export interface SandboxOptions {
  workers?: number;
  python?: string;
  /** Node binary for JavaScript/TypeScript programs (default: this process's). */
  node?: string;
  /** Fresh interpreter per program instead of fork servers. */
  classic?: boolean;
  /** First uid of the dedicated sandbox uids, one per worker (only used when running as root). */
  uidBase?: number;
  /** Leave the network reachable (default: a new network namespace wherever the OS allows it). */
  allowNetwork?: boolean;
}

const PREIMPORT = [
  'math', 're', 'collections', 'itertools', 'functools', 'heapq', 'bisect', 'string', 'typing', 'random',
  'statistics', 'fractions', 'decimal', 'hashlib', 'operator', 'copy', 'json', 'datetime', 'array', 'numbers',
  'cmath', 'textwrap', 'unicodedata', 'dataclasses', 'enum', 'sys', 'os', 'time',
];

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** /usr/bin/python3 when root (a pyenv under /root is unreadable once privileges are dropped), else python3. */
export function defaultPython(): string {
  if (process.env.REASONING_LAB_PYTHON) return process.env.REASONING_LAB_PYTHON;
  if (isRoot() && fs.existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  return 'python3';
}

// ELECTRON_RUN_AS_NODE: in desktop VS Code process.execPath (the JavaScript runtime used for JS samples)
// is Electron, which behaves as plain Node only with it; real Node ignores it.
const CLEAN_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1', ELECTRON_RUN_AS_NODE: '1' };

interface Hello {
  protections: { netns: false | 'netns' | 'userns+netns'; pidns: boolean; uidDrop: number | false; rlimitNproc: boolean; privateTmp: string[]; notes: string[]; linux: boolean };
  python: string;
}

/** One fork server process: serves one job at a time. */
class ForkServer {
  private pending: { resolve(r: RawResult): void; reject(e: Error): void } | null = null;
  private dead: Error | null = null;
  hello!: Hello;
  private stderr = '';

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {}

  static start(python: string, config: object, once: boolean): Promise<ForkServer> {
    return new Promise((resolve, reject) => {
      let proc: ChildProcessWithoutNullStreams;
      try {
        proc = spawn(python, ['-s', '-u', '-c', FORK_SERVER_PY, ...(once ? ['--once'] : [])], { env: CLEAN_ENV, stdio: 'pipe' });
      } catch (err) {
        reject(new InfraError(`cannot start ${python}: ${(err as Error).message}`));
        return;
      }
      const server = new ForkServer(proc);
      let greeted = false;
      proc.stderr.on('data', (d: Buffer) => {
        if (server.stderr.length < 8192) server.stderr += d.toString();
      });
      proc.stdin.on('error', () => undefined);
      const lines = createInterface({ input: proc.stdout });
      lines.on('line', (line) => {
        let msg: { hello?: boolean; id?: number; infra?: string } & Partial<RawResult> & Partial<Hello>;
        try {
          msg = JSON.parse(line);
        } catch {
          server.fail(new InfraError(`fork server sent a malformed line: ${line.slice(0, 200)}`));
          return;
        }
        if (msg.hello) {
          greeted = true;
          server.hello = msg as Hello;
          resolve(server);
          return;
        }
        const p = server.pending;
        server.pending = null;
        if (!p) return;
        if (msg.infra) p.reject(new InfraError(msg.infra));
        else p.resolve(msg as RawResult);
      });
      const onEnd = (why: string) => {
        const err = new InfraError(`${why}${server.stderr ? `: ${server.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
        if (!greeted) reject(err);
        server.fail(err);
      };
      proc.on('error', (err) => onEnd(`cannot start ${python}: ${err.message}`));
      proc.on('exit', (code, signal) => onEnd(`the fork server exited (${signal ?? `code ${code}`})`));
      proc.stdin.write(JSON.stringify(config) + '\n');
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

  run(job: object): Promise<RawResult> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.proc.stdin.write(JSON.stringify(job) + '\n');
    });
  }

  close() {
    this.dead ??= new InfraError('closed');
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    timer.unref();
    this.proc.once('exit', () => clearTimeout(timer));
  }

  kill() {
    this.dead ??= new InfraError('killed');
    this.proc.kill('SIGKILL');
  }

  get pid() {
    return this.proc.pid;
  }
}

/** Turns a job into what the fork server reads: Python runs in the forked child, JavaScript via exec of node. */
function wireJob(job: SandboxJob, nodePath: string, id: number): object {
  if (job.runtime === 'python') return { id, kind: job.kind, code: job.code, test: job.test, call: job.call, entry: job.entry, inputs: job.inputs, limits: job.limits };
  const heapMb = Math.max(32, Math.floor(job.limits.memoryBytes / 2 / 2 ** 20));
  return {
    id,
    kind: job.kind,
    files: { 'solution.js': job.code, 'driver.js': DRIVER_JS, 'job.json': JSON.stringify({ entry: job.entry, inputs: job.inputs ?? [] }) },
    argv: [nodePath, `--max-old-space-size=${heapMb}`, '--max-semi-space-size=4', 'driver.js'],
    // V8 needs threads (they count as processes) and reserves address space: node gets more of both
    limits: { ...job.limits, processes: Math.max(job.limits.processes, 64), memoryBytes: job.limits.memoryBytes * 2 },
  };
}

export class Sandbox {
  private servers: (ForkServer | null)[] = [];
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

  private constructor(opts: SandboxOptions) {
    this.workers = Math.max(1, opts.workers ?? os.availableParallelism?.() ?? os.cpus().length);
    this.python = opts.python ?? defaultPython();
    this.node = opts.node ?? process.execPath;
    this.classic = !!opts.classic;
    this.uidBase = opts.uidBase ?? 61000;
    this.allowNetwork = !!opts.allowNetwork;
  }

  /** Starts the workers (fork servers) and learns which protections this machine allows. */
  static async create(opts: SandboxOptions = {}): Promise<Sandbox> {
    const sb = new Sandbox(opts);
    // even the classic way starts one interpreter up front, to learn the protections (and fail early)
    const first = await sb.startServer(0, sb.classic);
    sb.describe(first.hello);
    if (sb.classic) {
      first.close();
      sb.servers = new Array(sb.workers).fill(null);
    } else {
      sb.servers = [first, ...(await Promise.all(Array.from({ length: sb.workers - 1 }, (_, i) => sb.startServer(i + 1, false))))];
    }
    sb.idle = Array.from({ length: sb.workers }, (_, i) => i);
    return sb;
  }

  private config(slot: number) {
    return { uid: isRoot() ? this.uidBase + slot : null, preimport: this.classic ? [] : PREIMPORT, network: this.allowNetwork ? false : true };
  }

  private startServer(slot: number, once: boolean) {
    return ForkServer.start(this.python, this.config(slot), once);
  }

  private describe(hello: Hello) {
    const p = hello.protections;
    this.pythonVersion = hello.python;
    this.protections = {
      forkServer: !this.classic,
      network: p.netns,
      pidNamespace: p.pidns,
      uid: p.uidDrop,
      privateTmp: p.privateTmp ?? [],
      rlimitCpu: true,
      rlimitMemory: true,
      rlimitProcesses: p.rlimitNproc,
      rlimitFileSize: true,
      basics: true,
      notes: p.notes,
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

  /** Runs one program; resolves with what happened to it, rejects with InfraError when the harness failed. */
  async run(job: SandboxJob): Promise<RawResult> {
    if (this.closed) throw new InfraError('the sandbox is closed');
    const slot = await this.acquire();
    try {
      const wire = wireJob(job, this.node, this.nextId++);
      if (this.classic) {
        const server = await this.startServer(slot, true);
        try {
          return await server.run(wire);
        } finally {
          server.close();
        }
      }
      let server = this.servers[slot];
      if (!server || !server.alive) {
        server = await this.startServer(slot, false);
        this.servers[slot] = server;
      }
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
