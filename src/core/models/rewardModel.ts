/**
 * An ONNX reward model (sequence classifier) exported by Optimum: encoder RMs (BERT, DeBERTa:
 * the head reads the first token) and decoder RMs (GPT-2, Llama, Qwen: the score at the last
 * non-pad token), whether the graph pools that token itself ([batch, labels]) or returns per-token
 * logits ([batch, seq, labels], pooled here). One logit (Bradley–Terry RMs: score = sigmoid) or
 * several classes (score = softmax probability of the positive class).
 *
 * Formatting a prompt and a completion: the chat template when the tokenizer has one (user turn,
 * assistant turn); else encoders use the tokenizer's pair encoding ([CLS] prompt [SEP] completion
 * [SEP]) and decoders the text `{prompt}\n\n{completion}` followed by EOS (GPT-2-style RMs are
 * trained with it). Inputs longer than the model's maximum lose the prompt's beginning first
 * (promptCut.ts), then the completion's end (keeping the trailing special tokens); the cut is reported.
 *
 * Runs where it is created: the editor and the CLI create it inside the model worker (modelHost.ts).
 */
import type * as Ort from 'onnxruntime-node';
import type { ChatMessage, RewardRecord } from '../rewards/types';
import { DynamicBatcher, padBatch } from './batcher';
import { ModelError, throwIfAborted } from './errors';
import { readModelFolder, type ModelFolder } from './modelFolder';
import { floatData, int64Tensor, openSession, runSession, type OpenedSession, type TensorInfo } from './onnxSession';
import { ModelTokenizer, truncate, type Encoded } from './tokenizer';
import { fitPrompt } from './promptCut';
import type { ModelInfo, RewardModelOptions, RewardScorer, RmInput, RmScore, ScoreOptions, Truncation } from './types';

/** Inputs a sequence classifier may have; anything else means the graph is something else. */
const CLASSIFIER_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids']);
const POSITIVE_LABEL = /^(pos|positive|good|chosen|preferred|better|helpful|correct|yes|true|accept(ed)?|safe|1|label_1)$/i;

export const DEFAULT_PAIR_TEMPLATE = '{prompt}\n\n{completion}';

interface Encoding extends Encoded {
  /** The length before truncation (= ids.length when not cut). */
  original: number;
  /** What was cut: the prompt's beginning only, the completion's end too, or a raw text's end. */
  part?: Truncation['part'];
}

export class RewardModel implements RewardScorer {
  private readonly batcher: DynamicBatcher<Encoding, RmScore>;
  private disposed = false;

  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: ModelTokenizer,
    private readonly opened: OpenedSession,
    readonly info: ModelInfo,
    private readonly output: { name: string; perToken: boolean },
    private readonly options: RewardModelOptions,
  ) {
    this.batcher = new DynamicBatcher((items) => this.runBatch(items), options.batching);
  }

  static async load(dir: string, options: RewardModelOptions = {}): Promise<RewardModel> {
    const folder = readModelFolder(dir, { variant: options.variant });
    const tokenizer = new ModelTokenizer(folder);
    checkSpecialTokens(folder, tokenizer);
    const opened = await openSession(folder.modelFile, options);
    try {
      const output = classifierOutput(folder, opened);
      const labels = folder.config.labels.length ? folder.config.labels : ['LABEL_0'];
      const info: ModelInfo = {
        dir: folder.dir,
        name: folder.name,
        modelFile: folder.modelFile,
        variant: folder.variant,
        kind: 'reward',
        family: folder.family,
        architecture: folder.config.architecture,
        maxLength: maxLengthOf(folder, options.maxLength),
        vocabSize: tokenizer.vocabSize,
        labels,
        positiveLabel: positiveLabelOf(labels, options.positiveLabel, folder),
        chatTemplate: tokenizer.hasChatTemplate,
        provider: opened.status,
        inputNames: opened.inputs.map((i) => i.name),
        outputNames: opened.outputs.map((o) => o.name),
      };
      const model = new RewardModel(folder, tokenizer, opened, info, output, options);
      await model.probe();
      return model;
    } catch (err) {
      await opened.session.release().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Token ids the model sees for `input` (after formatting and truncation). Too long: the prompt loses
   * its beginning first (the completion is what is scored), then the completion its end.
   */
  encode(input: RmInput): Encoding {
    const max = this.info.maxLength;
    const enc = this.formatAndEncode(input);
    if (enc.ids.length <= max) return { ...enc, original: enc.ids.length };
    let fitted = enc;
    let part: Truncation['part'] = 'text';
    if (!('text' in input) && input.prompt !== undefined && input.prompt.length > 0) {
      fitted = fitPrompt(input.prompt, max, (prompt) => this.formatAndEncode({ prompt, completion: input.completion })).enc;
      part = 'prompt';
    }
    if (fitted.ids.length > max && part === 'prompt') part = 'completion';
    const cut = truncate(fitted, max, this.tokenizer.specialIds);
    return { ...cut, original: enc.ids.length, part };
  }

  async score(inputs: RmInput[], options: ScoreOptions = {}): Promise<RmScore[]> {
    if (this.disposed) throw new ModelError(`${this.info.name}: the model was closed`, 'runtime');
    throwIfAborted(options.signal);
    const encoded = inputs.map((i) => this.encode(i));
    let done = 0;
    return Promise.all(
      encoded.map((e) =>
        this.batcher.submit(e, e.ids.length, options.signal).then((r) => {
          options.onProgress?.(++done, inputs.length);
          return r;
        }),
      ),
    );
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.opened.session.release();
  }

  private formatAndEncode(input: RmInput): Encoded {
    const tok = this.tokenizer;
    let enc: Encoded;
    if ('text' in input) {
      enc = tok.encode(input.text);
    } else if (tok.hasChatTemplate) {
      const messages = [...toMessages(input.prompt, 'user'), ...toMessages(input.completion, 'assistant')];
      enc = tok.encodeChat(messages, false);
    } else {
      const prompt = input.prompt === undefined ? '' : asText(input.prompt);
      const completion = asText(input.completion);
      if (this.folder.family === 'encoder' && !this.options.pairTemplate) {
        enc = prompt ? tok.encode(prompt, { pair: completion }) : tok.encode(completion);
      } else {
        const template = this.options.pairTemplate ?? DEFAULT_PAIR_TEMPLATE;
        enc = tok.encode(prompt ? template.replace('{prompt}', () => prompt).replace('{completion}', () => completion) : completion);
      }
    }
    const appendEos = this.options.appendEos ?? (this.folder.family === 'decoder' && !tok.hasChatTemplate);
    if (appendEos && tok.eosId !== undefined && enc.ids[enc.ids.length - 1] !== tok.eosId) {
      enc = { ids: [...enc.ids, tok.eosId], typeIds: enc.typeIds && [...enc.typeIds, enc.typeIds[enc.typeIds.length - 1] ?? 0] };
    }
    return enc;
  }

  private async runBatch(items: Encoding[]): Promise<RmScore[]> {
    const outputs = await this.run(items);
    const t = outputs[this.output.name];
    const data = floatData(t);
    const dims = t.dims.map(Number);
    const classes = dims[dims.length - 1];
    const seqLen = this.output.perToken ? dims[1] : 1;
    const pos = this.info.positiveLabel;
    return items.map((item, r) => {
      // per-token logits: encoders read the first token, decoders the last real one
      const at = this.output.perToken ? (this.folder.family === 'encoder' ? 0 : Math.max(0, item.ids.length - 1)) : 0;
      const base = (r * seqLen + at) * classes;
      const logits = Array.from(data.subarray(base, base + classes));
      const score = classes === 1 ? sigmoid(logits[0]) : softmax(logits)[Math.min(pos, classes - 1)];
      const out: RmScore = { logit: logits[classes === 1 ? 0 : Math.min(pos, classes - 1)], logits, score, tokens: item.ids.length };
      if (item.original > item.ids.length) out.truncated = { from: item.original, to: item.ids.length, part: item.part ?? 'text' };
      return out;
    });
  }

  private async run(items: Array<{ ids: number[]; typeIds?: number[] }>): Promise<Record<string, Ort.Tensor>> {
    const p = padBatch(items, this.tokenizer.padId!);
    const dims = [p.batch, p.seqLen];
    const feeds: Record<string, Ort.Tensor> = {};
    for (const name of this.opened.session.inputNames) {
      if (name === 'input_ids') feeds[name] = int64Tensor(p.inputIds, dims);
      else if (name === 'attention_mask') feeds[name] = int64Tensor(p.attentionMask, dims);
      else if (name === 'token_type_ids') feeds[name] = int64Tensor(p.tokenTypeIds, dims);
      else if (name === 'position_ids') feeds[name] = int64Tensor(p.positionIds, dims);
    }
    return runSession(this.opened.session, feeds, this.folder.modelFile);
  }

  /**
   * One real run before the model is handed out: the largest token id the tokenizer can produce must
   * be inside the model's embedding table, and the output must have the classifier's shape.
   */
  private async probe(): Promise<void> {
    const maxId = this.tokenizer.vocabSize - 1;
    let outputs: Record<string, Ort.Tensor>;
    try {
      outputs = await this.run([{ ids: [maxId] }]);
    } catch (err) {
      if (err instanceof ModelError && err.code === 'tokenizer-mismatch') {
        throw new ModelError(
          `tokenizer does not match the model: ${this.folder.dir}/tokenizer.json produces ids up to ${maxId}, but ${this.folder.modelFile} has a smaller embedding table (${err.message})`,
          'tokenizer-mismatch',
          `${this.folder.dir}/tokenizer.json`,
        );
      }
      throw err;
    }
    const dims = outputs[this.output.name].dims.map(Number);
    const classes = dims[dims.length - 1];
    if (classes > Math.max(64, this.info.labels.length) || (this.folder.config.vocabSize && classes === this.folder.config.vocabSize && this.info.labels.length < classes)) {
      throw notAClassifier(this.folder, `output "${this.output.name}" has ${classes} values per ${dims.length === 3 ? 'token' : 'sequence'} (a language-model head over the vocabulary?)`);
    }
    if (this.info.labels.length > 1 && classes !== this.info.labels.length) {
      throw notAClassifier(this.folder, `output "${this.output.name}" has ${classes} classes but config.json id2label names ${this.info.labels.length}`);
    }
  }
}

function notAClassifier(folder: ModelFolder, why: string): ModelError {
  return new ModelError(
    `${folder.modelFile} is not a sequence classifier: ${why}; expected inputs input_ids and attention_mask (token_type_ids, position_ids optional) and an output "logits" of shape [batch, num_labels] or [batch, sequence, num_labels] (an Optimum export with --task text-classification)`,
    'not-a-classifier',
    folder.modelFile,
  );
}

/** Which output holds the logits, and whether it is per token; rejects graphs that are not classifiers. */
function classifierOutput(folder: ModelFolder, opened: OpenedSession): { name: string; perToken: boolean } {
  const names = opened.inputs.map((i) => i.name);
  const past = names.filter((n) => n.startsWith('past_key_values') || n.startsWith('past.'));
  if (past.length) throw notAClassifier(folder, `it takes a KV cache (${past.slice(0, 2).join(', ')}…): it is a causal language model`);
  if (!names.includes('input_ids')) throw notAClassifier(folder, `it has no input "input_ids" (inputs: ${names.join(', ')})`);
  const other = names.filter((n) => !CLASSIFIER_INPUTS.has(n));
  if (other.length) throw notAClassifier(folder, `it needs inputs a classifier does not have: ${other.join(', ')}`);
  const bad = opened.inputs.find((i) => i.type !== 'int64' && i.type !== 'int32');
  if (bad) throw notAClassifier(folder, `input "${bad.name}" is ${bad.type}, not integer token ids`);
  const out: TensorInfo | undefined = opened.outputs.find((o) => o.name === 'logits') ?? opened.outputs[0];
  if (!out) throw notAClassifier(folder, 'it has no output');
  if (out.type !== 'float32' && out.type !== 'float16') throw notAClassifier(folder, `output "${out.name}" is ${out.type}`);
  if (out.shape.length !== 2 && out.shape.length !== 3) throw notAClassifier(folder, `output "${out.name}" has shape [${out.shape.join(', ')}]`);
  const last = out.shape[out.shape.length - 1];
  if (typeof last === 'number' && folder.config.vocabSize && last === folder.config.vocabSize && folder.config.labels.length < last) {
    throw notAClassifier(folder, `output "${out.name}" has shape [${out.shape.join(', ')}]: one logit per vocabulary entry is a language-model head`);
  }
  return { name: out.name, perToken: out.shape.length === 3 };
}

/** config.json and the tokenizer must agree on the special tokens, or the tokenizer belongs to another model. */
export function checkSpecialTokens(folder: ModelFolder, tokenizer: ModelTokenizer): void {
  const cfg = folder.config;
  const file = `${folder.dir}/tokenizer.json`;
  const mismatch = (what: string, tokId: number | undefined, cfgId: number) =>
    new ModelError(
      `tokenizer does not match the model: its ${what} token is id ${tokId ?? 'missing'} but ${folder.dir}/config.json says ${what}_token_id ${cfgId}; expected the tokenizer saved with this model`,
      'tokenizer-mismatch',
      file,
    );
  const padText = folder.tokenizerConfig.pad_token;
  if (cfg.padTokenId !== undefined && padText !== undefined && padText !== null && tokenizer.padId !== cfg.padTokenId) {
    throw mismatch('pad', tokenizer.padId, cfg.padTokenId);
  }
  if (cfg.eosTokenIds.length && folder.tokenizerConfig.eos_token && tokenizer.eosId !== undefined && !cfg.eosTokenIds.includes(tokenizer.eosId)) {
    throw mismatch('eos', tokenizer.eosId, cfg.eosTokenIds[0]);
  }
}

export function maxLengthOf(folder: ModelFolder, requested: number | undefined): number {
  const tcMax = folder.tokenizerConfig.model_max_length;
  const candidates = [folder.config.maxPositions, typeof tcMax === 'number' && tcMax < 1e7 ? tcMax : undefined].filter(
    (x): x is number => typeof x === 'number' && x > 0,
  );
  const modelMax = candidates.length ? Math.min(...candidates) : 512;
  return requested && requested > 0 ? Math.min(requested, modelMax) : modelMax;
}

function positiveLabelOf(labels: string[], wanted: string | number | undefined, folder: ModelFolder): number {
  if (labels.length <= 1) return 0;
  if (typeof wanted === 'number') {
    if (!Number.isInteger(wanted) || wanted < 0 || wanted >= labels.length) {
      throw new ModelError(`positive label ${wanted} is not a class of ${folder.name} (classes: ${labels.join(', ')})`, 'bad-config');
    }
    return wanted;
  }
  if (typeof wanted === 'string') {
    const i = labels.indexOf(wanted);
    if (i < 0) throw new ModelError(`positive label "${wanted}" is not a class of ${folder.name} (classes: ${labels.join(', ')})`, 'bad-config');
    return i;
  }
  const i = labels.findIndex((l) => POSITIVE_LABEL.test(l.trim()));
  return i >= 0 ? i : labels.length - 1;
}

function toMessages(v: string | ChatMessage[] | undefined, role: string): ChatMessage[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [{ role, content: v }] : v;
}

/** Chat messages as plain text for a model without a chat template. */
export function asText(v: string | ChatMessage[]): string {
  if (typeof v === 'string') return v;
  if (v.length === 1) return v[0].content;
  return v.map((m) => `${m.role.charAt(0).toUpperCase()}${m.role.slice(1)}: ${m.content}`).join('\n\n');
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/**
 * Score each record's prompt and completion with `scorer` and put the result where the reward
 * engine's `rm` component reads it (record.modelScores.rm). Records keep their order.
 */
export async function fillRmScores(records: RewardRecord[], scorer: RewardScorer, options: ScoreOptions = {}): Promise<RmScore[]> {
  const scores = await scorer.score(
    records.map((r) => ({ prompt: r.prompt, completion: r.completion })),
    options,
  );
  records.forEach((r, i) => {
    r.modelScores = { ...r.modelScores, rm: rmModelScore(scores[i], scorer.info) };
  });
  return scores;
}

/** The `rm` component's value and detail for one score. */
export function rmModelScore(s: RmScore, info: ModelInfo) {
  const parts = [`logit ${s.logit.toFixed(4)}${s.logits.length > 1 ? ` (class ${info.labels[info.positiveLabel]} of ${s.logits.length})` : ''}`, `${info.name} on ${info.provider.provider}`];
  const what = { prompt: 'the prompt lost its beginning', completion: 'the prompt was cut, then the completion lost its end', text: 'the text lost its end' };
  if (s.truncated) parts.push(`cut from ${s.truncated.from} to ${s.truncated.to} tokens (${what[s.truncated.part ?? 'text']})`);
  const detail = parts.join('; ');
  return { value: s.score, detail, items: s.truncated ? [`input cut from ${s.truncated.from} to ${s.truncated.to} tokens (max ${info.maxLength})`] : undefined };
}
