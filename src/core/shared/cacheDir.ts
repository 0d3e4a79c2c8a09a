import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The project's cache folder: $REASONING_LAB_CACHE, else $XDG_CACHE_HOME/reasoning-lab, else
 * ~/.cache/reasoning-lab (where scripts/install-code-server.sh puts code-server too).
 */
export function cacheDir(...sub: string[]): string {
  const root = process.env.REASONING_LAB_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'reasoning-lab');
  return path.join(root, ...sub);
}
