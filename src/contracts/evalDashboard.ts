/** Messages between the host and the Eval Dashboard webview. */
import type { EvalComparison, EvalProblemDetail, EvalProblemRow, EvalRunInfo, EvalSortKey, EvalVerdictFilter, UnreadableRun } from '../core/eval/types';

export type { EvalCompareRow, EvalComparison, EvalProblemDetail, EvalProblemRow, EvalRunInfo, EvalSampleView, EvalSortKey, EvalVerdictFilter, UnreadableRun, Verdict } from '../core/eval/types';

/** What the dashboard shows of the runs folder: the runs, the one to show, and the files that could not be read. */
export interface EvalRunsState {
  runs: EvalRunInfo[];
  selected: string | null;
  unreadable: UnreadableRun[];
}

export type EvalDashboardRequests = {
  /** The webview loaded: the runs and the one to show. */
  ready: { params: Record<string, never>; result: EvalRunsState };
  /** A page of a run's problem table (big runs are read on demand). */
  rows: {
    params: { run: string; offset: number; limit: number; sort: EvalSortKey; descending: boolean; verdict: EvalVerdictFilter; query: string };
    result: { total: number; rows: EvalProblemRow[] };
  };
  /** One problem of a run: statement, each sample's code and verdict, the failing test. */
  problem: { params: { run: string; problemId: string }; result: EvalProblemDetail };
  /** Two runs side by side, problem by problem (a page of rows). */
  compare: {
    params: { a: string; b: string; offset: number; limit: number; onlyChanged: boolean };
    result: EvalComparison;
  };
  /** Open the problem's source (problem.md, the JSONL line) in an editor. */
  openProblem: { params: { run: string; problemId: string }; result: boolean };
  /** Start "Run Evaluation". */
  runEvaluation: { params: Record<string, never>; result: void };
};

export type EvalDashboardEvents = {
  /** The list of runs changed (a run started, progressed, finished); `selected` is the run to show. */
  runs: EvalRunsState;
};
