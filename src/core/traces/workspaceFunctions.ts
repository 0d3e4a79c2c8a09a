/**
 * The spec's workspace reward functions over the samples a pass scores: the explorer's analysis of a
 * whole file, and the records a followed file gains, so that both give a sample the same reward. They
 * run through the runner the pass is given (the sandbox), a batch at a time, with the record's other
 * fields as the dataset columns; each scored sample gets its `functionScores`, where a function that
 * failed or was not run is an error for that sample, never a 0. Failures are counted and the first few
 * kept for the message that names them.
 */
import type { FunctionScore, RewardSpec } from '../rewards/types';
import { functionSample } from '../rewards/workspace/inputs';
import type { AnalyzeOptions, FunctionFailure, FunctionFailures, TraceSample } from './types';

/** Samples handed to the workspace reward functions at once (the runner makes the trainer's batches of them). */
export const FUNCTION_BATCH = 256;
export const MAX_FUNCTION_FAILURES_SHOWN = 50;

export type FunctionPassOptions = Pick<AnalyzeOptions, 'functions' | 'functionsNotRun' | 'rescore' | 'signal'>;

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export class WorkspaceFunctionPass {
  private count = 0;
  private readonly shown: FunctionFailure[] = [];

  constructor(
    private readonly spec: RewardSpec | undefined,
    private readonly options: FunctionPassOptions = {},
  ) {}

  /**
   * Run the functions on the samples of `batch` that the spec scores (those with a completion and,
   * unless rescoring, without a reward in the file), setting their `functionScores`; `record` is the
   * sample's parsed record (its fields are the dataset columns).
   */
  async score(batch: ReadonlyArray<{ sample: TraceSample; record: unknown }>): Promise<void> {
    const spec = this.spec;
    const fns = spec?.functions;
    if (!spec || !fns?.length) return;
    const scoring = batch.filter((p) => p.sample.completion && (this.options.rescore || p.sample.reward === undefined));
    if (!scoring.length) return;
    const fx = this.options.functions;
    const runs = fx
      ? await fx.runner.score({ functions: fns, venv: spec.venv, root: fx.root, samples: scoring.map((p) => functionSample(p.sample, isRecord(p.record) ? p.record : undefined, p.sample.step)), signal: this.options.signal })
      : undefined;
    const notRun = this.options.functionsNotRun ?? 'not run: no runner for workspace reward functions was given';
    scoring.forEach(({ sample }, k) => {
      const scores: Record<string, FunctionScore> = {};
      for (const f of fns) {
        const score = runs?.get(f.name)?.scores[k] ?? { value: null, detail: 'not run', error: { kind: 'not-run' as const, message: notRun } };
        scores[f.name] = score;
        if (score.error) {
          this.count++;
          if (this.shown.length < MAX_FUNCTION_FAILURES_SHOWN) this.shown.push({ line: sample.line, id: sample.id, function: f.name, message: score.error.message });
        }
      }
      sample.functionScores = scores;
    });
  }

  /** The failures so far; undefined when the spec has no workspace functions. */
  get failures(): FunctionFailures | undefined {
    return this.spec?.functions?.length ? { count: this.count, shown: [...this.shown] } : undefined;
  }
}

/** The failures of two passes over one file (the analysis, then a followed batch), in file order of discovery. */
export function addFunctionFailures(a: FunctionFailures | undefined, b: FunctionFailures | undefined): FunctionFailures | undefined {
  if (!a || !b) return a ?? b;
  return { count: a.count + b.count, shown: [...a.shown, ...b.shown].slice(0, MAX_FUNCTION_FAILURES_SHOWN) };
}
