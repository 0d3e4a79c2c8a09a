/** Token prices and cost: USD per 1M input / output tokens, 0 for local models. */
import type { TokenUsage } from '../generation';

export interface Prices {
  inputPerMTok: number;
  outputPerMTok: number;
}

export function costOf(usage: TokenUsage, prices?: Prices): number {
  if (!prices) return 0;
  return (usage.promptTokens * prices.inputPerMTok + usage.completionTokens * prices.outputPerMTok) / 1e6;
}
