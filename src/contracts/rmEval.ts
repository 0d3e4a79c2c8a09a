/** Messages between the host and the Evaluate Reward Model webview (RewardBench-style accuracy on pairs). */
export interface RmEvalWrongRow {
  /** Line of the pairs file. */
  line: number;
  id?: string;
  subset?: string;
  /** Texts cut to RM_EVAL_TEXT_MAX characters each (all untrusted: render as text). */
  prompt: string;
  chosen: string[];
  rejected: string[];
  chosenLogits: number[];
  rejectedLogits: number[];
  margin: number;
}

export interface RmEvalView {
  file: { label: string; path: string };
  model: string;
  provider: string;
  /** running: pairs scored so far; done; cancelled (partial results); error (message). */
  state: 'running' | 'done' | 'cancelled' | 'error';
  done: number;
  total: number;
  message?: string;
  summary?: {
    n: number;
    accuracy: number;
    subsets: Array<{ name: string; n: number; accuracy: number }>;
    margins: { mean: number; min: number; p10: number; p50: number; p90: number; max: number };
    skipped: number;
  };
  /**
   * Margin histogram (chosen − rejected logit): bins of equal width from lo to hi. Far outliers would
   * squeeze every other margin into one bin, so the range stops at the outer fences (quartiles ± 3 IQR);
   * `below` / `above` of them are counted in the first / last bin.
   */
  histogram?: { lo: number; hi: number; counts: number[]; below?: number; above?: number };
  wrongCount: number;
  /** Lines of the pairs file that could not be read (first few). */
  errors: Array<{ line: number; message: string }>;
}

export type RmEvalRequests = {
  ready: { params: Record<string, never>; result: RmEvalView | null };
  /** Wrong pairs [from, to) in file order (the list scrolls virtually). */
  wrong: { params: { from: number; to: number }; result: RmEvalWrongRow[] };
  /** Open the pairs file at a line. */
  openLine: { params: { line: number }; result: void };
  cancel: { params: Record<string, never>; result: void };
};

export type RmEvalEvents = {
  show: RmEvalView;
};

export const RM_EVAL_TEXT_MAX = 4000;
