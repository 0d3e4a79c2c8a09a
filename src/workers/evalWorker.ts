/**
 * The evaluation worker thread: runs one evaluate() job for the extension host (see
 * src/contracts/evalWorker.ts). Plain Node, no 'vscode': the heavy parts (reading problem sets and sample
 * files, judging outputs) happen here, the programs themselves in the sandbox's child processes.
 */
import { parentPort } from 'node:worker_threads';
import { defaultConvertedTestsDir, evaluate } from '../core/eval';
import { loadEvalJob, NothingToJudgeError } from '../core/eval/job';
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
  let loaded;
  try {
    loaded = loadEvalJob(job);
  } catch (err) {
    // the host still logs what was skipped on the way to an empty job
    if (err instanceof NothingToJudgeError) post({ type: 'loaded', problems: 0, samples: 0, warnings: err.warnings });
    throw err;
  }
  const { problems, samples, warnings } = loaded;
  post({ type: 'loaded', problems: problems.length, samples: samples.length, warnings });
  const run = await evaluate(problems, samples, {
    ...loaded.evaluateOptions,
    k: job.k,
    jobs: job.jobs,
    timeoutMs: job.timeoutMs,
    runFile: job.runFile,
    convertedTestsCache: defaultConvertedTestsDir(),
    signal: controller.signal,
    onProgress: (p) => post({ type: 'progress', done: p.done, total: p.total, resumed: p.resumed }),
  });
  const origin = new Map(samples.map((s) => [`${s.problemId}\u0000${s.index}`, s.origin]));
  const results: JobSampleResult[] = run.results.map((r) => ({ ...r, origin: origin.get(`${r.problemId}\u0000${r.sampleIndex}`) }));
  post({ type: 'done', summary: run.summary, results, cancelled: run.cancelled, runFile: job.runFile });
}
