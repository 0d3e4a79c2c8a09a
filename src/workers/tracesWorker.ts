/**
 * The traces worker thread: the Trace Explorer's passes over a whole file (analysis, the language and
 * text filters, best-of-n export) and the Group View's word diffs, for the extension host (see
 * src/contracts/tracesWorker.ts). Requests run concurrently (a diff is answered while an analysis
 * reads the file); each pass can be cancelled by its id.
 */
import { parentPort } from 'node:worker_threads';
import type { HostToWorker, TraceFileRef, WorkerToHost } from '../contracts/tracesWorker';
import { errorMessage } from '../core/shared/errors';
import { analyzeForExplorer, exportBestOfNToFile, filePasses, openTraceFile, summarizeNewSamples, type NewSample, type TraceFile, type TraceProgress } from '../core/traces';
import type { RewardSpec } from '../core/rewards/types';
import { wordDiff } from '../core/traces/wordDiff';

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

async function handle(m: Exclude<HostToWorker, { type: 'cancel' }>, signal: AbortSignal): Promise<WorkerToHost> {
  const onProgress = (progress: TraceProgress) => post({ type: 'progress', id: m.id, progress });
  // the filter passes report a fraction
  const control = { signal, onProgress: (fraction: number) => onProgress({ phase: 'analyze', done: Math.round(fraction * 1000), total: 1000, unit: 'entries', entries: 0 }) };
  switch (m.type) {
    case 'wordDiff':
      return { type: 'wordDiff', id: m.id, ...wordDiff(m.a, m.b, m.maxChars) };
    case 'analyze': {
      const tf = await traceFile(m.trace, signal);
      return { type: 'analysis', id: m.id, analysis: await analyzeForExplorer(tf, m.spec, { signal, onProgress }) };
    }
    case 'summarizeNew':
      return { type: 'newSamples', id: m.id, samples: await summarizeNew(await traceFile(m.trace, signal), m.spec, m.from, m.to, signal, onProgress) };
    case 'exportBest':
      return { type: 'exported', id: m.id, summary: await exportBestOfNToFile(await traceFile(m.trace, signal), m.out, { ...m.options, signal, onProgress }) };
    case 'languageShares':
      return { type: 'languageShares', id: m.id, shares: await filePasses(await traceFile(m.trace, signal)).languageShares(control) };
    case 'textMatches':
      return { type: 'textMatches', id: m.id, keys: await filePasses(await traceFile(m.trace, signal)).textMatches(m.text, control) };
  }
}

/** Records read and summarized at a time: between two reads a cancel is seen. */
const FOLLOW_CHUNK = 200;

/** The followed file's new records [from, to), summarized; undefined when cancelled. */
async function summarizeNew(tf: TraceFile, spec: RewardSpec, from: number, to: number, signal: AbortSignal, onProgress: (p: TraceProgress) => void): Promise<NewSample[] | undefined> {
  const out: NewSample[] = [];
  const end = Math.min(to, tf.count);
  for (let i = from; i < end; i += FOLLOW_CHUNK) {
    if (signal.aborted) return undefined;
    out.push(...summarizeNewSamples(await tf.readRange(i, Math.min(end, i + FOLLOW_CHUNK)), spec));
    onProgress({ phase: 'analyze', done: Math.min(end, i + FOLLOW_CHUNK) - from, total: end - from, unit: 'entries', entries: Math.min(end, i + FOLLOW_CHUNK) - from });
  }
  return signal.aborted ? undefined : out;
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
