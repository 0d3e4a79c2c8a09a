// The built-in LeetCode-style problem set (problems/builtin/): every problem's files are well formed,
// and both reference solutions (Python and JavaScript) pass every test case under the problem's
// compare mode. Each language runs all the tests of a problem in one child process; problems run two
// at a time.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', 'problems', 'builtin');
const FILES = ['problem.md', 'signature.json', 'tests.json', 'solution.py', 'solution.js'];
const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
const COMPARES = ['exact', 'unordered', 'float'] as const;
const TAGS = new Set([
  'arrays', 'strings', 'hash-maps', 'two-pointers', 'sliding-window', 'stacks', 'queues', 'heaps',
  'binary-search', 'intervals', 'sorting', 'prefix-sums', 'dynamic-programming', 'greedy', 'graphs', 'bfs',
  'dfs', 'topological-sort', 'shortest-paths', 'union-find', 'trees', 'matrices', 'bit-manipulation', 'math',
  'divide-and-conquer',
]);
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PY_IDENT = /^[a-z_][a-z0-9_]*$/;
const JS_IDENT = /^[a-zA-Z_$][a-zA-Z0-9_$]*$/;
const MAX_TESTS_BYTES = 200_000;
const RUN_TIMEOUT_MS = 60_000;

interface Side { entry: string; params: string[] }
interface Signature { python: Side; javascript: Side; compare?: (typeof COMPARES)[number] }
interface Case { input: unknown[]; expected: unknown }
interface Outcome { ok: boolean; value?: unknown; error?: string }
interface FrontMatter { id?: string; title?: string; difficulty?: string; tags?: string[] }

const slugs = readdirSync(ROOT)
  .filter((n) => !n.startsWith('_') && !n.startsWith('.') && statSync(join(ROOT, n)).isDirectory())
  .sort();

/** The front matter between the leading `---` lines: `key: value`, with `tags: [a, b]` as a list. */
function parseFrontMatter(text: string): { meta: FrontMatter; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  assert.ok(m, 'problem.md starts with front matter between --- lines');
  const meta: Record<string, unknown> = {};
  for (const line of m[1].split(/\r?\n/)) {
    if (!line.trim()) continue;
    const kv = /^([a-z]+):\s*(.*)$/.exec(line);
    assert.ok(kv, `front matter line "${line}" is key: value`);
    const value = kv[2].trim();
    meta[kv[1]] = /^\[.*\]$/.test(value)
      ? value.slice(1, -1).split(',').map((t) => t.trim()).filter(Boolean)
      : value;
  }
  return { meta: meta as FrontMatter, body: m[2] };
}

function readJson<T>(slug: string, file: string): T {
  return JSON.parse(readFileSync(join(ROOT, slug, file), 'utf8')) as T;
}

const PY_DRIVER = `
import importlib.util, json, sys, traceback
sys.setrecursionlimit(100000)
spec = importlib.util.spec_from_file_location('solution', sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
fn = getattr(mod, sys.argv[2])
out = []
for case in json.load(sys.stdin):
    try:
        out.append({'ok': True, 'value': fn(*case['input'])})
    except Exception:
        out.append({'ok': False, 'error': traceback.format_exc(limit=4)})
sys.stdout.write(json.dumps(out, allow_nan=False))
`;

const JS_DRIVER = `
const fn = require(process.argv[1])[process.argv[2]];
if (typeof fn !== 'function') throw new Error('solution.js does not export ' + process.argv[2]);
let data = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (data += c));
process.stdin.on('end', () => {
  const out = JSON.parse(data).map((c) => {
    try {
      const v = fn(...c.input);
      return { ok: true, value: v === undefined ? null : v };
    } catch (e) {
      return { ok: false, error: String((e && e.stack) || e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
`;

/** Runs one language's reference solution over all the cases in a single child process. */
function runAll(cmd: string, args: string[], cases: Case[]): Promise<Outcome[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) return reject(new Error(`${cmd} exited with ${code ?? signal}\n${stderr}`));
      try {
        resolvePromise(JSON.parse(Buffer.concat(out).toString('utf8')) as Outcome[]);
      } catch (e) {
        reject(new Error(`${cmd} printed no valid JSON (${(e as Error).message})\n${stderr}`));
      }
    });
    child.stdin.on('error', () => {}); // reported through 'close'
    child.stdin.end(JSON.stringify(cases));
  });
}

function closeTo(got: unknown, want: unknown): boolean {
  if (typeof want === 'number' && typeof got === 'number') {
    return Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want));
  }
  if (Array.isArray(want) && Array.isArray(got)) {
    return want.length === got.length && want.every((w, i) => closeTo(got[i], w));
  }
  return JSON.stringify(got) === JSON.stringify(want);
}

const byJson = (a: unknown, b: unknown) => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

function checkOutcome(mode: string, got: Outcome, want: unknown, label: string) {
  assert.ok(got.ok, `${label} raised:\n${got.error}`);
  if (mode === 'float') {
    assert.ok(closeTo(got.value, want), `${label}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got.value)}`);
  } else if (mode === 'unordered') {
    assert.ok(Array.isArray(got.value), `${label}: expected a list, got ${JSON.stringify(got.value)?.slice(0, 200)}`);
    assert.deepStrictEqual([...(got.value as unknown[])].sort(byJson), [...(want as unknown[])].sort(byJson), label);
  } else {
    assert.deepStrictEqual(got.value, want, label);
  }
}

test('the set: at least 40 problems across difficulties, listed in the README with the license', () => {
  assert.ok(slugs.length >= 40, `${slugs.length} problems`);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /written for this project/i);
  assert.match(readme, /\bMIT\b/);
  const counts: Record<string, number> = {};
  const tags = new Set<string>();
  for (const slug of slugs) {
    const { meta } = parseFrontMatter(readFileSync(join(ROOT, slug, 'problem.md'), 'utf8'));
    counts[meta.difficulty!] = (counts[meta.difficulty!] ?? 0) + 1;
    for (const t of meta.tags ?? []) tags.add(t);
    const row = readme.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${slug}\``));
    assert.ok(row, `README lists ${slug}`);
    assert.ok(row.includes(meta.title!) && row.includes(meta.difficulty!), `README row for ${slug} has its title and difficulty`);
  }
  for (const d of DIFFICULTIES) assert.ok((counts[d] ?? 0) >= 10, `${counts[d] ?? 0} ${d} problems`);
  for (const t of ['arrays', 'strings', 'hash-maps', 'two-pointers', 'sliding-window', 'stacks', 'binary-search',
    'intervals', 'dynamic-programming', 'greedy', 'graphs', 'bfs', 'dfs', 'topological-sort', 'shortest-paths',
    'union-find', 'trees', 'bit-manipulation', 'math']) {
    assert.ok(tags.has(t), `some problem is tagged ${t}`);
  }
});

describe('built-in problems', { concurrency: 2 }, () => {
  for (const slug of slugs) {
    it(slug, async () => {
      const dir = join(ROOT, slug);
      assert.match(slug, SLUG);
      for (const f of FILES) assert.ok(existsSync(join(dir, f)), `${slug}/${f} exists`);

      const { meta, body } = parseFrontMatter(readFileSync(join(dir, 'problem.md'), 'utf8'));
      assert.equal(meta.id, slug, 'front matter id is the folder name');
      assert.ok(typeof meta.title === 'string' && meta.title.length > 0, 'front matter has a title');
      assert.ok((DIFFICULTIES as readonly string[]).includes(meta.difficulty ?? ''), `difficulty ${meta.difficulty}`);
      assert.ok(Array.isArray(meta.tags) && meta.tags.length > 0, 'front matter has tags: [..]');
      for (const t of meta.tags) assert.ok(TAGS.has(t), `known tag ${t}`);
      assert.match(body, /\*\*Constraints\*\*/, 'statement has constraints');
      assert.match(body, /\*\*Example/, 'statement has an example');

      const sig = readJson<Signature>(slug, 'signature.json');
      assert.match(sig.python.entry, PY_IDENT);
      assert.match(sig.javascript.entry, JS_IDENT);
      assert.ok(Array.isArray(sig.python.params) && sig.python.params.length > 0);
      assert.equal(sig.javascript.params.length, sig.python.params.length, 'both languages take the same arguments');
      const mode = sig.compare ?? 'exact';
      assert.ok((COMPARES as readonly string[]).includes(mode), `compare ${mode}`);

      const py = readFileSync(join(dir, 'solution.py'), 'utf8');
      const js = readFileSync(join(dir, 'solution.js'), 'utf8');
      assert.match(py, new RegExp(`^def ${sig.python.entry}\\(`, 'm'), 'solution.py defines the entry at top level');
      assert.doesNotMatch(py, /\b(print|open|input|exec|eval)\(|^\s*import\s+(os|sys|subprocess|socket)\b/m, 'solution.py does no I/O');
      assert.match(js, new RegExp(`^function ${sig.javascript.entry.replace(/\$/g, '\\$')}\\(`, 'm'));
      assert.match(js, new RegExp(`module\\.exports\\s*=\\s*\\{\\s*${sig.javascript.entry}\\s*\\}`));
      assert.doesNotMatch(js, /\brequire\(|\bconsole\.|\bprocess\./, 'solution.js has no dependencies and no I/O');

      const raw = readFileSync(join(dir, 'tests.json'), 'utf8');
      assert.ok(raw.length < MAX_TESTS_BYTES, `tests.json is ${raw.length} bytes`);
      const cases = JSON.parse(raw) as Case[];
      assert.ok(Array.isArray(cases) && cases.length >= 8 && cases.length <= 20, `${cases.length} test cases`);
      for (const [i, c] of cases.entries()) {
        assert.ok(Array.isArray(c.input) && c.input.length === sig.python.params.length, `case ${i}: input has one value per parameter`);
        assert.ok('expected' in c, `case ${i} has expected`);
      }
      const distinct = new Set(cases.map((c) => JSON.stringify(c.input)));
      assert.equal(distinct.size, cases.length, 'no duplicate inputs');

      const pyOut = await runAll('python3', ['-c', PY_DRIVER, join(dir, 'solution.py'), sig.python.entry], cases);
      const jsOut = await runAll(process.execPath, ['-e', JS_DRIVER, join(dir, 'solution.js'), sig.javascript.entry], cases);
      assert.equal(pyOut.length, cases.length);
      assert.equal(jsOut.length, cases.length);
      for (const [i, c] of cases.entries()) {
        checkOutcome(mode, pyOut[i], c.expected, `${slug} case ${i} (python)`);
        checkOutcome(mode, jsOut[i], c.expected, `${slug} case ${i} (javascript)`);
      }
    });
  }
});
