/**
 * npm run bench — the code agent (PPO macro + DQN micro) against three pickers on the SAME recorded
 * generations: CodeGen-Mono-16B's 100 solutions and 100 test generations per problem (CodeT's data,
 * HumanEval/0–81). Pass@1 of the one submitted solution per problem, judged by the sandbox on the
 * hidden tests, at budgets of B candidate runs per problem:
 *   random     the expected pass@1 of the first B samples (a random pick)
 *   examples   a random pick among the first B that pass the prompt's examples (all B when none does)
 *   CodeT      dual execution agreement: the first B grouped by the generated tests they pass, the
 *              group with the largest (candidates × tests passed) (expected over its members and ties)
 *   agent      trained on one half of the problems, measured on the other (two folds: even / odd ids),
 *              at most B runs, greedy
 * Goal: beat CodeT at every budget with at most the same runs, and ≥ 2× random from budget 20 up.
 * Every (candidate, test) result and hidden verdict is cached under ~/.cache/reasoning-lab/test-results,
 * so a second run executes nothing.
 *
 *   BENCH_CODE_STEPS=40000 (training decisions per fold)  BENCH_CODE_BUDGETS=5,10,20,50,100
 *   BENCH_CODE_REWARD=0.6,0.3,0.1 (accuracy, efficiency, novelty)  BENCH_CODE_SEED=1  BENCH_CODE_PROBLEMS=82
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CodeEpisode, codeTask, ENV_DEFAULTS, REWARD_DEFAULTS, type CodeTask, type EnvConfig } from '../src/core/agents/code/env';
import { CodeExecutor } from '../src/core/agents/code/executor';
import { cutAtStop, testsFromGeneration } from '../src/core/agents/code/tests';
import { solveCodeTasks, trainCodeAgent } from '../src/core/agents/code/train';
import { loadProblemSet } from '../src/core/eval/problems';
import { ReplayGenerator } from '../src/core/models/generators/replay';

const DATA = process.env.BENCH_CODE_DATA ?? '/work/shared/data';
const REPLAY = path.join(DATA, 'codet_humaneval_codegen16B_dev.jsonl.gz');
const HUMANEVAL = path.join(DATA, 'HumanEval.jsonl.gz');
const STEPS = Number(process.env.BENCH_CODE_STEPS ?? 40_000);
const BUDGETS = (process.env.BENCH_CODE_BUDGETS ?? '5,10,20,50,100').split(',').map(Number);
const [W_ACC, W_EFF, W_NOV] = (process.env.BENCH_CODE_REWARD ?? '0.6,0.3,0.1').split(',').map(Number);
const SEED = Number(process.env.BENCH_CODE_SEED ?? 1);
const LIMIT = Number(process.env.BENCH_CODE_PROBLEMS ?? 82);

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

async function pool<T>(items: T[], lanes: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

interface Table {
  /** Per candidate (recorded order): passes the prompt's examples, passes each generated test, the hidden verdict. */
  examples: boolean[];
  tests: boolean[][];
  hidden: boolean[];
}

async function main() {
  if (!fs.existsSync(REPLAY) || !fs.existsSync(HUMANEVAL)) {
    console.log(`code agent: skipped (${REPLAY} or ${HUMANEVAL} is missing)`);
    return;
  }
  const replay = ReplayGenerator.load(REPLAY);
  // the problems the recordings cover (HumanEval/0–81), cut from HumanEval by task id
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-code-'));
  const cut = path.join(dir, 'problems.jsonl');
  const lines = zlib.gunzipSync(fs.readFileSync(HUMANEVAL)).toString('utf8').split('\n').filter((l) => l.trim());
  fs.writeFileSync(cut, lines.filter((l) => replay.tasks.has(JSON.parse(l).task_id)).slice(0, LIMIT).join('\n') + '\n');
  const executor = await CodeExecutor.create();
  try {
    const prepared = await executor.prepare(loadProblemSet(cut).problems);
    const tasks = prepared.problems.map(codeTask);
    console.log(`code agent: ${tasks.length} problems (HumanEval/0–81), ${replay.tasks.get(tasks[0].problem.id)!.solutions.length} recorded solutions and test generations each (CodeGen-Mono-16B, CodeT)`);

    // every candidate on the examples and all generated tests, and its hidden verdict (cached)
    const t0 = Date.now();
    const before = executor.executions;
    const tables = new Map<string, Table>();
    for (const task of tasks) {
      const rec = replay.tasks.get(task.problem.id)!;
      const tests = [...new Set(rec.tests.flatMap((t) => testsFromGeneration(t, task.problem.entryPoint)))];
      const table: Table = { examples: [], tests: [], hidden: [] };
      await pool([...rec.solutions.keys()].slice(0, Math.max(...BUDGETS)), executor.sandbox.workers * 2, async (i) => {
        const code = cutAtStop(rec.solutions[i]);
        const program = (task.problem.prefix ?? '') + code;
        const r = await executor.runTests(program, [...task.examples, ...tests]);
        table.examples[i] = r.passed.slice(0, task.examples.length).every(Boolean);
        table.tests[i] = r.passed.slice(task.examples.length);
        table.hidden[i] = (await executor.judgeHidden(task.problem, { problemId: task.problem.id, index: i, language: 'python', kind: 'completion', code })).passed;
      });
      tables.set(task.problem.id, table);
    }
    console.log(`executions: ${executor.executions - before} programs run in ${((Date.now() - t0) / 1000).toFixed(0)} s (the rest came from the cache)`);

    const baseline = (id: string, B: number) => {
      const t = tables.get(id)!;
      const n = Math.min(B, t.hidden.length);
      const idx = Array.from({ length: n }, (_, i) => i);
      const rate = (xs: number[]) => mean(xs.map((i) => +t.hidden[i]));
      const pass = idx.filter((i) => t.examples[i]);
      const groups = new Map<string, number[]>();
      for (const i of idx) {
        const key = t.tests[i].map((x) => +x).join('');
        groups.set(key, [...(groups.get(key) ?? []), i]);
      }
      const scored = [...groups.values()].map((g) => ({ g, score: g.length * t.tests[g[0]].filter(Boolean).length }));
      const best = Math.max(...scored.map((s) => s.score));
      const top = scored.filter((s) => s.score === best).flatMap((s) => s.g);
      return { random: rate(idx), examples: rate(pass.length ? pass : idx), codet: rate(top) };
    };

    // the agent: two folds, trained on one half, measured on the other
    const reward = { ...REWARD_DEFAULTS, accuracy: W_ACC, efficiency: W_EFF, novelty: W_NOV };
    const folds = [0, 1].map((f) => tasks.filter((_, i) => i % 2 === f));
    const agentPass = new Map<string, Map<number, { solved: boolean; runs: number }>>();
    for (const [f, test] of folds.entries()) {
      const train = folds[1 - f];
      const t1 = Date.now();
      const { agent, checkpoint } = await trainCodeAgent({ seed: SEED + f, steps: STEPS, budgets: BUDGETS, env: { reward } }, { tasks: train, generator: replay, executor });
      const recent = checkpoint.state.recent;
      console.log(`fold ${f + 1}: trained on ${train.length} problems, ${checkpoint.state.episodes} episodes in ${((Date.now() - t1) / 1000).toFixed(0)} s (last 100: solve rate ${mean(recent.map((r) => +r.solved)).toFixed(2)}, ${mean(recent.map((r) => r.runs)).toFixed(1)} runs)`);
      for (const B of BUDGETS) {
        const env: EnvConfig = { ...ENV_DEFAULTS, budget: B, reward };
        const recs = await solveCodeTasks(agent, test, replay, executor, env);
        for (const r of recs) {
          if (!agentPass.has(r.problemId)) agentPass.set(r.problemId, new Map());
          agentPass.get(r.problemId)!.set(B, { solved: r.outcome.solved, runs: r.outcome.runs });
        }
      }
    }

    console.log('budget   random   examples   CodeT    agent   agent runs   agent/CodeT   agent/random   goal');
    const verdicts: string[] = [];
    for (const B of BUDGETS) {
      const b = tasks.map((t) => baseline(t.problem.id, B));
      const rnd = mean(b.map((x) => x.random));
      const ex = mean(b.map((x) => x.examples));
      const ct = mean(b.map((x) => x.codet));
      const ag = mean(tasks.map((t) => +agentPass.get(t.problem.id)!.get(B)!.solved));
      const runs = mean(tasks.map((t) => agentPass.get(t.problem.id)!.get(B)!.runs));
      const met = ag > ct && (B < 20 || ag >= 2 * rnd);
      verdicts.push(`${B}: ${met ? 'met' : 'NOT met'}`);
      const pct = (x: number) => `${(x * 100).toFixed(1)} %`.padStart(8);
      console.log(`${String(B).padStart(6)} ${pct(rnd)} ${pct(ex)}   ${pct(ct)} ${pct(ag)}   ${runs.toFixed(1).padStart(6)} / ${String(B).padEnd(3)}   ${(ag / Math.max(1e-9, ct)).toFixed(2).padStart(8)}×   ${(ag / Math.max(1e-9, rnd)).toFixed(2).padStart(9)}×   ${met ? 'met' : 'NOT met'}`);
    }
    console.log(`goal (beat CodeT with ≤ its runs; ≥ 2× random from budget 20) by budget — ${verdicts.join(', ')}`);
  } finally {
    await executor.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
