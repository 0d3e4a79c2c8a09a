/**
 * A model folder in the layout Hugging Face Optimum exports: `model.onnx` (or `onnx/model.onnx`, and
 * the quantized `model_quantized.onnx` / `model_fp16.onnx` beside it), external weights
 * (`model.onnx_data`), `config.json`, `tokenizer.json`, `tokenizer_config.json` (with the chat
 * template, or `chat_template.jinja`), `special_tokens_map.json`, `generation_config.json`.
 *
 * Reading checks everything that can be checked without starting a session, and says which file is
 * missing or wrong and what was expected. What only a session can tell (the graph's inputs and
 * outputs, a corrupt file, an embedding smaller than the tokenizer) is checked when it starts
 * (onnxSession.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelError } from './errors';

/** Which ONNX file of the folder: the plain export, the INT8 one, the FP16 one, or a file name. */
export type ModelVariant = 'default' | 'quantized' | 'fp16' | (string & {});

const VARIANT_FILES: Record<string, string[]> = {
  default: ['model.onnx'],
  quantized: ['model_quantized.onnx', 'model_int8.onnx', 'model_uint8.onnx', 'model_q8.onnx'],
  fp16: ['model_fp16.onnx'],
};

/** The config.json fields the model layer reads (the rest is kept in `raw`). */
export interface ModelConfig {
  raw: Record<string, unknown>;
  architecture: string;
  modelType: string;
  vocabSize?: number;
  /** Longest input the position embeddings allow. */
  maxPositions?: number;
  /** Class names by id (id2label); [] when the config has none. */
  labels: string[];
  padTokenId?: number;
  eosTokenIds: number[];
  bosTokenId?: number;
}

export interface ModelFolder {
  dir: string;
  /** Shown to the user: config._name_or_path, else the folder name. */
  name: string;
  modelFile: string;
  /** Variant actually chosen. */
  variant: string;
  /** External weight files found beside the model file. */
  externalData: string[];
  config: ModelConfig;
  /** Parsed tokenizer.json. */
  tokenizerJson: Record<string, unknown>;
  /** Parsed tokenizer_config.json merged over special_tokens_map.json ({} when neither exists). */
  tokenizerConfig: Record<string, unknown>;
  /** The chat template (the default one when tokenizer_config has several), or undefined. */
  chatTemplate?: string;
  /** generation_config.json when present. */
  generationConfig?: Record<string, unknown>;
  /** BERT-style encoders read the first token; decoders (GPT-2, Llama, Qwen…) the last non-pad one. */
  family: 'encoder' | 'decoder';
}

const ENCODER_TYPES = /^(bert|roberta|xlm-roberta|deberta|deberta-v2|distilbert|electra|albert|mpnet|camembert|ernie|modernbert|nomic_bert|mobilebert|longformer|funnel|xlnet)$/i;
const ENCODER_ARCH = /^(Bert|Roberta|XLMRoberta|Deberta|DebertaV2|DistilBert|Electra|Albert|MPNet|Camembert|Ernie|ModernBert|MobileBert|Longformer)/;

/** Read and validate the folder; `variant` picks the ONNX file. Throws ModelError. */
export function readModelFolder(dir: string, options: { variant?: ModelVariant } = {}): ModelFolder {
  const root = path.resolve(dir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new ModelError(`model folder ${root} does not exist; expected a folder with model.onnx, config.json and tokenizer.json (Hugging Face Optimum layout)`, 'missing-file', root);
  }
  if (!stat.isDirectory()) {
    throw new ModelError(`${root} is a file, not a model folder; expected a folder with model.onnx, config.json and tokenizer.json`, 'bad-config', root);
  }
  const variant = options.variant ?? 'default';
  const modelFile = findModelFile(root, variant);
  const configPath = path.join(root, 'config.json');
  const config = readConfig(configPath);
  const tokenizerPath = path.join(root, 'tokenizer.json');
  const tokenizerJson = readJsonObject(tokenizerPath, 'the tokenizer saved by tokenizers / transformers (tokenizer.save_pretrained)');
  if (!tokenizerJson.model || typeof tokenizerJson.model !== 'object') {
    throw new ModelError(`${tokenizerPath}: no "model" section; expected a Hugging Face tokenizers file (WordPiece, BPE, Unigram…)`, 'bad-config', tokenizerPath);
  }
  const specialMap = optionalJson(path.join(root, 'special_tokens_map.json'));
  const tokConfig = optionalJson(path.join(root, 'tokenizer_config.json'));
  const tokenizerConfig = { ...specialMap, ...tokConfig };
  const chatTemplate = readChatTemplate(root, tokConfig);
  const generationConfig = optionalJson(path.join(root, 'generation_config.json'));

  const base = path.basename(modelFile);
  const externalData = fs
    .readdirSync(path.dirname(modelFile))
    .filter((f) => f !== base && (f.startsWith(base + '_data') || f.startsWith(base + '.data') || f === base.replace(/\.onnx$/, '.onnx_data')))
    .map((f) => path.join(path.dirname(modelFile), f));

  const family = ENCODER_TYPES.test(config.modelType) || ENCODER_ARCH.test(config.architecture) ? 'encoder' : 'decoder';
  const nameOrPath = typeof config.raw._name_or_path === 'string' && config.raw._name_or_path ? config.raw._name_or_path : '';
  return {
    dir: root,
    name: nameOrPath && !nameOrPath.includes('/') && !nameOrPath.includes('\\') ? nameOrPath : path.basename(root),
    modelFile,
    variant,
    externalData,
    config,
    tokenizerJson,
    tokenizerConfig,
    chatTemplate,
    generationConfig: Object.keys(generationConfig).length ? generationConfig : undefined,
    family,
  };
}

function findModelFile(root: string, variant: string): string {
  const names = VARIANT_FILES[variant] ?? [variant];
  const candidates = names.flatMap((n) => (path.isAbsolute(n) ? [n] : [path.join(root, n), path.join(root, 'onnx', n)]));
  for (const c of candidates) if (isFile(c)) return c;
  const present = listOnnx(root);
  const wanted = names.join(' or ');
  throw new ModelError(
    `${root}: no ${wanted} (looked in the folder and in onnx/)${present.length ? `; ONNX files present: ${present.join(', ')} — choose one with the variant option` : '; expected the ONNX export of the model (optimum-cli export onnx --model … <folder>)'}`,
    'missing-file',
    candidates[0],
  );
}

function listOnnx(root: string): string[] {
  const out: string[] = [];
  for (const sub of ['', 'onnx']) {
    try {
      for (const f of fs.readdirSync(path.join(root, sub))) if (f.endsWith('.onnx')) out.push(sub ? `${sub}/${f}` : f);
    } catch {
      /* no such sub-folder */
    }
  }
  return out;
}

const isFile = (p: string) => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

function readJsonObject(file: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ModelError(`${file} is missing; expected ${what}`, 'missing-file', file);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ModelError(`${file}: not valid JSON (${(err as Error).message}); expected ${what}`, 'bad-config', file);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelError(`${file}: expected a JSON object (${what})`, 'bad-config', file);
  }
  return value as Record<string, unknown>;
}

function optionalJson(file: string): Record<string, unknown> {
  return fs.existsSync(file) ? readJsonObject(file, 'a JSON object') : {};
}

function readChatTemplate(root: string, tokConfig: Record<string, unknown>): string | undefined {
  const t = tokConfig.chat_template;
  if (typeof t === 'string' && t.trim()) return t;
  if (Array.isArray(t)) {
    // [{name, template}]: transformers uses the one named "default"
    const named = t as Array<{ name?: unknown; template?: unknown }>;
    const pick = named.find((x) => x.name === 'default') ?? named[0];
    if (pick && typeof pick.template === 'string') return pick.template;
  }
  const jinja = path.join(root, 'chat_template.jinja');
  if (isFile(jinja)) return fs.readFileSync(jinja, 'utf8');
  const json = path.join(root, 'chat_template.json');
  if (isFile(json)) {
    const v = readJsonObject(json, 'a JSON object with "chat_template"').chat_template;
    if (typeof v === 'string') return v;
  }
  return undefined;
}

function readConfig(file: string): ModelConfig {
  const raw = readJsonObject(file, 'the model configuration (config.json, saved by transformers)');
  const int = (key: string): number | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new ModelError(`${file}: "${key}" must be a non-negative integer, got ${JSON.stringify(v)}`, 'bad-config', file);
    }
    return v;
  };
  const archs = raw.architectures;
  const architecture = Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : '';
  const modelType = typeof raw.model_type === 'string' ? raw.model_type : '';
  const labels: string[] = [];
  if (raw.id2label !== undefined) {
    if (!raw.id2label || typeof raw.id2label !== 'object' || Array.isArray(raw.id2label)) {
      throw new ModelError(`${file}: "id2label" must be an object like {"0": "LABEL_0"}`, 'bad-config', file);
    }
    for (const [k, v] of Object.entries(raw.id2label as Record<string, unknown>)) {
      const id = Number(k);
      if (!Number.isInteger(id) || id < 0 || id > 10000) throw new ModelError(`${file}: id2label key "${k}" is not a class index`, 'bad-config', file);
      labels[id] = String(v);
    }
    for (let i = 0; i < labels.length; i++) if (labels[i] === undefined) labels[i] = `LABEL_${i}`;
  } else if (typeof raw.num_labels === 'number') {
    for (let i = 0; i < raw.num_labels; i++) labels.push(`LABEL_${i}`);
  }
  const eos = raw.eos_token_id;
  const eosTokenIds = Array.isArray(eos) ? eos.filter((x): x is number => Number.isInteger(x)) : Number.isInteger(eos) ? [eos as number] : [];
  return {
    raw,
    architecture,
    modelType,
    vocabSize: int('vocab_size'),
    maxPositions: int('max_position_embeddings') ?? int('n_positions') ?? int('n_ctx') ?? int('max_seq_len') ?? int('seq_length'),
    labels,
    padTokenId: int('pad_token_id'),
    eosTokenIds,
    bosTokenId: int('bos_token_id'),
  };
}
