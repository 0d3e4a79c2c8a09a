import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFrontMatter, type Signature } from '../../core/eval';

/**
 * A problem of a folder-format problem set (the built-in set or a workspace one) as the editor lists it:
 * only its front matter and signature (its tests stay on disk).
 */
export interface ProblemInfo {
  id: string;
  title: string;
  difficulty?: string;
  tags: string[];
  dir: string;
  statement: string;
  signature: Partial<Record<'python' | 'javascript', Signature>>;
}

/**
 * Lists the problems of a folder of problem folders (`<slug>/problem.md` + `signature.json` +
 * `tests.json`): the built-in set or a workspace one. Cheap: problem.md and signature.json only; the
 * tests are read by loadProblemSet when a run starts. The id rule is loadWorkspaceProblem's (front
 * matter `id`, else the folder name).
 */
export function listProblems(setDir: string): ProblemInfo[] {
  let names: string[];
  try {
    names = fs.existsSync(path.join(setDir, 'problem.md')) ? [''] : fs.readdirSync(setDir).sort();
  } catch {
    return [];
  }
  const out: ProblemInfo[] = [];
  for (const name of names) {
    const dir = path.join(setDir, name);
    try {
      if (!fs.existsSync(path.join(dir, 'tests.json'))) continue;
      const { meta, body } = parseFrontMatter(fs.readFileSync(path.join(dir, 'problem.md'), 'utf8'));
      const sig = JSON.parse(fs.readFileSync(path.join(dir, 'signature.json'), 'utf8'));
      const slug = path.basename(dir);
      out.push({
        id: typeof meta.id === 'string' && meta.id ? meta.id : slug,
        title: typeof meta.title === 'string' ? meta.title : slug,
        difficulty: typeof meta.difficulty === 'string' ? meta.difficulty : undefined,
        tags: Array.isArray(meta.tags) ? meta.tags : [],
        dir,
        statement: body.trim(),
        signature: { python: sig.python, javascript: sig.javascript },
      });
    } catch {
      // not a problem folder (_tools, README.md)
    }
  }
  return out;
}

/**
 * The problem-set folders of a workspace, from the `signature.json` files found in it: each problem
 * folder (one with problem.md, signature.json and tests.json) makes its parent a set, or itself when it
 * is a workspace root. `skip` are set folders not to list (the built-in set, when the extension's own
 * repository is open). Sorted, without duplicates.
 */
export function problemSetDirs(signatureFiles: string[], roots: string[], skip: string[] = []): string[] {
  const rootSet = new Set(roots.map((r) => path.resolve(r)));
  const skipSet = new Set(skip.map((s) => path.resolve(s)));
  const sets = new Set<string>();
  for (const file of signatureFiles) {
    const dir = path.resolve(path.dirname(file));
    if (!fs.existsSync(path.join(dir, 'problem.md')) || !fs.existsSync(path.join(dir, 'tests.json'))) continue;
    const set = rootSet.has(dir) ? dir : path.dirname(dir);
    if (!skipSet.has(set)) sets.add(set);
  }
  return [...sets].sort();
}

export const SOLUTION_EXTENSIONS = ['.py', '.js', '.ts'];

/** The problem id a solution file is for: `<id>.py`, `<id>.js`, `<id>.ts` (optionally `<id>.<anything>.py`). */
export function problemIdOfSolution(file: string): string {
  return path.basename(file).split('.')[0];
}
