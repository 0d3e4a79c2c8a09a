import * as path from 'node:path';

export type WorkerName = 'modelWorker' | 'evalWorker' | 'agentWorker' | 'rewardFunctionWorker' | 'tracesWorker';

/** A worker thread's script in the installed extension: esbuild.mjs bundles each beside dist/extension.js. */
export function workerScript(extensionPath: string, name: WorkerName): string {
  return path.join(extensionPath, 'dist', `${name}.js`);
}
