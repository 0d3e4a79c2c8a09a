/**
 * Runs the workspace reward functions of a spec over a batch of samples, in the evaluation sandbox
 * (src/core/eval/sandbox: a bubblewrap worker per core, a fresh forked world per program), and turns
 * what happened into one FunctionScore per function and sample. The composite sum then reads them
 * (component.ts), so it stays synchronous.
 *
 * One sandboxed program imports the module once and makes many calls (rewardfn.py). Each call has its
 * own time limit inside; the program as a whole has the sum of them outside, and a program that dies
 * (a hang past its limits, memory, a crash of the interpreter, os._exit) is charged to the call that
 * was running, and the calls after it run again in a new program. So one bad sample costs its own
 * call, never the batch's other calls, and nothing is ever silently 0: every failure is an error on
 * the samples of the call it happened in, with the traceback and what the call printed.
 */
import * as os from 'node:os';
import { InfraError, Sandbox, type RawResult, type SandboxLimits } from '../../eval/sandbox/pool';
import type { Protections } from '../../eval/types';
import { errorMessage } from '../../shared/errors';
import type { ComponentError, FunctionScore, WorkspaceFunctionSpec } from '../types';
import { pythonEnvironment, readModule, type ModuleSource, type PythonEnvironment } from './environment';
import { functionCalls, type FunctionCall, type FunctionSample } from './inputs';

export const FUNCTION_DEFAULTS = { timeoutSeconds: 30, memoryMB: 4096, outputChars: 16384, processes: 64, retries: 2 };
/** Calls and argument bytes per sandboxed program (one import of the module each). */
const PROGRAM_CALLS = 64;
const PROGRAM_BYTES = 16 * 2 ** 20;

export interface RunnerOptions {
  /** Sandbox workers per Python (default: the cores, at most 4). */
  workers?: number;
  /** false: never use bubblewrap (tests of the fallback). */
  bubblewrap?: boolean;
}

export interface ScoreFunctionsRequest {
  functions: WorkspaceFunctionSpec[];
  venv?: string;
  /** The workspace folder: module paths and the venv are relative to it. */
  root: string;
  samples: FunctionSample[];
  signal?: AbortSignal;
  /** Samples scored so far (over all functions), of all. */
  onProgress?: (done: number, total: number) => void;
}

export interface FunctionRun {
  /** One score per sample, in the order given. */
  scores: FunctionScore[];
  /** How the sandbox isolated the function (undefined when it could not start). */
  protections?: Protections;
}

/** A failure for every sample of a function (the module cannot be read, the sandbox cannot start). */
function failAll(n: number, error: ComponentError): FunctionScore[] {
  return Array.from({ length: n }, () => ({ value: null, detail: `error: ${error.message}`, error }));
}

interface CallOutcome {
  /** Per sample of the call. */
  items?: Array<{ v?: number; na?: boolean; e?: string; items?: string[] }>;
  error?: ComponentError;
  /** The error belongs to the call (all its samples), not to the module or the process. */
  callError?: boolean;
  output: string;
}

export class RewardFunctionRunner {
  private readonly sandboxes = new Map<string, Promise<Sandbox>>();

  constructor(private readonly options: RunnerOptions = {}) {}

  /** Scores every sample with every function: name → run. Never throws for a function's own failures. */
  async score(req: ScoreFunctionsRequest): Promise<Map<string, FunctionRun>> {
    const out = new Map<string, FunctionRun>();
    const total = req.samples.length * req.functions.length;
    let done = 0;
    const tick = (n: number) => {
      done += n;
      req.onProgress?.(done, total);
    };
    let env: PythonEnvironment | undefined;
    let envError: string | undefined;
    try {
      env = await pythonEnvironment(req.venv, req.root);
    } catch (err) {
      envError = errorMessage(err);
    }
    await Promise.all(
      req.functions.map(async (f) => {
        if (!env) {
          out.set(f.name, { scores: failAll(req.samples.length, { kind: 'sandbox', message: envError ?? 'no Python' }) });
          tick(req.samples.length);
          return;
        }
        out.set(f.name, await this.runFunction(f, env, req, tick));
      }),
    );
    return out;
  }

  private async runFunction(f: WorkspaceFunctionSpec, env: PythonEnvironment, req: ScoreFunctionsRequest, tick: (n: number) => void): Promise<FunctionRun> {
    const n = req.samples.length;
    let module: ModuleSource;
    try {
      module = readModule(f.module, req.root);
    } catch (err) {
      tick(n);
      return { scores: failAll(n, { kind: 'invalid', message: errorMessage(err) }) };
    }
    let sandbox: Sandbox;
    try {
      sandbox = await this.sandbox(env.python);
    } catch (err) {
      tick(n);
      return { scores: failAll(n, { kind: 'sandbox', message: `the sandbox cannot start: ${errorMessage(err)}` }) };
    }
    const calls = functionCalls(f, req.samples);
    const scores: FunctionScore[] = new Array(n);
    const programs = chunk(calls);
    await Promise.all(
      programs.map(async (program) => {
        const outcomes = await this.runProgram(sandbox, f, env, module, program, req.signal);
        program.forEach((call, k) => {
          assign(scores, call, outcomes[k], f);
          tick(call.samples.length);
        });
      }),
    );
    return { scores, protections: sandbox.protections };
  }

  /** Runs calls in as many programs as it takes: after a program dies, the calls it did not reach run again. */
  private async runProgram(sandbox: Sandbox, f: WorkspaceFunctionSpec, env: PythonEnvironment, module: ModuleSource, calls: FunctionCall[], signal?: AbortSignal): Promise<CallOutcome[]> {
    const outcomes: CallOutcome[] = new Array(calls.length);
    const timeout = f.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds;
    let from = 0;
    while (from < calls.length) {
      if (signal?.aborted) {
        for (let k = from; k < calls.length; k++) outcomes[k] = { error: { kind: 'not-run', message: 'not run: cancelled' }, output: '' };
        break;
      }
      const part = calls.slice(from);
      let raw: RawResult;
      try {
        raw = await this.runWithRetries(sandbox, {
          module: 'source' in module ? { path: module.path, source: module.source } : { name: module.name },
          function: f.function,
          style: f.style,
          kwargs: f.kwargs ?? {},
          sysPath: env.sysPath ?? null,
          timeoutSeconds: timeout,
          outputChars: FUNCTION_DEFAULTS.outputChars,
          calls: part.map((c) => ({ kwargs: c.kwargs, step: c.step ?? null })),
        }, programLimits(f, part.length));
      } catch (err) {
        const message = `the sandbox failed: ${errorMessage(err)}`;
        for (let k = from; k < calls.length; k++) outcomes[k] = { error: { kind: 'sandbox', message }, output: '' };
        break;
      }
      const report = parseReport(raw.report);
      if (report.load?.error !== undefined || !report.load) {
        const error: ComponentError = report.load
          ? { kind: report.load.timeout ? 'timeout' : 'exception', message: `cannot import ${f.module}: ${report.load.error}`, ...(report.load.tb ? { traceback: report.load.tb } : {}) }
          : { kind: deathKind(raw), message: `the module ${f.module} did not finish importing: ${deathReason(raw, timeout)}` };
        const output = joinOutput(report.load?.output ?? report.printed.get('load'), raw.output);
        for (let k = from; k < calls.length; k++) outcomes[k] = { error, output };
        break;
      }
      const loadOutput = report.load.output ? `(printed while importing ${f.module})\n${report.load.output}` : '';
      for (const [b, r] of report.calls) {
        if (b >= part.length || outcomes[from + b]) continue;
        outcomes[from + b] = callOutcome(r, joinOutput(loadOutput, r.output));
      }
      if (report.done) {
        for (let k = from; k < calls.length; k++) outcomes[k] ??= { error: { kind: 'invalid', message: 'the sandbox reported no result for this call' }, output: '' };
        break;
      }
      // the program died: the call it was in is charged with it, the calls after it run again
      const started = report.started;
      const culprit = started !== undefined && !report.calls.has(started) ? started : undefined;
      const next = culprit !== undefined ? culprit + 1 : report.calls.size ? Math.max(...report.calls.keys()) + 1 : undefined;
      if (culprit !== undefined) {
        outcomes[from + culprit] = { error: { kind: deathKind(raw), message: deathReason(raw, timeout) }, output: joinOutput(loadOutput, report.printed.get(culprit), raw.output) };
      }
      if (next === undefined || next <= 0) {
        const error: ComponentError = { kind: deathKind(raw), message: deathReason(raw, timeout) };
        for (let k = from; k < calls.length; k++) outcomes[k] ??= { error, output: raw.output };
        break;
      }
      from += next;
    }
    return outcomes;
  }

  private async runWithRetries(sandbox: Sandbox, rewards: object, limits: SandboxLimits): Promise<RawResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await sandbox.run({ runtime: 'python', mode: 'rewards', code: '', rewards, limits });
      } catch (err) {
        // only the sandbox's own failures are retried; anything else is a bug of ours
        if (!(err instanceof InfraError) || attempt >= FUNCTION_DEFAULTS.retries) throw err;
      }
    }
  }

  private sandbox(python: string): Promise<Sandbox> {
    let sb = this.sandboxes.get(python);
    if (!sb) {
      const workers = this.options.workers ?? Math.min(4, os.availableParallelism?.() ?? os.cpus().length);
      sb = Sandbox.create({ python, workers, bubblewrap: this.options.bubblewrap });
      this.sandboxes.set(python, sb);
      sb.catch(() => this.sandboxes.delete(python));
    }
    return sb;
  }

  /** Stops the sandbox workers. */
  async close(): Promise<void> {
    const all = [...this.sandboxes.values()];
    this.sandboxes.clear();
    await Promise.all(all.map((p) => p.then((s) => s.close(), () => undefined)));
  }
}

function programLimits(f: WorkspaceFunctionSpec, calls: number): SandboxLimits {
  const seconds = (f.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds) * (calls + 1) + 5;
  return {
    timeoutMs: Math.ceil(seconds * 1000),
    cpuSeconds: Math.ceil(seconds),
    memoryBytes: (f.memoryMB ?? FUNCTION_DEFAULTS.memoryMB) * 2 ** 20,
    outputBytes: 1 << 20,
    processes: FUNCTION_DEFAULTS.processes,
  };
}

/** Calls grouped into programs of at most PROGRAM_CALLS calls and PROGRAM_BYTES of arguments. */
function chunk(calls: FunctionCall[]): FunctionCall[][] {
  const out: FunctionCall[][] = [];
  let current: FunctionCall[] = [];
  let bytes = 0;
  for (const c of calls) {
    const size = JSON.stringify(c.kwargs).length;
    if (current.length && (current.length >= PROGRAM_CALLS || bytes + size > PROGRAM_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(c);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

interface CallReport {
  values?: unknown;
  error?: string;
  tb?: string;
  timeout?: boolean;
  invalid?: boolean;
  output?: string;
}

interface Report {
  load?: { error?: string; tb?: string; timeout?: boolean; output?: string };
  started?: number;
  calls: Map<number, CallReport>;
  /** What each call (or the import) printed, as it printed it: all that is left of a call whose process died. */
  printed: Map<number | 'load', string>;
  done: boolean;
}

/**
 * The program's report lines (fd 3). A line that is not JSON is skipped; the first result of a call
 * counts. Only code running inside the function's own process can write there (the descriptor is not
 * inherited by programs it starts), so a line can only claim what the function itself could return.
 */
function parseReport(text: string): Report {
  const report: Report = { calls: new Map(), printed: new Map(), done: false };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!m || typeof m !== 'object') continue;
    if (m.load && typeof m.load === 'object') report.load ??= m.load as Report['load'];
    else if (typeof m.start === 'number') report.started = m.start;
    else if (typeof m.b === 'number' && !report.calls.has(m.b)) report.calls.set(m.b, m as CallReport);
    else if ((typeof m.o === 'number' || m.o === 'load') && typeof m.t === 'string') report.printed.set(m.o, (report.printed.get(m.o) ?? '') + m.t);
    else if (typeof m.done === 'number') report.done = true;
  }
  return report;
}

function callOutcome(r: CallReport, output: string): CallOutcome {
  if (r.error !== undefined) {
    const kind: ComponentError['kind'] = r.timeout ? 'timeout' : r.invalid ? 'invalid' : 'exception';
    return { error: { kind, message: String(r.error), ...(r.tb ? { traceback: String(r.tb) } : {}) }, callError: true, output };
  }
  if (!Array.isArray(r.values)) return { error: { kind: 'invalid', message: 'the sandbox reported no values for this call' }, output };
  return { items: r.values as CallOutcome['items'], output };
}

function deathKind(raw: RawResult): ComponentError['kind'] {
  if (raw.status === 'timeout') return 'timeout';
  if (raw.status !== 'exited') return 'limit';
  return 'exception';
}

function deathReason(raw: RawResult, timeout: number): string {
  switch (raw.status) {
    case 'timeout':
      return `timed out: the call did not return within ${timeout} s`;
    case 'memory_limit':
      return `memory limit: the process tree used more than its limit (peak ${Math.round((raw.peakTreeBytes ?? 0) / 2 ** 20)} MB)`;
    case 'cpu_limit':
      return 'CPU time limit: the call used more CPU time than its limits allow';
    case 'output_limit':
      return `output limit: the process wrote more than ${raw.outputBytes} bytes straight to its stdout / stderr file descriptors`;
    case 'report_limit':
      return 'output limit: the results were too large';
    default:
      if (raw.signal !== undefined) return `the Python process was killed by signal ${raw.signal}${raw.signal === 11 ? ' (segmentation fault)' : raw.signal === 9 ? ' (SIGKILL)' : ''} during the call`;
      return `the Python process exited with code ${raw.exitCode ?? '?'} during the call (os._exit or a crash)`;
  }
}

function joinOutput(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p && p.length).join('\n');
}

/** The call's outcome on each of its samples. */
function assign(scores: FunctionScore[], call: FunctionCall, outcome: CallOutcome | undefined, f: WorkspaceFunctionSpec): void {
  const many = call.samples.length > 1;
  const where = many ? ` (one call over ${call.samples.length} samples)` : '';
  call.samples.forEach((index, k) => {
    let s: FunctionScore;
    if (!outcome) s = { value: null, detail: 'error: not run', error: { kind: 'not-run', message: 'not run' } };
    else if (outcome.error) s = { value: null, detail: `error${outcome.callError ? where : ''}: ${outcome.error.message}`, error: outcome.error };
    else {
      const item = outcome.items?.[k];
      if (!item || typeof item !== 'object') s = { value: null, detail: 'error: no value for this sample', error: { kind: 'invalid', message: 'no value for this sample' } };
      else if (typeof item.v === 'number' && Number.isFinite(item.v)) s = { value: item.v, detail: `${f.function} returned ${+item.v.toPrecision(6)}${where}` };
      else if (item.na) s = { value: null, detail: `${f.function} returned None: not applicable to this sample${where}` };
      else {
        const message = typeof item.e === 'string' ? item.e : 'returned something that is not a number';
        s = { value: null, detail: `error: ${message}`, error: { kind: 'invalid', message } };
      }
      if (Array.isArray(item?.items) && item.items.length) s.items = item.items.map(String);
    }
    if (outcome?.output) s.output = outcome.output;
    scores[index] = s;
  });
}
