/**
 * reasoning-lab eval <problems.jsonl[.gz]|dir> [--samples <samples.jsonl|dir>] [--k 1,10] [--jobs N]
 *                    [--timeout-ms T] [--out results.jsonl] [--no-tests-cache]
 *
 * Judges samples in the sandbox (no --samples: the problems' reference solutions, a sanity run in
 * which all must pass) and prints a JSON summary: problems, samples, passAtK, and the verdict counts.
 * --out is the run file: one JSON line per sample as it is judged; running the same command again
 * with the same --out resumes a cancelled run. Ctrl+C cancels (exit 130).
 */
import { parseArgs } from 'node:util';
import { defaultConvertedTestsDir, describeProtections, evaluate, timeoutAdvice } from '../core/eval';
import { loadEvalJob, NothingToJudgeError, type LoadedEvalJob } from '../core/eval/job';
import { errorMessage } from '../core/shared/errors';
import { integerFlag, joinNegativeNumbers, progressReporter, rate, terminalSafe, UsageError, type CliCommand, onInterrupt } from './common';

export const evalCommand: CliCommand = {
  name: 'eval',
  usage: `eval <problems.jsonl[.gz]|dir>   Run a problem set's tests on samples in the sandbox; print pass@k.
    --samples <file|dir>     samples JSONL (task_id + completion|solution) or solution files; default: the references (all must pass)
    --k 1,10                 the k of pass@k (default 1, 10 and 100, each when every problem has that many samples)
    --jobs N                 parallel sandboxes (default: the number of cores)
    --timeout-ms T           floor of the per-program wall-clock limit (default 2000; limit = max(T, 4 × reference time))
    --out <results.jsonl>    run file, one line per sample as judged; an existing run file is resumed
    --no-tests-cache         convert assert-style tests to cases again instead of reusing the conversions kept in
                             ~/.cache/reasoning-lab/converted-tests ($REASONING_LAB_CACHE/converted-tests)
  Only the problems that have samples are judged and counted.
  Exit codes: 0 done (sanity run: every reference passed), 1 a sanity run failed, an unreadable file or nothing to judge, 2 bad usage,
    3 some samples could not be judged (sandbox errors after retries: no pass@k is printed; run again to retry them), 130 interrupted.`,
  run: (args) => runEval(parseEvalArgs(args)),
};

export interface EvalCliOptions {
  problemSet: string;
  /** A samples file or folder; absent: the references (a sanity run). */
  samples?: string;
  /** The k of pass@k; absent: evaluate's default (1, 10, 100 as far as the samples allow). */
  k?: number[];
  jobs?: number;
  timeoutMs?: number;
  /** The run file (resumed when it exists). */
  out?: string;
  /** Reuse and keep assert conversions in the cache folder (default true). */
  testsCache: boolean;
}

export function parseEvalArgs(args: string[]): EvalCliOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeNumbers(args, ['jobs', 'timeout-ms']),
    allowPositionals: true,
    options: { samples: { type: 'string' }, k: { type: 'string' }, jobs: { type: 'string' }, 'timeout-ms': { type: 'string' }, out: { type: 'string' }, 'no-tests-cache': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('eval needs exactly one problem set (a .jsonl[.gz] file or a folder)');
  const k = values.k === undefined ? undefined : values.k.split(',').map((x) => Number(x.trim()));
  if (k && !k.every((n) => Number.isInteger(n) && n >= 1)) throw new UsageError(`--k: expected positive integers like 1,10, got ${values.k}`);
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--timeout-ms: expected a positive number, got ${values['timeout-ms']}`);
  return { problemSet: positionals[0], samples: values.samples, k, jobs: integerFlag(values.jobs, 'jobs', 1), timeoutMs, out: values.out, testsCache: !values['no-tests-cache'] };
}

export async function runEval(o: EvalCliOptions): Promise<number> {
  let job: LoadedEvalJob;
  try {
    job = loadEvalJob({ problemSet: o.problemSet, samples: o.samples ? { kind: 'path', path: o.samples } : { kind: 'reference' } });
  } catch (err) {
    if (err instanceof NothingToJudgeError) for (const w of err.warnings) process.stderr.write(`${terminalSafe(w)}\n`);
    process.stderr.write(`error: ${terminalSafe(errorMessage(err))}\n`);
    return 1;
  }
  for (const w of job.warnings) process.stderr.write(`${terminalSafe(w)}\n`);

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  const releaseInterrupt = onInterrupt(interrupt);
  const progress = progressReporter();
  const started = Date.now();
  let run;
  try {
    run = await evaluate(job.problems, job.samples, {
      ...job.evaluateOptions,
      k: o.k,
      jobs: o.jobs,
      timeoutMs: o.timeoutMs,
      runFile: o.out,
      convertedTestsCache: o.testsCache ? defaultConvertedTestsDir() : undefined,
      signal: controller.signal,
      onWarning: (w) => process.stderr.write(`${progress.done()}${terminalSafe(w)}\n`),
      onProgress: (p) => progress.tick(() => `judged ${p.done}/${p.total}${p.resumed ? ` (${p.resumed} resumed)` : ''} (${rate(p.done - p.resumed, started)}/s)…`),
    });
  } catch (err) {
    process.stderr.write(`${progress.done()}error: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    releaseInterrupt();
  }
  const s = run.summary;
  const summary = {
    problems: s.problems,
    samples: s.samples,
    passAtK: s.passAtK,
    ...(s.passAtKPlus ? { passAtKPlus: s.passAtKPlus } : {}),
    ...s.verdicts,
    unjudged: s.unjudged,
    ...(s.unjudged ? { passAtKJudgedOnly: s.passAtKJudged } : {}),
    inProcess: s.inProcess,
    protections: run.header.protections,
    runFile: o.out,
  };
  process.stdout.write(`${progress.done()}${JSON.stringify(summary)}\n`);
  for (const r of run.results.filter((x) => x.verdict !== 'passed').slice(0, o.samples ? 0 : 20)) process.stderr.write(terminalSafe(`reference of ${r.problemId} (#${r.sampleIndex}): ${r.verdict}: ${r.reason}`) + '\n');
  const slow = timeoutAdvice(run.results);
  if (slow) process.stderr.write(`${slow.count} ${o.samples ? 'sample' : 'reference'}${slow.count === 1 ? '' : 's'} timed out (limits up to ${slow.limitMs} ms); on a busy machine run again with a longer limit: --timeout-ms ${slow.suggestMs}\n`);
  process.stderr.write(`sandbox: ${describeProtections(run.header.protections).join('; ')}\n`);
  const inProcess = Object.keys(run.header.tests?.inProcess ?? {});
  if (s.inProcess) process.stderr.write(`${s.inProcess} sample${s.inProcess === 1 ? ' was' : 's were'} judged in-process (the tests of ${inProcess.slice(0, 5).join(', ')}${inProcess.length > 5 ? ', …' : ''} could not be turned into input/output cases; a program could reach that test code)\n`);
  if (run.cancelled) {
    process.stderr.write(`interrupted after ${s.samples} of ${job.samples.length} samples${o.out ? `; run the same command again to resume ${o.out}` : ''}\n`);
    return 130;
  }
  if (s.unjudged) {
    process.stderr.write(`${s.unjudged} sample${s.unjudged === 1 ? '' : 's'} could not be judged (sandbox errors after retries): pass@k is not reported${o.out ? `; run the same command again to retry them` : ''}\n`);
    return 3;
  }
  if (!o.samples && s.verdicts.passed !== s.samples) return 1;
  return 0;
}
