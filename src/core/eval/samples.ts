/**
 * Samples to judge: HumanEval-style JSONL (`task_id` + `completion`, many per task; `solution` as
 * reflexion writes it; `code` as MBPP-style generators do), or a folder of solution files
 * (`<problem-id>/<anything>.py|js|ts`, or `<problem-id>[.<anything>].py|js|ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRecords } from './problems';
import type { Language, LoadedSamples, Problem, Sample, SamplesSource } from './types';

const EXT: Record<string, Language> = { '.py': 'python', '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.ts': 'typescript' };

/** Maps a sample's task id onto a problem id (MBPP ids are numbers in some files, "Mbpp/N" in others). */
function problemIndex(problems: Problem[]) {
  const byId = new Map(problems.map((p) => [p.id, p]));
  return (taskId: unknown): Problem | undefined => {
    const id = String(taskId);
    return byId.get(id) ?? byId.get(`Mbpp/${id}`) ?? byId.get(id.replace(/^Mbpp\//, ''));
  };
}

/** Whether a Python sample is a whole function (def entry…) rather than a body continuing the prompt. */
export function isFullFunction(code: string, problem: Problem): boolean {
  const name = problem.entryPoint.replace(/^Solution\(\)\./, '');
  return new RegExp(`^(def\\s+${name}\\s*\\(|class\\s+Solution\\b)`, 'm').test(code);
}

/** A source as a run header records it (`samples`): the path, '' for the references. */
export const samplesPathOf = (source: SamplesSource): string => (source.kind === 'path' ? source.path : '');

export function loadSamples(p: string, problems: Problem[]): LoadedSamples {
  const find = problemIndex(problems);
  const warnings: string[] = [];
  const samples: Sample[] = [];
  const counts = new Map<string, number>();
  const add = (problem: Problem, s: Omit<Sample, 'index' | 'problemId'>) => {
    const index = counts.get(problem.id) ?? 0;
    counts.set(problem.id, index + 1);
    samples.push({ ...s, problemId: problem.id, index });
  };
  if (fs.statSync(p).isDirectory()) {
    const files: string[] = [];
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      if (e.isFile()) files.push(path.join(p, e.name));
      else if (e.isDirectory()) for (const f of fs.readdirSync(path.join(p, e.name))) files.push(path.join(p, e.name, f));
    }
    for (const file of files.sort()) {
      const language = EXT[path.extname(file)];
      if (!language) continue;
      const parent = path.basename(path.dirname(file));
      const problem = (path.resolve(path.dirname(file)) !== path.resolve(p) && find(parent)) || find(path.basename(file).split('.')[0]);
      if (!problem) {
        warnings.push(`${file}: skipped: no problem named ${parent} or ${path.basename(file).split('.')[0]}`);
        continue;
      }
      add(problem, { language, kind: 'program', code: fs.readFileSync(file, 'utf8'), origin: file });
    }
    return { samples, warnings };
  }
  for (const { value: r, line } of readRecords(p, warnings)) {
    const where = `${p}:${line}`;
    const problem = find(r.task_id);
    if (r.task_id === undefined) {
      warnings.push(`${where}: skipped: no task_id`);
      continue;
    }
    if (!problem) {
      warnings.push(`${where}: skipped: task_id ${JSON.stringify(r.task_id)} is not in the problem set`);
      continue;
    }
    const lang = typeof r.language === 'string' ? (r.language.toLowerCase() as Language) : undefined;
    const language: Language = lang && ['python', 'javascript', 'typescript'].includes(lang) ? lang : 'python';
    const text = [r.completion, r.solution, r.code].find((v) => typeof v === 'string') as string | undefined;
    if (text === undefined) {
      warnings.push(`${where}: skipped: no completion, solution or code string`);
      continue;
    }
    let kind: Sample['kind'] = 'program';
    if (language === 'python' && problem.prefix !== undefined && problem.format !== 'mbpp') {
      // a `completion` continues the prompt; a `solution` (or code) that defines the function is a whole program
      kind = typeof r.completion === 'string' || !isFullFunction(text, problem) ? 'completion' : 'program';
      if (typeof r.completion === 'string' && problem.format === 'leetcodedataset') kind = isFullFunction(text, problem) ? 'program' : 'completion';
    }
    add(problem, { language, kind, code: text, origin: where });
  }
  return { samples, warnings };
}

/** The sanity run: every reference solution of every problem, as samples. */
export function referenceSamples(problems: Problem[]): Sample[] {
  return problems.flatMap((p) => p.references.map((r, index) => ({ problemId: p.id, index, language: r.language, kind: 'program' as const, code: r.code, origin: 'reference' })));
}
