/**
 * Meta reward models for meta-RM-guided voting (DeepSeek-GRM): a scalar score of how trustworthy
 * one judgement is, used to keep only the top k_meta judgements before the vote. Two stand-ins for
 * the paper's trained meta RM: an LLM meta-judge through any TextGenerator, and a scalar reward
 * model (the ONNX RM of src/core/models) reading the query + responses as the prompt and the
 * judgement as the completion.
 */
import type { TextGenerator, TokenUsage } from '../generation';
import { parseJudgement } from './parse';
import { buildMetaJudgeMessages } from './spct';
import { costOf, type Prices } from './usage';

/** A meta score with what it cost, for the accounting; plain numbers are accepted too. */
export interface MetaScore {
  score: number;
  usage?: TokenUsage;
  cost?: number;
  /** The meta-judge's own text, when it wrote one. */
  text?: string;
}

export type MetaScorer = (prompt: string, responses: string[], judgementText: string, signal?: AbortSignal) => Promise<number | MetaScore>;

export interface MetaRewardModel {
  readonly label: string;
  score: MetaScorer;
}

export interface LlmMetaJudgeOptions {
  maxTokens?: number;
  /** 0 by default: the meta score should be as stable as the judge allows. */
  temperature?: number;
  prices?: Prices;
}

/** The LLM meta-judge: asks for "Meta score: \boxed{1–10}"; an unreadable answer is an error, never a guess. */
export function llmMetaJudge(generator: TextGenerator, options: LlmMetaJudgeOptions = {}): MetaRewardModel {
  return {
    label: `LLM meta-judge (${generator.label})`,
    async score(prompt, responses, judgementText, signal) {
      const result = await generator.generate({
        messages: buildMetaJudgeMessages(prompt, responses, judgementText),
        maxTokens: options.maxTokens ?? 512,
        temperature: options.temperature ?? 0,
        signal,
      });
      if (result.finishReason === 'cancelled') throw new Error('cancelled');
      const parsed = parseJudgement(result.text, 1);
      if (!parsed.ok) throw new Error(`meta-judge answer unreadable: ${parsed.reason}`);
      return { score: parsed.scores[0], usage: result.usage, cost: costOf(result.usage, options.prices), text: result.text };
    },
  };
}

/**
 * The part of the ONNX reward model (src/core/models, `RewardScorer.score`) a meta RM needs, typed
 * structurally so the GRM does not load onnxruntime: a batch of (prompt, completion) pairs in, one
 * score each out. Concurrent calls are what the RM's dynamic batching gathers.
 */
export interface BatchRewardScorer {
  score(inputs: { prompt?: string; completion: string }[], options?: { signal?: AbortSignal }): Promise<{ logit: number; score: number }[]>;
}

/** A reward model used as the meta RM: query and responses as the prompt, the judgement as the completion; its logit ranks judgements. */
export function rewardModelMeta(model: BatchRewardScorer, label: string): MetaRewardModel {
  return {
    label,
    async score(prompt, responses, judgementText, signal) {
      const query = `${prompt}\n\n${responses.map((r, i) => `[Response ${i + 1}]\n${r}\n[End of Response ${i + 1}]`).join('\n\n')}`;
      const [out] = await model.score([{ prompt: query, completion: judgementText }], { signal });
      return out.logit;
    },
  };
}
