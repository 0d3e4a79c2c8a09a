/**
 * npm run bench — the evaluation sandbox, with its full isolation (bubblewrap workers, a user, pid,
 * ipc, mount and uts namespace per program, limits, seccomp), in two parts, each against a baseline
 * measured in the same run:
 *
 * 1. Throughput: HumanEval's 164 canonical solutions and 1,640 real samples judged by the fork
 *    servers and by the classic way (a fresh sandboxed worker per program); programs/second, the
 *    ratio (goal ≥ 3×), and whether the verdicts are identical.
 * 2. End to end: `reasoning-lab eval` (the CLI, from start to summary) against the official
 *    human-eval harness (`evaluate_functional_correctness`, 2 workers) on the same 1,640 samples
 *    (goal ≥ 3×), and how often their verdicts agree. human-eval is not on a registry this project
 *    can reach: put a checkout of github.com/openai/human-eval in $REASONING_LAB_CACHE/human-eval
 *    (default ~/.cache/reasoning-lab/human-eval; it needs python3-numpy and python3-tqdm), or this
 *    row is skipped with a message.
 *
 * The 1,640 real samples: every Reflexion generation (gpt-4, gpt-3.5-turbo, text-davinci-003: 3 per
 * task, all 164 tasks) and the first 14 CodeGen-16B samples of each task CodeT published
 * (HumanEval/0–81), cut as CodeT cuts them. Run it as an ordinary user to measure what a user gets
 * (as root the workers run as dedicated uids, with the same isolation).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { evaluate, loadProblemSet, loadSamples, referenceSamples, type EvalRun, type Problem, type Sample } from '../src/core/eval';

const DATA = [process.env.REASONING_LAB_DATA, path.join(__dirname, '..', '..', 'shared', 'data'), '/work/shared/data'].find((d) => d && fs.existsSync(path.join(d, 'HumanEval.jsonl.gz')))!;
const CACHE = process.env.REASONING_LAB_CACHE || path.join(os.homedir(), '.cache', 'reasoning-lab');
const ROOT = path.join(__dirname, '..');

/** CodeT's cut: a raw CodeGen sample ends at the first of these (then it continues the official prompt). */
const STOPS = ['\nclass', '\ndef', '\n#', '\nif', '\nprint'];
const cut = (s: string) => STOPS.reduce((end, stop) => (s.indexOf(stop) >= 0 ? Math.min(end, s.indexOf(stop)) : end), s.length);

/** The 1,640 real samples as a human-eval samples file ({task_id, completion}); both harnesses read it. */
function writeRealSamples(file: string): number {
  const rows: { task_id: string; completion: string }[] = [];
  for (const m of ['gpt-4', 'gpt-3.5-turbo', 'text-davinci-003']) {
    for (const line of fs.readFileSync(path.join(DATA, `reflexion_simple_humaneval_${m}.jsonl`), 'utf8').trim().split('\n')) {
      const r = JSON.parse(line);
      rows.push({ task_id: r.task_id, completion: r.solution });
    }
  }
  const codet = zlib.gunzipSync(fs.readFileSync(path.join(DATA, 'codet_humaneval_codegen16B_dev.jsonl.gz'))).toString('utf8').trim().split('\n');
  for (const line of codet) {
    const r = JSON.parse(line) as { task_id: string; solutions: string[] };
    for (const s of r.solutions.slice(0, 14)) rows.push({ task_id: r.task_id, completion: s.slice(0, cut(s)) });
  }
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return rows.length;
}

async function timed(label: string, problems: Problem[], samples: Sample[], classic: boolean): Promise<{ run: EvalRun; rate: number; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const run = await evaluate(problems, samples, { classic, calibrate: false, timeoutMs: 3000, jobs: 2 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = samples.length / seconds;
  console.log(`  ${label.padEnd(40)} ${rate.toFixed(0).padStart(5)} programs/s  (${samples.length} in ${seconds.toFixed(2)} s)`);
  return { run, rate, seconds };
}

const counts = (run: EvalRun) =>
  Object.entries(run.summary.verdicts)
    .filter(([, n]) => n)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

async function throughput(set: ReturnType<typeof loadProblemSet>, samplesFile: string) {
  const suites: [string, Sample[]][] = [
    ['164 canonical solutions', referenceSamples(set.problems)],
    ['1,640 real samples', loadSamples(samplesFile, set.problems).samples],
  ];
  for (const [name, samples] of suites) {
    console.log(`${name}:`);
    const fork = await timed('fork servers (one per core)', set.problems, samples, false);
    const classic = await timed('classic (a fresh sandboxed worker each)', set.problems, samples, true);
    const same = fork.run.results.every((r, i) => r.verdict === classic.run.results[i].verdict);
    const ratio = fork.rate / classic.rate;
    console.log(`  ratio ${ratio.toFixed(2)}× (goal ≥ 3×: ${ratio >= 3 ? 'met' : 'NOT met'}); verdicts identical: ${same ? 'yes' : 'NO'}; ${counts(fork.run)}; judged in-process ${fork.run.summary.inProcess}; pass@1 ${fork.run.summary.passAtK['1']?.toFixed(3)}`);
    if (name.startsWith('164')) {
      const p = fork.run.header.protections;
      console.log(`  sandbox: ${p.version === 2 ? `uid ${p.uid}${p.dedicatedUid ? ' (dedicated; the bench ran as root)' : ' (an ordinary user)'}, bubblewrap ${p.bubblewrap || 'NOT used'}, namespaces ${p.namespaces.join('/')}, seccomp ${p.seccomp.length ? 'yes' : 'no'}` : 'legacy'}`);
    }
  }
}

/** human-eval's own harness on the samples file: seconds and its per-sample verdicts (or why not). */
function humanEval(samplesFile: string, problemFile: string): { seconds: number; passed: boolean[] } | string {
  const dir = path.join(CACHE, 'human-eval');
  if (!fs.existsSync(path.join(dir, 'human_eval', 'evaluation.py'))) return `human-eval not found in ${dir} (put a checkout of github.com/openai/human-eval there to measure against it)`;
  const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nfrom human_eval.evaluation import evaluate_functional_correctness as f\nprint(json.dumps(f(${JSON.stringify(samplesFile)}, k=[1], n_workers=2, timeout=3.0, problem_file=${JSON.stringify(problemFile)})))`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', maxBuffer: 64 << 20, cwd: path.dirname(samplesFile) });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) return `human-eval failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')} (it needs python3-numpy and python3-tqdm)`;
  const results = fs.readFileSync(samplesFile + '_results.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l).passed as boolean);
  return { seconds, passed: results };
}

async function endToEnd(samplesFile: string) {
  console.log('end to end, 1,640 real samples (2 workers each):');
  const problemFile = path.join(DATA, 'HumanEval.jsonl.gz');
  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'ignore' });
  // the first run converts HumanEval's asserts to cases and keeps them in its cache folder (empty
  // here); the second, as every later run of a user on the same problems, reuses them
  const cliCache = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-cli-cache-'));
  const runs: { label: string; seconds: number; out: string }[] = [];
  try {
    for (const label of ['first run (converts the tests)', 'later runs (converted tests kept)']) {
      const out = samplesFile.replace(/\.jsonl$/, `.run${runs.length}.jsonl`);
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [cli, 'eval', problemFile, '--samples', samplesFile, '--jobs', '2', '--out', out], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, REASONING_LAB_CACHE: cliCache } });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r.status !== 0) {
        console.log(`  reasoning-lab eval failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        return;
      }
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
      console.log(`  reasoning-lab eval (CLI), ${label.padEnd(34)} ${seconds.toFixed(2)} s  pass@1 ${summary.passAtK['1']?.toFixed(3)} (${summary.passed} passed, judged in-process ${summary.inProcess})`);
      runs.push({ label, seconds, out });
    }
  } finally {
    fs.rmSync(cliCache, { recursive: true, force: true });
  }
  const he = humanEval(samplesFile, problemFile);
  if (typeof he === 'string') {
    console.log(`  human-eval: skipped: ${he}`);
    return;
  }
  console.log(`  human-eval evaluate_functional_correctness ${he.seconds.toFixed(2)} s  pass@1 ${(he.passed.filter(Boolean).length / he.passed.length).toFixed(3)} (per-sample mean)`);
  for (const run of runs) agreement(run.label, he.seconds / run.seconds, run.out, samplesFile, he.passed);
}

/** The ratio against human-eval and how often the two harnesses' verdicts agree. */
function agreement(label: string, ratio: number, out: string, samplesFile: string, hePassed: boolean[]) {
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l));
  const byIndex = new Map<string, boolean>(lines.map((x) => [`${x.problemId}#${x.sampleIndex}`, x.verdict === 'passed']));
  const rows = fs.readFileSync(samplesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l).task_id as string);
  const seen = new Map<string, number>();
  let agree = 0;
  const differ: string[] = [];
  rows.forEach((task, i) => {
    const k = seen.get(task) ?? 0;
    seen.set(task, k + 1);
    if (byIndex.get(`${task}#${k}`) === hePassed[i]) agree++;
    else differ.push(`${task}#${k}`);
  });
  console.log(`  ${label}: ratio ${ratio.toFixed(2)}× (goal ≥ 3×: ${ratio >= 3 ? 'met' : 'NOT met'}); same verdict on ${agree} of ${rows.length} samples${differ.length ? ` (differ: ${differ.slice(0, 8).join(', ')}${differ.length > 8 ? ', …' : ''})` : ''}`);
}

async function main() {
  const set = loadProblemSet(path.join(DATA, 'HumanEval.jsonl.gz'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-eval-'));
  try {
    const samplesFile = path.join(work, 'samples.jsonl');
    const n = writeRealSamples(samplesFile);
    console.log(`eval: sandboxed HumanEval, ${os.availableParallelism?.() ?? os.cpus().length} cores, ${n} real samples, running as uid ${process.getuid?.()}`);
    if (!process.argv.includes('--end-to-end-only')) await throughput(set, samplesFile);
    await endToEnd(samplesFile);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
