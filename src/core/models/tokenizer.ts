/**
 * The tokenizer of a model folder: `tokenizer.json` through @huggingface/tokenizers (pure JS, the same
 * pipeline as the Rust crate), the chat template through @huggingface/jinja, and truncation that
 * reports what it cut.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import type { ChatMessage } from '../rewards/types';
import { ModelError } from './errors';
import type { ModelFolder } from './modelFolder';

export interface Encoded {
  ids: number[];
  /** Segment ids (BERT pair encoding); undefined = all zeros. */
  typeIds?: number[];
  /** Tokens before truncation, when the input was cut. */
  truncatedFrom?: number;
}

/** A special token's text, whether tokenizer_config.json writes it as a string or as an AddedToken object. */
function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

export class ModelTokenizer {
  readonly tokenizer: Tokenizer;
  /** Number of ids the tokenizer can produce (largest id + 1). */
  readonly vocabSize: number;
  readonly padId: number | undefined;
  readonly eosId: number | undefined;
  readonly bosId: number | undefined;
  readonly specialIds: ReadonlySet<number>;
  private readonly template?: Template;
  private readonly specialTexts: Record<string, string | undefined>;

  constructor(readonly folder: ModelFolder) {
    const tokFile = `${folder.dir}/tokenizer.json`;
    try {
      this.tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
    } catch (err) {
      throw new ModelError(`${tokFile}: the tokenizer cannot be built (${(err as Error).message})`, 'bad-config', tokFile);
    }
    let maxId = -1;
    for (const id of this.tokenizer.get_vocab(true).values()) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    const cfg = folder.tokenizerConfig;
    this.specialTexts = {
      pad_token: tokenText(cfg.pad_token),
      eos_token: tokenText(cfg.eos_token),
      bos_token: tokenText(cfg.bos_token),
      unk_token: tokenText(cfg.unk_token),
      sep_token: tokenText(cfg.sep_token),
      cls_token: tokenText(cfg.cls_token),
    };
    const idOf = (text: string | undefined) => (text === undefined ? undefined : this.tokenizer.token_to_id(text));
    this.eosId = idOf(this.specialTexts.eos_token) ?? folder.config.eosTokenIds[0];
    this.bosId = idOf(this.specialTexts.bos_token) ?? folder.config.bosTokenId;
    // transformers pads with pad_token; GPT-2/Llama RMs set it to eos. The attention mask hides padding,
    // so any real id works, but one must exist in the vocabulary.
    this.padId = idOf(this.specialTexts.pad_token) ?? folder.config.padTokenId ?? this.eosId;
    const special = new Set<number>();
    for (const [id, t] of this.tokenizer.get_added_tokens_decoder()) if (t.special) special.add(id);
    this.specialIds = special;

    const cfgFile = `${folder.dir}/config.json`;
    // tokenizer.json and tokenizer_config.json saved with different models (a tokenizer.json copied from
    // another model): the special tokens the config names are missing, and the ids would mean nothing
    const missing = (['pad_token', 'cls_token', 'sep_token', 'bos_token', 'eos_token'] as const).filter((k) => this.specialTexts[k] !== undefined && idOf(this.specialTexts[k]) === undefined);
    if (missing.length) {
      const named = missing.map((k) => `${k} ${JSON.stringify(this.specialTexts[k])}`).join(', ');
      throw new ModelError(
        `tokenizer does not match the model: ${folder.dir}/tokenizer_config.json names ${named}, which ${tokFile} does not have (${this.vocabSize} ids${folder.config.vocabSize !== undefined ? `; config.json says vocab_size ${folder.config.vocabSize}` : ''}); expected the tokenizer saved with this model`,
        'tokenizer-mismatch',
        tokFile,
      );
    }
    const vocab = folder.config.vocabSize;
    if (vocab !== undefined && this.vocabSize > vocab) {
      throw new ModelError(
        `tokenizer does not match the model: ${tokFile} has ids up to ${this.vocabSize - 1} but ${cfgFile} says vocab_size ${vocab}; expected the tokenizer saved with this model`,
        'tokenizer-mismatch',
        tokFile,
      );
    }
    if (this.padId === undefined) {
      throw new ModelError(
        `pad token missing: ${folder.dir}/tokenizer_config.json names no pad_token (nor eos_token) and ${cfgFile} no pad_token_id; batches need one — add "pad_token" to tokenizer_config.json`,
        'tokenizer-mismatch',
        `${folder.dir}/tokenizer_config.json`,
      );
    }
    if (folder.chatTemplate) {
      try {
        this.template = new Template(folder.chatTemplate);
      } catch (err) {
        throw new ModelError(`${folder.dir}/tokenizer_config.json: chat_template is not valid Jinja (${(err as Error).message})`, 'bad-config', `${folder.dir}/tokenizer_config.json`);
      }
    }
  }

  get hasChatTemplate(): boolean {
    return !!this.template;
  }

  /** Encode text (and an optional second segment, BERT-style pairs) with the tokenizer's special tokens. */
  encode(text: string, options: { pair?: string; addSpecialTokens?: boolean } = {}): Encoded {
    const e = this.tokenizer.encode(text, {
      text_pair: options.pair ?? null,
      add_special_tokens: options.addSpecialTokens ?? true,
      return_token_type_ids: true,
    });
    const typeIds = e.token_type_ids && e.token_type_ids.some((t) => t !== 0) ? e.token_type_ids : undefined;
    return { ids: e.ids, typeIds };
  }

  /** The chat template rendered to text, as transformers' apply_chat_template(tokenize=False) does. */
  renderChat(messages: ChatMessage[], addGenerationPrompt: boolean): string {
    if (!this.template) throw new ModelError(`${this.folder.dir}: the tokenizer has no chat template`, 'bad-config');
    try {
      return this.template.render({
        messages,
        add_generation_prompt: addGenerationPrompt,
        ...Object.fromEntries(Object.entries(this.specialTexts).filter(([, v]) => v !== undefined)),
      });
    } catch (err) {
      throw new ModelError(`${this.folder.dir}: the chat template failed on these messages (${(err as Error).message})`, 'bad-config');
    }
  }

  /** Chat messages through the template, tokenized without adding special tokens again (the template has them). */
  encodeChat(messages: ChatMessage[], addGenerationPrompt: boolean): Encoded {
    return this.encode(this.renderChat(messages, addGenerationPrompt), { addSpecialTokens: false });
  }

  decode(ids: number[], skipSpecialTokens = true): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens });
  }

  tokenId(text: string): number | undefined {
    return this.tokenizer.token_to_id(text);
  }
}

/**
 * Cut `enc` to `max` tokens from the right, keeping the trailing special tokens (BERT's [SEP], an
 * appended EOS) so the model still sees a well-formed sequence; reports the original length.
 */
export function truncate(enc: Encoded, max: number, specialIds: ReadonlySet<number>): Encoded {
  const n = enc.ids.length;
  if (n <= max) return enc;
  let tail = 0;
  while (tail < n && tail < max - 1 && specialIds.has(enc.ids[n - 1 - tail])) tail++;
  const keep = max - tail;
  const cut = <T>(a: T[]) => a.slice(0, keep).concat(a.slice(n - tail));
  return { ids: cut(enc.ids), typeIds: enc.typeIds && cut(enc.typeIds), truncatedFrom: n };
}
