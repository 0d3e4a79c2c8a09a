/**
 * The evaluation engine's public types: problem sets, samples, the sandbox's protections,
 * per-sample verdicts, pass@k and stored runs. Plain data only, so results cross to the editor, the
 * CLI and JSONL files unchanged.
 *
 *   loadProblemSet(path)               → ProblemSet           (./problems.ts)
 *   loadSamples(path, problems)        → LoadedSamples        (./samples.ts)
 *   referenceSamples(problems)         → Sample[]             (the sanity run: all must pass)
 *   evaluate(problems, samples, opts)  → EvalRun              (./evaluate.ts)
 *   passAtK(n, c, k)                   → number               (./passAtK.ts)
 *   new RunStore(dir).open(file)                              (./runStore.ts)
 *   new RunCatalog(() => store).list() / .rows() / …          (./runCatalog.ts: the runs as views)
 */

export type Language = 'python' | 'javascript' | 'typescript';

/** How a problem's tests are run. */
export type ProblemTest =
  /**
   * Python test code (HumanEval `check(candidate)`, MBPP asserts). Before a run it is turned into
   * `cases` (sandbox/harness.py, "record"); what cannot be turned runs in the program's own process
   * and its verdicts are marked as judged in-process.
   */
  | { kind: 'python-check'; code: string; /** Python statement run after `code`, e.g. `check(add)`; absent for MBPP. */ call?: string; /** The name the asserts call (`candidate`, or MBPP's function name). */ candidate: string; /** Why it could not be turned into cases (set before a run). */ inProcessReason?: string }
  /** Input/expected-output cases in JSON (the workspace format): the sandbox only returns the outputs; they are compared outside it. */
  | { kind: 'io'; cases: IoCase[]; compare: CompareMode; signature: Partial<Record<'python' | 'javascript', Signature>> }
  /** Python cases with expected values the program never sees: asserts turned into cases, or EvalPlus's inputs with the reference's outputs. */
  | { kind: 'cases'; cases: PyCase[]; /** imports the tests use (for `wrap`). */ setup?: string; origin: 'asserts' | 'evalplus'; /** EvalPlus: the first extra (plus) input; atol; HumanEval/32's oracle; per-input limits. */ plusFrom?: number; atol?: number; oracle?: 'find_zero'; caseLimitsMs?: number[]; /** Room on the result channel when outputs are large. */ reportBytes?: number }
  /** EvalPlus (HumanEval+) inputs, before the reference solution has given their expected outputs. */
  | { kind: 'evalplus'; base: unknown[][]; plus: unknown[][]; atol: number };

/** How a case's output is compared outside the sandbox. */
export type CaseCheck = 'eq' | 'ne' | 'is' | 'isnot' | 'truthy' | 'falsy' | 'close' | 'closeq' | 'isclose' | 'evalplus';

/** One call of the entry function and what its output must be (values as tagged JSON, see pyValue.ts). */
export interface PyCase {
  args: unknown[];
  kwargs?: Record<string, unknown>;
  /** A builtin applied to the output inside the sandbox before it is sent (`sorted(__rl_out)`). */
  wrap?: string;
  check: CaseCheck;
  expected?: unknown;
  tol?: number;
  rel_tol?: number;
  abs_tol?: number;
  /** The assert's line and text in the test code. */
  line?: number;
  source?: string;
}

export interface IoCase {
  /** Positional arguments (JSON values). */
  input: unknown[];
  expected: unknown;
}

/** `exact`: deep JSON equality; `unordered`: a top-level array compared as a multiset; `float`: numbers within 1e-6 relative. */
export type CompareMode = 'exact' | 'unordered' | 'float';

export interface Signature {
  entry: string;
  params: string[];
}

export type ProblemFormat = 'humaneval' | 'mbpp' | 'leetcodedataset' | 'workspace';

export interface Problem {
  /** task_id (HumanEval "HumanEval/0", MBPP "Mbpp/2", workspace: the front matter id or the folder name). */
  id: string;
  format: ProblemFormat;
  title?: string;
  difficulty?: 'easy' | 'medium' | 'hard';
  tags?: string[];
  /** The statement shown to a user: HumanEval's prompt, MBPP's text, problem.md's Markdown body. */
  statement: string;
  /** Function name (HumanEval entry_point; `Solution().fn` for LeetCodeDataset). */
  entryPoint: string;
  /** Code a HumanEval-style `completion` continues (the prompt); `solution` samples get only its imports. */
  prefix?: string;
  test: ProblemTest;
  /** Reference solutions: full programs per language. */
  references: { language: Language; code: string }[];
  /** A per-problem wall-clock limit from the problem set (workspace `timeoutMs`), overrides calibration. */
  timeoutMs?: number;
  /** Where it was read from, for messages and for opening it in the editor. */
  source: { file: string; line?: number };
}

export interface ProblemSet {
  /** The path given. */
  path: string;
  format: ProblemFormat;
  problems: Problem[];
  /** Bad records or folders that were skipped: "file:line: what was wrong". */
  warnings: string[];
}

/** One program to judge. */
export interface Sample {
  problemId: string;
  /** 0-based index among the samples of this problem (stable: it keys resume). */
  index: number;
  language: Language;
  /**
   * `completion`: continues the problem's prefix (HumanEval completion); `program`: a full program
   * (reflexion `solution`, MBPP code, a workspace solution file, a reference).
   */
  kind: 'completion' | 'program';
  code: string;
  /** Where it came from ("samples.jsonl:12", a file path, "reference"). */
  origin?: string;
}

export interface LoadedSamples {
  samples: Sample[];
  warnings: string[];
}

/** What the sandbox enforced on this machine; recorded in every run header and shown with every run. */
export interface Protections {
  version: 2;
  platform: string;
  /** Each program is a fork of a pre-started worker (false: a fresh worker per program). */
  forkServer: boolean;
  /** bubblewrap's version when the workers run inside it, else false. */
  bubblewrap: string | false;
  /** `interpreters-only`: a program sees the interpreters read-only and its own fresh folders; `host`: the host's files, as its uid may read them. */
  filesystem: 'interpreters-only' | 'host';
  /** `none`: an empty network namespace; `host`: the machine's network. */
  network: 'none' | 'host';
  /** The namespaces each program gets of its own (user, pid, ipc, mount, uts). */
  namespaces: string[];
  /** The program's /proc shows only its own processes. */
  freshProc: boolean;
  /** Folders replaced by an empty tmpfs for each program (gone with it). */
  privateDirs: string[];
  /** The uid (on the host) programs run as. */
  uid: number;
  /** True when that uid is a dedicated one (the harness runs as root), false when it is the user's own. */
  dedicatedUid: boolean;
  limits: { memory: string; processes: string; cpu: string; fileSize: boolean; openFiles: boolean; wallClock: true; output: true };
  /** System calls refused to programs (seccomp), empty when no filter could be installed. */
  seccomp: string[];
  /** Interpreters start isolated (python -I: no working directory or user site on sys.path), in a clean environment. */
  isolatedInterpreter: true;
  notes: string[];
}

/** The shape older runs recorded (before the sandbox's second version), still readable. */
export interface LegacyProtections {
  version?: undefined;
  forkServer: boolean;
  network: false | 'netns' | 'userns+netns';
  pidNamespace: boolean;
  uid: number | false;
  privateTmp?: string[];
  notes: string[];
}

export type Verdict =
  | 'passed'
  | 'failed'
  | 'timeout'
  | 'memory'
  | 'runtime_error'
  | 'syntax_error'
  | 'output_limit'
  /** The harness failed (interpreter missing, disk full, worker killed): not the program's fault, retried, excluded from pass@k. */
  | 'infra_error';

export const VERDICTS: Verdict[] = ['passed', 'failed', 'timeout', 'memory', 'runtime_error', 'syntax_error', 'output_limit', 'infra_error'];

export interface SampleResult {
  problemId: string;
  sampleIndex: number;
  language: Language;
  verdict: Verdict;
  /** One line: why (the assertion, the exception, "wall-clock limit 2000 ms"). */
  reason: string;
  /** True when the verdict came from test code that ran in the program's own process (tests that could not be turned into cases). */
  inProcess?: boolean;
  /** HumanEval+: the verdict on the base and extra inputs together (`verdict` is on the base inputs alone), as EvalPlus reports both. */
  plus?: { verdict: Verdict; reason: string; failure?: SampleResult['failure'] };
  /** For `failed`: the failing test — an assertion's line and text, or an io case index and input. */
  failure?: { line?: number; assertion?: string; case?: number; input?: unknown; expected?: string; got?: string };
  /** For runtime/syntax errors and memory: the traceback or stack (capped). */
  traceback?: string;
  /** The first 2 KB of what the program printed. */
  output?: string;
  wallMs: number;
  /** The wall-clock limit applied to this sample. */
  timeoutMs: number;
  attempts: number;
}

export interface ProblemSummary {
  problemId: string;
  n: number;
  passed: number;
  passAtK: Record<string, number>;
  /** HumanEval+: samples that passed the base and extra inputs, and pass@k on them. */
  passedPlus?: number;
  passAtKPlus?: Record<string, number>;
}

export interface EvalSummary {
  problems: number;
  samples: number;
  /** k → mean over the problems with at least k judged samples; empty when some samples could not be judged (see passAtKJudged). */
  passAtK: Record<string, number>;
  /** Samples the sandbox could not judge (infrastructure errors left after retries): while there are any, passAtK is empty. */
  unjudged: number;
  /** pass@k over the judged samples only, whatever `unjudged` is (never shown without saying so). */
  passAtKJudged: Record<string, number>;
  /** Samples whose verdict came from test code that ran in the program's own process. */
  inProcess: number;
  /** HumanEval+: pass@k on the base and extra inputs (as passAtK, empty while samples are unjudged). */
  passAtKPlus?: Record<string, number>;
  verdicts: Record<Verdict, number>;
  perProblem: ProblemSummary[];
}

export interface EvalProgress {
  done: number;
  total: number;
  /** How many of `done` were already in the run file (resume). */
  resumed: number;
  last?: SampleResult;
}

export interface EvalOptions {
  /** Parallel sandboxes (default: the number of cores). */
  jobs?: number;
  /** Floor of the wall-clock limit per program (default 2000 ms). */
  timeoutMs?: number;
  /** Limit = max(timeoutMs, timeoutFactor × the reference's measured time) (default 4, as EvalPlus). */
  timeoutFactor?: number;
  /** Measure the reference solutions first to set per-problem limits (default true when samples are not the references). */
  calibrate?: boolean;
  /** The k of pass@k (default: 1, 10 and 100 as far as every problem has that many samples, see defaultKs). */
  k?: number[];
  memoryBytes?: number;
  outputBytes?: number;
  onProgress?: (p: EvalProgress) => void;
  signal?: AbortSignal;
  /** Append each result here as it is judged; an existing file of the same run is resumed. */
  runFile?: string;
  /** Recorded in the run header. */
  problemSetPath?: string;
  samplesPath?: string;
  /** Run the classic way: a fresh interpreter per program (for the benchmark and as a fallback). */
  classic?: boolean;
  /** Infrastructure retries per sample (default 2). */
  retries?: number;
  /** Python interpreter (default: /usr/bin/python3 when root, else python3 on PATH). */
  python?: string;
  /** false: never use bubblewrap (tests of the fallback). */
  bubblewrap?: boolean;
  /**
   * A folder that keeps assert-style tests once turned into cases, so the next run on the same
   * problems skips that step (convertedTestsCache.ts; used only where no sample can write it).
   */
  convertedTestsCache?: string;
  /** Told about inputs dropped while preparing tests (a HumanEval+ input its contract refuses). */
  onWarning?: (message: string) => void;
}

export interface RunHeader {
  type: 'header';
  version: 1;
  runId: string;
  createdAt: string;
  problemSet?: string;
  samples?: string;
  k: number[];
  protections: Protections | LegacyProtections;
  /** problemId → wall-clock limit (ms); `calibration` says how they were set. */
  timeouts: Record<string, number>;
  calibration: { floorMs: number; factor: number; referenceMs: Record<string, number> } | null;
  totalSamples: number;
  /** How each problem's tests were run: turned into cases (their count), or in the program's own process (why). */
  tests?: { cases: Record<string, number>; inProcess: Record<string, string> };
}

export interface EvalRun {
  header: RunHeader;
  results: SampleResult[];
  summary: EvalSummary;
  /** True when the signal stopped it before every sample was judged: resume with the same runFile. */
  cancelled: boolean;
  /** The problems as run (tests turned into cases); absent for a run reopened from its file. */
  problems?: Problem[];
}

// ---- Stored runs as the Eval Dashboard and `reasoning-lab runs` show them (./runCatalog.ts) ----------

/** Which samples are judged: the problems' reference solutions, or a samples file / folder of solution files. */
export type SamplesSource = { kind: 'reference' } | { kind: 'path'; path: string };

/** A file in the runs folder that could not be read as a run, and why (listed, never dropped silently). */
export interface UnreadableRun {
  file: string;
  reason: string;
}

/** One stored evaluation run, as the Eval Dashboard and `reasoning-lab runs` list it. `id` is the run file's path. */
export interface EvalRunInfo {
  id: string;
  label: string;
  createdAt: string;
  problemSet: string;
  /** What was judged (the run header's `samples`: a path, or none for the references). */
  samples: SamplesSource;
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
  /** The reason of the first failing sample with that verdict (empty when all passed). */
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
  /** fixed: fails in A, passes in B; broken: the other way; changed: pass rate moved; same; only-a / only-b: the other run has no such problem. */
  change: 'fixed' | 'broken' | 'changed' | 'same' | 'only-a' | 'only-b';
}

/** Two runs compared: a page of rows, the count of each change, and pass@k over the problems both runs judged. */
export interface EvalComparison {
  total: number;
  rows: EvalCompareRow[];
  counts: Record<EvalCompareRow['change'], number>;
  /**
   * The problems both runs judged (at least one judged sample each) and each run's mean pass@k over
   * exactly those, so that runs over different problem sets are compared on the same problems.
   */
  common: { problems: number; passAtK: { a: Record<string, number>; b: Record<string, number> } };
}
