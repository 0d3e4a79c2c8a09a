/**
 * npm run bench — sandboxed evaluation throughput: HumanEval's 164 canonical solutions and a
 * samples file of 10 samples per problem (real reflexion generations of gpt-4, gpt-3.5-turbo and
 * text-davinci-003, the canonical solution, and deliberately broken variants), judged by the fork
 * servers and the classic way (a fresh interpreter per program, same isolation), in this run.
 * Reports programs/second, the ratio, and whether the verdicts are identical. Goal: ≥ 3× on 2 cores.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate, loadProblemSet, referenceSamples, type EvalRun, type Problem, type Sample } from '../src/core/eval';

const DATA = '/work/shared/data';

function samplesFor(problems: Problem[]): Sample[] {
  const gen = new Map<string, string[]>();
  for (const m of ['gpt-4', 'gpt-3.5-turbo', 'text-davinci-003']) {
    for (const line of fs.readFileSync(path.join(DATA, `reflexion_simple_humaneval_${m}.jsonl`), 'utf8').trim().split('\n')) {
      const r = JSON.parse(line);
      gen.set(r.task_id, [...(gen.get(r.task_id) ?? []), r.solution]);
    }
  }
  const out: Sample[] = [];
  for (const p of problems) {
    const canonical = p.references[0].code.slice(p.prefix!.length);
    const variants = [
      ...(gen.get(p.id) ?? []), // 3 real generations (body or whole function)
      canonical,
      canonical.replace(/return /, 'return None and '), // wrong result
      canonical.replace(/\n/, '\n    raise ValueError("broken")\n'), // raises
      canonical + '\n  )(', // syntax error
      '    return None\n',
      '    import sys\n    sys.exit(0)\n', // exiting is not passing
      canonical.replace(/(\n\s*)(\S)/, '$1x = [0] * 10\n$1$2'), // harmless change, passes
    ];
    variants.slice(0, 10).forEach((code, index) => out.push({ problemId: p.id, index, language: 'python', kind: /^def\s/m.test(code) ? 'program' : 'completion', code }));
  }
  return out;
}

async function timed(label: string, problems: Problem[], samples: Sample[], classic: boolean): Promise<{ run: EvalRun; rate: number; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const run = await evaluate(problems, samples, { classic, calibrate: false, timeoutMs: 3000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = samples.length / seconds;
  console.log(`  ${label.padEnd(34)} ${rate.toFixed(0).padStart(5)} programs/s  (${samples.length} in ${seconds.toFixed(2)} s)`);
  return { run, rate, seconds };
}

async function main() {
  const set = loadProblemSet(path.join(DATA, 'HumanEval.jsonl.gz'));
  const suites: [string, Sample[]][] = [
    ['164 canonical solutions', referenceSamples(set.problems)],
    ['10 samples per problem (1640)', samplesFor(set.problems)],
  ];
  console.log(`eval: sandboxed HumanEval, ${os.availableParallelism?.() ?? os.cpus().length} cores`);
  for (const [name, samples] of suites) {
    console.log(`${name}:`);
    const fork = await timed('fork servers (one per core)', set.problems, samples, false);
    const classic = await timed('classic (fresh interpreter each)', set.problems, samples, true);
    const same = fork.run.results.every((r, i) => r.verdict === classic.run.results[i].verdict);
    const v = fork.run.summary.verdicts;
    const counts = Object.entries(v).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`  ratio ${(fork.rate / classic.rate).toFixed(2)}× (goal ≥ 3×: ${fork.rate / classic.rate >= 3 ? 'met' : 'NOT met'}); verdicts identical: ${same ? 'yes' : 'NO'}; ${counts}; pass@1 ${fork.run.summary.passAtK['1']?.toFixed(3)}`);
  }
  console.log(`  protections: ${JSON.stringify(suites.length && (await evaluate(set.problems.slice(0, 1), referenceSamples(set.problems.slice(0, 1)), { calibrate: false })).header.protections)}`);
}

void main();
