/**
 * A local ONNX causal language model with a KV cache (Optimum's decoder export: inputs input_ids,
 * attention_mask, position_ids, past_key_values.{i}.key/value; outputs logits, present.{i}.key/value),
 * as a TextGenerator: the judge of the generative reward model can run on it like on any server.
 *
 * The prompt is the chat template's rendering when the tokenizer has one; without one it is the
 * plain text of the messages: a single user message is its content as is, otherwise
 * "System: …\n\nUser: …\n\nAssistant:". Greedy decoding at temperature 0, else sampling with
 * temperature and top-p from a seeded generator (same seed, same text). Stops at EOS (config or
 * generation_config), at maxTokens, at the model's context length, or when the signal aborts
 * (finishReason 'cancelled', with the text so far).
 *
 * Runs where it is created: the editor and the CLI create it inside the model worker.
 */
import type * as Ort from 'onnxruntime-node';
import type { ChatMessage } from '../rewards/types';
import { mulberry32 } from '../shared/rng';
import type { GenerationRequest, GenerationResult, TextGenerator } from './generation';
import { ModelError } from './errors';
import { readModelFolder, type ModelFolder } from './modelFolder';
import { floatData, int64Tensor, loadOrt, openSession, runSession, type OpenedSession } from './onnxSession';
import { checkSpecialTokens, maxLengthOf } from './rewardModel';
import { ModelTokenizer } from './tokenizer';
import type { LoadOptions, ModelInfo } from './types';

interface CacheLayout {
  /** past_key_values input names, in order, and the present output each one is fed from. */
  pairs: Array<{ past: string; present: string }>;
  /** Shape of one cache tensor with past length 0: [1, heads, 0, headDim]. */
  heads: number;
  headDim: number;
  type: 'float32' | 'float16';
}

export class LocalLm implements TextGenerator {
  readonly id: string;
  readonly label: string;
  private disposed = false;

  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: ModelTokenizer,
    private readonly opened: OpenedSession,
    private readonly cache: CacheLayout,
    readonly info: ModelInfo,
    private readonly eosIds: Set<number>,
  ) {
    this.id = `onnx:${folder.dir}`;
    this.label = `${folder.name} (local ONNX, ${opened.status.provider})`;
  }

  static async load(dir: string, options: LoadOptions = {}): Promise<LocalLm> {
    const folder = readModelFolder(dir, { variant: options.variant });
    const tokenizer = new ModelTokenizer(folder);
    checkSpecialTokens(folder, tokenizer);
    const opened = await openSession(folder.modelFile, options);
    try {
      const cache = cacheLayout(folder, opened);
      const gen = folder.generationConfig?.eos_token_id;
      const eos = new Set<number>(folder.config.eosTokenIds);
      for (const id of Array.isArray(gen) ? gen : [gen]) if (Number.isInteger(id)) eos.add(id as number);
      if (tokenizer.eosId !== undefined) eos.add(tokenizer.eosId);
      const info: ModelInfo = {
        dir: folder.dir,
        name: folder.name,
        modelFile: folder.modelFile,
        variant: folder.variant,
        kind: 'causal-lm',
        family: 'decoder',
        architecture: folder.config.architecture,
        maxLength: maxLengthOf(folder, options.maxLength),
        vocabSize: tokenizer.vocabSize,
        labels: [],
        positiveLabel: 0,
        chatTemplate: tokenizer.hasChatTemplate,
        provider: opened.status,
        inputNames: opened.inputs.map((i) => i.name),
        outputNames: opened.outputs.map((o) => o.name),
      };
      return new LocalLm(folder, tokenizer, opened, cache, info, eos);
    } catch (err) {
      await opened.session.release().catch(() => undefined);
      throw err;
    }
  }

  /** The prompt's token ids for these messages (chat template, else the plain format above). */
  promptIds(messages: ChatMessage[]): number[] {
    if (this.tokenizer.hasChatTemplate) return this.tokenizer.encodeChat(messages, true).ids;
    return this.tokenizer.encode(plainPrompt(messages)).ids;
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    return this.generateFromIds(this.promptIds(request.messages), request);
  }

  /** Generation from prompt token ids (generate() after formatting; tests compare with PyTorch here). */
  async generateFromIds(prompt: number[], request: Omit<GenerationRequest, 'messages'>): Promise<GenerationResult & { ids: number[] }> {
    if (this.disposed) throw new ModelError(`${this.info.name}: the model was closed`, 'runtime');
    const started = Date.now();
    const max = this.info.maxLength;
    if (prompt.length >= max) {
      throw new ModelError(`${this.info.name}: the prompt has ${prompt.length} tokens, the model's context is ${max}`, 'runtime');
    }
    const random = mulberry32(request.seed ?? Math.floor(Math.random() * 2 ** 31));
    const generated: number[] = [];
    let text = '';
    let finishReason: GenerationResult['finishReason'] = 'length';
    let past = this.emptyCache();
    let pastLen = 0;
    let step = prompt;
    const maxTokens = Math.max(0, Math.floor(request.maxTokens));
    while (generated.length < maxTokens) {
      if (request.signal?.aborted) {
        finishReason = 'cancelled';
        break;
      }
      if (pastLen + step.length > max) break; // context full: 'length'
      const { logits, present } = await this.forward(step, past, pastLen);
      pastLen += step.length;
      past = present;
      const next = pick(logits, request.temperature, request.topP ?? 1, random);
      if (this.eosIds.has(next)) {
        finishReason = 'stop';
        break;
      }
      generated.push(next);
      // decode everything so far: a byte-level token may complete a character only with the next one
      const full = this.tokenizer.decode(generated);
      if (request.onText && full.length > text.length && full.startsWith(text)) request.onText(full.slice(text.length));
      text = full;
      step = [next];
    }
    return {
      text,
      ids: generated,
      usage: { promptTokens: prompt.length, completionTokens: generated.length },
      finishReason,
      model: this.folder.name,
      latencyMs: Date.now() - started,
      attempts: 1,
    };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.opened.session.release();
  }

  private emptyCache(): Record<string, Ort.Tensor> {
    const ort = loadOrt();
    const out: Record<string, Ort.Tensor> = {};
    const dims = [1, this.cache.heads, 0, this.cache.headDim];
    for (const { past } of this.cache.pairs) {
      out[past] = this.cache.type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
    }
    return out;
  }

  private async forward(ids: number[], past: Record<string, Ort.Tensor>, pastLen: number): Promise<{ logits: Float32Array; present: Record<string, Ort.Tensor> }> {
    const n = ids.length;
    const feeds: Record<string, Ort.Tensor> = { ...past };
    for (const name of this.opened.session.inputNames) {
      if (name === 'input_ids') feeds[name] = int64Tensor(BigInt64Array.from(ids, BigInt), [1, n]);
      else if (name === 'attention_mask') feeds[name] = int64Tensor(new BigInt64Array(pastLen + n).fill(1n), [1, pastLen + n]);
      else if (name === 'position_ids') feeds[name] = int64Tensor(BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLen + i)), [1, n]);
      else if (name === 'token_type_ids') feeds[name] = int64Tensor(new BigInt64Array(n), [1, n]);
    }
    const out = await runSession(this.opened.session, feeds, this.folder.modelFile);
    const logitsT = out.logits;
    const vocab = Number(logitsT.dims[logitsT.dims.length - 1]);
    const all = floatData(logitsT);
    const last = all.subarray(all.length - vocab);
    const present: Record<string, Ort.Tensor> = {};
    for (const { past: p, present: q } of this.cache.pairs) present[p] = out[q];
    return { logits: last, present };
  }
}

/** The messages as one prompt for a model without a chat template. */
export function plainPrompt(messages: ChatMessage[]): string {
  if (messages.length === 1 && messages[0].role === 'user') return messages[0].content;
  const role = (r: string) => r.charAt(0).toUpperCase() + r.slice(1);
  return messages.map((m) => `${role(m.role)}: ${m.content}`).join('\n\n') + '\n\nAssistant:';
}

/** Greedy at temperature 0; else top-p sampling from softmax(logits / temperature). */
function pick(logits: Float32Array, temperature: number, topP: number, random: () => number): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (!(temperature > 0)) return best;
  const scaled = Array.from(logits, (l, i) => ({ i, p: Math.exp((l - logits[best]) / temperature) }));
  const total = scaled.reduce((s, x) => s + x.p, 0);
  scaled.sort((a, b) => b.p - a.p);
  const keep: typeof scaled = [];
  let mass = 0;
  for (const x of scaled) {
    keep.push(x);
    mass += x.p / total;
    if (mass >= topP) break;
  }
  const keptMass = keep.reduce((s, x) => s + x.p, 0);
  let r = random() * keptMass;
  for (const x of keep) {
    r -= x.p;
    if (r <= 0) return x.i;
  }
  return keep[keep.length - 1].i;
}

function cacheLayout(folder: ModelFolder, opened: OpenedSession): CacheLayout {
  const notLm = (why: string) =>
    new ModelError(
      `${folder.modelFile} is not a causal LM with a KV cache: ${why}; expected inputs input_ids, attention_mask, past_key_values.{i}.key/value and outputs logits, present.{i}.key/value (optimum-cli export onnx --task text-generation-with-past)`,
      'not-a-causal-lm',
      folder.modelFile,
    );
  const names = opened.inputs.map((i) => i.name);
  if (!names.includes('input_ids')) throw notLm(`no input "input_ids" (inputs: ${names.join(', ')})`);
  const outNames = opened.outputs.map((o) => o.name);
  if (!outNames.includes('logits')) throw notLm(`no output "logits" (outputs: ${outNames.join(', ')})`);
  const pastInputs = opened.inputs.filter((i) => /^past_key_values\.\d+\.(key|value)$/.test(i.name));
  if (!pastInputs.length) throw notLm('it takes no past_key_values inputs');
  const pairs = pastInputs.map((i) => {
    const present = i.name.replace(/^past_key_values\./, 'present.');
    if (!outNames.includes(present)) throw notLm(`input ${i.name} has no matching output ${present}`);
    return { past: i.name, present };
  });
  const cfg = folder.config.raw;
  const num = (...keys: string[]) => keys.map((k) => cfg[k]).find((v): v is number => typeof v === 'number' && v > 0);
  const shape = pastInputs[0].shape;
  const hidden = num('n_embd', 'hidden_size', 'd_model');
  const attnHeads = num('n_head', 'num_attention_heads');
  const heads = (typeof shape[1] === 'number' ? shape[1] : undefined) ?? num('num_key_value_heads', 'n_head', 'num_attention_heads');
  const headDim = (typeof shape[3] === 'number' ? shape[3] : undefined) ?? num('head_dim') ?? (hidden && attnHeads ? hidden / attnHeads : undefined);
  if (!heads || !headDim) throw notLm(`the cache shape cannot be told from config.json (needs n_head/num_key_value_heads and n_embd/hidden_size or head_dim)`);
  const type = pastInputs[0].type === 'float16' ? 'float16' : 'float32';
  return { pairs, heads, headDim, type };
}
