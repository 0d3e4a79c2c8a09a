/**
 * reasoning-lab eval <problems.jsonl[.gz]|dir> [--samples <samples.jsonl|dir>] [--k 1,10] [--jobs N]
 *                    [--timeout-ms T] [--out results.jsonl]
 *
 * Judges samples in the sandbox (no --samples: the problems' reference solutions, a sanity run in
 * which all must pass) and prints a JSON summary: problems, samples, passAtK, and the verdict counts.
 * --out is the run file: one JSON line per sample as it is judged; running the same command again
 * with the same --out resumes a cancelled run. Ctrl+C cancels (exit 130).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeProtections, evaluate, loadProblemSet, loadSamples, referenceSamples } from '../core/eval';
import { progressReporter, rate, terminalSafe, UsageError, type CliCommand } from './common';

export const evalCommand: CliCommand = {
  name: 'eval',
  usage: `eval <problems.jsonl[.gz]|dir>   Run a problem set's tests on samples in the sandbox; print pass@k.
    --samples <file|dir>     samples JSONL (task_id + completion|solution) or solution files; default: the references (all must pass)
    --k 1,10                 the k of pass@k (default 1)
    --jobs N                 parallel sandboxes (default: the number of cores)
    --timeout-ms T           floor of the per-program wall-clock limit (default 2000; limit = max(T, 4 × reference time))
    --out <results.jsonl>    run file, one line per sample as judged; an existing run file is resumed
  Exit codes: 0 done (sanity run: every reference passed), 1 a sanity run failed or nothing to judge, 2 bad usage,
    3 some samples could not be judged (sandbox errors after retries: no pass@k is printed; run again to retry them), 130 interrupted.`,
  run: evalMain,
};

async function evalMain(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { samples: { type: 'string' }, k: { type: 'string', default: '1' }, jobs: { type: 'string' }, 'timeout-ms': { type: 'string' }, out: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('eval needs exactly one problem set (a .jsonl[.gz] file or a folder)');
  const ks = values.k!.split(',').map((x) => Number(x.trim()));
  if (!ks.every((k) => Number.isInteger(k) && k >= 1)) throw new UsageError(`--k: expected positive integers like 1,10, got ${values.k}`);
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) throw new UsageError(`--jobs: expected a positive integer, got ${values.jobs}`);
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--timeout-ms: expected a positive number, got ${values['timeout-ms']}`);

  const input = positionals[0];
  let set;
  try {
    set = loadProblemSet(input);
  } catch (err) {
    process.stderr.write(`error: cannot read ${input}: ${(err as Error).message}\n`);
    return 1;
  }
  for (const w of set.warnings) process.stderr.write(`${terminalSafe(w)}\n`);
  let samples = referenceSamples(set.problems);
  if (values.samples) {
    try {
      const loaded = loadSamples(values.samples, set.problems);
      for (const w of loaded.warnings) process.stderr.write(`${terminalSafe(w)}\n`);
      samples = loaded.samples;
    } catch (err) {
      process.stderr.write(`error: cannot read ${values.samples}: ${(err as Error).message}\n`);
      return 1;
    }
  }
  if (!set.problems.length || !samples.length) {
    process.stderr.write(`error: nothing to judge (${set.problems.length} problems, ${samples.length} samples)\n`);
    return 1;
  }

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  const progress = progressReporter();
  const started = Date.now();
  let run;
  try {
    run = await evaluate(set.problems, samples, {
      k: ks,
      jobs,
      timeoutMs,
      calibrate: values.samples ? undefined : false,
      runFile: values.out,
      problemSetPath: path.resolve(input),
      samplesPath: values.samples ? path.resolve(values.samples) : '',
      signal: controller.signal,
      onWarning: (w) => process.stderr.write(`${progress.done()}${terminalSafe(w)}\n`),
      onProgress: (p) => progress.tick(() => `judged ${p.done}/${p.total}${p.resumed ? ` (${p.resumed} resumed)` : ''} (${rate(p.done - p.resumed, started)}/s)…`),
    });
  } catch (err) {
    process.stderr.write(`${progress.done()}error: ${(err as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
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
    runFile: values.out,
  };
  process.stdout.write(`${progress.done()}${JSON.stringify(summary)}\n`);
  for (const r of run.results.filter((x) => x.verdict !== 'passed').slice(0, values.samples ? 0 : 20)) process.stderr.write(terminalSafe(`reference of ${r.problemId} (#${r.sampleIndex}): ${r.verdict}: ${r.reason}`) + '\n');
  process.stderr.write(`sandbox: ${describeProtections(run.header.protections).join('; ')}\n`);
  const inProcess = Object.keys(run.header.tests?.inProcess ?? {});
  if (s.inProcess) process.stderr.write(`${s.inProcess} sample${s.inProcess === 1 ? ' was' : 's were'} judged in-process (the tests of ${inProcess.slice(0, 5).join(', ')}${inProcess.length > 5 ? ', …' : ''} could not be turned into input/output cases; a program could reach that test code)\n`);
  if (run.cancelled) {
    process.stderr.write(`interrupted after ${s.samples} of ${samples.length} samples${values.out ? `; run the same command again to resume ${values.out}` : ''}\n`);
    return 130;
  }
  if (s.unjudged) {
    process.stderr.write(`${s.unjudged} sample${s.unjudged === 1 ? '' : 's'} could not be judged (sandbox errors after retries): pass@k is not reported${values.out ? `; run the same command again to retry them` : ''}\n`);
    return 3;
  }
  if (!values.samples && s.verdicts.passed !== s.samples) return 1;
  return 0;
}
