// Bad model folders and unavailable execution providers: each a ModelError with a clear message that
// names the file and what was expected. Real files, real onnxruntime sessions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelError } from '../../src/core/models/errors';
import { LocalLm } from '../../src/core/models/localLm';
import { ProcessRewardModel } from '../../src/core/models/prm';
import { providerCandidates } from '../../src/core/models/providers';
import { RewardModel } from '../../src/core/models/rewardModel';
import { ROOT } from './helpers/runCli';

const MODELS = path.join(ROOT, 'examples', 'models');
let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bad-models-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of examples/models/<name> in which `change` breaks something. */
function brokenCopy(name: string, label: string, change: (dir: string) => void): string {
  const dir = path.join(tmp, label);
  fs.mkdirSync(dir);
  // model.onnx and the metadata; not the quantized variants, so "no model.onnx" means no ONNX file at all
  for (const f of fs.readdirSync(path.join(MODELS, name))) if (f === 'model.onnx' || !f.endsWith('.onnx')) fs.copyFileSync(path.join(MODELS, name, f), path.join(dir, f));
  change(dir);
  return dir;
}

function expectModelError(code: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ModelError, `a ModelError, got ${err}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

test('a missing folder, and a folder without model.onnx / config.json / tokenizer.json', async () => {
  await assert.rejects(RewardModel.load(path.join(tmp, 'nowhere')), expectModelError('missing-file', /nowhere does not exist; expected a folder with model\.onnx, config\.json and tokenizer\.json/));
  const noModel = brokenCopy('tiny-bert-rm', 'no-model', (d) => fs.rmSync(path.join(d, 'model.onnx')));
  await assert.rejects(RewardModel.load(noModel), expectModelError('missing-file', /no-model: no model\.onnx \(looked in the folder and in onnx\/\); expected the ONNX export/));
  const noConfig = brokenCopy('tiny-bert-rm', 'no-config', (d) => fs.rmSync(path.join(d, 'config.json')));
  await assert.rejects(RewardModel.load(noConfig), expectModelError('missing-file', /no-config\/config\.json is missing; expected the model configuration/));
  const noTok = brokenCopy('tiny-bert-rm', 'no-tokenizer', (d) => fs.rmSync(path.join(d, 'tokenizer.json')));
  await assert.rejects(RewardModel.load(noTok), expectModelError('missing-file', /no-tokenizer\/tokenizer\.json is missing; expected the tokenizer/));
  const badJson = brokenCopy('tiny-bert-rm', 'bad-config-json', (d) => fs.writeFileSync(path.join(d, 'config.json'), '{"vocab_size": 1109,'));
  await assert.rejects(RewardModel.load(badJson), expectModelError('bad-config', /bad-config-json\/config\.json: not valid JSON/));
  const badField = brokenCopy('tiny-bert-rm', 'bad-config-field', (d) => {
    const c = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
    c.vocab_size = 'many';
    fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(c));
  });
  await assert.rejects(RewardModel.load(badField), expectModelError('bad-config', /"vocab_size" must be a non-negative integer, got "many"/));
});

test('a corrupt model.onnx: "not a valid ONNX model" with onnxruntime\'s reason', async () => {
  const dir = brokenCopy('tiny-bert-rm', 'corrupt', (d) => {
    const bytes = fs.readFileSync(path.join(d, 'model.onnx'));
    fs.writeFileSync(path.join(d, 'model.onnx'), bytes.subarray(0, 5000));
  });
  await assert.rejects(RewardModel.load(dir), expectModelError('corrupt-model', /corrupt\/model\.onnx: not a valid ONNX model \(.*Protobuf parsing failed.*\)/));
  const garbage = brokenCopy('tiny-bert-rm', 'garbage', (d) => fs.writeFileSync(path.join(d, 'model.onnx'), 'this is not a model'));
  await assert.rejects(RewardModel.load(garbage), expectModelError('corrupt-model', /not a valid ONNX model/));
});

test('a model whose inputs/outputs are not a classifier: the causal LM used as a reward model or PRM', async () => {
  await assert.rejects(
    RewardModel.load(path.join(MODELS, 'tiny-gpt2-lm')),
    expectModelError('not-a-classifier', /tiny-gpt2-lm\/model\.onnx is not a sequence classifier: it takes a KV cache \(past_key_values\.0\.key.*expected inputs input_ids and attention_mask/),
  );
  await assert.rejects(ProcessRewardModel.load(path.join(MODELS, 'tiny-gpt2-lm')), (err: unknown) => err instanceof ModelError && /not a process reward model|separator/.test(err.message));
  await assert.rejects(LocalLm.load(path.join(MODELS, 'tiny-bert-rm')), expectModelError('not-a-causal-lm', /is not a causal LM with a KV cache: no output "logits"|no past_key_values|takes no past_key_values/));
});

test('a tokenizer that does not match the model', async () => {
  // GPT-2 BPE tokenizer beside the BERT model: its pad token is not config.json's pad_token_id
  const gptTokOnBert = brokenCopy('tiny-bert-rm', 'gpt-tokenizer', (d) => {
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) fs.copyFileSync(path.join(MODELS, 'tiny-gpt2-rm', f), path.join(d, f));
  });
  await assert.rejects(RewardModel.load(gptTokOnBert), expectModelError('tokenizer-mismatch', /tokenizer does not match the model: its pad token is id \d+ but .*config\.json says pad_token_id 0/));
  // the BERT tokenizer (1109 ids) beside the GPT-2 model (vocab_size 732)
  const bertTokOnGpt = brokenCopy('tiny-gpt2-rm', 'bert-tokenizer', (d) => {
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) fs.copyFileSync(path.join(MODELS, 'tiny-bert-rm', f), path.join(d, f));
  });
  await assert.rejects(RewardModel.load(bertTokOnGpt), expectModelError('tokenizer-mismatch', /has ids up to 1108 but .*config\.json says vocab_size 732/));
  // config.json lies about vocab_size: only a real run finds the embedding too small
  const lying = brokenCopy('tiny-gpt2-rm', 'lying-config', (d) => {
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) fs.copyFileSync(path.join(MODELS, 'tiny-bert-rm', f), path.join(d, f));
    const c = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
    delete c.vocab_size;
    delete c.pad_token_id;
    delete c.eos_token_id;
    fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(c));
  });
  await assert.rejects(RewardModel.load(lying), expectModelError('tokenizer-mismatch', /produces ids up to 1108, but .*model\.onnx has a smaller embedding table/));
  // another model's tokenizer.json (GPT-2 BPE, 732 ids, no [PAD]) beside the BERT model's tokenizer_config.json
  const foreignTokenizer = brokenCopy('tiny-bert-rm', 'foreign-tokenizer-json', (d) => fs.copyFileSync(path.join(MODELS, 'tiny-gpt2-rm', 'tokenizer.json'), path.join(d, 'tokenizer.json')));
  await assert.rejects(
    RewardModel.load(foreignTokenizer),
    expectModelError('tokenizer-mismatch', /tokenizer does not match the model: .*tokenizer_config\.json names pad_token "\[PAD\]", cls_token "\[CLS\]", sep_token "\[SEP\]", which .*tokenizer\.json does not have \(732 ids; config\.json says vocab_size 1109\)/),
  );
  // no pad token anywhere
  const noPad = brokenCopy('tiny-bert-rm', 'no-pad', (d) => {
    const t = JSON.parse(fs.readFileSync(path.join(d, 'tokenizer_config.json'), 'utf8'));
    delete t.pad_token;
    fs.writeFileSync(path.join(d, 'tokenizer_config.json'), JSON.stringify(t));
    fs.rmSync(path.join(d, 'special_tokens_map.json'));
    const c = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
    delete c.pad_token_id;
    fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(c));
  });
  await assert.rejects(RewardModel.load(noPad), expectModelError('tokenizer-mismatch', /pad token missing: .*tokenizer_config\.json names no pad_token/));
});

test('providers: auto falls back to the CPU with each reason; a forced provider that cannot start is a clear error', async () => {
  const dir = path.join(MODELS, 'tiny-bert-rm');
  const rm = await RewardModel.load(dir, { provider: 'auto' });
  try {
    const s = rm.info.provider;
    assert.equal(s.requested, 'auto');
    assert.equal(s.provider, 'cpu', 'no GPU on this machine');
    const expected = providerCandidates(process.platform).filter((p) => p !== 'cpu');
    assert.deepEqual(s.tried.map((t) => t.name), expected, 'every provider before cpu was tried, in order');
    for (const t of s.tried) assert.ok(t.error.length > 10 && !t.error.includes('\n'), `a one-line reason for ${t.name}: ${t.error}`);
    if (process.platform === 'linux') assert.match(s.tried.find((t) => t.name === 'cuda')!.error, /Failed to load shared library .*CUDA 12/);
  } finally {
    await rm.dispose();
  }
  await assert.rejects(
    RewardModel.load(dir, { provider: 'cuda' }),
    expectModelError('provider-unavailable', /execution provider "cuda" cannot start: .*It was forced .*no fallback; choose "auto"/),
  );
  await assert.rejects(RewardModel.load(dir, { provider: process.platform === 'win32' ? 'coreml' : 'dml' }), expectModelError('provider-unavailable', /backend not found/));
  const forcedCpu = await RewardModel.load(dir, { provider: 'cpu' });
  assert.deepEqual(forcedCpu.info.provider, { provider: 'cpu', requested: 'cpu', tried: [] });
  await forcedCpu.dispose();
});
