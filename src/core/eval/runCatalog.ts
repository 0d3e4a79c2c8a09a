/**
 * The stored runs as views, for the Eval Dashboard and `reasoning-lab runs`: the list of runs (and the
 * files that could not be read, each with the reason), a run's problem table (sorted, filtered and
 * paged, so a big run is sent a page at a time), a problem's detail with the statement and each
 * sample's code, and two runs compared. It reads run files, problem sets and sample files, and caches
 * what it read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../shared/errors';
import { summarizeJudgedSamples } from './passAtK';
import { loadProblemSet } from './problems';
import { describeProtections } from './protections';
import type { RunStore } from './runStore';
import { loadSamples, referenceSamples } from './samples';
import type { EvalCompareRow, EvalComparison, EvalProblemDetail, EvalProblemRow, EvalRun, EvalRunInfo, EvalSortKey, EvalVerdictFilter, Problem, Sample, SampleResult, UnreadableRun, Verdict } from './types';

/** Worst first: the verdict a problem's row shows is the most frequent failing one, ties broken by this order. */
const VERDICT_RANK: Verdict[] = ['syntax_error', 'runtime_error', 'failed', 'timeout', 'memory', 'output_limit', 'infra_error', 'passed'];
const DIFFICULTY_RANK: Record<string, number> = { easy: 0, medium: 1, hard: 2 };

interface LoadedRun {
  mtimeMs: number;
  size: number;
  run: EvalRun;
  info: EvalRunInfo;
  rows: EvalProblemRow[];
  byProblem: Map<string, SampleResult[]>;
}

/** A file that could not be read as a run (kept until the file changes, so it is not read again each time). */
interface FailedRun {
  mtimeMs: number;
  size: number;
  reason: string;
}

export class RunCatalog {
  private readonly runs = new Map<string, LoadedRun | FailedRun>();
  private readonly problemSets = new Map<string, Map<string, Problem> | string>();
  private readonly sampleFiles = new Map<string, Map<string, Sample> | string>();

  constructor(private readonly store: () => RunStore) {}

  /**
   * Every run in the store, newest first, and every `.jsonl` file there that is not a readable run,
   * with the reason (a folder that cannot be listed is one such entry).
   */
  list(): { runs: EvalRunInfo[]; unreadable: UnreadableRun[] } {
    const dir = this.store().dir;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], unreadable: [] };
      return { runs: [], unreadable: [{ file: dir, reason: `the runs folder cannot be read: ${errorMessage(err)}` }] };
    }
    const runs: EvalRunInfo[] = [];
    const unreadable: UnreadableRun[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith('.jsonl')) continue;
      const file = path.join(dir, name);
      const loaded = this.load(file);
      if (!loaded) continue; // deleted since the folder was listed
      if ('reason' in loaded) unreadable.push({ file, reason: loaded.reason });
      else runs.push(loaded.info);
    }
    return { runs: runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt)), unreadable };
  }

  info(file: string): EvalRunInfo | undefined {
    return this.run(file)?.info;
  }

  /** A run's per-problem rows (samples judged and passed), or why the file is not a readable run: checkpoint comparison joins runs on them. */
  problemRows(file: string): { rows: EvalProblemRow[]; label: string } | { reason: string } {
    const loaded = this.load(file);
    if (!loaded) return { reason: 'the file does not exist' };
    return 'reason' in loaded ? { reason: loaded.reason } : { rows: loaded.rows, label: loaded.info.label };
  }

  /** A readable run, or undefined (deleted, or not a run file: list() says why). */
  private run(file: string): LoadedRun | undefined {
    const loaded = this.load(file);
    return loaded && 'run' in loaded ? loaded : undefined;
  }

  /** Reads a run file again only when it changed (a run in progress grows line by line). */
  private load(file: string): LoadedRun | FailedRun | undefined {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      this.runs.delete(file);
      return undefined;
    }
    const cached = this.runs.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
    let run: EvalRun;
    try {
      if (stat.isDirectory()) throw new Error('a folder, not a run file');
      run = this.store().open(file);
    } catch (err) {
      const failed = { mtimeMs: stat.mtimeMs, size: stat.size, reason: withoutPath(errorMessage(err), file) };
      this.runs.set(file, failed);
      return failed;
    }
    const problems = this.problems(run.header.problemSet);
    const byProblem = new Map<string, SampleResult[]>();
    for (const id of Object.keys(run.header.timeouts)) byProblem.set(id, []);
    for (const r of run.results) {
      const list = byProblem.get(r.problemId) ?? [];
      list.push(r);
      byProblem.set(r.problemId, list);
    }
    const summary = run.summary.perProblem.length ? run.summary : summarizeJudgedSamples([...byProblem.keys()].map((id) => ({ id })), run.results, run.header.k);
    const perProblem = new Map(summary.perProblem.map((p) => [p.problemId, p]));
    const rows: EvalProblemRow[] = [];
    let totalMs = 0;
    for (const [problemId, results] of byProblem) {
      if (!results.length) continue; // not judged yet (a run in progress): it shows up when it is
      const judged = results.filter((r) => r.verdict !== 'infra_error');
      const ms = results.reduce((s, r) => s + r.wallMs, 0);
      totalMs += ms;
      const failing = judged.filter((r) => r.verdict !== 'passed');
      const counts = new Map<Verdict, number>();
      for (const r of failing) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
      let verdict: Verdict = judged.length ? 'passed' : 'infra_error';
      if (failing.length) verdict = [...counts].sort((a, b) => b[1] - a[1] || VERDICT_RANK.indexOf(a[0]) - VERDICT_RANK.indexOf(b[0]))[0][0];
      const problem = typeof problems === 'string' ? undefined : problems?.get(problemId);
      const s = perProblem.get(problemId);
      rows.push({
        problemId,
        title: problem?.title,
        difficulty: problem?.difficulty,
        n: s?.n ?? judged.length,
        passed: s?.passed ?? judged.length - failing.length,
        passAtK: s?.passAtK ?? {},
        verdict,
        // the reason of a sample with the badge's verdict, so badge and message tell the same story
        reason: (failing.find((r) => r.verdict === verdict) ?? failing[0])?.reason ?? '',
        ms: Math.round(ms),
      });
    }
    const judged = run.results.filter((r) => r.verdict !== 'infra_error').length;
    const h = run.header;
    const info: EvalRunInfo = {
      id: file,
      label: runLabel(h.problemSet, h.samples, h.createdAt),
      createdAt: h.createdAt,
      problemSet: h.problemSet ?? '',
      samples: h.samples ? { kind: 'path', path: h.samples } : { kind: 'reference' },
      problems: rows.length,
      judged,
      total: h.totalSamples,
      complete: judged >= h.totalSamples,
      passAtK: summary.passAtK,
      ...(summary.passAtKPlus ? { passAtKPlus: summary.passAtKPlus } : {}),
      unjudged: summary.unjudged ?? summary.verdicts.infra_error,
      inProcess: summary.inProcess ?? 0,
      verdicts: summary.verdicts,
      msPerProblem: rows.length ? Math.round(totalMs / rows.length) : 0,
      protections: describeProtections(h.protections).join(' · '),
    };
    const loaded = { mtimeMs: stat.mtimeMs, size: stat.size, run, info, rows, byProblem };
    this.runs.set(file, loaded);
    return loaded;
  }

  rows(file: string, q: { offset: number; limit: number; sort: EvalSortKey; descending: boolean; verdict: EvalVerdictFilter; query: string }) {
    const loaded = this.run(file);
    if (!loaded) throw new Error(`the run ${path.basename(file)} cannot be read (deleted or not a run file)`);
    const query = q.query.trim().toLowerCase();
    let rows = loaded.rows.filter((r) => {
      if (q.verdict === 'failing' ? r.verdict === 'passed' : q.verdict !== 'all' && r.verdict !== q.verdict) return false;
      return !query || r.problemId.toLowerCase().includes(query) || (r.title ?? '').toLowerCase().includes(query);
    });
    const key = (r: EvalProblemRow): number | string => {
      switch (q.sort) {
        case 'problem': return r.problemId;
        case 'difficulty': return DIFFICULTY_RANK[r.difficulty ?? ''] ?? 3;
        case 'passed': return r.n ? r.passed / r.n : -1;
        case 'passAt1': return r.passAtK['1'] ?? -1;
        case 'verdict': return VERDICT_RANK.indexOf(r.verdict);
        case 'time': return r.ms;
      }
    };
    const dir = q.descending ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb), undefined, { numeric: true });
      return c * dir || a.problemId.localeCompare(b.problemId, undefined, { numeric: true });
    });
    return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
  }

  problem(file: string, problemId: string): EvalProblemDetail {
    const loaded = this.run(file);
    if (!loaded) throw new Error(`the run ${path.basename(file)} cannot be read`);
    const h = loaded.run.header;
    const notes: string[] = [];
    const problems = this.problems(h.problemSet);
    if (typeof problems === 'string') notes.push(problems);
    const problem = typeof problems === 'string' ? undefined : problems?.get(problemId);
    const samples = this.samples(h.problemSet, h.samples, problems);
    if (typeof samples === 'string') notes.push(samples);
    const results = [...(loaded.byProblem.get(problemId) ?? [])].sort((a, b) => a.sampleIndex - b.sampleIndex);
    return {
      run: file,
      problemId,
      title: problem?.title,
      difficulty: problem?.difficulty,
      statement: problem?.statement ?? '',
      note: notes.join('; ') || undefined,
      samples: results.map((r) => {
        const sample = typeof samples === 'string' ? undefined : samples.get(`${r.problemId}\u0000${r.sampleIndex}`);
        const f = r.failure;
        return {
          index: r.sampleIndex,
          language: r.language,
          verdict: r.verdict,
          reason: r.reason,
          code: sample?.code,
          origin: sample?.origin,
          failure: f && {
            case: f.case,
            line: f.line,
            assertion: f.assertion,
            input: f.input === undefined ? undefined : JSON.stringify(f.input).slice(0, 4000),
            expected: f.expected,
            got: f.got,
          },
          traceback: r.traceback,
          output: r.output,
          wallMs: r.wallMs,
          timeoutMs: r.timeoutMs,
          ...(r.inProcess ? { inProcess: true } : {}),
          ...(r.plus ? { plus: { verdict: r.plus.verdict, reason: r.plus.reason } } : {}),
        };
      }),
    };
  }

  /**
   * Two runs problem by problem. A problem only one run has is listed as only-a / only-b, never as a
   * change, and pass@k is compared over the problems both runs judged: over different problem sets the
   * runs' own pass@k would compare different problems.
   */
  compare(a: string, b: string, q: { offset: number; limit: number; onlyChanged: boolean }): EvalComparison {
    const ra = this.run(a);
    const rb = this.run(b);
    if (!ra || !rb) throw new Error('one of the runs cannot be read');
    const rowsA = new Map(ra.rows.map((r) => [r.problemId, r]));
    const rowsB = new Map(rb.rows.map((r) => [r.problemId, r]));
    const ids = [...new Set([...rowsA.keys(), ...rowsB.keys()])].sort((x, y) => x.localeCompare(y, undefined, { numeric: true }));
    const counts: Record<EvalCompareRow['change'], number> = { fixed: 0, broken: 0, changed: 0, same: 0, 'only-a': 0, 'only-b': 0 };
    const rate = (r: EvalProblemRow) => (r.n ? r.passed / r.n : undefined);
    const judgedInBoth: Array<[EvalProblemRow, EvalProblemRow]> = [];
    const all: EvalCompareRow[] = ids.map((problemId) => {
      const x = rowsA.get(problemId);
      const y = rowsB.get(problemId);
      let change: EvalCompareRow['change'] = 'same';
      if (!y) change = 'only-a';
      else if (!x) change = 'only-b';
      else {
        if (x.n && y.n) judgedInBoth.push([x, y]);
        if (rate(x) === 0 && (rate(y) ?? 0) > 0) change = 'fixed';
        else if ((rate(x) ?? 0) > 0 && rate(y) === 0) change = 'broken';
        else if (rate(x) !== rate(y)) change = 'changed';
      }
      counts[change]++;
      const side = (r?: EvalProblemRow) => r && { n: r.n, passed: r.passed, verdict: r.verdict };
      return { problemId, a: side(x), b: side(y), change };
    });
    const rows = q.onlyChanged ? all.filter((r) => r.change !== 'same' && r.change !== 'only-a' && r.change !== 'only-b') : all;
    return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit), counts, common: { problems: judgedInBoth.length, passAtK: commonPassAtK(judgedInBoth) } };
  }

  /** The problem set of a run, by id (cached); a string says why it cannot be read. */
  private problems(file: string | undefined): Map<string, Problem> | string | undefined {
    if (!file) return undefined;
    let cached = this.problemSets.get(file);
    if (!cached) {
      try {
        cached = new Map(loadProblemSet(file).problems.map((p) => [p.id, p]));
      } catch (err) {
        cached = `the problem set ${file} cannot be read (${errorMessage(err)})`;
      }
      this.problemSets.set(file, cached);
    }
    return cached;
  }

  private samples(problemSet: string | undefined, file: string | undefined, problems: Map<string, Problem> | string | undefined): Map<string, Sample> | string {
    if (typeof problems !== 'object') return 'the samples cannot be shown without the problem set';
    const key = `${problemSet}\u0000${file ?? ''}`;
    let cached = this.sampleFiles.get(key);
    if (!cached) {
      try {
        const list = file ? loadSamples(file, [...problems.values()]).samples : referenceSamples([...problems.values()]);
        cached = new Map(list.map((s) => [`${s.problemId}\u0000${s.index}`, s]));
      } catch (err) {
        cached = `the samples ${file} cannot be read (${errorMessage(err)})`;
      }
      this.sampleFiles.set(key, cached);
    }
    return cached;
  }

  /** Where a problem was read from, to open it in an editor. */
  problemSource(file: string, problemId: string): { file: string; line?: number } | undefined {
    const loaded = this.run(file);
    const problems = this.problems(loaded?.run.header.problemSet);
    return typeof problems === 'object' ? problems.get(problemId)?.source : undefined;
  }

  /** Forget cached sample files (a workspace solution changed). */
  forgetSamples(): void {
    this.sampleFiles.clear();
  }
}

/** The store's messages start with the file's path ("file: why", "file:3: why"); an entry names the file already. */
function withoutPath(message: string, file: string): string {
  if (!message.startsWith(`${file}:`)) return message;
  const rest = message.slice(file.length + 1);
  return /^\d/.test(rest) ? `line ${rest}` : rest.trimStart();
}

function runLabel(problemSet: string | undefined, samples: string | undefined, createdAt: string): string {
  const set = problemSet ? (path.basename(problemSet) === 'builtin' ? 'built-in' : path.basename(problemSet)) : '?';
  const what = samples ? path.basename(samples) : 'references';
  const when = createdAt.replace('T', ' ').slice(0, 16);
  return `${set} · ${what} · ${when}`;
}

/**
 * Each run's mean pass@k over the same problems: for each k, the problems where both runs have pass@k
 * (at least k judged samples in each), so that neither side averages over problems the other lacks.
 */
function commonPassAtK(pairs: Array<[EvalProblemRow, EvalProblemRow]>): { a: Record<string, number>; b: Record<string, number> } {
  const a: Record<string, number> = {};
  const b: Record<string, number> = {};
  const ks = new Set(pairs.flatMap(([x, y]) => Object.keys(x.passAtK).filter((k) => k in y.passAtK)));
  for (const k of ks) {
    const both = pairs.filter(([x, y]) => k in x.passAtK && k in y.passAtK);
    a[k] = both.reduce((s, [x]) => s + x.passAtK[k], 0) / both.length;
    b[k] = both.reduce((s, [, y]) => s + y.passAtK[k], 0) / both.length;
  }
  return { a, b };
}
