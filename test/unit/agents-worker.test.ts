// The agent worker thread (src/workers/agentWorker.ts) run as the extension host runs it, from source:
// training with pause / resume / stop, exact resume from the checkpoint it writes, a search that
// writes readable code, and a corrupt checkpoint's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from '../../src/contracts/agentWorker';
import { startOpenAiServer } from '../fixtures/openaiServer.mjs';

const WORKER = path.resolve(__dirname, '../../src/workers/agentWorker.ts');

/** Starts the worker from source and collects its messages; `onMessage` may answer (pause, stop…). */
function runWorker(start: HostToWorker, onMessage: (m: WorkerToHost, send: (m: HostToWorker) => void) => void = () => {}): Promise<WorkerToHost[]> {
  // a worker cannot start from a .ts path; a small CommonJS shim registers tsx and loads the source
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });
  const seen: WorkerToHost[] = [];
  return new Promise((resolve, reject) => {
    worker.on('message', (m: WorkerToHost) => {
      seen.push(m);
      onMessage(m, (x) => worker.postMessage(x));
    });
    worker.on('error', reject);
    worker.on('exit', () => resolve(seen));
    worker.postMessage(start);
  });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-agent-worker-'));
const agentOf = (file: string) => JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')).agent);

test('synthesis training: pause keeps the state, stop writes a checkpoint, resume continues exactly', async () => {
  const base = { agent: 'synth' as const, problems: { kind: 'generated' as const }, steps: 700, seed: 3, progressEvery: 5 };
  // the uninterrupted run
  const straight = tmp();
  const a = await runWorker({ type: 'train', job: { ...base, runDir: straight } });
  assert.equal(a.find((m) => m.type === 'error'), undefined, JSON.stringify(a.find((m) => m.type === 'error')));
  assert.deepEqual(a.at(-1), { type: 'finished', reason: 'done', step: (a.at(-1) as { step: number }).step, episodes: (a.at(-1) as { episodes: number }).episodes });

  // the same run paused after its second curve point, resumed, then stopped after the next point
  const interrupted = tmp();
  let progress = 0;
  let resumed = false;
  const b = await runWorker({ type: 'train', job: { ...base, runDir: interrupted } }, (m, send) => {
    if (m.type === 'progress' && ++progress === 2) send({ type: 'pause' });
    if (m.type === 'paused') {
      resumed = true;
      send({ type: 'resume' });
    } else if (m.type === 'progress' && resumed) {
      resumed = false;
      send({ type: 'stop' });
    }
  });
  const kinds = b.map((m) => m.type);
  assert.ok(kinds.includes('paused'), kinds.join(' '));
  const stopped = b.at(-1) as Extract<WorkerToHost, { type: 'finished' }>;
  assert.equal(stopped.type, 'finished');
  assert.equal(stopped.reason, 'stopped');
  assert.ok(stopped.step < 700, `stopped early, at ${stopped.step}`);
  const ckpt = b.find((m) => m.type === 'checkpoint') as Extract<WorkerToHost, { type: 'checkpoint' }>;
  assert.equal(ckpt.path, path.join(interrupted, 'checkpoint.json'));
  assert.equal(ckpt.step, stopped.step);
  const episodeLines = fs.readFileSync(path.join(interrupted, 'episodes.jsonl'), 'utf8').trim().split('\n');
  assert.equal(episodeLines.length, stopped.episodes, 'one trace record per episode');
  assert.match(JSON.parse(episodeLines[0]).completion, /^<think>\nStep 1 \[macro\]/);

  // resuming the stopped checkpoint (a new worker, as Resume after Stop does) ends where the straight run ended
  const c = await runWorker({ type: 'train', job: { ...base, runDir: interrupted, resumeFrom: ckpt.path } });
  const started = c.find((m) => m.type === 'started') as Extract<WorkerToHost, { type: 'started' }>;
  assert.equal(started.step, stopped.step);
  assert.ok(started.points.length >= 4, 'the curve so far comes back from the checkpoint');
  assert.equal((c.at(-1) as { reason: string }).reason, 'done');
  assert.equal(agentOf(path.join(interrupted, 'checkpoint.json')), agentOf(path.join(straight, 'checkpoint.json')), 'bit-identical networks, optimizers, buffers and generators');
  assert.equal(fs.readFileSync(path.join(interrupted, 'episodes.jsonl'), 'utf8').trim().split('\n').length, (c.at(-1) as { episodes: number }).episodes);
});

test('solve: a corrupt checkpoint is a clear error; a trained agent writes readable code for a workspace problem', async () => {
  const dir = tmp();
  const problem = path.join(dir, 'problems', 'double-all');
  fs.mkdirSync(problem, { recursive: true });
  fs.writeFileSync(path.join(problem, 'problem.md'), '---\nid: double-all\ntitle: Double All\n---\nDouble every number.\n');
  fs.writeFileSync(path.join(problem, 'signature.json'), JSON.stringify({ python: { entry: 'double_all', params: ['nums'] }, javascript: { entry: 'doubleAll', params: ['nums'] } }));
  const cases = [[1, 2, 3], [0], [-4, 5], [7, 7, 1, 2], [], [10, -1], [3, 3, 3, 3, 3], [100]];
  fs.writeFileSync(path.join(problem, 'tests.json'), JSON.stringify(cases.map((xs) => ({ input: [xs], expected: xs.map((x) => x * 2) }))));

  const corrupt = path.join(dir, 'corrupt.json');
  fs.writeFileSync(corrupt, '{"kind": "reasoning-lab/synth-agent", "version": 1, "agent": {"macro": ');
  const bad = await runWorker({ type: 'solve', job: { checkpoint: corrupt, problemDir: problem, budget: 50, tracesFile: path.join(dir, 'solve.jsonl') } });
  const err = bad.find((m) => m.type === 'error') as Extract<WorkerToHost, { type: 'error' }>;
  assert.ok(err, JSON.stringify(bad));
  assert.match(err.message, /corrupt\.json: not a checkpoint \(invalid JSON/);

  const run = path.join(dir, 'run');
  await runWorker({ type: 'train', job: { agent: 'synth', problems: { kind: 'generated' }, steps: 300, seed: 1, runDir: run } });
  const out = await runWorker({ type: 'solve', job: { checkpoint: path.join(run, 'checkpoint.json'), problemDir: problem, budget: 400, tracesFile: path.join(dir, 'solves', 'double-all.jsonl') } });
  const solved = out.find((m) => m.type === 'solved') as Extract<WorkerToHost, { type: 'solved' }>;
  assert.ok(solved, JSON.stringify(out));
  const o = solved.outcome;
  assert.equal(o.problemId, 'double-all');
  assert.ok(o.solved, `a one-line map *2 within 400 executions: ${JSON.stringify(o)}`);
  assert.match(o.program!.python, /^def double_all\(nums\):\n/);
  assert.match(o.program!.javascript, /function doubleAll\(nums\)/);
  const traces = fs.readFileSync(path.join(dir, 'solves', 'double-all.jsonl'), 'utf8').trim().split('\n');
  assert.equal(traces.length, o.episodes);
  assert.equal(JSON.parse(traces[0]).agent.mode, 'solve');
});

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const HUMANEVAL = path.join(FIXTURES, 'eval', 'humaneval_5.jsonl');
const CODET = path.join(FIXTURES, 'code-agent', 'codet_3.jsonl');

test('code agent training: stop writes a checkpoint, a new worker resumes it exactly', async (t) => {
  // the sandbox's result cache stays in this test's folder (the worker shares the process's environment)
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = tmp();
  t.after(() => (saved === undefined ? delete process.env.XDG_CACHE_HOME : (process.env.XDG_CACHE_HOME = saved)));
  const code = { generator: { kind: 'replay' as const, file: CODET }, budget: 4 };
  const base = { agent: 'code' as const, problems: { kind: 'file' as const, file: HUMANEVAL }, steps: 300, seed: 2, progressEvery: 2, code };
  const straight = tmp();
  const a = await runWorker({ type: 'train', job: { ...base, runDir: straight } });
  assert.equal(a.find((m) => m.type === 'error'), undefined, JSON.stringify(a.find((m) => m.type === 'error')));
  const started = a.find((m) => m.type === 'started') as Extract<WorkerToHost, { type: 'started' }>;
  assert.match(started.warnings.join('\n'), /HumanEval\/1: skipped: .*codet_3\.jsonl has no recorded generations for it/);
  assert.ok(a.some((m) => m.type === 'progress' && m.point.solveRate !== null && m.point.meanLength >= 0));
  // the episodes file: one reasoning path per episode
  const episodes = fs.readFileSync(path.join(straight, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(episodes.length, (a.at(-1) as { episodes: number }).episodes);
  assert.ok(episodes.every((e) => e.agent.kind === 'code' && e.agent.mode === 'train'));

  const interrupted = tmp();
  let stopped = false;
  const b = await runWorker({ type: 'train', job: { ...base, runDir: interrupted } }, (m, send) => {
    // at the start: with the sandbox's results cached, the whole run takes a few milliseconds
    if (m.type === 'started' && !stopped) {
      stopped = true;
      send({ type: 'stop' });
    }
  });
  const stop = b.at(-1) as Extract<WorkerToHost, { type: 'finished' }>;
  assert.equal(stop.reason, 'stopped');
  assert.ok(stop.step < 300);
  const checkpoint = path.join(interrupted, 'checkpoint.json');
  const c = await runWorker({ type: 'train', job: { ...base, runDir: interrupted, resumeFrom: checkpoint } });
  assert.deepEqual(c.at(-1), a.at(-1));
  assert.equal(agentOf(checkpoint), agentOf(path.join(straight, 'checkpoint.json')), 'the resumed run ends bit-identical to the uninterrupted one');
});

test('code agent solve: a host-side generator (as vscode.lm) answers the worker; the outcome and the traces', async (t) => {
  const dir = tmp();
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = dir;
  t.after(() => (saved === undefined ? delete process.env.XDG_CACHE_HOME : (process.env.XDG_CACHE_HOME = saved)));
  const tracesFile = path.join(dir, 'solve.jsonl');
  const asked: string[] = [];
  // while it runs, the file holds the episode so far: read at each generation the worker waits for
  const live: { decisions: number; recorded: number; unfinished?: string }[] = [];
  let decided = 0;
  const seen = await runWorker(
    { type: 'solveCode', job: { problems: HUMANEVAL, problemId: 'HumanEval/2', generator: { kind: 'host', label: 'stand-in' }, seed: 1, budget: 3, tracesFile, modelWorker: '' } },
    (m, send) => {
      if (m.type === 'codeDecision') decided++;
      if (m.type !== 'generate') return;
      const records = fs.readFileSync(tracesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(records.length, 1);
      live.push({ decisions: decided, recorded: records[0].agent.decisions.length, unfinished: records[0].agent.unfinished });
      const user = m.request.messages.at(-1)?.content ?? '';
      asked.push(user);
      send({ type: 'generated', id: m.id, result: truncateNumber(user) });
    },
  );
  assert.equal(seen.find((m) => m.type === 'error'), undefined, JSON.stringify(seen.find((m) => m.type === 'error')));
  const decisions = seen.filter((m) => m.type === 'codeDecision');
  assert.ok(decisions.length >= 2);
  const done = seen.at(-1) as Extract<WorkerToHost, { type: 'codeSolved' }>;
  assert.equal(done.type, 'codeSolved');
  assert.equal(done.outcome.untrained, true);
  assert.equal(done.outcome.solved, true);
  assert.equal(done.outcome.llmCalls, asked.length);
  assert.match(done.outcome.submitted!.program, /return number % 1\.0/);
  const traces = fs.readFileSync(tracesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(traces[0].agent.decisions.length, decisions.length);
  assert.equal(traces.length, 1 + done.outcome.candidates);
  assert.equal(traces[0].agent.unfinished, undefined);
  assert.ok(seen.findIndex((m) => m.type === 'codeEpisodeStarted') < seen.findIndex((m) => m.type === 'generate'), 'the file is there before the first generation');
  assert.ok(live.some((l) => l.decisions > 0), 'decisions were written while the episode ran');
  for (const l of live) assert.deepEqual(l, { decisions: l.decisions, recorded: l.decisions, unfinished: 'running' });
});

/** A stand-in model's answer for HumanEval/2: its tests, or a correct solution. */
function truncateNumber(user: string) {
  const text = user.includes('# check the correctness of truncate_number') ? 'assert truncate_number(3.5) == 0.5' : '```python\ndef truncate_number(number: float) -> float:\n    return number % 1.0\n```';
  return { text, finishReason: 'stop' as const, model: 'stand-in', usage: { promptTokens: 10, completionTokens: 12 } as never, latencyMs: 1, attempts: 1 };
}

test('code agent solve cancelled while the model writes: the worker ends at once, the file keeps the decisions made and says it was cancelled', async (t) => {
  const dir = tmp();
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = dir;
  t.after(() => (saved === undefined ? delete process.env.XDG_CACHE_HOME : (process.env.XDG_CACHE_HOME = saved)));
  // an OpenAI-compatible endpoint that answers the first draw, then holds every request: a cancelled
  // request comes back as "cancelled" text, and the episode must not go on to ask again
  const server = await startOpenAiServer({ script: { replies: [{ text: truncateNumber('').text, repeat: true }] } });
  t.after(() => server.close());
  server.hold();
  server.allow(5);
  const tracesFile = path.join(dir, 'solve.jsonl');
  let decided = 0;
  const seen = await runWorker(
    { type: 'solveCode', job: { problems: HUMANEVAL, problemId: 'HumanEval/2', generator: { kind: 'openai', url: server.url, model: 'm' }, seed: 1, budget: 3, tracesFile, modelWorker: '' } },
    (m, send) => {
      if (m.type !== 'codeDecision' || ++decided !== 1) return;
      // cancel while the model writes; the endpoint then answers whatever still comes
      void waitFor(() => server.waiting() > 0).then(() => {
        send({ type: 'stop' });
        server.release();
      });
    },
  );
  assert.equal(decided, 1);
  assert.equal(seen.find((m) => m.type === 'codeSolved'), undefined);
  assert.deepEqual(seen.at(-1), { type: 'error', message: 'cancelled' });
  assert.equal(server.completions().length, 6, 'the held request was the last one sent');
  const records = fs.readFileSync(tracesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.length, 1);
  assert.equal(records[0].agent.unfinished, 'cancelled');
  assert.equal(records[0].agent.decisions.length, 1);
  assert.match(records[0].completion, /^<think>\nStep 1 · expand · \[macro\] draw-[\s\S]*<\/think>\n\nCancelled after 1 decision: nothing was submitted\./);
});

/** Polls until `cond` holds (the worker and the server run on their own). */
async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}
