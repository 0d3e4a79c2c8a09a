/**
 * The traces worker thread: the Trace Explorer's passes over a whole file (analysis, the language and
 * text filters, best-of-n export, the reward-hacking finder) and the Group View's word diffs, for the extension host (see
 * src/contracts/tracesWorker.ts). Requests run concurrently (a diff is answered while an analysis
 * reads the file); each pass can be cancelled by its id.
 */
import { parentPort } from 'node:worker_threads';
import type { HostToWorker, TraceFileRef, WorkerToHost, WorkspaceFunctionsRun } from '../contracts/tracesWorker';
import { errorMessage } from '../core/shared/errors';
import { analyzeForExplorer, exportBestOfNToFile, filePasses, openTraceFile, summarizeNewRecords, type AnalyzeOptions, type TraceFile, type TraceProgress } from '../core/traces';
import { wordDiff } from '../core/traces/wordDiff';
import { scanForHacks } from '../core/hacks';
import { buildComparison, compareCheckpoints, type FileAggregates, type JoinBy } from '../core/compare';
import { summarizeTraceSample } from '../core/traces/traceFile';
import { RewardFunctionRunner } from '../core/rewards/workspace/runner';

const port = parentPort;
if (!port) throw new Error('tracesWorker must run in a worker thread');
const post = (m: WorkerToHost) => port.postMessage(m);
const running = new Map<number, AbortController>();

/** The file of the last request, kept open so that a filter pass after the analysis does not index it again. */
let open: { key: string; file: Promise<TraceFile> } | undefined;

async function traceFile(ref: TraceFileRef, signal: AbortSignal): Promise<TraceFile> {
  const key = JSON.stringify([ref.file, ref.fields ?? null]);
  if (open?.key === key) {
    try {
      const tf = await open.file;
      await tf.refresh({ signal }); // the host may have followed the file since
      return tf;
    } catch {
      // opening or refreshing failed: open it afresh below
    }
  }
  const previous = open?.file;
  const file = openTraceFile(ref.file, { fields: ref.fields }, { signal });
  open = { key, file };
  void previous?.then((tf) => tf.close(), () => undefined);
  return file;
}

/** Runs the workspace reward functions of an analysis in the sandbox (started on first use). */
let functionRunner: RewardFunctionRunner | undefined;

/** How a pass runs the spec's workspace reward functions: in the sandbox (a trusted workspace), or not, saying why. */
function functionsRun(run: WorkspaceFunctionsRun | undefined): Pick<AnalyzeOptions, 'functions' | 'functionsNotRun'> {
  if (run && 'root' in run) return { functions: { runner: (functionRunner ??= new RewardFunctionRunner()), root: run.root } };
  return { functionsNotRun: run?.notRun };
}

/** The last comparison's aggregates (a few numbers per prompt), so that ranking by another metric reads nothing again. */
let compared: { aggregates: FileAggregates[]; join: JoinBy } | undefined;
/** The compared files, opened on the first sample fetched from them (one index pass each), until the next comparison. */
const comparedFiles = new Map<string, Promise<TraceFile>>();

function closeComparedFiles(): void {
  for (const f of comparedFiles.values()) void f.then((tf) => tf.close(), () => undefined);
  comparedFiles.clear();
}

async function comparedFile(file: string, signal: AbortSignal): Promise<TraceFile> {
  let tf = comparedFiles.get(file);
  if (!tf) {
    tf = openTraceFile(file, {}, { signal });
    comparedFiles.set(file, tf);
    tf.catch(() => comparedFiles.delete(file));
  }
  return tf;
}

async function handle(m: Exclude<HostToWorker, { type: 'cancel' }>, signal: AbortSignal): Promise<WorkerToHost> {
  const onProgress = (progress: TraceProgress) => post({ type: 'progress', id: m.id, progress });
  // the filter passes report a fraction
  const control = { signal, onProgress: (fraction: number) => onProgress({ phase: 'analyze', done: Math.round(fraction * 1000), total: 1000, unit: 'entries', entries: 0 }) };
  switch (m.type) {
    case 'wordDiff':
      return { type: 'wordDiff', id: m.id, ...wordDiff(m.a, m.b, m.maxChars) };
    case 'analyze': {
      const tf = await traceFile(m.trace, signal);
      return { type: 'analysis', id: m.id, analysis: await analyzeForExplorer(tf, m.spec, { signal, onProgress, ...functionsRun(m.functions) }) };
    }
    case 'sampleFunctions': {
      const tf = await traceFile(m.trace, signal);
      const scores = await tf.sampleFunctionScores(m.entry, m.sub, m.spec, { runner: (functionRunner ??= new RewardFunctionRunner()), root: m.root }, signal);
      return { type: 'functionScores', id: m.id, scores: signal.aborted ? undefined : scores };
    }
    case 'summarizeNew': {
      const tf = await traceFile(m.trace, signal);
      return { type: 'newSamples', id: m.id, added: await summarizeNewRecords(tf, m.spec, m.from, m.to, { signal, onProgress, ...functionsRun(m.functions) }) };
    }
    case 'exportBest':
      return { type: 'exported', id: m.id, summary: await exportBestOfNToFile(await traceFile(m.trace, signal), m.out, { ...m.options, signal, onProgress }) };
    case 'languageShares':
      return { type: 'languageShares', id: m.id, shares: await filePasses(await traceFile(m.trace, signal)).languageShares(control) };
    case 'findHacks': {
      const tf = await traceFile(m.trace, signal);
      const { findings, summary } = await scanForHacks(tf, {
        thresholds: m.thresholds,
        rules: m.rules,
        rewards: m.spec,
        signal,
        onProgress,
        onFindings: (batch) => post({ type: 'hackFindings', id: m.id, findings: batch }),
      });
      return { type: 'hacksFound', id: m.id, findings, summary };
    }
    case 'compare': {
      closeComparedFiles();
      compared = undefined;
      const options = { by: m.by, join: m.join, top: m.top };
      const r = await compareCheckpoints(m.files, options, {
        signal,
        onProgress,
        onFile: (index, partial) => post({ type: 'compareFile', id: m.id, index, partial }),
        onFileError: (file, message) => post({ type: 'compareFileError', id: m.id, file, message }),
      });
      compared = { aggregates: r.aggregates, join: m.join };
      return { type: 'compared', id: m.id, comparison: r.comparison };
    }
    case 'rerank':
      if (!compared) throw new Error('no comparison to rank again: compare the files first');
      return { type: 'compared', id: m.id, comparison: buildComparison(compared.aggregates, { by: m.by, top: m.top, join: compared.join }) };
    case 'comparedSamples': {
      const samples = await Promise.all(
        m.refs.map(async (refs, i) => {
          if (!refs) return null;
          const tf = await comparedFile(m.files[i], signal);
          return Promise.all(
            refs.map(async (ref) => {
              const e = await tf.read(ref.entry);
              const sample = e.samples[ref.sub];
              if (!sample) return { error: `line ${e.line}: ${e.error ?? `no sample ${ref.sub}`}` };
              return { sample, summary: summarizeTraceSample(sample, undefined, false) };
            }),
          );
        }),
      );
      return { type: 'comparedSamples', id: m.id, samples };
    }
    case 'textMatches':
      return { type: 'textMatches', id: m.id, keys: await filePasses(await traceFile(m.trace, signal)).textMatches(m.text, control) };
  }
}

port.on('message', (m: HostToWorker) => {
  if (m.type === 'cancel') {
    running.get(m.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(m.id, controller);
  handle(m, controller.signal).then(
    (reply) => post(reply),
    (err) => post({ type: 'error', id: m.id, message: errorMessage(err) }),
  ).finally(() => running.delete(m.id));
});
