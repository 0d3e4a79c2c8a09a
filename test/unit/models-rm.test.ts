// ONNX reward models, run for real (onnxruntime-node, in this thread) on the tiny models in
// examples/models/, checked against the PyTorch reference scores the generator script wrote.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RewardModel, fillRmScores } from '../../src/core/models/rewardModel';
import { scoreRecord } from '../../src/core/rewards';
import type { RewardRecord } from '../../src/core/rewards/types';
import { ROOT } from './helpers/runCli';

const MODELS = path.join(ROOT, 'examples', 'models');
const reference = (name: string) => JSON.parse(fs.readFileSync(path.join(MODELS, name, 'reference.json'), 'utf8'));

for (const name of ['tiny-bert-rm', 'tiny-gpt2-rm']) {
  describe(name, () => {
    const ref = reference(name) as { samples: string[]; input_ids: number[][]; logits: number[] };
    let rm: RewardModel;
    before(async () => {
      rm = await RewardModel.load(path.join(MODELS, name), { provider: 'auto', threads: 1 });
    });
    after(() => rm.dispose());

    test('token ids are identical to the PyTorch reference, logits within 1e-4', async () => {
      for (const [i, text] of ref.samples.entries()) assert.deepEqual(rm.encode({ text }).ids, ref.input_ids[i], `ids of sample ${i}`);
      const scores = await rm.score(ref.samples.map((text) => ({ text })));
      for (const [i, s] of scores.entries()) {
        assert.ok(Math.abs(s.logit - ref.logits[i]) < 1e-4, `logit ${i}: ${s.logit} vs ${ref.logits[i]}`);
        assert.ok(Math.abs(s.score - 1 / (1 + Math.exp(-ref.logits[i]))) < 1e-4);
        assert.equal(s.tokens, ref.input_ids[i].length);
        assert.equal(s.truncated, undefined);
      }
      assert.equal(rm.info.provider.provider, 'cpu');
      assert.equal(rm.info.family, name.includes('bert') ? 'encoder' : 'decoder');
    });

    test('batched == one at a time, and padding next to a much longer input changes nothing', async () => {
      const long = ref.samples[0].repeat(12);
      const inputs = [...ref.samples, long].map((text) => ({ text }));
      const batched = await rm.score(inputs);
      const single: number[] = [];
      for (const i of inputs) single.push((await rm.score([i]))[0].logit);
      for (const [i, s] of batched.entries()) assert.ok(Math.abs(s.logit - single[i]) < 1e-5, `input ${i}: ${s.logit} vs ${single[i]}`);
      for (const [i, s] of batched.slice(0, ref.samples.length).entries()) assert.ok(Math.abs(s.logit - ref.logits[i]) < 1e-4);
    });
  });
}

test('dynamic batching off gives the same scores as on', async () => {
  const dir = path.join(MODELS, 'tiny-bert-rm');
  const ref = reference('tiny-bert-rm');
  const off = await RewardModel.load(dir, { batching: { enabled: false } });
  try {
    const s = await off.score(ref.samples.map((text: string) => ({ text })));
    s.forEach((x, i) => assert.ok(Math.abs(x.logit - ref.logits[i]) < 1e-4));
  } finally {
    await off.dispose();
  }
});

test('long inputs are cut to maxLength, keeping the final [SEP], and the cut is reported', async () => {
  const rm = await RewardModel.load(path.join(MODELS, 'tiny-bert-rm'), { maxLength: 16 });
  try {
    const text = 'Here is a clear explanation of caching. First, define the inputs. Second, handle the edge cases.';
    const full = rm.tokenizer.encode(text).ids;
    const enc = rm.encode({ text });
    assert.equal(enc.ids.length, 16);
    assert.deepEqual(enc.ids.slice(0, 15), full.slice(0, 15));
    assert.equal(enc.ids[15], rm.tokenizer.tokenId('[SEP]'));
    const [s] = await rm.score([{ text }]);
    assert.deepEqual(s.truncated, { from: full.length, to: 16, part: 'text' });
    const record: RewardRecord = { id: 'r', prompt: '', completion: text };
    await fillRmScores([record], rm);
    assert.match(record.modelScores!.rm!.detail, new RegExp(`cut from ${full.length} to 16 tokens \\(the text lost its end\\)`));

    // prompt + completion: the prompt loses its beginning, the completion (what is scored) stays whole
    const prompt = 'Please explain, with examples and in detail, how caching works in web servers and databases. '.repeat(3);
    const completion = 'Caching keeps results.';
    const cut = rm.encode({ prompt, completion });
    const answer = rm.tokenizer.encode(completion, { addSpecialTokens: false }).ids;
    assert.ok(cut.ids.length <= 16);
    assert.deepEqual(cut.ids.slice(-answer.length - 1, -1), answer, 'the whole completion is there, before the final [SEP]');
    assert.equal(cut.part, 'prompt');
    const pr: RewardRecord = { id: 'p', prompt, completion };
    await fillRmScores([pr], rm);
    assert.match(pr.modelScores!.rm!.detail, /cut from \d+ to \d+ tokens \(the prompt lost its beginning\)/);
    // a completion longer than the model: the prompt goes, then the completion's end
    const [both] = await rm.score([{ prompt, completion: text }]);
    assert.equal(both.truncated?.part, 'completion');
    assert.equal(both.tokens, 16);
  } finally {
    await rm.dispose();
  }
});

test('a long prompt is cut to fill the budget, not far below it (the margin scales with the budget, not the excess)', async () => {
  const rm = await RewardModel.load(path.join(MODELS, 'tiny-bert-rm'), { maxLength: 384 });
  try {
    const words = 'caching keeps the results of slow work so that the next request is answered from memory'.split(' ');
    for (const n of [420, 2000, 12000]) {
      const prompt = Array.from({ length: n }, (_, i) => words[i % words.length]).join(' ');
      const cut = rm.encode({ prompt, completion: 'Caching keeps results.' });
      assert.equal(cut.part, 'prompt');
      assert.ok(cut.ids.length <= 384 && cut.ids.length >= 370, `${n} words: ${cut.ids.length} of 384 tokens kept`);
    }
  } finally {
    await rm.dispose();
  }
});

test('prompt + completion: BERT pair encoding; decoders "{prompt}\\n\\n{completion}" + EOS; the rm component reads the score', async () => {
  const bert = await RewardModel.load(path.join(MODELS, 'tiny-bert-rm'));
  const gpt = await RewardModel.load(path.join(MODELS, 'tiny-gpt2-rm'));
  try {
    const enc = bert.encode({ prompt: 'What is caching?', completion: 'Caching keeps results.' });
    assert.ok(enc.typeIds && enc.typeIds.includes(1), 'second segment has token type 1');
    assert.equal(enc.ids.filter((id) => id === bert.tokenizer.tokenId('[SEP]')).length, 2);
    const g = gpt.encode({ prompt: 'What is caching?', completion: 'Caching keeps results.' });
    assert.deepEqual(g.ids, [...gpt.tokenizer.encode('What is caching?\n\nCaching keeps results.').ids, gpt.tokenizer.eosId]);

    const records: RewardRecord[] = [
      { id: 'good', prompt: 'Explain caching.', completion: 'Here is a clear explanation of caching. First, define the inputs. Second, handle the edge cases.' },
      { id: 'rude', prompt: 'Explain caching.', completion: 'Whatever. caching is stupid and you should not ask about it.' },
    ];
    const scores = await fillRmScores(records, bert);
    assert.ok(scores[0].logit > scores[1].logit, 'the helpful answer scores higher');
    const spec = { name: 'rm-only', components: { rm: { weight: 2 } } };
    const result = scoreRecord(records[0], spec);
    assert.equal(result.components.rm!.value, scores[0].score);
    assert.ok(Math.abs(result.total - 2 * scores[0].score) < 1e-12);
    assert.match(result.components.rm!.detail, /^logit -?\d+\.\d{4}; tiny-bert-rm on cpu$/);
  } finally {
    await bert.dispose();
    await gpt.dispose();
  }
});

test('a chat template in tokenizer_config.json formats prompt and completion as user and assistant turns', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-chat-rm-'));
  try {
    for (const f of fs.readdirSync(path.join(MODELS, 'tiny-gpt2-rm'))) fs.copyFileSync(path.join(MODELS, 'tiny-gpt2-rm', f), path.join(dir, f));
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
    cfg.chat_template = "{% for m in messages %}{{ m['role'] | upper }}: {{ m['content'] }}\n{% endfor %}{{ eos_token }}";
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(cfg));
    const rm = await RewardModel.load(dir);
    try {
      assert.equal(rm.info.chatTemplate, true);
      const enc = rm.encode({ prompt: [{ role: 'user', content: 'Hi' }], completion: 'Hello there' });
      assert.deepEqual(enc.ids, rm.tokenizer.encode('USER: Hi\nASSISTANT: Hello there\n<|endoftext|>', { addSpecialTokens: false }).ids);
      const [s] = await rm.score([{ prompt: 'Hi', completion: 'Hello there' }]);
      assert.ok(Number.isFinite(s.logit));
    } finally {
      await rm.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('quantized / fp16 variants are chosen by option, from the folder or onnx/', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-variant-rm-'));
  try {
    const src = path.join(MODELS, 'tiny-bert-rm');
    fs.mkdirSync(path.join(dir, 'onnx'));
    for (const f of fs.readdirSync(src)) if (!f.endsWith('.onnx')) fs.copyFileSync(path.join(src, f), path.join(dir, f));
    // the same graph under the quantized name: what is checked here is which file is loaded, and that it is loaded the same way
    fs.copyFileSync(path.join(src, 'model.onnx'), path.join(dir, 'onnx', 'model_quantized.onnx'));
    const rm = await RewardModel.load(dir, { variant: 'quantized' });
    try {
      assert.equal(rm.info.modelFile, path.join(dir, 'onnx', 'model_quantized.onnx'));
      const ref = reference('tiny-bert-rm');
      const [s] = await rm.score([{ text: ref.samples[0] }]);
      assert.ok(Math.abs(s.logit - ref.logits[0]) < 1e-4);
    } finally {
      await rm.dispose();
    }
    await assert.rejects(RewardModel.load(dir), (err: Error) => /no model\.onnx .*ONNX files present: onnx\/model_quantized\.onnx/.test(err.message));
    await assert.rejects(RewardModel.load(dir, { variant: 'fp16' }), /no model_fp16\.onnx/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('real INT8 and FP16 exports (scripts/models/quantize_onnx.py) load by variant and score like the float model', async () => {
  const dir = path.join(MODELS, 'tiny-bert-rm');
  const ref = reference('tiny-bert-rm') as { samples: string[]; logits: number[] };
  const tolerance = { quantized: 0.05, fp16: 2e-3 } as const;
  for (const variant of ['quantized', 'fp16'] as const) {
    const rm = await RewardModel.load(dir, { variant, threads: 1 });
    try {
      assert.equal(path.basename(rm.info.modelFile), variant === 'quantized' ? 'model_quantized.onnx' : 'model_fp16.onnx');
      const scores = await rm.score(ref.samples.map((text) => ({ text })));
      for (const [i, s] of scores.entries()) {
        const err = Math.abs(s.logit - ref.logits[i]);
        assert.ok(err < tolerance[variant], `${variant} logit ${i}: ${s.logit} vs float ${ref.logits[i]}`);
        // the rounding is real: a weight-only int8 model does not reproduce the float logits bit for bit
        if (variant === 'quantized') assert.ok(err > 0, 'int8 weights change the logits a little');
      }
      assert.ok(scores[0].logit > 0 && scores[1].logit < 0, 'the good answer still scores above the rude one');
    } finally {
      await rm.dispose();
    }
  }
  assert.ok(fs.statSync(path.join(dir, 'model_quantized.onnx')).size < fs.statSync(path.join(dir, 'model.onnx')).size / 3, 'int8 weights are ~4× smaller');
});

test('several classes and per-token logits: tiny-prm read as a reward model gives P(good) at the last token', async () => {
  // tiny-prm's graph returns [batch, sequence, 2] (bad, good): a decoder RM whose pooling is done here
  const prmRef = JSON.parse(fs.readFileSync(path.join(MODELS, 'tiny-prm', 'reference.json'), 'utf8'));
  const rm = await RewardModel.load(path.join(MODELS, 'tiny-prm'), { appendEos: false });
  try {
    assert.deepEqual(rm.info.labels, ['bad', 'good']);
    assert.equal(rm.info.positiveLabel, 1, 'the label named good');
    const texts = prmRef.traces.map((t: { prompt: string; steps: string[] }) => `${t.prompt}\n${t.steps.map((s) => s + '<extra_0>').join('')}`);
    // padding: the traces have different lengths, so the shorter ones are read before their padding
    const scores = await rm.score(texts.map((text: string) => ({ text })));
    scores.forEach((s, i) => {
      const probs: number[] = prmRef.traces[i].step_probabilities;
      assert.deepEqual(rm.encode({ text: texts[i] }).ids, prmRef.traces[i].input_ids);
      assert.equal(s.logits.length, 2);
      assert.ok(Math.abs(s.score - probs[probs.length - 1]) < 1e-4, `${s.score} vs ${probs[probs.length - 1]}`);
      assert.equal(s.logit, s.logits[1]);
    });
    const byName = await RewardModel.load(path.join(MODELS, 'tiny-prm'), { appendEos: false, positiveLabel: 'bad' });
    const [bad] = await byName.score([{ text: texts[0] }]);
    assert.ok(Math.abs(bad.score + scores[0].score - 1) < 1e-6, 'P(bad) = 1 − P(good)');
    await byName.dispose();
    await assert.rejects(RewardModel.load(path.join(MODELS, 'tiny-prm'), { positiveLabel: 'excellent' }), /positive label "excellent" is not a class of tiny-prm \(classes: bad, good\)/);
  } finally {
    await rm.dispose();
  }
});
