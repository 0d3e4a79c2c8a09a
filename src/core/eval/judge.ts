/**
 * From a (problem, sample) to a sandbox job, and from what happened in the sandbox to a verdict.
 * The verdict is decided here, outside the sandbox: the program's own report counts only when it
 * came through the nonce-marked result channel, and io outputs are compared with the expected values
 * the program never sees.
 */
// sucrase strips TypeScript and rewrites ES modules to CommonJS in plain JS, so it bundles into dist/.
import { transform } from 'sucrase';
import { outputsEqual } from './compare';
import { pythonImports } from './problems';
import { InfraError, type RawResult, type SandboxJob, type SandboxLimits } from './sandbox/pool';
import type { Problem, Sample, SampleResult } from './types';

export type Judged = Omit<SampleResult, 'problemId' | 'sampleIndex' | 'language' | 'timeoutMs' | 'attempts'>;

const SIGNALS: Record<number, string> = { 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 24: 'SIGXCPU', 25: 'SIGXFSZ' };
const cap = (s: string | undefined, n: number) => (s === undefined ? undefined : s.length > n ? s.slice(0, n) + '…' : s);

/** The job for a sample, or a verdict reached without running it (a TypeScript syntax error, a language the problem cannot test). */
export async function buildJob(problem: Problem, sample: Sample, limits: SandboxLimits): Promise<SandboxJob | Judged> {
  const test = problem.test;
  if (test.kind === 'python-check') {
    if (sample.language !== 'python') return { verdict: 'runtime_error', reason: `${problem.format} problems are tested in Python; the sample is ${sample.language}`, wallMs: 0 };
    const prefix = problem.prefix ?? '';
    const code = sample.kind === 'completion' ? prefix + sample.code : (prefix ? pythonImports(prefix) + '\n' : '') + sample.code;
    return { kind: 'script', runtime: 'python', code, test: test.code, call: test.call, limits };
  }
  const inputs = test.cases.map((c) => c.input);
  if (sample.language === 'python') {
    const sig = test.signature.python;
    if (!sig) return { verdict: 'runtime_error', reason: 'the problem has no Python signature', wallMs: 0 };
    return { kind: 'calls', runtime: 'python', code: sample.code, entry: sig.entry, inputs, limits };
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
  return { kind: 'calls', runtime: 'node', code, entry: sig.entry, inputs, limits };
}

const MEMORY_TEXT = /MemoryError|JavaScript heap out of memory|Cannot allocate memory|std::bad_alloc|Array buffer allocation failed/;

/** The verdict for what happened. Throws InfraError when the harness itself failed (retry it). */
export function judge(problem: Problem, raw: RawResult, limits: SandboxLimits): Judged {
  const base = { wallMs: Math.round(raw.wallMs * 10) / 10, output: cap(raw.output, 2048) || undefined };
  if (raw.status === 'timeout') return { ...base, verdict: 'timeout', reason: `wall-clock limit of ${limits.timeoutMs} ms reached; the process tree was killed` };
  if (raw.status === 'output_limit') return { ...base, verdict: 'output_limit', reason: `printed more than ${limits.outputBytes} bytes; killed` };
  if (raw.signal === 24) return { ...base, verdict: 'timeout', reason: `CPU-time limit of ${limits.cpuSeconds} s reached (SIGXCPU)` };
  const r = raw.result;
  if (r?.verdict === 'harness_error') throw new InfraError(r.message ?? 'harness error');
  if (r) {
    const tb = cap(r.traceback, 6000);
    switch (r.verdict) {
      case 'passed':
        return { ...base, verdict: 'passed', reason: 'all tests passed' };
      case 'syntax_error':
        return { ...base, verdict: 'syntax_error', reason: `${r.line ? `line ${r.line}: ` : ''}${r.message ?? 'syntax error'}`, traceback: tb, failure: r.line ? { line: r.line } : undefined };
      case 'memory':
        return { ...base, verdict: 'memory', reason: `memory limit of ${Math.round(limits.memoryBytes / 2 ** 20)} MB: ${r.message ?? 'out of memory'}`, traceback: tb };
      case 'failed': {
        if (r.case !== undefined && problem.test.kind === 'io') {
          return { ...base, verdict: 'failed', reason: `test case ${r.case}: ${r.message}`, failure: { case: r.case, input: problem.test.cases[r.case]?.input } };
        }
        const diff = r.expected !== undefined ? ` (expected ${cap(r.expected, 200)}, got ${cap(r.got, 200)})` : '';
        return {
          ...base,
          verdict: 'failed',
          reason: `assertion failed at test line ${r.line}: ${cap(r.assertion, 300)}${diff}`,
          failure: { line: r.line, assertion: r.assertion, expected: r.expected, got: r.got },
        };
      }
      case 'runtime_error': {
        const memory = MEMORY_TEXT.test(r.message ?? '');
        const where = r.case !== undefined ? `test case ${r.case}: ` : '';
        return {
          ...base,
          verdict: memory ? 'memory' : 'runtime_error',
          reason: `${where}${r.message ?? 'error'}`,
          traceback: tb,
          failure: r.case !== undefined && problem.test.kind === 'io' ? { case: r.case, input: problem.test.cases[r.case]?.input } : undefined,
        };
      }
      case 'ran': {
        if (problem.test.kind !== 'io') throw new InfraError('the harness returned outputs for a check-style problem');
        const { cases, compare } = problem.test;
        const outs = r.outputs ?? [];
        for (let i = 0; i < cases.length; i++) {
          let got: unknown;
          try {
            got = outs[i] === undefined || outs[i] === 'undefined' ? undefined : JSON.parse(outs[i]);
          } catch {
            got = outs[i];
          }
          if (!outputsEqual(got, cases[i].expected, compare)) {
            const expected = JSON.stringify(cases[i].expected);
            return {
              ...base,
              verdict: 'failed',
              reason: `test case ${i}: expected ${cap(expected, 200)}, got ${cap(outs[i] ?? 'nothing', 200)}`,
              failure: { case: i, input: cases[i].input, expected, got: cap(outs[i], 2000) },
            };
          }
        }
        return { ...base, verdict: 'passed', reason: `all ${cases.length} test cases passed` };
      }
    }
  }
  // no trustworthy report: the program ended (or was ended) before the harness could say anything
  if (MEMORY_TEXT.test(raw.output)) return { ...base, verdict: 'memory', reason: `memory limit of ${Math.round(limits.memoryBytes / 2 ** 20)} MB exceeded`, traceback: cap(raw.output, 6000) };
  if (raw.signal !== undefined) return { ...base, verdict: 'runtime_error', reason: `killed by ${SIGNALS[raw.signal] ?? `signal ${raw.signal}`} before the tests finished` };
  return { ...base, verdict: 'runtime_error', reason: `exited with code ${raw.exitCode ?? '?'} before the tests finished (exiting is not passing)`, traceback: cap(raw.output, 6000) || undefined };
}
