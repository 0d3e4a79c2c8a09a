/**
 * The sandbox's own programs, which are real source files beside this one (linted and tested as
 * Python and JavaScript): boot.py, pyvalues.py, harness.py, rewardfn.py, forkserver.py and driver.js. The
 * bundle carries them as text (esbuild.mjs defines RL_SANDBOX_SOURCES); run from source (tests,
 * benchmarks) they are read from this folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

declare const RL_SANDBOX_SOURCES: Record<string, string> | undefined;

export const SANDBOX_FILES = ['boot.py', 'pyvalues.py', 'harness.py', 'rewardfn.py', 'forkserver.py', 'driver.js'] as const;
export type SandboxFile = (typeof SANDBOX_FILES)[number];

const cache = new Map<string, string>();

export function sandboxSource(name: SandboxFile): string {
  if (typeof RL_SANDBOX_SOURCES !== 'undefined') return RL_SANDBOX_SOURCES[name];
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(__dirname, name), 'utf8');
    cache.set(name, text);
  }
  return text;
}
