/**
 * npm run bench (evalplus.ts) — HumanEval+ verdicts against EvalPlus's own: real CodeGen-16B samples
 * (the ones CodeT published, cut as CodeT cuts them; 20 per task for HumanEval/0–81 by default,
 * `--per-task N`) judged by `reasoning-lab`'s sandbox on HumanEvalPlus-v0.1.10 and by EvalPlus's
 * `untrusted_check` (its expected outputs from its `trusted_exec`, fast check as its CLI does), in the
 * same run. Reports how many base and base+extra verdicts agree, lists the ones that differ, and how
 * many samples pass HumanEval's base inputs but fail the extra ones.
 *
 * EvalPlus is not on a registry this project reaches: put a checkout of github.com/evalplus/evalplus
 * (its `evalplus/` folder is enough) in $REASONING_LAB_CACHE/evalplus (default
 * ~/.cache/reasoning-lab/evalplus), with python3-numpy and python3-psutil; otherwise this is skipped.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { evaluate, loadProblemSet, loadSamples } from '../src/core/eval';

const DATA = [process.env.REASONING_LAB_DATA, path.join(__dirname, '..', '..', 'shared', 'data'), '/work/shared/data'].find((d) => d && fs.existsSync(path.join(d, 'HumanEval.jsonl.gz')))!;
const CACHE = process.env.REASONING_LAB_CACHE || path.join(os.homedir(), '.cache', 'reasoning-lab');
const STOPS = ['\nclass', '\ndef', '\n#', '\nif', '\nprint'];
const cut = (s: string) => STOPS.reduce((end, stop) => (s.indexOf(stop) >= 0 ? Math.min(end, s.indexOf(stop)) : end), s.length);

/** Drives EvalPlus's own functions on the samples; one JSON line per sample: base and plus status. */
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
from concurrent.futures import ProcessPoolExecutor
from evalplus.eval import untrusted_check, PASS
from evalplus.gen.util import trusted_exec
problems = {}
import gzip
for line in gzip.open(sys.argv[2], 'rt'):
    p = json.loads(line); problems[p['task_id']] = p
samples = [json.loads(l) for l in open(sys.argv[3])]
need = {s['task_id'] for s in samples}
truth = {}
for tid in need:
    p = problems[tid]
    code = p['prompt'] + p['canonical_solution']
    truth[tid] = {part: trusted_exec(code, p[part + '_input'], p['entry_point'], record_time=True) for part in ('base', 'plus')}
def check(i):
    s = samples[i]; p = problems[s['task_id']]
    code = p['prompt'] + s['completion']
    out = {}
    for part in ('base', 'plus'):
        exp, t = truth[s['task_id']][part]
        out[part] = untrusted_check('humaneval', code, p[part + '_input'], p['entry_point'], expected=exp, atol=p['atol'], ref_time=t, fast_check=True)[0]
    return i, out
with ProcessPoolExecutor(max_workers=2) as ex:
    for i, out in ex.map(check, range(len(samples))):
        print(json.dumps({'i': i, 'base': out['base'] == PASS, 'plus': out['base'] == PASS and out['plus'] == PASS}), flush=True)
`;

async function main() {
  const perTask = Number(process.argv[process.argv.indexOf('--per-task') + 1]) || 20;
  const evalplus = path.join(CACHE, 'evalplus');
  if (!fs.existsSync(path.join(evalplus, 'evalplus', 'eval', '__init__.py'))) {
    console.log(`evalplus: skipped: EvalPlus not found in ${evalplus} (put a checkout of github.com/evalplus/evalplus there to compare verdicts)`);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-evalplus-'));
  try {
    const samplesFile = path.join(work, 'samples.jsonl');
    const rows: { task_id: string; completion: string }[] = [];
    for (const line of zlib.gunzipSync(fs.readFileSync(path.join(DATA, 'codet_humaneval_codegen16B_dev.jsonl.gz'))).toString('utf8').trim().split('\n')) {
      const r = JSON.parse(line) as { task_id: string; solutions: string[] };
      for (const s of r.solutions.slice(0, perTask)) rows.push({ task_id: r.task_id, completion: s.slice(0, cut(s)) });
    }
    fs.writeFileSync(samplesFile, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const plusFile = path.join(DATA, 'HumanEvalPlus-v0.1.10.jsonl.gz');
    console.log(`evalplus: HumanEval+ verdicts on ${rows.length} real CodeGen samples (${perTask} per task), reasoning-lab against EvalPlus`);
    const set = loadProblemSet(plusFile);
    const { samples } = loadSamples(samplesFile, set.problems);
    const t0 = Date.now();
    const run = await evaluate(set.problems.filter((p) => samples.some((s) => s.problemId === p.id)), samples, { jobs: 2, calibrate: false });
    const ours = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    const r = spawnSync('/usr/bin/python3', ['-c', DRIVER, evalplus, plusFile, samplesFile], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const theirs = (Date.now() - t1) / 1000;
    if (r.status !== 0) {
      console.log(`evalplus: EvalPlus failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')} (it needs python3-numpy and python3-psutil)`);
      return;
    }
    const verdicts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { i: number; base: boolean; plus: boolean }).sort((a, b) => a.i - b.i);
    let base = 0;
    let plus = 0;
    const differ: string[] = [];
    run.results.forEach((res, i) => {
      const e = verdicts[i];
      const ob = res.verdict === 'passed';
      const op = res.plus?.verdict === 'passed';
      if (ob === e.base) base++;
      if (op === e.plus) plus++;
      if (ob !== e.base || op !== e.plus) differ.push(`${res.problemId}#${res.sampleIndex} (ours ${res.verdict}/${res.plus?.verdict}: ${(res.plus?.reason ?? res.reason).slice(0, 80)}; EvalPlus ${e.base ? 'pass' : 'fail'}/${e.plus ? 'pass' : 'fail'})`);
    });
    const baseOnly = run.results.filter((x) => x.verdict === 'passed' && x.plus?.verdict !== 'passed').length;
    console.log(`  reasoning-lab: ${ours.toFixed(1)} s; base pass@1 ${run.summary.passAtK['1']?.toFixed(3)}, base + extra pass@1 ${run.summary.passAtKPlus?.['1']?.toFixed(3)}; ${baseOnly} samples pass the base inputs and fail the extra ones`);
    console.log(`  EvalPlus: ${theirs.toFixed(1)} s`);
    console.log(`  same base verdict on ${base} of ${rows.length}, same base + extra verdict on ${plus} of ${rows.length}`);
    for (const d of differ.slice(0, 20)) console.log(`    differ: ${d}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
