/**
 * evaluate(): judges samples against problems in the sandbox, writes each result to the run file as
 * it comes, resumes a run file that already holds results, and returns pass@k and the verdicts.
 * First the problems' tests are turned into cases (./prepareTests.ts), then every sample runs and is
 * graded outside the sandbox (./grading.ts).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { errorMessage } from '../shared/errors';
import { buildJob, grade, type Graded } from './grading';
import { prepareTests } from './prepareTests';
import { ConvertedTestsCache } from './convertedTestsCache';
import { defaultKs, summarizeJudgedSamples } from './passAtK';
import { readRun, RunWriter, sampleKey } from './runStore';
import { InfraError, Sandbox, type SandboxLimits } from './sandbox/pool';
import type { EvalOptions, EvalRun, Problem, RunHeader, Sample, SampleResult } from './types';

export const DEFAULTS = { timeoutMs: 2000, timeoutFactor: 4, memoryBytes: 512 * 2 ** 20, outputBytes: 1 << 20, processes: 16, retries: 2 };

export function limitsFor(timeoutMs: number, opts: EvalOptions, problem?: Problem): SandboxLimits {
  return {
    ...(problem?.test.kind === 'cases' && problem.test.reportBytes ? { reportBytes: problem.test.reportBytes } : {}),
    timeoutMs,
    cpuSeconds: Math.ceil(timeoutMs / 1000) + 1,
    memoryBytes: opts.memoryBytes ?? DEFAULTS.memoryBytes,
    outputBytes: opts.outputBytes ?? DEFAULTS.outputBytes,
    processes: DEFAULTS.processes,
  };
}

/** Runs one sample with retries of infrastructure errors; never throws. */
export async function runSample(sandbox: Sandbox, problem: Problem, sample: Sample, timeoutMs: number, opts: EvalOptions, trusted = false): Promise<SampleResult> {
  const limits = limitsFor(timeoutMs, opts, problem);
  const retries = opts.retries ?? DEFAULTS.retries;
  let lastError = '';
  let attempts = 0;
  while (attempts <= retries) {
    attempts++;
    let graded: Graded;
    try {
      const job = buildJob(problem, sample, limits);
      graded = 'verdict' in job ? job : grade(problem, job, await sandbox.run({ ...job, trusted }), limits);
    } catch (err) {
      // only the sandbox's own failures are retried; anything else is a bug of ours and stops the run
      if (!(err instanceof InfraError)) throw err;
      lastError = errorMessage(err);
      if (opts.signal?.aborted) break;
      continue;
    }
    return { problemId: sample.problemId, sampleIndex: sample.index, language: sample.language, ...graded, timeoutMs, attempts };
  }
  return { problemId: sample.problemId, sampleIndex: sample.index, language: sample.language, verdict: 'infra_error', reason: lastError || 'cancelled', wallMs: 0, timeoutMs, attempts };
}

/** Runs `items` with at most `n` in flight, stopping early when the signal fires. */
async function forEachLimited<T>(items: T[], n: number, signal: AbortSignal | undefined, fn: (t: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length && !signal?.aborted) await fn(items[next++]);
  });
  await Promise.all(lanes);
}

/** Measures each problem's reference in the sandbox: limit = max(floor, factor × its wall time). */
async function calibrate(sandbox: Sandbox, problems: Problem[], opts: EvalOptions, floor: number, factor: number) {
  const referenceMs: Record<string, number> = {};
  const timeouts: Record<string, number> = {};
  await forEachLimited(problems, sandbox.workers * 2, opts.signal, async (p) => {
    const ref = p.references.find((r) => r.language === 'python') ?? p.references[0];
    if (p.timeoutMs) timeouts[p.id] = p.timeoutMs;
    if (!ref || p.timeoutMs) return;
    const r = await runSample(sandbox, p, { problemId: p.id, index: 0, language: ref.language, kind: 'program', code: ref.code }, Math.max(floor * 5, 10_000), opts, true);
    if (r.verdict === 'passed') referenceMs[p.id] = r.wallMs;
    if (!p.timeoutMs) timeouts[p.id] = Math.ceil(Math.max(floor, factor * (referenceMs[p.id] ?? 0)));
  });
  return { referenceMs, timeouts };
}

export async function evaluate(problemsIn: Problem[], samples: Sample[], opts: EvalOptions = {}): Promise<EvalRun> {
  let problems = problemsIn;
  const ks = (opts.k?.length ? opts.k : defaultKs(problems, samples)).filter((k) => k >= 1).sort((a, b) => a - b);
  const floor = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const factor = opts.timeoutFactor ?? DEFAULTS.timeoutFactor;
  let byId = new Map(problems.map((p) => [p.id, p]));
  const wanted = samples.filter((s) => byId.has(s.problemId));

  let previous: SampleResult[] = [];
  let header: RunHeader | undefined;
  if (opts.runFile && fs.existsSync(opts.runFile) && fs.statSync(opts.runFile).size > 0) {
    const stored = readRun(opts.runFile);
    header = stored.header;
    if ((opts.problemSetPath && header.problemSet && header.problemSet !== opts.problemSetPath) || (opts.samplesPath !== undefined && (header.samples ?? '') !== (opts.samplesPath ?? ''))) {
      throw new Error(`${opts.runFile} is a run of ${header.problemSet} with ${header.samples ?? 'the references'}, not of this problem set and samples: choose another run file`);
    }
    previous = stored.results.filter((r) => r.verdict !== 'infra_error');
  }
  const done = new Set(previous.map((r) => sampleKey(r.problemId, r.sampleIndex)));
  const todo = wanted.filter((s) => !done.has(sampleKey(s.problemId, s.index)));

  const sandbox = await Sandbox.create({ workers: opts.jobs, classic: opts.classic, python: opts.python, bubblewrap: opts.bubblewrap });
  const onAbort = () => void sandbox.close();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let writer: RunWriter | undefined;
  const results: SampleResult[] = [...previous];
  try {
    if (todo.length || !header) {
      const cache = opts.convertedTestsCache ? new ConvertedTestsCache(opts.convertedTestsCache, opts.onWarning) : undefined;
      const prepared = await prepareTests(sandbox, problems, { retries: opts.retries ?? DEFAULTS.retries, signal: opts.signal, cache });
      problems = prepared.problems;
      byId = new Map(problems.map((p) => [p.id, p]));
      for (const w of prepared.warnings) opts.onWarning?.(w);
    }
    if (!header) {
      const cal = opts.calibrate === false ? null : await calibrate(sandbox, problems, opts, floor, factor);
      const timeouts: Record<string, number> = {};
      for (const p of problems) timeouts[p.id] = cal?.timeouts[p.id] ?? p.timeoutMs ?? floor;
      header = {
        type: 'header',
        version: 1,
        runId: crypto.randomUUID(),
        createdAt: new Date().toISOString(),
        problemSet: opts.problemSetPath,
        samples: opts.samplesPath,
        k: ks,
        protections: sandbox.protections,
        timeouts,
        calibration: cal ? { floorMs: floor, factor, referenceMs: cal.referenceMs } : null,
        totalSamples: wanted.length,
        tests: testsSummary(problems),
      };
      if (opts.runFile) writer = RunWriter.create(opts.runFile, header);
    } else if (opts.runFile) writer = RunWriter.append(opts.runFile);
    const h = header;
    const resumed = previous.length;
    let finished = resumed;
    opts.onProgress?.({ done: finished, total: wanted.length, resumed });
    await forEachLimited(todo, sandbox.workers * 2, opts.signal, async (s) => {
      const problem = byId.get(s.problemId)!;
      const r = await runSample(sandbox, problem, s, h.timeouts[s.problemId] ?? problem.timeoutMs ?? floor, opts);
      if (opts.signal?.aborted && r.verdict === 'infra_error') return; // cut off by the cancel: judged on resume
      results.push(r);
      writer?.write(r);
      finished++;
      opts.onProgress?.({ done: finished, total: wanted.length, resumed, last: r });
    });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    writer?.close();
    await sandbox.close();
  }
  const order = new Map(wanted.map((s, i) => [sampleKey(s.problemId, s.index), i]));
  results.sort((a, b) => (order.get(sampleKey(a.problemId, a.sampleIndex)) ?? 0) - (order.get(sampleKey(b.problemId, b.sampleIndex)) ?? 0));
  const judged = results.filter((r) => r.verdict !== 'infra_error').length;
  return { header: header!, results, summary: summarizeJudgedSamples(problems, results, ks), cancelled: !!opts.signal?.aborted && judged < wanted.length, problems };
}

/** Which problems' tests became cases and which run in-process, for the run header. */
function testsSummary(problems: Problem[]): NonNullable<RunHeader['tests']> {
  const cases: Record<string, number> = {};
  const inProcess: Record<string, string> = {};
  for (const p of problems) {
    if (p.test.kind === 'cases' || p.test.kind === 'io') cases[p.id] = p.test.cases.length;
    else if (p.test.kind === 'python-check') inProcess[p.id] = p.test.inProcessReason ?? 'not converted';
  }
  return { cases, inProcess };
}
