// Entry point @vscode/test-electron loads inside the extension host: runs every *.test.js bundled beside
// this file with mocha, and (when REASONING_LAB_SUITE_RESULTS names a file) writes the counts there so
// the e2e runner can add them to its closing line.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60000 });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const resultsFile = process.env.REASONING_LAB_SUITE_RESULTS;
      if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ passed, failed: failures }));
      console.log(`extension-host suite: ${passed} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
