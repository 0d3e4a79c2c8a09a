/**
 * Loading an evaluation job, for `reasoning-lab eval` and the editor's evaluation worker alike: the
 * problem set, the samples (the references when none are given), narrowed to what was asked for.
 */
import * as path from 'node:path';
import { errorMessage } from '../shared/errors';
import { loadProblemSet } from './problems';
import { loadSamples, referenceSamples } from './samples';
import type { EvalOptions, Problem, Sample, SamplesSource } from './types';

export type { SamplesSource };

export interface EvalJobSource {
  /** A .jsonl[.gz] / .json problem file, a folder of problem folders, or one problem folder. */
  problemSet: string;
  samples: SamplesSource;
  /** Only these problems (the Testing view runs one or a few); all when absent. */
  problemIds?: string[];
  /** Only samples whose origin (file path) is one of these (Run Tests on one solution file). */
  origins?: string[];
}

export interface LoadedEvalJob {
  /** The problems that have samples: the others would only cost a calibration run and show up empty. */
  problems: Problem[];
  samples: Sample[];
  /** What was skipped, each naming its file and line. */
  warnings: string[];
  /** The evaluate() options that follow from the source: the run file's provenance, and calibration. */
  evaluateOptions: Pick<EvalOptions, 'problemSetPath' | 'samplesPath' | 'calibrate'>;
}

/** A job left with no sample to judge; `warnings` say what was skipped on the way. */
export class NothingToJudgeError extends Error {
  constructor(message: string, readonly warnings: string[]) {
    super(message);
    this.name = 'NothingToJudgeError';
  }
}

/**
 * Loads a job's problems and samples. A file that cannot be read throws a message naming it; a job
 * with nothing left to judge throws a NothingToJudgeError.
 */
export function loadEvalJob(source: EvalJobSource): LoadedEvalJob {
  const set = readOrExplain(source.problemSet, () => loadProblemSet(source.problemSet));
  const warnings = [...set.warnings];
  const asked = source.problemIds ? set.problems.filter((p) => source.problemIds!.includes(p.id)) : set.problems;
  let samples: Sample[];
  const from = source.samples;
  if (from.kind === 'reference') samples = referenceSamples(asked);
  else {
    const loaded = readOrExplain(from.path, () => loadSamples(from.path, asked));
    warnings.push(...loaded.warnings);
    samples = loaded.samples;
  }
  if (source.origins) {
    const wanted = new Set(source.origins.map((o) => path.resolve(o)));
    samples = samples.filter((s) => s.origin && wanted.has(path.resolve(s.origin)));
  }
  if (!asked.length || !samples.length) {
    throw new NothingToJudgeError(`nothing to judge: ${asked.length} problems and ${samples.length} samples${warnings.length ? ` (${warnings[0]})` : ''}`, warnings);
  }
  const sampled = new Set(samples.map((s) => s.problemId));
  const problems = asked.filter((p) => sampled.has(p.id));
  return {
    problems,
    samples,
    warnings,
    evaluateOptions: {
      problemSetPath: path.resolve(source.problemSet),
      samplesPath: from.kind === 'reference' ? '' : path.resolve(from.path),
      // the references are the yardstick of calibration: measuring them against themselves only costs time
      calibrate: from.kind === 'reference' ? false : undefined,
    },
  };
}

function readOrExplain<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new Error(`cannot read ${file}: ${errorMessage(err)}`);
  }
}
