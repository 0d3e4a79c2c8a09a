/**
 * Runs on disk: one JSONL file per run — a header line, then one line per judged sample, appended as
 * each is judged. A cancelled or crashed run resumes from its file; an old run can be reopened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarizeJudgedSamples } from './passAtK';
import { SafeOutput } from '../shared/safeOutput';
import { readTextBounded } from '../shared/inputFile';
import type { EvalRun, RunHeader, SampleResult } from './types';

export const sampleKey = (problemId: string, index: number) => `${problemId}\u0000${index}`;

export interface StoredRun {
  file: string;
  header: RunHeader;
  /** The last line per sample (a resumed infrastructure error is replaced by its retry). */
  results: SampleResult[];
  warnings: string[];
}

/** The header fields the readers rely on, with their JSON types. */
const HEADER_FIELDS = { runId: 'string', createdAt: 'string', k: 'array', timeouts: 'object', protections: 'object', totalSamples: 'number' } as const;
const SAMPLE_FIELDS = { problemId: 'string', sampleIndex: 'number', verdict: 'string', wallMs: 'number' } as const;

/** The first field of `v` that is missing or of the wrong JSON type, described; undefined when all are right. */
function badField(v: Record<string, unknown>, fields: Record<string, 'string' | 'number' | 'array' | 'object'>): string | undefined {
  for (const [name, type] of Object.entries(fields)) {
    const x = v[name];
    const ok = type === 'array' ? Array.isArray(x) : type === 'object' ? !!x && typeof x === 'object' && !Array.isArray(x) : typeof x === type;
    if (!ok) return `"${name}" is ${x === undefined ? 'missing' : `not ${type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`}`}`;
  }
  return undefined;
}

/** Reads a run file (a torn last line from a crash is ignored with a warning). */
export function readRun(file: string): StoredRun {
  const text = readTextBounded(file, 'an eval run file');
  const lines = text.split('\n');
  const warnings: string[] = [];
  let header: RunHeader | undefined;
  const byKey = new Map<string, SampleResult>();
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let v: { type?: string } & Record<string, unknown>;
    try {
      v = JSON.parse(line);
    } catch {
      warnings.push(`${file}:${i + 1}: ignored: not JSON${i === lines.length - 1 ? ' (an interrupted write)' : ''}`);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (v.type === 'header') {
      const bad = badField(v, HEADER_FIELDS);
      if (bad) throw new Error(`${file}:${i + 1}: not a run header: ${bad}`);
      header = v as unknown as RunHeader;
    } else if (v.type === 'sample') {
      const bad = badField(v, SAMPLE_FIELDS);
      if (bad) {
        warnings.push(`${file}:${i + 1}: ignored: a sample line whose ${bad}`);
        return;
      }
      const { type: _t, ...r } = v;
      const s = r as unknown as SampleResult;
      byKey.set(sampleKey(s.problemId, s.sampleIndex), s);
    }
  });
  if (!header) throw new Error(`${file}: not a run file (no header line)`);
  return { file, header, results: [...byKey.values()], warnings };
}

/** Opens a run file for appending: creates it with the header, or checks and resumes an existing one. */
export class RunWriter {
  private fd: number;
  private constructor(readonly file: string, fd: number) {
    this.fd = fd;
  }

  static create(file: string, header: RunHeader): RunWriter {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // through the safe output: a run file appears with its header already in it, and never over a file
    const out = SafeOutput.open(file);
    out.write(JSON.stringify(header) + '\n');
    return new RunWriter(file, out.publish());
  }

  static append(file: string): RunWriter {
    // a torn last line (crash mid-write) is cut off so the next line starts clean
    const text = fs.readFileSync(file, 'utf8');
    if (text.length && !text.endsWith('\n')) fs.truncateSync(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
    return new RunWriter(file, fs.openSync(file, 'a'));
  }

  write(result: SampleResult) {
    fs.writeSync(this.fd, JSON.stringify({ type: 'sample', ...result }) + '\n');
  }

  close() {
    fs.closeSync(this.fd);
  }
}

/** The runs in a folder (e.g. `.reasoning-lab/runs/`): name a new one, reopen one (RunCatalog lists them). Resume = evaluate() with its file as runFile. */
export class RunStore {
  constructor(readonly dir: string) {}

  /** A fresh run file path in this folder. */
  newRunFile(now = new Date()): string {
    return path.join(this.dir, `eval-${now.toISOString().replace(/[:.]/g, '-')}.jsonl`);
  }

  /** Reopens a run: its header, results and summary (pass@k over what was judged). */
  open(file: string): EvalRun & { warnings: string[] } {
    const run = readRun(path.isAbsolute(file) || fs.existsSync(file) ? file : path.join(this.dir, file));
    const ids = Object.keys(run.header.timeouts).map((id) => ({ id }));
    const problems = ids.length ? ids : [...new Set(run.results.map((r) => r.problemId))].map((id) => ({ id }));
    const judged = run.results.filter((r) => r.verdict !== 'infra_error').length;
    return { header: run.header, results: run.results, summary: summarizeJudgedSamples(problems, run.results, run.header.k), cancelled: judged < run.header.totalSamples, warnings: run.warnings };
  }
}
