import * as vscode from 'vscode';
import type { StepScore } from '../../core/models/types';
import { loadOptions, prmFolder } from './modelSettings';
import type { ModelService } from './modelService';

/** What the Trace Stepper asks for: per-step PRM scores of one sample (src/vscode/traces/traceStepperPanel.ts). */
export interface StepScorer {
  configured(scope?: vscode.Uri): boolean;
  score(key: string, sample: { prompt: string; completion: string }, scope: vscode.Uri | undefined, signal: AbortSignal): Promise<{ steps: StepScore[]; detail: string }>;
}

const CACHE_SIZE = 256;

/**
 * Per-step scores of the process reward model (reasoningLab.prm.path), computed in the model worker
 * and cached per sample (and per model folder), so stepping back and forth between samples is instant.
 */
export class PrmStepScores implements StepScorer {
  private readonly cache = new Map<string, { steps: StepScore[]; detail: string }>();

  constructor(private readonly models: ModelService) {}

  configured(scope?: vscode.Uri): boolean {
    return !!prmFolder(scope);
  }

  async score(key: string, sample: { prompt: string; completion: string }, scope: vscode.Uri | undefined, signal: AbortSignal): Promise<{ steps: StepScore[]; detail: string }> {
    const dir = prmFolder(scope);
    if (!dir) throw new Error('no process reward model: set reasoningLab.prm.path');
    const { provider, threads } = loadOptions(scope);
    const options = { provider, threads };
    const cacheKey = JSON.stringify([dir, options, key, sample.completion.length]);
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;
    const prm = await this.models.prm(dir, options);
    const r = await prm.scoreSteps(sample, { signal });
    const parts = [`${prm.info.name} on ${prm.info.provider.provider}`, `${r.tokens} tokens`];
    if (r.truncated) parts.push(`cut from ${r.truncated.from} to ${r.truncated.to} tokens: later steps have no score`);
    const value = { steps: r.steps, detail: parts.join('; ') };
    this.cache.set(cacheKey, value);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  clear(): void {
    this.cache.clear();
  }
}
