// Run Evaluation's pickers list problem sets and samples files by what their first record holds
// (src/core/eval/fileKind.ts), not by their names: real HumanEval, MBPP (JSONL and its .json array),
// LeetCodeDataset and samples files, and files that are neither (preference pairs, traces, broken).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { evalFileKind } from '../../src/core/eval';
import { ROOT } from './helpers/runCli';

const FIX = path.join(ROOT, 'test', 'fixtures');

test('problem sets, samples and neither, told from the first record, in .jsonl, .json and gzipped', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-file-kind-'));
  try {
    // MBPP as its maintainers publish it (sanitized-mbpp.json): one JSON array, a record over several lines
    const mbpp = fs.readFileSync(path.join(FIX, 'eval', 'mbpp_3.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mbppJson = path.join(dir, 'sanitized-mbpp.json');
    fs.writeFileSync(mbppJson, JSON.stringify(mbpp, null, 1));
    fs.writeFileSync(mbppJson + '.gz', gzipSync(fs.readFileSync(mbppJson)));
    const samplesGz = path.join(dir, 'samples.jsonl.gz');
    fs.writeFileSync(samplesGz, gzipSync(fs.readFileSync(path.join(FIX, 'eval', 'reflexion_samples_5.jsonl'))));
    const broken = path.join(dir, 'broken.jsonl');
    fs.writeFileSync(broken, '{"task_id": "HumanEval/0", "completion": "    return 1\n');
    const empty = path.join(dir, 'empty.json');
    fs.writeFileSync(empty, '');
    const tricky = path.join(dir, 'tricky.jsonl');
    fs.writeFileSync(tricky, JSON.stringify({ task_id: 'x', completion: 'print("}{\\" ]")' }) + '\n');

    const expected: Array<[string, string | undefined]> = [
      [path.join(FIX, 'eval', 'humaneval_5.jsonl'), 'problems'],
      [path.join(FIX, 'eval', 'mbpp_3.jsonl'), 'problems'],
      [path.join(FIX, 'eval', 'leetcodedataset_2.jsonl'), 'problems'],
      [mbppJson, 'problems'],
      [mbppJson + '.gz', 'problems'],
      [path.join(FIX, 'eval', 'human-eval_example_samples.jsonl'), 'samples'],
      [path.join(FIX, 'eval', 'reflexion_samples_5.jsonl'), 'samples'],
      [samplesGz, 'samples'],
      [tricky, 'samples'],
      [path.join(FIX, 'hh_rlhf_harmless_test_20.jsonl'), undefined],
      [path.join(FIX, 'r1_misguided_attention.jsonl'), undefined],
      [path.join(FIX, 'traces', 'r1_misguided_groups.json'), undefined],
      [path.join(FIX, 'traces', 'tot_game24_100_samples.json.gz'), undefined],
      [broken, undefined],
      [empty, undefined],
      [path.join(dir, 'missing.jsonl'), undefined],
    ];
    const got = await Promise.all(expected.map(([f]) => evalFileKind(f)));
    assert.deepEqual(got.map((k, i) => [path.basename(expected[i][0]), k]), expected.map(([f, k]) => [path.basename(f), k]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
