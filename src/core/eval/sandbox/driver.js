'use strict';
// Reasoning Lab's sandbox driver for JavaScript and TypeScript programs (already turned into
// CommonJS by the parent). It runs inside the program's sandbox: loads solution.js, calls the entry
// function on each case's arguments and writes each output on fd 3, one JSON line per case. The
// outputs are compared outside, with expected values this process never sees, so nothing here
// (or anything the program does to it) can decide a verdict.
const fs = require('fs');

const RESULT_FD = 3;
const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const exit = process.reallyExit ? process.reallyExit.bind(process) : process.exit.bind(process);

function emit(obj) {
  const b = Buffer.from(stringify(obj) + '\n');
  let off = 0;
  while (off < b.length) off += writeSync(RESULT_FD, b, off);
}

function finish(obj) {
  if (obj) emit(obj);
  exit(0);
}

const describe = (e) => `${(e && e.name) || 'Error'}: ${String(e && e.message).slice(0, 500)}`;
const stackOf = (e) => String((e && e.stack) || e).slice(0, 6000);

const job = JSON.parse(fs.readFileSync('job.json', 'utf8'));
fs.unlinkSync('job.json');
const src = fs.readFileSync('solution.js', 'utf8');
const entry = job.entry;

let found;
try {
  const factory = new Function(
    'module',
    'exports',
    'require',
    `${src}\n;return [typeof ${entry} === "function" ? ${entry} : undefined, typeof Solution === "function" ? Solution : undefined];`,
  );
  const mod = { exports: {} };
  const [fn, Solution] = factory(mod, mod.exports, require);
  const ex = mod.exports;
  found = (ex && typeof ex[entry] === 'function' && ex[entry]) || (typeof ex === 'function' && ex) || fn;
  if (!found && Solution) {
    const inst = new Solution();
    if (typeof inst[entry] === 'function') found = inst[entry].bind(inst);
  }
} catch (e) {
  if (e instanceof SyntaxError) finish({ syntax_error: { message: String(e.message) }, tb: stackOf(e) });
  finish({ load_error: describe(e), tb: stackOf(e) });
}
if (typeof found !== 'function') finish({ load_error: `the program defines no function ${entry}` });

for (let i = 0; i < job.cases.length; i++) {
  let got;
  try {
    got = found(...structuredClone(job.cases[i]));
  } catch (e) {
    finish({ i, error: describe(e), tb: stackOf(e) });
  }
  let text;
  try {
    text = got === undefined ? undefined : stringify(got);
  } catch (e) {
    finish({ i, unencodable: `not a JSON value (${describe(e)})` });
  }
  if (text === undefined) emit({ i, undefined: true });
  else {
    const line = Buffer.from(`{"i":${i},"v":${text}}\n`);
    let off = 0;
    while (off < line.length) off += writeSync(RESULT_FD, line, off);
  }
}
finish({ done: job.cases.length });
