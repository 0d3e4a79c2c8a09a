/**
 * The evaluation worker thread: runs one evaluate() job for the extension host (see
 * src/contracts/evalWorker.ts). Plain Node, no 'vscode': the heavy parts (reading problem sets and sample
 * files, judging outputs) happen here, the programs themselves in the sandbox's child processes.
 */
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { evaluate, loadProblemSet, loadSamples, referenceSamples, type Sample } from '../core/eval';
import type { EvalJobRequest, HostToWorker, JobSampleResult, WorkerToHost } from '../contracts/evalWorker';
import { errorMessage } from '../core/shared/errors';

const port = parentPort;
if (!port) throw new Error('evalWorker must run in a worker thread');
const controller = new AbortController();
const post = (m: WorkerToHost) => port.postMessage(m);

port.on('message', (m: HostToWorker) => {
  if (m.type === 'cancel') controller.abort();
  else if (m.type === 'start') {
    run(m.job).then(
      () => process.exit(0),
      (err) => {
        post({ type: 'error', message: errorMessage(err) });
        process.exit(0);
      },
    );
  }
});

async function run(job: EvalJobRequest): Promise<void> {
  const set = loadProblemSet(job.problemSet);
  const warnings = [...set.warnings];
  let problems = job.problemIds ? set.problems.filter((p) => job.problemIds!.includes(p.id)) : set.problems;
  let samples: Sample[];
  if (job.samples.kind === 'reference') samples = referenceSamples(problems);
  else {
    const loaded = loadSamples(job.samples.path, problems);
    warnings.push(...loaded.warnings);
    samples = loaded.samples;
  }
  if (job.origins) {
    const wanted = new Set(job.origins.map((o) => path.resolve(o)));
    samples = samples.filter((s) => s.origin && wanted.has(path.resolve(s.origin)));
  }
  // only the problems that have samples: the others would only cost a calibration run and show up empty
  const sampled = new Set(samples.map((s) => s.problemId));
  problems = problems.filter((p) => sampled.has(p.id));
  post({ type: 'loaded', problems: problems.length, samples: samples.length, warnings });
  if (!problems.length || !samples.length) {
    throw new Error(`nothing to judge: ${problems.length} problems and ${samples.length} samples${warnings.length ? ` (${warnings[0]})` : ''}`);
  }
  const run = await evaluate(problems, samples, {
    k: job.k,
    jobs: job.jobs,
    timeoutMs: job.timeoutMs,
    // the references are the yardstick of calibration: measuring them against themselves only costs time
    calibrate: job.samples.kind === 'reference' ? false : undefined,
    runFile: job.runFile,
    problemSetPath: job.problemSet,
    samplesPath: job.samples.kind === 'reference' ? '' : job.samples.path,
    signal: controller.signal,
    onProgress: (p) => post({ type: 'progress', done: p.done, total: p.total, resumed: p.resumed }),
  });
  const origin = new Map(samples.map((s) => [`${s.problemId}\u0000${s.index}`, s.origin]));
  const results: JobSampleResult[] = run.results.map((r) => ({ ...r, origin: origin.get(`${r.problemId}\u0000${r.sampleIndex}`) }));
  post({ type: 'done', summary: run.summary, results, cancelled: run.cancelled, runFile: job.runFile });
}
