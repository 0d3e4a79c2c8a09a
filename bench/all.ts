/** npm run bench — every benchmark in turn: reward scoring (run.ts), the trace index (traces.ts), checkpoint comparison (compare.ts), text scanners on hostile input (scanners.ts), then the rest. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

let failed = 0;
for (const name of ['run.ts', 'traces.ts', 'compare.ts', 'scanners.ts', 'eval.ts', 'evalplus.ts', 'synth.ts', 'codeAgent.ts', 'rm.ts', 'cartpole.ts']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, name)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
