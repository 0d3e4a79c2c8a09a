/**
 * Before samples run: each problem's tests become cases whose expected values stay outside the
 * sandbox. Both steps run in the sandbox with no sample in it (the problem's own reference and
 * tests only), so what they produce can be trusted against the samples:
 *
 * - assert-style tests (HumanEval `check`, MBPP asserts, LeetCodeDataset): rewritten with Python's
 *   `ast` and run once with the reference (sandbox/harness.py, "record"); each
 *   `assert candidate(args) == expected` becomes a case. Tests that cannot be turned (a property
 *   check on the output, the output kept in a variable) stay Python checks, run in-process and
 *   reported as such.
 * - HumanEval+ (EvalPlus) inputs: the canonical solution runs on base_input and plus_input; its
 *   outputs are the expected values, compared with EvalPlus's rules. As in EvalPlus, the contract
 *   (the inputs' preconditions) is not run: it guided EvalPlus's input generation, and some
 *   released inputs break it (62 of HumanEval/32's), which EvalPlus still tests.
 */
import { errorMessage } from '../shared/errors';
import { conversionKey, type ConvertedTestsCache } from './convertedTestsCache';
import { InfraError, type RawResult, type Sandbox, type SandboxJob } from './sandbox/pool';
import type { Problem, PyCase } from './types';

/** EvalPlus's defaults (evalplus/config.py): an input's limit is max(4 s, 4 × the reference's time on it). */
export const EVALPLUS = { minTimeLimitMs: 4000, timeLimitFactor: 4, perRunCapMs: 60000 };

const PREPARE_LIMITS = { timeoutMs: 120000, cpuSeconds: 120, memoryBytes: 2 * 2 ** 30, outputBytes: 1 << 20, processes: 16, reportBytes: 2 ** 30 };

/** Runs a preparation job, retrying the sandbox's own failures. */
async function runTrusted(sandbox: Sandbox, job: SandboxJob, retries: number): Promise<RawResult> {
  let last: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      return await sandbox.run({ ...job, trusted: true });
    } catch (err) {
      if (!(err instanceof InfraError)) throw err;
      last = err;
    }
  }
  throw last;
}

function lastJson(report: string): Record<string, unknown> | undefined {
  const lines = report.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The reference code a problem's tests run with (helpers the tests call live in it). */
const referenceCode = (p: Problem) => p.references.find((r) => r.language === 'python')?.code ?? p.prefix ?? '';

async function convertAsserts(sandbox: Sandbox, p: Problem, retries: number, cache: ConvertedTestsCache | undefined): Promise<Problem> {
  const t = p.test;
  if (t.kind !== 'python-check') return p;
  const key = cache && conversionKey({ pythonVersion: sandbox.pythonVersion, reference: referenceCode(p), test: t.code, call: t.call, candidate: t.candidate });
  const cached = key ? cache.get(key) : undefined;
  if (cached) return { ...p, test: { kind: 'cases', origin: 'asserts', cases: cached.cases, setup: cached.setup } };
  const job: SandboxJob = { runtime: 'python', mode: 'record', code: referenceCode(p), test: t.code, call: t.call, candidate: t.candidate, limits: PREPARE_LIMITS };
  let raw: RawResult;
  try {
    raw = await runTrusted(sandbox, job, retries);
  } catch (err) {
    return { ...p, test: { ...t, inProcessReason: `the sandbox could not convert its tests: ${errorMessage(err)}` } };
  }
  const r = lastJson(raw.report);
  if (r && Array.isArray(r.cases)) {
    const converted = { cases: r.cases as PyCase[], setup: typeof r.setup === 'string' ? r.setup : undefined };
    if (key && raw.status === 'exited') cache.put(key, converted);
    return { ...p, test: { kind: 'cases', origin: 'asserts', ...converted } };
  }
  const said = r?.unconvertible ?? r?.load_error ?? (r?.syntax_error as { message?: string } | undefined)?.message;
  const why = typeof said === 'string' ? said : raw.status !== 'exited' ? `the conversion run ended: ${raw.status}` : `the conversion run said nothing (${raw.output.slice(0, 200)})`;
  return { ...p, test: { ...t, inProcessReason: why } };
}

async function evalplusExpected(sandbox: Sandbox, p: Problem, retries: number, warnings: string[]): Promise<Problem> {
  const t = p.test;
  if (t.kind !== 'evalplus') return p;
  const reference = p.references.find((r) => r.language === 'python')?.code;
  if (!reference || !p.prefix) throw new Error(`${p.id}: a HumanEval+ problem needs its prompt and canonical_solution`);
  const code = reference;
  let inputs = [...t.base.map((args) => ({ args, plus: false })), ...t.plus.map((args) => ({ args, plus: true }))];
  for (let round = 0; round < 50; round++) {
    const job: SandboxJob = { runtime: 'python', mode: 'calls', code, entry: p.entryPoint, args: 'tagged', cases: inputs.map((c) => ({ args: c.args })), limits: PREPARE_LIMITS };
    const raw = await runTrusted(sandbox, { ...job, timeCases: true }, retries);
    const outs: { v: unknown; ms: number }[] = [];
    let stop: Record<string, unknown> | undefined;
    for (const line of raw.report.split('\n')) {
      if (!line) continue;
      const m = JSON.parse(line) as Record<string, unknown>;
      if ('v' in m) outs.push({ v: m.v, ms: Number(m.ms) || 0 });
      else stop = m;
    }
    if (outs.length === inputs.length) {
      const cases: PyCase[] = inputs.map((c, i) => ({ args: c.args, check: 'evalplus', expected: outs[i].v }));
      const limits = outs.map((o) => Math.ceil(Math.max(EVALPLUS.minTimeLimitMs, EVALPLUS.timeLimitFactor * o.ms)));
      const plusFrom = inputs.filter((c) => !c.plus).length;
      return {
        ...p,
        timeoutMs: p.timeoutMs ?? evalplusTimeout(limits.slice(0, plusFrom)) + evalplusTimeout(limits.slice(plusFrom)),
        test: {
          kind: 'cases',
          origin: 'evalplus',
          cases,
          plusFrom,
          atol: t.atol,
          oracle: p.entryPoint === 'find_zero' ? 'find_zero' : undefined,
          caseLimitsMs: limits,
          // some outputs are megabytes (HumanEval/15's strings): a right answer must fit, with room
          reportBytes: Math.max(64 * 2 ** 20, 2 * raw.report.length),
        },
      };
    }
    const bad = typeof stop?.i === 'number' ? stop.i : -1;
    if (bad < 0) throw new Error(`${p.id}: the reference solution did not finish its inputs (${raw.status}: ${String(stop?.error ?? stop?.load_error ?? raw.output).slice(0, 300)})`);
    warnings.push(`${p.id}: ${inputs[bad].plus ? 'plus' : 'base'} input skipped: the canonical solution fails on it (${String(stop?.error ?? stop?.timeout ?? 'no output').slice(0, 200)})`);
    inputs = inputs.filter((_, i) => i !== bad);
  }
  throw new Error(`${p.id}: the canonical solution fails on too many inputs`);
}

/** EvalPlus's whole-run limit for a set of inputs: min(60 s, Σ per-input limits) + 1 s. */
function evalplusTimeout(limits: number[]): number {
  if (!limits.length) return 0;
  return Math.min(EVALPLUS.perRunCapMs, limits.reduce((a, b) => a + b, 0)) + 1000;
}

/** The problems with their tests turned into cases wherever they can be; warnings for inputs dropped. */
export async function prepareTests(
  sandbox: Sandbox,
  problems: Problem[],
  opts: { retries: number; signal?: AbortSignal; cache?: ConvertedTestsCache },
): Promise<{ problems: Problem[]; warnings: string[] }> {
  const warnings: string[] = [];
  const out = [...problems];
  const cache = opts.cache?.safeFrom(sandbox.protections);
  let next = 0;
  const lane = async () => {
    while (next < out.length && !opts.signal?.aborted) {
      const i = next++;
      const p = out[i];
      if (p.test.kind === 'python-check' && !p.test.inProcessReason) out[i] = await convertAsserts(sandbox, p, opts.retries, cache);
      else if (p.test.kind === 'evalplus') out[i] = await evalplusExpected(sandbox, p, opts.retries, warnings);
    }
  };
  await Promise.all(Array.from({ length: Math.min(sandbox.workers * 2, out.length) }, lane));
  return { problems: out, warnings };
}
