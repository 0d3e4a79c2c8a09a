/**
 * Grading: from a (problem, sample) to a sandbox job, and from what the sandbox saw to a verdict.
 *
 * The verdict is decided here, outside the sandbox, from what the fork server observed (how the
 * program ended, its limits) and the outputs the program reported — compared with expected values
 * it never saw. What a program reports is read as untrusted data: anything that is not exactly the
 * protocol is the program's failure, never a pass and never an infrastructure error. The one
 * exception is a problem whose tests could not be turned into cases: its verdict comes from test
 * code that ran in the program's own process, and the result says so (`inProcess`).
 */
// sucrase strips TypeScript and rewrites ES modules to CommonJS in plain JS, so it bundles into dist/.
import { transform } from 'sucrase';
import { outputsEqual } from './compare';
import { pythonImports } from './problems';
import { evalplusMatch, findZeroMatch, fromJson, fromWire, isClose, asNumber, pyEqual, pyRepr, toJson, truthy, type PyVal } from './pyValue';
import type { RawResult, SandboxJob, SandboxLimits } from './sandbox/pool';
import type { Problem, PyCase, Sample, SampleResult } from './types';

export type Graded = Omit<SampleResult, 'problemId' | 'sampleIndex' | 'language' | 'timeoutMs' | 'attempts'>;

const SIGNALS: Record<number, string> = { 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 24: 'SIGXCPU', 25: 'SIGXFSZ', 31: 'SIGSYS' };
const cap = (s: string | undefined, n: number) => (s === undefined ? undefined : s.length > n ? s.slice(0, n) + '…' : s);
const MEMORY_TEXT = /MemoryError|JavaScript heap out of memory|Cannot allocate memory|std::bad_alloc|Array buffer allocation failed/;
const mb = (n: number) => Math.round(n / 2 ** 20);

/** The Python code of a sample: a completion continues the problem's prefix; a whole program gets the prefix's imports. */
function pythonCode(problem: Problem, sample: Sample): string {
  const prefix = problem.prefix ?? '';
  return sample.kind === 'completion' ? prefix + sample.code : (prefix ? pythonImports(prefix) + '\n' : '') + sample.code;
}

const entryName = (problem: Problem) => problem.entryPoint.replace(/^Solution\(\)\./, '');

/** The job for a sample, or a verdict reached without running it (a TypeScript syntax error, a language the problem cannot test). */
export function buildJob(problem: Problem, sample: Sample, limits: SandboxLimits): SandboxJob | Graded {
  const test = problem.test;
  if (test.kind === 'evalplus') throw new Error(`${problem.id}: the expected outputs of its inputs were not computed`);
  if (test.kind === 'python-check' || test.kind === 'cases') {
    if (sample.language !== 'python') return { verdict: 'runtime_error', reason: `${problem.format} problems are tested in Python; the sample is ${sample.language}`, wallMs: 0 };
    const code = pythonCode(problem, sample);
    if (test.kind === 'python-check') return { runtime: 'python', mode: 'check', code, test: test.code, call: test.call, limits };
    return {
      runtime: 'python',
      mode: 'calls',
      code,
      entry: entryName(problem),
      args: 'tagged',
      cases: test.cases.map((c) => ({ args: c.args, ...(c.kwargs ? { kwargs: c.kwargs } : {}), ...(c.wrap ? { wrap: c.wrap } : {}) })),
      setup: test.setup,
      caseLimitsMs: test.caseLimitsMs,
      limits,
    };
  }
  if (sample.language === 'python') {
    const sig = test.signature.python;
    if (!sig) return { verdict: 'runtime_error', reason: 'the problem has no Python signature', wallMs: 0 };
    return { runtime: 'python', mode: 'calls', code: sample.code, entry: sig.entry, args: 'json', cases: test.cases.map((c) => ({ args: c.input })), limits };
  }
  const sig = test.signature.javascript;
  if (!sig) return { verdict: 'runtime_error', reason: 'the problem has no JavaScript signature', wallMs: 0 };
  let code = sample.code;
  if (sample.language === 'typescript' || /^\s*(import|export)\s/m.test(code)) {
    try {
      code = transform(sample.code, { transforms: sample.language === 'typescript' ? ['typescript', 'imports'] : ['imports'] }).code;
    } catch (err) {
      const loc = (err as { loc?: { line: number } }).loc;
      return { verdict: 'syntax_error', reason: `line ${loc?.line ?? '?'}: ${(err as Error).message.replace(/ \(\d+:\d+\)$/, '')}`, failure: loc ? { line: loc.line } : undefined, wallMs: 0 };
    }
  }
  return { runtime: 'node', mode: 'calls', code, entry: sig.entry, cases: test.cases.map((c) => c.input), limits };
}

/** One line of what a program reported on fd 3, as the protocol allows it (anything else: a protocol violation). */
interface Report {
  outputs: (PyVal | 'undefined')[];
  /** How the report ended: all outputs, an error at a case, a load or syntax error, nothing (the program ended first). */
  end?:
    | { kind: 'done' }
    | { kind: 'error'; i?: number; message: string; tb?: string }
    | { kind: 'timeout'; i: number; ms: number }
    | { kind: 'memory'; i?: number; message: string }
    | { kind: 'unencodable'; i: number; message: string }
    | { kind: 'syntax'; line?: number; message: string; tb?: string }
    | { kind: 'violation'; message: string };
}

const str = (v: unknown, n = 2000) => (typeof v === 'string' ? v.slice(0, n) : undefined);

/** Reads the outputs a `calls` program reported. Never throws: a broken report is a violation. */
function readCallsReport(text: string, runtime: 'python' | 'node', expected: number): Report {
  const outputs: Report['outputs'] = [];
  const violation = (message: string): Report => ({ outputs, end: { kind: 'violation', message } });
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (!line) continue;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line);
    } catch {
      return violation(`line ${n + 1} of its report is not JSON`);
    }
    if (!m || typeof m !== 'object' || Array.isArray(m)) return violation(`line ${n + 1} of its report is not an object`);
    const i = m.i;
    if (i !== undefined && i !== outputs.length) return violation(`it reported case ${String(i).slice(0, 20)} where case ${outputs.length} was due`);
    if ('v' in m && i !== undefined) {
      if (outputs.length >= expected) return violation('it reported more outputs than there are cases');
      try {
        outputs.push(runtime === 'python' ? fromWire(m.v) : fromJson(m.v));
      } catch (err) {
        return violation(`case ${i}: ${(err as Error).message}`);
      }
      continue;
    }
    if (m.undefined === true && i !== undefined && runtime === 'node') {
      outputs.push('undefined');
      continue;
    }
    let end: Report['end'];
    if ('done' in m) end = m.done === expected && outputs.length === expected ? { kind: 'done' } : { kind: 'violation', message: `it said it was done after ${outputs.length} of ${expected} cases` };
    else if (m.timeout !== undefined && typeof i === 'number') end = { kind: 'timeout', i, ms: Number(m.timeout) };
    else if (m.memory !== undefined) end = { kind: 'memory', i: typeof i === 'number' ? i : undefined, message: str(m.memory) ?? 'MemoryError' };
    else if (m.unencodable !== undefined && typeof i === 'number') end = { kind: 'unencodable', i, message: str(m.unencodable, 300) ?? '' };
    else if (m.error !== undefined) end = { kind: 'error', i: typeof i === 'number' ? i : undefined, message: str(m.error, 600) ?? 'error', tb: str(m.tb, 6000) };
    else if (m.load_error !== undefined) end = { kind: 'error', message: str(m.load_error, 600) ?? 'error', tb: str(m.tb, 6000) };
    else if (m.syntax_error && typeof m.syntax_error === 'object') {
      const s = m.syntax_error as Record<string, unknown>;
      end = { kind: 'syntax', line: typeof s.line === 'number' ? s.line : undefined, message: str(s.message, 600) ?? 'syntax error', tb: str(m.tb, 6000) };
    } else return violation(`line ${n + 1} of its report is not part of the protocol`);
    if (lines.slice(n + 1).some((l) => l.trim())) return violation('it reported more after its last word');
    return { outputs, end };
  }
  return { outputs };
}

type CaseOutcome = { ok: true } | { ok: false; expected: string; got: string };

/** Compares one output with one case, outside the sandbox. `state.atol` carries EvalPlus's tolerance from case to case. */
function compareCase(problem: Problem, index: number, out: PyVal | 'undefined', state: { atol: number }): CaseOutcome {
  const test = problem.test;
  const got = out === 'undefined' ? 'undefined' : pyRepr(out);
  if (test.kind === 'io') {
    const j = out === 'undefined' ? undefined : toJson(out);
    const expected = test.cases[index].expected;
    const ok = j !== undefined || out === 'undefined' ? outputsEqual(j, expected, test.compare) : false;
    return ok ? { ok } : { ok, expected: JSON.stringify(expected), got: j === undefined && out !== 'undefined' ? `${got} (not a JSON value)` : JSON.stringify(j) ?? 'undefined' };
  }
  if (test.kind !== 'cases' || out === 'undefined') return { ok: false, expected: '?', got };
  const c = test.cases[index];
  const exp = c.expected === undefined ? undefined : fromWire(c.expected);
  const expText = exp ? pyRepr(exp) : '';
  const fail = (expected: string): CaseOutcome => ({ ok: false, expected, got });
  switch (c.check) {
    case 'eq':
      return pyEqual(out, exp!) ? { ok: true } : fail(expText);
    case 'ne':
      return !pyEqual(out, exp!) ? { ok: true } : fail(`anything but ${expText}`);
    case 'is':
      return out.k === exp!.k && pyEqual(out, exp!) ? { ok: true } : fail(expText);
    case 'isnot':
      return !(out.k === exp!.k && pyEqual(out, exp!)) ? { ok: true } : fail(`anything but ${expText}`);
    case 'truthy':
      return truthy(out) ? { ok: true } : fail('a true value');
    case 'falsy':
      return !truthy(out) ? { ok: true } : fail('a false value');
    case 'close':
    case 'closeq': {
      const x = asNumber(out);
      const y = asNumber(exp!);
      const tol = c.tol ?? 0;
      const d = x === undefined || y === undefined ? NaN : Math.abs(x - y);
      const ok = c.check === 'close' ? d < tol : d <= tol;
      return ok ? { ok: true } : fail(`${expText} (within ${tol})`);
    }
    case 'isclose': {
      const x = asNumber(out);
      const y = asNumber(exp!);
      const ok = x !== undefined && y !== undefined && isClose(x, y, c.rel_tol ?? 1e-9, c.abs_tol ?? 0);
      return ok ? { ok: true } : fail(`${expText} (math.isclose${c.rel_tol !== undefined ? `, rel_tol=${c.rel_tol}` : ''}${c.abs_tol !== undefined ? `, abs_tol=${c.abs_tol}` : ''})`);
    }
    case 'evalplus': {
      if (test.oracle === 'find_zero') {
        const xs = fromWire(c.args[0]);
        return findZeroMatch(xs, out, test.atol ?? 0) ? { ok: true } : fail(`a zero of the polynomial (|poly(xs, x)| <= ${test.atol})`);
      }
      const r = evalplusMatch(out, exp!, state.atol);
      state.atol = r.atol;
      return r.ok ? { ok: true } : fail(r.atol ? `${expText} (atol ${r.atol})` : expText);
    }
  }
}

/** The case's input as shown in messages (the assert's text when there is one). */
function caseInput(problem: Problem, i: number): unknown {
  const t = problem.test;
  if (t.kind === 'io') return t.cases[i]?.input;
  if (t.kind === 'cases') {
    const c: PyCase | undefined = t.cases[i];
    if (!c) return undefined;
    return c.source ?? `${entryName(problem)}(${[...c.args.map((a) => pyRepr(fromWire(a), 300)), ...Object.entries(c.kwargs ?? {}).map(([k, v]) => `${k}=${pyRepr(fromWire(v), 300)}`)].join(', ')})`;
  }
  return undefined;
}

function caseLabel(problem: Problem, i: number): string {
  const t = problem.test;
  if (t.kind === 'cases' && t.cases[i]?.line !== undefined) return `test line ${t.cases[i].line} (case ${i})`;
  if (t.kind === 'cases' && t.origin === 'evalplus' && t.plusFrom !== undefined && i >= t.plusFrom) return `extra input ${i - t.plusFrom}`;
  if (t.kind === 'cases' && t.origin === 'evalplus') return `base input ${i}`;
  return `test case ${i}`;
}

/** A verdict over cases [0, upTo) from what the program reported and how it ended. */
function gradeCases(problem: Problem, raw: RawResult, report: Report, upTo: number, limits: SandboxLimits, base: Graded): Graded {
  const t = problem.test;
  const state = { atol: t.kind === 'cases' ? (t.atol ?? 0) : 0 };
  const n = Math.min(upTo, report.outputs.length);
  for (let i = 0; i < n; i++) {
    const r = compareCase(problem, i, report.outputs[i], state);
    if (!r.ok) {
      const input = caseInput(problem, i);
      return { ...base, verdict: 'failed', reason: `${caseLabel(problem, i)}: expected ${cap(r.expected, 200)}, got ${cap(r.got, 200)}`, failure: { case: i, input, expected: cap(r.expected, 2000), got: cap(r.got, 2000) } };
    }
  }
  if (report.outputs.length >= upTo) return { ...base, verdict: 'passed', reason: `all ${upTo} test cases passed` };
  const failureAt = (i: number | undefined) => (i === undefined ? undefined : { case: i, input: caseInput(problem, i) });
  const end = report.end;
  // the program stopped before case upTo: why, from the fork server's view first
  const statusVerdict = endedBy(raw, limits);
  if (statusVerdict) return { ...base, ...statusVerdict };
  switch (end?.kind) {
    case 'error': {
      const where = end.i !== undefined ? `${caseLabel(problem, end.i)}: ` : '';
      return { ...base, verdict: MEMORY_TEXT.test(end.message) ? 'memory' : 'runtime_error', reason: `${where}${end.message}`, traceback: end.tb, failure: failureAt(end.i) };
    }
    case 'timeout':
      return { ...base, verdict: 'timeout', reason: `${caseLabel(problem, end.i)}: over its limit of ${end.ms} ms`, failure: failureAt(end.i) };
    case 'memory':
      return { ...base, verdict: 'memory', reason: `memory limit of ${mb(limits.memoryBytes)} MB: ${end.message}`, failure: failureAt(end.i) };
    case 'unencodable':
      return { ...base, verdict: 'failed', reason: `${caseLabel(problem, end.i)}: the output is ${end.message}, not a value that can be compared`, failure: failureAt(end.i) };
    case 'syntax':
      return { ...base, verdict: 'syntax_error', reason: `${end.line ? `line ${end.line}: ` : ''}${end.message}`, traceback: end.tb, failure: end.line ? { line: end.line } : undefined };
    case 'violation':
      return { ...base, verdict: 'failed', reason: `the program broke the result protocol: ${end.message}` };
  }
  return { ...base, ...endedEarly(raw, limits) };
}

/** A verdict from how the fork server saw the program end, when that alone decides it. */
function endedBy(raw: RawResult, limits: SandboxLimits): Pick<Graded, 'verdict' | 'reason'> | undefined {
  switch (raw.status) {
    case 'timeout':
      return { verdict: 'timeout', reason: `wall-clock limit of ${limits.timeoutMs} ms reached; the process tree was killed` };
    case 'output_limit':
      return { verdict: 'output_limit', reason: `printed more than ${limits.outputBytes} bytes; killed` };
    case 'report_limit':
      return { verdict: 'output_limit', reason: 'reported more output values than the sandbox keeps; killed' };
    case 'memory_limit':
      return { verdict: 'memory', reason: `its process tree went over the memory limit of ${mb(limits.memoryBytes)} MB; killed` };
    case 'cpu_limit':
      return { verdict: 'timeout', reason: `its process tree used more than ${limits.cpuSeconds} s of CPU time; killed` };
  }
  if (raw.signal === 24) return { verdict: 'timeout', reason: `CPU-time limit of ${limits.cpuSeconds} s reached (SIGXCPU)` };
  return undefined;
}

/** The program ended without a word on its result channel. */
function endedEarly(raw: RawResult, limits: SandboxLimits): Pick<Graded, 'verdict' | 'reason' | 'traceback'> {
  if (MEMORY_TEXT.test(raw.output)) return { verdict: 'memory', reason: `memory limit of ${mb(limits.memoryBytes)} MB exceeded`, traceback: cap(raw.output, 6000) };
  if (raw.signal !== undefined) return { verdict: 'runtime_error', reason: `killed by ${SIGNALS[raw.signal] ?? `signal ${raw.signal}`} before the tests finished` };
  return { verdict: 'runtime_error', reason: `exited with code ${raw.exitCode ?? '?'} before the tests finished (exiting is not passing)`, traceback: cap(raw.output, 6000) || undefined };
}

/** The verdict of an in-process check (its test code ran inside the program: marked as such). */
function gradeInProcess(raw: RawResult, limits: SandboxLimits, base: Graded): Graded {
  const b = { ...base, inProcess: true as const };
  const statusVerdict = endedBy(raw, limits);
  if (statusVerdict) return { ...b, ...statusVerdict };
  const lines = raw.report.split('\n').filter((l) => l.trim());
  if (lines.length === 0) return { ...b, ...endedEarly(raw, limits) };
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(lines[0]);
    if (lines.length > 1 || !r || typeof r !== 'object') throw new Error();
  } catch {
    return { ...b, verdict: 'failed', reason: 'the program broke the result protocol' };
  }
  const tb = str(r.tb, 6000);
  if (r.verdict === 'passed' && Object.keys(r).length === 1) return { ...b, verdict: 'passed', reason: 'all tests passed (judged in-process)' };
  if (r.verdict === 'failed') {
    const line = typeof r.line === 'number' ? r.line : undefined;
    const diff = r.expected !== undefined ? ` (expected ${cap(str(r.expected), 200)}, got ${cap(str(r.got), 200)})` : '';
    return { ...b, verdict: 'failed', reason: `assertion failed at test line ${line}: ${cap(str(r.assertion), 300)}${diff}`, failure: { line, assertion: str(r.assertion), expected: str(r.expected), got: str(r.got) } };
  }
  if (r.syntax_error && typeof r.syntax_error === 'object') {
    const s = r.syntax_error as Record<string, unknown>;
    const line = typeof s.line === 'number' ? s.line : undefined;
    return { ...b, verdict: 'syntax_error', reason: `${line ? `line ${line}: ` : ''}${str(s.message, 600)}`, traceback: tb, failure: line ? { line } : undefined };
  }
  if (r.memory !== undefined) return { ...b, verdict: 'memory', reason: `memory limit of ${mb(limits.memoryBytes)} MB: ${str(r.memory)}`, traceback: tb };
  if (r.error !== undefined) return { ...b, verdict: MEMORY_TEXT.test(String(r.error)) ? 'memory' : 'runtime_error', reason: str(r.error, 600) ?? 'error', traceback: tb };
  if (r.test_error !== undefined) return { ...b, verdict: 'runtime_error', reason: str(r.test_error, 600) ?? 'the test code does not compile' };
  return { ...b, verdict: 'failed', reason: 'the program broke the result protocol' };
}

/** The verdict for what happened (never throws, never an infrastructure error: those are the sandbox's to raise). */
export function grade(problem: Problem, job: SandboxJob, raw: RawResult, limits: SandboxLimits): Graded {
  const base: Graded = { verdict: 'failed', reason: '', wallMs: Math.round(raw.wallMs * 10) / 10, output: cap(raw.output, 2048) || undefined };
  if (job.mode === 'check') return gradeInProcess(raw, limits, base);
  const total = job.cases?.length ?? 0;
  const report = readCallsReport(raw.report, job.runtime, total);
  const t = problem.test;
  if (t.kind === 'cases' && t.origin === 'evalplus' && t.plusFrom !== undefined) {
    const plus = gradeCases(problem, raw, report, total, limits, base);
    const baseVerdict = gradeCases(problem, raw, report, t.plusFrom, limits, base);
    // EvalPlus's "plus" is base and extra inputs together: a sample fails it when it fails the base
    const plusPart = baseVerdict.verdict !== 'passed' ? baseVerdict : plus;
    return { ...baseVerdict, plus: { verdict: plusPart.verdict, reason: plusPart.reason, failure: plusPart.failure } };
  }
  return gradeCases(problem, raw, report, total, limits, base);
}
