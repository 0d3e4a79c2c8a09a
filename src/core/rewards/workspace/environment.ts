/**
 * What a workspace reward function runs with: the Python (the sandbox's own, or the interpreter of
 * the virtual environment the spec names, with that environment's sys.path) and the module's source.
 *
 * Only these reach the sandbox: the virtual environment's folder, bound read-only into the worker's
 * view (see isolation.ts: an interpreter's prefixes are bound), and the module file's text, read here
 * and handed over in the job. The module's folder, the rest of the workspace and the user's home stay
 * out of the sandbox's view.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultPython } from '../../eval/sandbox/pool';
import { errorMessage } from '../../shared/errors';

export interface PythonEnvironment {
  /** The interpreter the sandbox starts (the virtual environment's, when there is one). */
  python: string;
  /** The virtual environment's sys.path (set inside the sandbox, whose interpreter is the base one). */
  sysPath?: string[];
  /** The virtual environment's folder, absolute. */
  venv?: string;
}

/** A module for the sandbox: a workspace file's text, or a name to import from the environment. */
export type ModuleSource = { path: string; source: string } | { name: string };

/** Folders every sandboxed program gets fresh and empty (forkserver.py PRIVATE_DIRS): nothing under them is seen. */
const SANDBOX_PRIVATE_DIRS = ['/tmp', '/dev/shm', '/run', '/var/tmp'];

/** Largest module file handed to the sandbox. */
const MODULE_MAX_BYTES = 4 * 2 ** 20;

const environments = new Map<string, { stamp: string; env: PythonEnvironment }>();

/**
 * The environment of a spec's `venv` (relative to `root`), or the sandbox's default Python when it has
 * none. Throws an Error whose message says what is wrong with the folder.
 */
export async function pythonEnvironment(venv: string | undefined, root: string): Promise<PythonEnvironment> {
  if (!venv) return { python: defaultPython() };
  const dir = path.resolve(root, venv);
  const marker = ['pyvenv.cfg', 'conda-meta'].map((m) => path.join(dir, m)).find((m) => fs.existsSync(m));
  if (!fs.existsSync(dir)) throw new Error(`the virtual environment "${venv}" does not exist (looked for ${dir})`);
  if (!marker) throw new Error(`"${venv}" is not a virtual environment: ${dir} has no pyvenv.cfg (python -m venv) or conda-meta (conda)`);
  const real = fs.realpathSync(dir);
  const hidden = process.platform === 'linux' ? SANDBOX_PRIVATE_DIRS.find((d) => real === d || real.startsWith(d + '/')) : undefined;
  if (hidden) {
    throw new Error(`the virtual environment "${venv}" is under ${hidden} (${real}), which the sandbox replaces with an empty folder of its own for every program: create it elsewhere, e.g. in the workspace`);
  }
  const python = [path.join(dir, 'bin', 'python3'), path.join(dir, 'bin', 'python')].find((p) => fs.existsSync(p));
  if (!python) throw new Error(`the virtual environment "${venv}" has no bin/python`);
  const stamp = String(fs.statSync(marker).mtimeMs);
  const cached = environments.get(dir);
  if (cached?.stamp === stamp) return cached.env;
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(python, ['-I', '-c', 'import json, sys; print(json.dumps([sys.prefix, sys.path]))'], {
      encoding: 'utf8',
      timeout: 20000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    }));
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim().split('\n').pop();
    throw new Error(`cannot start the virtual environment's Python ${python}: ${stderr || errorMessage(err)}`);
  }
  let prefix: string;
  let sysPath: string[];
  try {
    [prefix, sysPath] = JSON.parse(stdout.trim().split('\n').pop() ?? '') as [string, string[]];
  } catch (err) {
    throw new Error(`${python} printed something unexpected (${errorMessage(err)}): ${stdout.slice(0, 200)}`);
  }
  if (path.resolve(prefix) !== real && path.resolve(prefix) !== dir) {
    throw new Error(`${python} does not run in "${venv}" (its sys.prefix is ${prefix})`);
  }
  const env: PythonEnvironment = { python, sysPath: sysPath.filter((p) => p !== ''), venv: dir };
  environments.set(dir, { stamp, env });
  return env;
}

/**
 * The module a function names: a .py path is read from the workspace (it must be inside `root`, after
 * following symlinks, so a spec cannot hand the sandbox a file from elsewhere); a dotted name is left
 * for the sandbox to import. Throws an Error that names the file.
 */
export function readModule(module: string, root: string): ModuleSource {
  if (!module.endsWith('.py')) return { name: module };
  if (path.isAbsolute(module)) throw new Error(`module "${module}" must be a path relative to the workspace`);
  const file = path.resolve(root, module);
  let real: string;
  let rootReal: string;
  try {
    real = fs.realpathSync(file);
    rootReal = fs.realpathSync(root);
  } catch (err) {
    throw new Error(`cannot read ${module}: ${errorMessage(err)}`);
  }
  const inside = path.relative(rootReal, real);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) throw new Error(`module "${module}" is outside the workspace (${real})`);
  const st = fs.statSync(real);
  if (!st.isFile()) throw new Error(`module "${module}" is not a file`);
  if (st.size > MODULE_MAX_BYTES) throw new Error(`module "${module}" is ${st.size} bytes; modules over ${MODULE_MAX_BYTES} bytes are refused`);
  return { path: module.split(path.sep).join('/'), source: fs.readFileSync(real, 'utf8') };
}
