// Checkpoint comparison (src/core/compare): rollout files and eval runs of the same prompts joined per
// prompt by id or prompt text, metrics per prompt and file, deltas, rankings, unknowns kept unknown,
// bad and missing input, and a large generated file read through the streaming index in bounded memory.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { aggregateFile, compareCheckpoints } from '../../src/core/compare';
import { ROOT } from './helpers/runCli';

const FIX = path.join(ROOT, 'test', 'fixtures', 'traces');
const made: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-compare-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const jsonl = (file: string, rows: unknown[]) => fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
const think = (body: string, answer: string) => `<think>\n${body}\n</think>\n\nThe answer is ${answer}.`;

test('join by id: per-prompt reward, pass rate (0/1 rewards), spread, CoT length and reflections, deltas and rankings', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'step100.jsonl');
  const b = path.join(dir, 'step200.jsonl');
  // step 100: p1 half right, p2 all right, p3 all wrong; one sample per line, groups by prompt_id
  jsonl(a, [
    { prompt_id: 'p1', step: 100, prompt: 'What is 2+2?', completion: think('2+2 is 4.', '4'), reward: 1 },
    { prompt_id: 'p1', step: 100, prompt: 'What is 2+2?', completion: think('2+2 is 5.', '5'), reward: 0 },
    { prompt_id: 'p2', step: 100, prompt: 'What is 3+3?', completion: think('3+3 is 6.', '6'), reward: 1 },
    { prompt_id: 'p2', step: 100, prompt: 'What is 3+3?', completion: think('3+3 is 6.', '6'), reward: 1 },
    { prompt_id: 'p3', step: 100, prompt: 'What is 4+4?', completion: think('4+4 is 9.', '9'), reward: 0 },
    { prompt_id: 'p3', step: 100, prompt: 'What is 4+4?', completion: think('4+4 is 7.', '7'), reward: 0 },
  ]);
  // step 200, in another order: p1 all right with a reflection, p2 broken, p3 unchanged; p4 is new
  jsonl(b, [
    { prompt_id: 'p3', step: 200, prompt: 'What is 4+4?', completion: think('4+4 is 9.', '9'), reward: 0 },
    { prompt_id: 'p2', step: 200, prompt: 'What is 3+3?', completion: think('3+3 is 7.', '7'), reward: 0 },
    { prompt_id: 'p1', step: 200, prompt: 'What is 2+2?', completion: think('2+2 is 5.\n\nWait, let me check again. 2+2 is 4.', '4'), reward: 1 },
    { prompt_id: 'p4', step: 200, prompt: 'What is 5+5?', completion: think('10.', '10'), reward: 1 },
    { prompt_id: 'p1', step: 200, prompt: 'What is 2+2?', completion: think('2+2 is 4.', '4'), reward: 1 },
    { prompt_id: 'p2', step: 200, prompt: 'What is 3+3?', completion: think('3+3 is 6.', '6'), reward: 1 },
    { prompt_id: 'p3', step: 200, prompt: 'What is 4+4?', completion: think('4+4 is 8.', '8'), reward: 0 },
  ]);
  const { comparison: c } = await compareCheckpoints([a, b], { by: 'reward', top: 5 });
  assert.deepEqual(c.join.by, 'id');
  assert.equal(c.common, 3);
  assert.equal(c.partial, 1, 'p4 is only in the second file');
  assert.deepEqual(c.files.map((f) => [f.prompts, f.notInAll, f.binaryRewards]), [[3, 0, true], [4, 1, true]]);

  assert.deepEqual(c.regressions.map((r) => r.key), ['id:p2']);
  assert.deepEqual(c.improvements.map((r) => r.key), ['id:p1']);
  const p1 = c.improvements[0];
  assert.equal(p1.prompt, 'What is 2+2?');
  assert.equal(p1.perFile[0]!.meanReward, 0.5);
  assert.equal(p1.perFile[0]!.passRate, 0.5, '0/1 rewards count as verdicts');
  assert.equal(p1.perFile[0]!.advantageSpread, 0.5);
  assert.equal(p1.perFile[1]!.advantageSpread, 0, 'all right: no learning signal');
  assert.equal(p1.perFile[0]!.meanReflections, 0);
  assert.equal(p1.perFile[1]!.meanReflections, 0.5, 'the "Wait, let me check" step counts as a reflection');
  assert.ok(p1.total.length! > 0, 'the reflecting sample is longer');
  assert.deepEqual(p1.total.reward, 0.5);
  assert.deepEqual(p1.refs, [[{ entry: 0, sub: 0 }, { entry: 1, sub: 0 }], [{ entry: 2, sub: 0 }, { entry: 4, sub: 0 }]]);
  const p2 = c.regressions[0];
  assert.equal(p2.total.pass, -0.5);
  assert.equal(p2.steps.length, 1);
  assert.deepEqual(p2.steps[0], p2.total);

  // the curve is over the 3 common prompts only (p4's reward 1 would lift file 2)
  assert.equal(c.curve[0].meanReward, (0.5 + 1 + 0) / 3);
  assert.equal(c.curve[1].meanReward, (1 + 0.5 + 0) / 3);
  assert.equal(c.curve[0].judged, 6);
  assert.equal(c.curve[1].judged, 6);
  assert.equal(c.curve[0].zeroSpreadPrompts, 2);
  assert.ok(Math.abs(c.curveSteps[0].reward!) < 1e-12);
  assert.equal(c.unranked, 0, 'every common prompt has a reward in both files');
  assert.ok(![...c.regressions, ...c.improvements].some((r) => r.key === 'id:p3'), 'p3 did not change: in neither table');
});

test('join by prompt text when a file has no ids; "id" forced then matches nothing across them', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.json');
  jsonl(a, [
    { prompt_id: 'x1', prompt: 'Name a prime.', completions: ['2', '4'], rewards: [1, 0] },
    { prompt_id: 'x2', prompt: 'Name an even number.', completions: ['3', '4'], rewards: [0, 1] },
  ]);
  fs.writeFileSync(b, JSON.stringify([{ prompt: 'Name a prime.', completion: '9', reward: 0 }, { prompt: 'Name an even number.', completion: '8', reward: 1 }, { prompt: 'Something else', completion: 'x', reward: 1 }]));
  const { comparison: c } = await compareCheckpoints([a, b]);
  assert.equal(c.join.by, 'prompt');
  assert.match(c.join.reason, /b\.json has prompts without an id/);
  assert.equal(c.common, 2);
  assert.equal(c.partial, 1);
  assert.deepEqual(c.regressions.map((r) => [r.prompt, r.total.reward]), [['Name a prime.', -0.5]]);
  assert.deepEqual(c.improvements.map((r) => [r.prompt, r.total.reward]), [['Name an even number.', 0.5]]);

  const byId = await compareCheckpoints([a, b], { join: 'id' });
  assert.equal(byId.comparison.common, 0);
  assert.equal(byId.comparison.partial, 5);
});

test('unknown stays unknown: rewards that are not verdicts give no pass rate, and such prompts are not ranked by pass', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  jsonl(a, [{ prompt_id: 'q', prompt: 'Q', completions: ['a', 'b'], rewards: [0.2, 0.7] }]);
  jsonl(b, [{ prompt_id: 'q', prompt: 'Q', completions: ['a', 'b'], rewards: [0.9, 0.8] }]);
  const { comparison: c } = await compareCheckpoints([a, b], { by: 'pass' });
  assert.equal(c.curve[0].passRate, null);
  assert.equal(c.curve[0].judged, 0);
  assert.equal(c.unranked, 1);
  assert.deepEqual([c.regressions.length, c.improvements.length], [0, 0]);
  const byReward = await compareCheckpoints([a, b], { by: 'reward' });
  assert.equal(byReward.comparison.improvements[0].perFile[1]!.passRate, null);
  assert.ok(Math.abs(byReward.comparison.improvements[0].total.reward! - 0.4) < 1e-12);

  // no reward at all: reward and spread unknown, length known
  jsonl(a, [{ prompt_id: 'q', prompt: 'Q', completion: think('Hmm.', '1') }]);
  const none = await compareCheckpoints([a, b]);
  assert.equal(none.comparison.curve[0].meanReward, null);
  assert.equal(none.comparison.curve[0].meanSpread, null);
  assert.equal(typeof none.comparison.curve[0].meanCotTokens, 'number');
});

test('a file\'s own verdicts (is_solved) are pass rates; real data: Reflexion HumanEval runs of GPT-3.5 and GPT-4 on the same tasks, by task id', async () => {
  const files = ['gpt35', 'gpt4'].map((m) => path.join(FIX, `reflexion_humaneval_${m}.jsonl`));
  const rows = files.map((f) => new Map(fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.task_id as string, r.is_solved === true])));
  const { comparison: c } = await compareCheckpoints(files, { by: 'pass', top: 200 });
  assert.equal(c.join.by, 'id');
  assert.equal(c.common, 12);
  assert.deepEqual(c.curve.map((p) => p.passRate), rows.map((m) => [...m.values()].filter(Boolean).length / 12));
  // exactly the tasks GPT-3.5 solved and GPT-4 did not are regressions, and the other way improvements
  const changed = (from: boolean) => [...rows[0].keys()].filter((k) => rows[0].get(k) === from && rows[1].get(k) === !from).sort();
  assert.deepEqual(c.regressions.map((r) => r.key.slice(3)).sort(), changed(true));
  assert.deepEqual(c.improvements.map((r) => r.key.slice(3)).sort(), changed(false));
  assert.ok(c.improvements.length > 0);
});

test('real R1 traces against R1-Distill-Llama-70B on the same Misguided Attention prompts: CoT length and reflections, no verdicts', async () => {
  const files = [path.join(FIX, 'r1_distill_llama70b_outputs.json'), path.join(FIX, 'r1_misguided_groups.json')];
  const { comparison: c } = await compareCheckpoints(files, { by: 'length' });
  assert.equal(c.common, 3);
  assert.equal(c.files[0].notInAll, 49);
  assert.equal(c.curve[1].passRate, null);
  assert.equal(c.curve[1].meanReward, null);
  assert.ok(c.curve[1].meanCotTokens! > c.curve[0].meanCotTokens!, "R1's separate thinking field is its CoT");
  assert.ok(c.curve[1].meanReflections! > 0);
  assert.equal(c.improvements.length + c.regressions.length, 3);
});

test('eval runs are joined by problem id with their verdicts (the runs the Eval Dashboard compares)', async () => {
  const dir = tempDir();
  const protections = { forkServer: true, network: false, pidNamespace: false, uid: false, privateTmp: [], rlimitCpu: true, rlimitMemory: true, rlimitProcesses: true, rlimitFileSize: true, basics: true, notes: [] };
  const run = (name: string, results: [string, number, string][]) => {
    const file = path.join(dir, `${name}.jsonl`);
    const ids = [...new Set(results.map((r) => r[0]))];
    const header = { type: 'header', version: 1, runId: name, createdAt: '2026-01-01T00:00:00Z', k: [1], protections, timeouts: Object.fromEntries(ids.map((i) => [i, 2000])), calibration: null, totalSamples: results.length };
    jsonl(file, [header, ...results.map(([problemId, sampleIndex, verdict]) => ({ type: 'sample', problemId, sampleIndex, language: 'python', verdict, reason: '', wallMs: 3, timeoutMs: 2000, attempts: 1 }))]);
    return file;
  };
  const a = run('a', [['two-sum', 0, 'passed'], ['two-sum', 1, 'failed'], ['fizz', 0, 'passed'], ['gone', 0, 'passed']]);
  const b = run('b', [['two-sum', 0, 'passed'], ['two-sum', 1, 'passed'], ['fizz', 0, 'timeout'], ['new', 0, 'failed']]);
  const { comparison: c } = await compareCheckpoints([a, b], { by: 'pass' });
  assert.deepEqual(c.files.map((f) => f.format), ['eval-run', 'eval-run']);
  assert.equal(c.common, 2);
  assert.equal(c.partial, 2);
  assert.deepEqual(c.improvements.map((r) => [r.key, r.perFile.map((m) => m!.passRate)]), [['id:two-sum', [0.5, 1]]]);
  assert.deepEqual(c.regressions.map((r) => [r.key, r.perFile.map((m) => m!.passRate)]), [['id:fizz', [1, 0]]]);
  assert.equal(c.regressions[0].perFile[0]!.meanCotTokens, null, 'a run has no text: length unknown');
});

test('bad input: malformed lines are named and skipped, an unreadable file is reported and left out, fewer than two readable files is an error', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  fs.writeFileSync(a, [JSON.stringify({ prompt_id: 'p', prompt: 'P', completion: 'x', reward: 1 }), '{"prompt_id": "q", "prompt": ', 'not json at all', JSON.stringify({ prompt_id: 'r', prompt: 'R', completion: 'y', reward: 0 })].join('\n') + '\n');
  jsonl(b, [{ prompt_id: 'p', prompt: 'P', completion: 'x', reward: 0 }, { prompt_id: 'r', prompt: 'R', completion: 'y', reward: 1 }]);
  const missing = path.join(dir, 'missing.jsonl');
  const errors: string[] = [];
  const { comparison: c } = await compareCheckpoints([a, missing, dir, b], {}, { onFileError: (f, m) => errors.push(`${path.basename(f)}: ${m}`) });
  assert.equal(errors.length, 2);
  assert.match(errors[0], /missing\.jsonl: .*(no such file|ENOENT|does not exist)/i);
  assert.match(errors[1], /folder|directory/i);
  assert.equal(c.files.length, 2);
  assert.equal(c.common, 2);
  assert.deepEqual(c.files[0].malformed.map((m) => m.line), [2, 3]);
  await assert.rejects(compareCheckpoints([a, missing], {}, { onFileError: () => undefined }), /at least two readable files \(1 of 2/);
  await assert.rejects(compareCheckpoints([a]), /at least two files/);
  // an empty file, or one with nothing readable, has nothing to compare: named, and left out
  const empty = path.join(dir, 'empty.jsonl');
  fs.writeFileSync(empty, '');
  await assert.rejects(compareCheckpoints([a, empty]), /empty\.jsonl: no samples \(the file is empty\)/);
  fs.writeFileSync(empty, 'garbage\n');
  await assert.rejects(compareCheckpoints([empty, a]), /empty\.jsonl: no readable samples \(1 unreadable entries; line 1: not a JSON object/);
});

test('cancelling stops the pass and keeps what was read', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.jsonl');
  jsonl(a, [{ prompt_id: 'p', prompt: 'P', completion: 'x', reward: 1 }]);
  const controller = new AbortController();
  const r = await compareCheckpoints([a, a, a], {}, { signal: controller.signal, onFile: (i) => i === 1 && controller.abort() });
  assert.equal(r.comparison.cancelled, true);
  assert.equal(r.comparison.files.length, 2);
  const early = new AbortController();
  early.abort();
  await assert.rejects(compareCheckpoints([a, a], {}, { signal: early.signal }), { name: 'AbortError' });
});

/** A rollout log of `prompts` prompts × 8 samples with R1-style traces, written a line at a time (~2 KB a line). */
function writeLargeRollout(file: string, prompts: number, shift: number): number {
  const fd = fs.openSync(file, 'w');
  const filler = 'Let me think about this step by step. '.repeat(40);
  let bytes = 0;
  for (let p = 0; p < prompts; p++) {
    let chunk = '';
    for (let s = 0; s < 8; s++) {
      const reward = (p + s + shift) % 3 === 0 ? 1 : 0;
      chunk += JSON.stringify({ prompt_id: `p${p}`, prompt: `Problem ${p}: compute ${p} * ${s}.`, completion: `<think>\n${filler}\n\nWait, let me check.\n</think>\n\nThe answer is ${p * s}.`, reward }) + '\n';
    }
    fs.writeSync(fd, chunk);
    bytes += Buffer.byteLength(chunk);
  }
  fs.closeSync(fd);
  return bytes;
}

test('a large generated file goes through the streaming index in bounded memory (a 48 MB heap for 2 × 80 MB)', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  const bytes = writeLargeRollout(a, 6000, 0);
  writeLargeRollout(b, 6000, 1);
  assert.ok(bytes > 75e6, `${bytes} bytes`);
  try {
    // the CLI in a child whose heap could not hold one of the files: it must stream
    const child = spawn(process.execPath, ['--max-old-space-size=48', '--import', require.resolve('tsx'), path.join(ROOT, 'src', 'cli.ts'), 'compare', a, b, '--json', '--top', '2'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    const c = JSON.parse(out);
    assert.equal(c.common, 6000);
    assert.equal(c.files[0].samples, 48000);
    assert.equal(c.curve[0].meanReflections, 1);
    assert.equal(c.regressions.length, 2);
    // per prompt a few numbers: the aggregates of 6000 prompts, not the 100 MB
    const agg = await aggregateFile(a);
    assert.equal(agg.prompts.size, 6000);
    assert.ok(agg.prompts.get('id:p0')!.refs.length === 8);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
