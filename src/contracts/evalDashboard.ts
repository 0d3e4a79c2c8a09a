/** Messages between the host and the Eval Dashboard webview. */
import type { Verdict } from '../core/eval/types';

export type { Verdict };

/** One stored evaluation run, as the dashboard lists it. `id` is the run file's path. */
export interface EvalRunInfo {
  id: string;
  label: string;
  createdAt: string;
  problemSet: string;
  samples: string;
  problems: number;
  judged: number;
  total: number;
  complete: boolean;
  /** Empty while some samples could not be judged (`unjudged`): pass@k is never shown over fewer samples unsaid. */
  passAtK: Record<string, number>;
  /** HumanEval+: pass@k on the base and extra inputs (`passAtK` is on the base inputs). */
  passAtKPlus?: Record<string, number>;
  /** Samples the sandbox could not judge (errors of its own, after retries). */
  unjudged: number;
  /** Samples whose verdict came from test code that ran in the program's own process. */
  inProcess: number;
  verdicts: Record<Verdict, number>;
  /** Mean wall-clock time per problem: the sum of its samples' times, averaged over the problems. */
  msPerProblem: number;
  /** What the sandbox enforced, and what it did not ("files: only the interpreters", "network NOT isolated", …). */
  protections: string;
}

export type EvalVerdictFilter = Verdict | 'all' | 'failing';
export type EvalSortKey = 'problem' | 'difficulty' | 'passed' | 'passAt1' | 'verdict' | 'time';

/** One problem of a run: its samples summed up. */
export interface EvalProblemRow {
  problemId: string;
  title?: string;
  difficulty?: string;
  n: number;
  passed: number;
  passAtK: Record<string, number>;
  /** 'passed' when every sample passed, else the most frequent failing verdict. */
  verdict: Verdict;
  /** The first failing sample's reason (empty when all passed). */
  reason: string;
  ms: number;
}

/** A judged sample, with its code and the failing test, for the detail pane. All text is untrusted. */
export interface EvalSampleView {
  index: number;
  language: string;
  verdict: Verdict;
  reason: string;
  code?: string;
  origin?: string;
  failure?: { case?: number; line?: number; assertion?: string; input?: string; expected?: string; got?: string };
  traceback?: string;
  output?: string;
  wallMs: number;
  timeoutMs: number;
  /** The verdict came from test code that ran inside the program (it could have reached it). */
  inProcess?: boolean;
  /** HumanEval+: the verdict on the base and extra inputs. */
  plus?: { verdict: Verdict; reason: string };
}

export interface EvalProblemDetail {
  run: string;
  problemId: string;
  title?: string;
  difficulty?: string;
  statement: string;
  samples: EvalSampleView[];
  /** Why the statement or code could not be shown (the problem set or samples file moved). */
  note?: string;
}

export interface EvalCompareRow {
  problemId: string;
  a?: { n: number; passed: number; verdict: Verdict };
  b?: { n: number; passed: number; verdict: Verdict };
  /** fixed: fails in A, passes in B; broken: the other way; changed: pass rate moved; same. */
  change: 'fixed' | 'broken' | 'changed' | 'same';
}

export type EvalDashboardRequests = {
  /** The webview loaded: the runs and the one to show. */
  ready: { params: Record<string, never>; result: { runs: EvalRunInfo[]; selected: string | null } };
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
    result: { total: number; rows: EvalCompareRow[]; counts: Record<EvalCompareRow['change'], number> };
  };
  /** Open the problem's source (problem.md, the JSONL line) in an editor. */
  openProblem: { params: { run: string; problemId: string }; result: boolean };
  /** Start "Run Evaluation". */
  runEvaluation: { params: Record<string, never>; result: void };
};

export type EvalDashboardEvents = {
  /** The list of runs changed (a run started, progressed, finished); `selected` is the run to show. */
  runs: { runs: EvalRunInfo[]; selected: string | null };
};
