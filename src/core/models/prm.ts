/**
 * A process reward model: a score for each reasoning step, Qwen2.5-Math-PRM style. The completion is
 * cut into the trace explorer's steps (segmentSteps, src/core/rewards/reasoningSteps.ts), each step is followed
 * by the model's step separator token, and the score of a step is the probability of the "good" label
 * at its separator (a token classifier's output [batch, sequence, labels]; one label = sigmoid).
 *
 * Input text: with a chat template, [system?] user = prompt, assistant = steps joined by the separator
 * plus a final separator (what Qwen2.5-Math-PRM expects); without one,
 * `prompt + "\n" + step_1 + SEP + step_2 + SEP + …` (what scripts/models/make_tiny_prm.py trains).
 * The separator and the good label come from config.json: `"prm": {"step_separator": "<extra_0>",
 * "good_label": 1, "system_prompt"?: "…"}`; without that section `<extra_0>` and the label named
 * good/positive (else 1) are assumed. Too long for the model: the prompt loses its beginning first,
 * then the steps past the maximum length get a null score.
 */
import type * as Ort from 'onnxruntime-node';
import { segmentSteps } from '../rewards/reasoningSteps';
import { DynamicBatcher, padBatch } from './batcher';
import { ModelError, throwIfAborted } from './errors';
import { readModelFolder, type ModelFolder } from './modelFolder';
import { floatData, int64Tensor, openSession, runSession, type OpenedSession } from './onnxSession';
import { checkSpecialTokens, maxLengthOf, sigmoid, softmax } from './rewardModel';
import { fitPrompt } from './promptCut';
import { ModelTokenizer } from './tokenizer';
import type { ModelInfo, PrmInput, PrmResult, ProcessRewardScorer, RewardModelOptions, StepScore } from './types';

export const DEFAULT_STEP_SEPARATOR = '<extra_0>';

interface PrmConfig {
  separator: string;
  separatorId: number;
  goodLabel: number;
  systemPrompt?: string;
}

export class ProcessRewardModel implements ProcessRewardScorer {
  private readonly batcher: DynamicBatcher<number[], { data: Float32Array; classes: number }>;
  private disposed = false;

  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: ModelTokenizer,
    private readonly opened: OpenedSession,
    readonly info: ModelInfo,
    readonly prm: PrmConfig,
    options: RewardModelOptions,
  ) {
    this.batcher = new DynamicBatcher((items) => this.runBatch(items), options.batching);
  }

  static async load(dir: string, options: RewardModelOptions = {}): Promise<ProcessRewardModel> {
    const folder = readModelFolder(dir, { variant: options.variant });
    const tokenizer = new ModelTokenizer(folder);
    checkSpecialTokens(folder, tokenizer);
    const prm = prmConfig(folder, tokenizer);
    const opened = await openSession(folder.modelFile, options);
    try {
      const names = opened.inputs.map((i) => i.name);
      const out = opened.outputs.find((o) => o.name === 'logits') ?? opened.outputs[0];
      const problem = !names.includes('input_ids')
        ? `no input "input_ids" (inputs: ${names.join(', ')})`
        : names.some((n) => n.startsWith('past_key_values'))
          ? 'it takes a KV cache: it is a causal LM, export the token-classification head'
          : !out || out.shape.length !== 3
            ? `output ${out ? `"${out.name}" has shape [${out.shape.join(', ')}]` : 'missing'}`
            : undefined;
      if (problem) {
        throw new ModelError(
          `${folder.modelFile} is not a process reward model: ${problem}; expected a token classifier with output "logits" [batch, sequence, labels] read at the step separator`,
          'not-a-classifier',
          folder.modelFile,
        );
      }
      const labels = folder.config.labels.length ? folder.config.labels : ['bad', 'good'];
      const info: ModelInfo = {
        dir: folder.dir,
        name: folder.name,
        modelFile: folder.modelFile,
        variant: folder.variant,
        kind: 'prm',
        family: folder.family,
        architecture: folder.config.architecture,
        maxLength: maxLengthOf(folder, options.maxLength),
        vocabSize: tokenizer.vocabSize,
        labels,
        positiveLabel: prm.goodLabel,
        chatTemplate: tokenizer.hasChatTemplate,
        provider: opened.status,
        inputNames: names,
        outputNames: opened.outputs.map((o) => o.name),
      };
      return new ProcessRewardModel(folder, tokenizer, opened, info, prm, options);
    } catch (err) {
      await opened.session.release().catch(() => undefined);
      throw err;
    }
  }

  /** Token ids of the prompt and the steps, and where each step's separator is. */
  encode(input: PrmInput): { ids: number[]; separators: number[]; steps: ReturnType<typeof segmentSteps> } {
    const steps = segmentSteps(input.completion);
    const sep = this.prm.separator;
    // a separator inside a step would add a score the steps do not have
    const texts = steps.map((s) => s.text.split(sep).join(' '));
    let ids: number[];
    if (this.tokenizer.hasChatTemplate) {
      const messages = [
        ...(this.prm.systemPrompt ? [{ role: 'system', content: this.prm.systemPrompt }] : []),
        { role: 'user', content: input.prompt },
        { role: 'assistant', content: texts.map((t) => t + sep).join('') },
      ];
      ids = this.tokenizer.encodeChat(messages, false).ids;
    } else {
      ids = this.tokenizer.encode(`${input.prompt}\n${texts.map((t) => t + sep).join('')}`).ids;
    }
    const separators: number[] = [];
    ids.forEach((id, i) => id === this.prm.separatorId && separators.push(i));
    if (separators.length < steps.length) {
      throw new ModelError(
        `${this.info.name}: ${steps.length} steps but the separator ${sep} was found ${separators.length} times after tokenization (the chat template or normalizer changes it)`,
        'bad-config',
        `${this.folder.dir}/config.json`,
      );
    }
    // with a template, a separator in the prompt would come first: the steps' are the last ones
    return { ids, separators: separators.slice(separators.length - steps.length), steps };
  }

  async scoreSteps(input: PrmInput, options: { signal?: AbortSignal } = {}): Promise<PrmResult> {
    if (this.disposed) throw new ModelError(`${this.info.name}: the model was closed`, 'runtime');
    throwIfAborted(options.signal);
    const max = this.info.maxLength;
    const full = this.encode(input);
    // too long: the prompt loses its beginning first, then the last steps go (they get no score)
    const fitted = full.ids.length > max && input.prompt ? fitPrompt(input.prompt, max, (p) => this.encode({ prompt: p as string, completion: input.completion })).enc : full;
    const { ids, separators, steps } = fitted;
    const kept = ids.length > max ? ids.slice(0, max) : ids;
    const { data, classes } = await this.batcher.submit(kept, kept.length, options.signal);
    const good = Math.min(this.prm.goodLabel, classes - 1);
    const scored: StepScore[] = steps.map((s, i) => {
      const at = separators[i];
      let score: number | null = null;
      if (at < kept.length) {
        const row = Array.from(data.subarray(at * classes, at * classes + classes));
        score = classes === 1 ? sigmoid(row[0]) : softmax(row)[good];
      }
      return { stepIndex: s.index, start: s.start, end: s.end, score };
    });
    const result: PrmResult = { steps: scored, tokens: kept.length };
    if (kept.length < full.ids.length) result.truncated = { from: full.ids.length, to: kept.length, part: kept.length < ids.length ? 'text' : 'prompt' };
    return result;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.opened.session.release();
  }

  /** One row of per-token logits per sequence ([seq_i, classes], padding dropped). */
  private async runBatch(items: number[][]): Promise<Array<{ data: Float32Array; classes: number }>> {
    const p = padBatch(
      items.map((ids) => ({ ids })),
      this.tokenizer.padId!,
    );
    const dims = [p.batch, p.seqLen];
    const feeds: Record<string, Ort.Tensor> = {};
    for (const name of this.opened.session.inputNames) {
      if (name === 'input_ids') feeds[name] = int64Tensor(p.inputIds, dims);
      else if (name === 'attention_mask') feeds[name] = int64Tensor(p.attentionMask, dims);
      else if (name === 'token_type_ids') feeds[name] = int64Tensor(p.tokenTypeIds, dims);
      else if (name === 'position_ids') feeds[name] = int64Tensor(p.positionIds, dims);
    }
    const out = await runSession(this.opened.session, feeds, this.folder.modelFile);
    const t = out[this.info.outputNames.includes('logits') ? 'logits' : this.info.outputNames[0]];
    const data = floatData(t);
    const classes = Number(t.dims[2]);
    return items.map((ids, r) => ({ data: data.slice(r * p.seqLen * classes, (r * p.seqLen + ids.length) * classes), classes }));
  }
}

function prmConfig(folder: ModelFolder, tokenizer: ModelTokenizer): PrmConfig {
  const file = `${folder.dir}/config.json`;
  const raw = folder.config.raw.prm;
  const section = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const separator = typeof section.step_separator === 'string' ? section.step_separator : DEFAULT_STEP_SEPARATOR;
  const separatorId = tokenizer.tokenId(separator);
  if (separatorId === undefined) {
    throw new ModelError(
      `${file}: the step separator ${JSON.stringify(separator)} is not a token of ${folder.dir}/tokenizer.json; set "prm": {"step_separator": "<the token the PRM reads>", "good_label": <index>} in config.json`,
      'bad-config',
      file,
    );
  }
  const labels = folder.config.labels;
  let goodLabel: number;
  if (typeof section.good_label === 'number') goodLabel = section.good_label;
  else if (typeof section.good_label === 'string' && labels.includes(section.good_label)) goodLabel = labels.indexOf(section.good_label);
  else {
    const i = labels.findIndex((l) => /^(good|positive|pos|correct|\+|1|label_1)$/i.test(l));
    goodLabel = i >= 0 ? i : 1;
  }
  const systemPrompt = typeof section.system_prompt === 'string' ? section.system_prompt : undefined;
  return { separator, separatorId, goodLabel, systemPrompt };
}
