/**
 * The converted-tests cache: the second run on the same problems reuses the first run's conversions
 * (the file is trusted: a forged one changes the verdicts, which is why only the user can write it),
 * a changed test is a miss, a broken file is converted again, and a folder others can write is not used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate, loadProblemSet, referenceSamples, type Problem } from '../../src/core/eval';
import { conversionKey, ConvertedTestsCache } from '../../src/core/eval/convertedTestsCache';

const FIX = path.join(__dirname, '..', 'fixtures', 'eval');
const OPTS = { calibrate: false, jobs: 2 } as const;

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-converted-'));
  const cache = path.join(dir, 'cache');
  const problems = loadProblemSet(path.join(FIX, 'humaneval_5.jsonl')).problems;
  return { dir, cache, problems, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const files = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : []);

test('the second run reuses the conversions of the first, with the same verdicts; the folder and files are private', async () => {
  const { cache, problems, done } = setup();
  try {
    const first = await evaluate(problems, referenceSamples(problems), { ...OPTS, convertedTestsCache: cache });
    assert.equal(first.summary.verdicts.passed, 5);
    const kept = files(cache);
    assert.equal(kept.length, 5, 'one file per converted problem');
    assert.equal(fs.statSync(cache).mode & 0o777, 0o700);
    for (const f of kept) assert.equal(fs.statSync(path.join(cache, f)).mode & 0o777, 0o600);
    const before = kept.map((f) => fs.statSync(path.join(cache, f)).mtimeMs);

    // a file the second run reads is what it judges by: forge one and a right answer fails
    const p0 = first.problems![0];
    assert.ok(p0.test.kind === 'cases');
    const read = (f: string) => JSON.parse(fs.readFileSync(path.join(cache, f), 'utf8'));
    const name0 = kept.find((f) => JSON.stringify(read(f).cases) === JSON.stringify(p0.test.kind === 'cases' && p0.test.cases));
    assert.ok(name0, 'the first problem\'s cases are in the cache');
    const file0 = path.join(cache, name0);
    const stored = read(name0);
    assert.equal(stored.cases[0].expected, true);
    stored.cases[0].expected = false;
    fs.writeFileSync(file0, JSON.stringify(stored));
    const second = await evaluate(problems, referenceSamples(problems), { ...OPTS, convertedTestsCache: cache });
    assert.deepEqual(second.results.map((r) => r.verdict), ['failed', 'passed', 'passed', 'passed', 'passed'], 'the forged expected value was used');
    assert.deepEqual(files(cache).filter((f) => path.join(cache, f) !== file0).map((f) => fs.statSync(path.join(cache, f)).mtimeMs), before.filter((_, i) => path.join(cache, kept[i]) !== file0), 'hits are not written again');
  } finally {
    done();
  }
});

test('a broken cache file is converted again and replaced; a changed test is a miss', async () => {
  const { cache, problems, done } = setup();
  try {
    await evaluate(problems.slice(0, 1), referenceSamples(problems.slice(0, 1)), { ...OPTS, convertedTestsCache: cache });
    const [f] = files(cache);
    for (const broken of ['', '{"format":1,', '{"format":1,"cases":[]}', '{"format":1,"cases":[{"args":"x","check":"eq"}]}', '{"format":99,"cases":[{"args":[],"check":"eq"}]}', 'null']) {
      fs.writeFileSync(path.join(cache, f), broken);
      const run = await evaluate(problems.slice(0, 1), referenceSamples(problems.slice(0, 1)), { ...OPTS, convertedTestsCache: cache });
      assert.equal(run.results[0].verdict, 'passed', `after ${JSON.stringify(broken)}`);
      assert.equal(JSON.parse(fs.readFileSync(path.join(cache, f), 'utf8')).format, 1, `rewritten after ${JSON.stringify(broken)}`);
    }
    const p = problems[0];
    assert.ok(p.test.kind === 'python-check');
    const changed: Problem = { ...p, test: { ...p.test, code: p.test.code.replace('assert', 'assert True\n    assert') } };
    const base = { pythonVersion: '3.11.2', reference: p.references[0].code, test: p.test.code, call: p.test.call, candidate: p.test.candidate };
    assert.notEqual(conversionKey(base), conversionKey({ ...base, test: (changed.test as typeof p.test).code }));
    assert.notEqual(conversionKey(base), conversionKey({ ...base, pythonVersion: '3.12.0' }));
    assert.notEqual(conversionKey(base), conversionKey({ ...base, reference: base.reference + '\n' }));
    // fields are length-prefixed: moving text from one field to the next is a different key
    assert.notEqual(conversionKey({ ...base, call: 'ab', candidate: 'c' }), conversionKey({ ...base, call: 'a', candidate: 'bc' }));
  } finally {
    done();
  }
});

test('a cache folder that others can write is not used, and the run says so once', async () => {
  const { cache, problems, done } = setup();
  try {
    fs.mkdirSync(cache, { mode: 0o777 });
    fs.chmodSync(cache, 0o777);
    const warnings: string[] = [];
    const run = await evaluate(problems, referenceSamples(problems), { ...OPTS, convertedTestsCache: cache, onWarning: (w) => warnings.push(w) });
    assert.equal(run.summary.verdicts.passed, 5);
    assert.deepEqual(files(cache), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /converted-tests cache .*cache is not a folder only you can write: it is not used/);
  } finally {
    done();
  }
});

test('a cache that cannot be written: the run goes on and says so once', async () => {
  const { dir, problems, done } = setup();
  try {
    const notADir = path.join(dir, 'file');
    fs.writeFileSync(notADir, 'the user\'s file\n');
    const warnings: string[] = [];
    const run = await evaluate(problems, referenceSamples(problems), { ...OPTS, convertedTestsCache: path.join(notADir, 'cache'), onWarning: (w) => warnings.push(w) });
    assert.equal(run.summary.verdicts.passed, 5);
    assert.equal(fs.readFileSync(notADir, 'utf8'), 'the user\'s file\n');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not be written \(.*\): tests are converted again on every run/);
    assert.ok(new ConvertedTestsCache(path.join(notADir, 'cache')).get('0'.repeat(64)) === undefined);
  } finally {
    done();
  }
});
