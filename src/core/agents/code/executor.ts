/**
 * Runs the code agent's candidates in the evaluation sandbox (src/core/eval/sandbox): on tests the
 * agent may see (the prompt's examples, generated tests) and, once per submission, on the problem's
 * hidden tests, graded outside the sandbox by src/core/eval/grading.ts.
 *
 * Running many candidates on many tests is what costs on a small machine, so every (candidate, test)
 * result and every hidden verdict is cached by the hash of the program and the test, in memory and in
 * a JSONL file under the user's cache folder: training, `solve` and the benchmark reuse one another's
 * runs. A candidate's missing tests run as ONE program (one case per test) through the sandbox's pool.
 *
 * A generated test's result is what the candidate's own process reports: a program could lie about
 * it, which only misleads the agent's choice, never its reward (the hidden verdict is graded outside).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { limitsFor, runSample } from '../../eval/evaluate';
import { prepareTests } from '../../eval/prepareTests';
import { InfraError, Sandbox, type SandboxJob } from '../../eval/sandbox/pool';
import type { Problem, Sample, Verdict } from '../../eval/types';
import { errorMessage } from '../../shared/errors';

export interface ExecutorOptions {
  /** The cache file; null = keep results in memory only. Default: defaultCacheFile(). */
  cacheFile?: string | null;
  /** Sandbox workers (default: the cores). */
  workers?: number;
  /** Limit of one test inside a run (default 1000 ms). */
  testTimeoutMs?: number;
  /** Limit of the hidden tests' run (default 3000 ms). */
  hiddenTimeoutMs?: number;
  bubblewrap?: boolean;
}

/** ~/.cache/reasoning-lab/test-results/code-agent-runs.jsonl (XDG_CACHE_HOME respected). */
export function defaultCacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'reasoning-lab', 'test-results', 'code-agent-runs.jsonl');
}

const hash = (text: string) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 20);

/** One visible or generated test inside the candidate's process: true when its assert holds. */
function testRunner(tests: string[]): string {
  return `

__rl_agent_tests = ${JSON.stringify(tests)}
def __rl_agent_test(i):
    try:
        exec(__rl_agent_tests[i], dict(globals()))
        return True
    except BaseException:
        return False
`;
}

export interface HiddenVerdict {
  passed: boolean;
  verdict: Verdict;
  reason?: string;
}

export class CodeExecutor {
  /** Programs the sandbox actually ran (cache misses), for the cost accounting. */
  executions = 0;
  private readonly cache = new Map<string, string>();
  private readonly testTimeoutMs: number;
  private readonly hiddenTimeoutMs: number;

  private constructor(
    readonly sandbox: Sandbox,
    readonly cacheFile: string | null,
    opts: ExecutorOptions,
  ) {
    this.testTimeoutMs = opts.testTimeoutMs ?? 1000;
    this.hiddenTimeoutMs = opts.hiddenTimeoutMs ?? 3000;
    if (cacheFile) this.readCache(cacheFile);
  }

  static async create(opts: ExecutorOptions = {}): Promise<CodeExecutor> {
    const sandbox = await Sandbox.create({ workers: opts.workers, bubblewrap: opts.bubblewrap });
    return new CodeExecutor(sandbox, opts.cacheFile === undefined ? defaultCacheFile() : opts.cacheFile, opts);
  }

  /** The problems with their hidden tests turned into cases (once, before any judging). */
  async prepare(problems: Problem[]): Promise<{ problems: Problem[]; warnings: string[] }> {
    return prepareTests(this.sandbox, problems, { retries: 2 });
  }

  private readCache(file: string) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return; // no cache yet
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as Record<string, unknown>;
        for (const [k, v] of Object.entries(r)) if (typeof v === 'string') this.cache.set(k, v);
      } catch {
        // a line cut by a crash: its results are simply run again
      }
    }
  }

  private remember(entries: Record<string, string>) {
    for (const [k, v] of Object.entries(entries)) this.cache.set(k, v);
    if (!this.cacheFile || !Object.keys(entries).length) return;
    try {
      fs.mkdirSync(path.dirname(this.cacheFile), { recursive: true });
      fs.appendFileSync(this.cacheFile, JSON.stringify(entries) + '\n');
    } catch {
      // a cache that cannot be written only costs runs later
    }
  }

  /** Which of `tests` (assert statements) hold for the program; `ran` = whether the sandbox had to run it. */
  async runTests(program: string, tests: string[]): Promise<{ passed: boolean[]; ran: boolean }> {
    const p = hash(program);
    const keys = tests.map((t) => `t${p}${hash(t)}`);
    const missing = [...new Set(tests.filter((_, i) => !this.cache.has(keys[i])))];
    if (missing.length) {
      const results = await this.execute(program, missing);
      const entries: Record<string, string> = {};
      missing.forEach((t, i) => (entries[`t${p}${hash(t)}`] = results[i] ? '1' : '0'));
      this.remember(entries);
    }
    return { passed: keys.map((k) => this.cache.get(k) === '1'), ran: missing.length > 0 };
  }

  /** Runs the program once on the tests (again from the test after one that ended the run early). */
  private async execute(program: string, tests: string[]): Promise<boolean[]> {
    const passed = new Array<boolean>(tests.length).fill(false);
    let from = 0;
    for (let restarts = 0; from < tests.length && restarts < 3; restarts++) {
      const todo = tests.slice(from);
      // one slow test must not hold the run for long: the whole run gets a little more than a few tests' time
      const limits = limitsFor(Math.min(10_000, 2000 + todo.length * 20 + 2 * this.testTimeoutMs), {});
      const job: SandboxJob = {
        runtime: 'python',
        mode: 'calls',
        code: program + testRunner(todo),
        entry: '__rl_agent_test',
        args: 'json',
        cases: todo.map((_, i) => ({ args: [i] })),
        caseLimitsMs: todo.map(() => this.testTimeoutMs),
        limits,
      };
      const raw = await this.runJob(job);
      this.executions++;
      if (!raw) return passed;
      let reported = 0;
      for (const line of raw.report.split('\n')) {
        let m: { i?: unknown; v?: unknown };
        try {
          m = JSON.parse(line);
        } catch {
          continue;
        }
        if (typeof m?.i === 'number' && m.i === reported && 'v' in m) {
          passed[from + reported] = m.v === true;
          reported++;
        }
      }
      if (reported === todo.length) break;
      // nothing reported: the program itself does not load; the whole run timed out: the rest fail too;
      // else the test at `reported` ended the run and the run goes on after it
      if ((reported === 0 && restarts === 0 && !raw.report.includes('"i"')) || raw.status === 'timeout') break;
      from += reported + 1;
    }
    return passed;
  }

  private async runJob(job: SandboxJob) {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await this.sandbox.run(job);
      } catch (err) {
        if (!(err instanceof InfraError)) throw err;
      }
    }
    return undefined;
  }

  /** The hidden tests' verdict on a sample (the agent never sees the tests, only this verdict). */
  async judgeHidden(problem: Problem, sample: Sample): Promise<HiddenVerdict> {
    const key = `h${hash(`${problem.id}\0${sample.kind}\0${sample.code}`)}`;
    const hit = this.cache.get(key);
    if (hit) return JSON.parse(hit) as HiddenVerdict;
    let result: HiddenVerdict;
    try {
      const r = await runSample(this.sandbox, problem, sample, this.hiddenTimeoutMs, {});
      this.executions++;
      result = { passed: r.verdict === 'passed', verdict: r.verdict, ...(r.reason ? { reason: r.reason.slice(0, 300) } : {}) };
    } catch (err) {
      return { passed: false, verdict: 'infra_error', reason: errorMessage(err) };
    }
    if (result.verdict !== 'infra_error') this.remember({ [key]: JSON.stringify(result) });
    return result;
  }

  async close(): Promise<void> {
    await this.sandbox.close();
  }
}
