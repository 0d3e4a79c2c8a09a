import type { ComparedSample, HostToWorker, TraceFileRef, WorkerToHost, WorkspaceFunctionsRun } from '../../contracts/tracesWorker';
import type { CheckpointComparison, CompareMetric, JoinBy, SampleRef } from '../../core/compare/types';
import type { FunctionScore, RewardSpec } from '../../core/rewards/types';
import { WorkerClient, type Reply } from '../../core/shared/workerClient';
import type { ExportBestOptions, ExportSummary, FilterPasses, JobControl, NewRecords, PassControl, TraceAnalysis } from '../../core/traces';
import type { WordDiffPart } from '../../core/traces/wordDiff';
import type { HackFinding, HackRuleId, HackScanResult, HackThresholds } from '../../core/hacks';

type Request = HostToWorker extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The traces worker thread (dist/tracesWorker.js), started on first use: the Trace Explorer's passes
 * over a whole file and the Group View's word diffs run there, never on the extension host's event
 * loop. Calls run side by side; cancelling a pass (its signal) tells the worker to stop it. A worker
 * that dies fails the calls in flight, and the next call starts a new one.
 */
export class TracesWorker {
  private client?: WorkerClient<HostToWorker, WorkerToHost>;

  constructor(private readonly script: string) {}

  /** The explorer's analysis of `trace` (SampleSet is built from it); cancelled: true when the signal aborted. */
  async analyze(trace: TraceFileRef, spec: RewardSpec, control: JobControl = {}, functions?: WorkspaceFunctionsRun): Promise<TraceAnalysis> {
    return this.run({ type: 'analyze', trace, spec, functions }, control, (m) => (m.type === 'analysis' ? { value: m.analysis } : undefined));
  }

  /**
   * The Trace Stepper's breakdown: the spec's workspace reward functions on sample (entry, sub) of
   * `trace`, in the sandbox with modules relative to `root`; undefined when cancelled.
   */
  sampleFunctions(trace: TraceFileRef, spec: RewardSpec, entry: number, sub: number, root: string, control: JobControl = {}): Promise<Record<string, FunctionScore> | undefined> {
    return this.run({ type: 'sampleFunctions', trace, spec, entry, sub, root }, control, (m) => (m.type === 'functionScores' ? { value: control.signal?.aborted ? undefined : m.scores } : undefined)).catch((e) => {
      if (control.signal?.aborted) return undefined;
      throw e;
    });
  }

  /**
   * Follow: the samples of `trace`'s records [from, to), which the file gained since the analysis,
   * summarized in the worker as the analysis summarizes them, the spec's workspace functions run as
   * `functions` says (SampleSet.addSummaries takes the samples and the failures); undefined when cancelled.
   */
  summarizeNew(trace: TraceFileRef, spec: RewardSpec, from: number, to: number, control: JobControl = {}, functions?: WorkspaceFunctionsRun): Promise<NewRecords | undefined> {
    return this.run({ type: 'summarizeNew', trace, spec, from, to, functions }, control, (m) => (m.type === 'newSamples' ? { value: control.signal?.aborted ? undefined : m.added } : undefined)).catch((e) => {
      if (control.signal?.aborted) return undefined; // cancelled while the worker was opening the file
      throw e;
    });
  }

  /** The filter passes over `trace`, run in the worker. */
  filterPasses(trace: TraceFileRef): FilterPasses {
    const control = (c: PassControl): JobControl => ({ signal: c.signal, onProgress: (p) => c.onProgress(p.total ? p.done / p.total : 0) });
    // a pass cancelled while the worker was still opening the file fails there: it is a cancel all the same
    const cancelled = (c: PassControl) => (e: unknown) => {
      if (c.signal.aborted) return undefined;
      throw e;
    };
    return {
      languageShares: (c) =>
        this.run({ type: 'languageShares', trace }, control(c), (m) => (m.type === 'languageShares' ? { value: c.signal.aborted ? undefined : m.shares } : undefined)).catch(cancelled(c)),
      textMatches: (text, c) =>
        this.run({ type: 'textMatches', trace, text }, control(c), (m) => (m.type === 'textMatches' ? { value: c.signal.aborted ? undefined : m.keys } : undefined)).catch(cancelled(c)),
    };
  }

  /** Best-of-n export of `trace` into the new file `out`, in the worker (progress, cancellation as exportBestOfNToFile). */
  exportBest(trace: TraceFileRef, out: string, options: ExportBestOptions): Promise<ExportSummary> {
    const { signal, onProgress, ...rest } = options;
    return this.run({ type: 'exportBest', trace, out, options: rest }, { signal, onProgress }, (m) => (m.type === 'exported' ? { value: m.summary } : undefined)).catch((e) => {
      // cancelled while the worker was still opening the file: nothing was written
      if (signal?.aborted) return { groups: 0, groupsKept: 0, written: 0, skipped: { noReward: 0, incorrect: 0, unjudged: 0, badFormat: 0, beyondK: 0 }, meanRewardWritten: null, cancelled: true };
      throw e;
    });
  }

  /**
   * The reward-hacking finder over `trace`, in the worker: `onFindings` gets provisional batches as the
   * pass finds them; the result is the final ranked list (summary.cancelled when the signal aborted).
   */
  findHacks(trace: TraceFileRef, spec: RewardSpec, thresholds: HackThresholds, control: JobControl & { rules?: HackRuleId[]; onFindings?: (batch: HackFinding[]) => void } = {}): Promise<HackScanResult> {
    return this.run({ type: 'findHacks', trace, spec, thresholds, rules: control.rules }, control, (m) => {
      if (m.type === 'hackFindings') {
        control.onFindings?.(m.findings);
        return undefined;
      }
      return m.type === 'hacksFound' ? { value: { findings: m.findings, summary: m.summary } } : undefined;
    });
  }

  /**
   * Checkpoint comparison of `files` in order, in the worker: `onPartial` after each file (the comparison
   * of the files read so far, from the second on), `onFileError` for a file left out, then the result.
   */
  compare(
    files: string[],
    options: { by: CompareMetric; join: JoinBy; top: number },
    control: JobControl & { onFile?: (index: number, partial?: CheckpointComparison) => void; onFileError?: (file: string, message: string) => void } = {},
  ): Promise<CheckpointComparison> {
    return this.run({ type: 'compare', files, ...options }, control, (m) => {
      if (m.type === 'compareFile') control.onFile?.(m.index, m.partial);
      else if (m.type === 'compareFileError') control.onFileError?.(m.file, m.message);
      else if (m.type === 'compared') return { value: m.comparison };
      return undefined;
    });
  }

  /** The last comparison ranked by another metric (nothing is read again). */
  rerank(by: CompareMetric, top: number): Promise<CheckpointComparison> {
    return this.run({ type: 'rerank', by, top }, {}, (m) => (m.type === 'compared' ? { value: m.comparison } : undefined));
  }

  /** Samples of the compared files by position (null where a file lacks the prompt). */
  comparedSamples(files: string[], refs: Array<SampleRef[] | null>): Promise<Array<Array<ComparedSample | { error: string }> | null>> {
    return this.run({ type: 'comparedSamples', files, refs }, {}, (m) => (m.type === 'comparedSamples' ? { value: m.samples } : undefined));
  }

  wordDiff(a: string, b: string, maxChars: number): Promise<{ parts: WordDiffPart[]; truncated: boolean }> {
    return this.run({ type: 'wordDiff', a, b, maxChars }, {}, (m) => (m.type === 'wordDiff' ? { value: { parts: m.parts, truncated: m.truncated } } : undefined));
  }

  private run<T>(request: Request, control: JobControl, result: (m: WorkerToHost) => Reply<T>): Promise<T> {
    if (!this.client?.running) this.client = new WorkerClient<HostToWorker, WorkerToHost>(this.script, { name: 'traces', callId: (m) => m.id });
    const client = this.client;
    let callId = 0;
    const cancel = () => client.post({ type: 'cancel', id: callId });
    control.signal?.addEventListener('abort', cancel, { once: true });
    return client
      .call<T>(
        (id) => {
          callId = id;
          return { ...request, id } as HostToWorker;
        },
        (m) => {
          if (m.type === 'progress') {
            control.onProgress?.(m.progress);
            return undefined;
          }
          if (m.type === 'error') return { error: new Error(m.message) };
          return result(m);
        },
      )
      .finally(() => control.signal?.removeEventListener('abort', cancel));
  }

  dispose(): void {
    void this.client?.terminate();
  }
}
