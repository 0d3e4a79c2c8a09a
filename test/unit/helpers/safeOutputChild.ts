// A process that is in the middle of writing an output when the test signals or kills it: opens a
// SafeOutput for argv[2], writes part of it, prints the temporary file's path, then waits.
import { SafeOutput } from '../../../src/core/shared/safeOutput';

const out = SafeOutput.open(process.argv[2]);
out.write('half of the output\n');
process.stdout.write(`${out.temp}\n`);
setInterval(() => undefined, 1000);
