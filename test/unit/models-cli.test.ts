// `rm-eval` and `score --model` as a user runs them: real child processes (the CLI from source
// through tsx, its model worker too), real files, the tiny models in examples/models/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RewardModel } from '../../src/core/models/rewardModel';
import { evaluatePairs, readPreferencePairs } from '../../src/core/models/rmEval';
import { ROOT, runCli, runCliIntoHead } from './helpers/runCli';

const MODELS = path.join(ROOT, 'examples', 'models');
const BERT = path.join(MODELS, 'tiny-bert-rm');
const HH = path.join(ROOT, 'test', 'fixtures', 'hh_rlhf_harmless_test_20.jsonl');
const GOOD = 'Here is a clear explanation of caching. First, define the inputs. Second, handle the edge cases.';
const RUDE = 'Whatever. caching is stupid and you should not ask about it.';
const RUDER = "No. caching? Just google it, I won't help.";

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-rm-cli-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('rm-eval on Anthropic HH-RLHF pairs: the summary scripts rely on, equal to the in-process evaluation', async () => {
  const out = path.join(tmp, 'wrong.jsonl');
  const r = await runCli(['rm-eval', HH, '--model', BERT, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(summary), ['n', 'accuracy', 'subsets', 'margins', 'model', 'provider', 'skipped']);
  assert.deepEqual(Object.keys(summary.margins), ['mean', 'min', 'p10', 'p50', 'p90', 'max']);
  assert.equal(summary.n, 20);
  assert.equal(summary.skipped, 0);
  assert.match(r.stderr, /reward model tiny-bert-rm on cpu \(cuda: /);

  // the same pairs scored in this process: HH transcripts split into prompt turns and the last answer
  const { pairs, errors } = await readPreferencePairs(HH);
  assert.equal(errors.length, 0);
  assert.equal(pairs[0].prompt instanceof Array && pairs[0].prompt[0].role, 'user');
  assert.ok(typeof pairs[0].chosen[0] === 'string' && !pairs[0].chosen[0].includes('Assistant:'));
  const rm = await RewardModel.load(BERT);
  try {
    const seen: Array<[number, number]> = [];
    const local = await evaluatePairs(pairs, rm, { onProgress: (done, total) => seen.push([done, total]) });
    // progress counts pairs (20), not the 40 answers scored
    assert.ok(seen.length > 0 && seen.every(([done, total], i) => total === 20 && done <= 20 && (i === 0 || done >= seen[i - 1][0])), JSON.stringify(seen));
    assert.deepEqual(seen.at(-1), [20, 20]);
    assert.equal(summary.accuracy, local.summary.accuracy);
    for (const k of Object.keys(local.summary.margins) as Array<keyof typeof local.summary.margins>) assert.ok(Math.abs(summary.margins[k] - local.summary.margins[k]) < 1e-5, k);
    const wrong = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(wrong.length, local.wrong.length);
    assert.equal(wrong.length, Math.round(20 * (1 - summary.accuracy)));
    for (const w of wrong) assert.ok(w.margin <= 0 && w.line >= 1 && typeof w.prompt === 'string' && w.chosen.length === 1);
  } finally {
    await rm.dispose();
  }
});

test('rm-eval on a hostile pairs file: bad lines named by number and skipped; RewardBench 2 lists use best-of-n; subsets', async () => {
  const file = path.join(tmp, 'pairs.jsonl');
  const rows = [
    JSON.stringify({ id: 'a', prompt: 'Explain caching.', chosen: GOOD, rejected: RUDE, subset: 'chat' }),
    '{"prompt": "x", "chosen": "y", ', // 2: broken JSON
    JSON.stringify({ prompt: 'Explain caching.', chosen: RUDE }), // 3: no rejected
    JSON.stringify({ prompt: 'p', chosen: 42, rejected: 'r' }), // 4: chosen not text
    JSON.stringify({ prompt: 'p', chosen: [], rejected: 'r' }), // 5: empty list
    '[1, 2, 3]', // 6: not an object
    '',
    // 8: RewardBench 2: the chosen answer beats every rejected one → won
    JSON.stringify({ id: 'rb2-win', prompt: 'Explain caching.', chosen: [GOOD], rejected: [RUDE, RUDER, RUDE], subset: 'rb2' }),
    // 9: one rejected answer (a helpful one) beats the chosen → lost, however the others score
    JSON.stringify({ id: 'rb2-loss', prompt: 'Explain caching.', chosen: [RUDE], rejected: [RUDER, GOOD], subset: 'rb2' }),
    // 10: chat messages with the prompt inside (TRL conversational format)
    JSON.stringify({
      chosen: [
        { role: 'user', content: 'Explain caching.' },
        { role: 'assistant', content: GOOD },
      ],
      rejected: [
        { role: 'user', content: 'Explain caching.' },
        { role: 'assistant', content: RUDE },
      ],
      subset: 'chat',
    }),
    JSON.stringify({ prompt: 'p', chosen: 'c', rejected: 'r', subset: 7 }), // 11: subset not a string
  ];
  fs.writeFileSync(file, rows.join('\n') + '\n');
  const r = await runCli(['rm-eval', file, '--model', BERT, '--show-wrong']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.n, 4);
  assert.equal(s.skipped, 6);
  for (const [line, why] of [
    [2, /not valid JSON/],
    [3, /missing field "rejected"/],
    [4, /field "chosen" must be a string or a list of \{"role", "content"\} messages/],
    [5, /field "chosen" is an empty list/],
    [6, /expected a JSON object/],
    [11, /field "subset" must be a string/],
  ] as const) {
    assert.match(r.stderr, new RegExp(`pairs\\.jsonl:${line}: skipped: .*${why.source}`), `line ${line}`);
  }
  assert.deepEqual(s.subsets, { chat: { n: 2, accuracy: 1 }, rb2: { n: 2, accuracy: 0.5 } });
  assert.equal(s.accuracy, 0.75);
  assert.deepEqual(
    s.wrong.map((w: { id: string; line: number; rejectedLogits: number[] }) => [w.id, w.line, w.rejectedLogits.length]),
    [['rb2-loss', 9, 2]],
  );
  assert.ok(s.margins.min < 0 && s.margins.max > 0);

  const empty = path.join(tmp, 'empty.jsonl');
  fs.writeFileSync(empty, '\n\n');
  const e = await runCli(['rm-eval', empty, '--model', BERT]);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /no preference pair could be read from .*empty\.jsonl/);
  const noModel = await runCli(['rm-eval', file]);
  assert.equal(noModel.code, 2);
  assert.match(noModel.stderr, /rm-eval needs --model <dir>/);
});

test('score --model adds the rm component (sigmoid of the logit, batched in the worker); a bad model is a clear error', async () => {
  const records = path.join(tmp, 'records.jsonl');
  fs.writeFileSync(
    records,
    [
      JSON.stringify({ id: 'good', prompt: 'Explain caching.', completion: GOOD }),
      '{"id": "broken"',
      JSON.stringify({ id: 'rude', prompt: 'Explain caching.', completion: RUDE }),
    ].join('\n'),
  );
  const spec = path.join(tmp, 'spec.json');
  fs.writeFileSync(spec, JSON.stringify({ description: 'format and the reward model', components: { format: { weight: 1 }, rm: { weight: 2 } } }));
  const r = await runCli(['score', records, '--rewards', spec, '--model', BERT]);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.id), ['good', 'rude']);
  assert.match(r.stderr, /records\.jsonl:2: skipped/);
  const rm = await RewardModel.load(BERT);
  try {
    const expected = await rm.score([{ prompt: 'Explain caching.', completion: GOOD }, { prompt: 'Explain caching.', completion: RUDE }]);
    out.forEach((o, i) => {
      assert.deepEqual(Object.keys(o.components), ['format', 'rm']);
      assert.equal(o.components.rm.weight, 2);
      assert.ok(Math.abs(o.components.rm.value - expected[i].score) < 1e-6);
      assert.match(o.components.rm.detail, new RegExp(`^logit ${expected[i].logit.toFixed(4)}; tiny-bert-rm on cpu$`));
      assert.ok(Math.abs(o.total - (o.components.format.value + 2 * expected[i].score)) < 1e-5);
    });
    assert.ok(out[0].components.rm.value > out[1].components.rm.value);
  } finally {
    await rm.dispose();
  }

  const bad = await runCli(['score', records, '--model', path.join(MODELS, 'tiny-gpt2-lm')]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /error: .*tiny-gpt2-lm\/model\.onnx is not a sequence classifier/);
  const forced = await runCli(['score', records, '--model', BERT, '--provider', 'quantum']);
  assert.equal(forced.code, 2);
  assert.match(forced.stderr, /--provider must be auto or one of cpu, cuda/);
});

test('score --model into `head -1`: the closed pipe ends the command quietly (exit 0, no native abort); no listener warning', async () => {
  // 300 records: their score lines outgrow the pipe's buffer, so the CLI is still writing when head exits
  const records = path.join(tmp, 'many.jsonl');
  fs.writeFileSync(records, Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `r${i}`, prompt: 'Explain caching.', completion: i % 2 ? GOOD : RUDE })).join('\n'));
  const piped = await runCliIntoHead(['score', records, '--model', BERT]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(JSON.parse(piped.stdout).id, 'r0');
  assert.doesNotMatch(piped.stderr, /Napi|terminate called|EPIPE|error/);

  // every record in flight shares one Ctrl+C signal: no MaxListenersExceededWarning however many there are
  const full = await runCli(['score', records, '--model', BERT]);
  assert.equal(full.code, 0, full.stderr);
  assert.equal(full.stdout.trim().split('\n').length, 300);
  assert.doesNotMatch(full.stderr, /MaxListeners|Warning/);
});
