import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProviderChoice, RewardModelOptions } from '../../core/models/types';
import type { RewardSpec } from '../../core/rewards/types';

/** The model settings (reward model, PRM, judge), read in one place so the names live here and in package.json only. */
export const SETTINGS = {
  rmPath: 'reasoningLab.rewardModel.path',
  prmPath: 'reasoningLab.prm.path',
  localLmPath: 'reasoningLab.localLm.path',
  provider: 'reasoningLab.models.executionProvider',
  grm: 'reasoningLab.grm',
} as const;

export type GrmProviderKind = 'openai' | 'vscode-lm' | 'local';

export interface GrmSettings {
  provider: GrmProviderKind;
  url: string;
  model: string;
  k: number;
  metaKeep: number;
  temperature: number;
  maxTokens: number;
  concurrency: number;
  timeoutMs: number;
  stream: boolean;
  prices: { inputPerMTok: number; outputPerMTok: number };
  localLmPath: string | undefined;
}

/** A folder setting as an absolute path: relative ones are taken from the scope's workspace folder. */
export function resolveFolder(value: string | undefined, scope?: vscode.Uri): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const expanded = v.startsWith('~/') ? path.join(process.env.HOME ?? '', v.slice(2)) : v;
  if (path.isAbsolute(expanded)) return expanded;
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, expanded) : undefined;
}

/** Options for opening ONNX models (reward model, PRM, local LM) from the settings. */
export function loadOptions(scope?: vscode.Uri): RewardModelOptions {
  const c = vscode.workspace.getConfiguration('reasoningLab', scope);
  const maxLength = c.get<number>('rewardModel.maxLength', 0);
  const threads = c.get<number>('models.threads', 0);
  return {
    provider: c.get<ProviderChoice>('models.executionProvider', 'auto'),
    variant: c.get<'default' | 'quantized' | 'fp16'>('rewardModel.variant', 'default'),
    maxLength: maxLength > 0 ? maxLength : undefined,
    threads: threads > 0 ? threads : undefined,
    batching: {
      enabled: c.get<boolean>('models.batching.enabled', true),
      maxBatch: c.get<number>('models.batching.maxBatch', 16),
      maxWaitMs: c.get<number>('models.batching.maxWaitMs', 5),
    },
  };
}

/** The reward model folder: the spec's rm.model wins over the setting. */
export function rewardModelFolder(spec: RewardSpec | undefined, scope?: vscode.Uri): string | undefined {
  const fromSpec = spec?.components.rm?.options?.model;
  if (typeof fromSpec === 'string' && fromSpec.trim()) return resolveFolder(fromSpec, scope);
  return resolveFolder(vscode.workspace.getConfiguration('reasoningLab', scope).get<string>('rewardModel.path'), scope);
}

export function prmFolder(scope?: vscode.Uri): string | undefined {
  return resolveFolder(vscode.workspace.getConfiguration('reasoningLab', scope).get<string>('prm.path'), scope);
}

export function grmSettings(scope?: vscode.Uri): GrmSettings {
  const c = vscode.workspace.getConfiguration('reasoningLab', scope);
  const prices = c.get<{ input?: number; output?: number }>('grm.pricePerMTok', {}) ?? {};
  return {
    provider: c.get<GrmProviderKind>('grm.provider', 'openai'),
    url: c.get<string>('grm.url', '').trim(),
    model: c.get<string>('grm.model', '').trim(),
    k: c.get<number>('grm.samples', 4),
    metaKeep: c.get<number>('grm.metaKeep', 0),
    temperature: c.get<number>('grm.temperature', 0.7),
    maxTokens: c.get<number>('grm.maxTokens', 1024),
    concurrency: c.get<number>('grm.concurrency', 4),
    timeoutMs: c.get<number>('grm.timeoutMs', 120000),
    stream: c.get<boolean>('grm.stream', true),
    prices: { inputPerMTok: Number(prices.input ?? 0) || 0, outputPerMTok: Number(prices.output ?? 0) || 0 },
    localLmPath: resolveFolder(c.get<string>('localLm.path'), scope),
  };
}

/** Why the judge is not usable with these settings, or undefined when it is configured. */
export function grmMissing(s: GrmSettings): string | undefined {
  if (s.provider === 'openai' && !s.url) return 'set reasoningLab.grm.url to an OpenAI-compatible endpoint (e.g. http://127.0.0.1:8000/v1)';
  if (s.provider === 'openai' && !s.model) return 'set reasoningLab.grm.model to the model the endpoint serves';
  if (s.provider === 'local' && !s.localLmPath) return 'set reasoningLab.localLm.path to a local ONNX causal LM folder';
  return undefined;
}

/** True when the user asked for a judge at all (an endpoint, a local LM, or VS Code's language models). */
export function grmWanted(s: GrmSettings): boolean {
  return s.provider === 'vscode-lm' || (s.provider === 'openai' && !!s.url) || (s.provider === 'local' && !!s.localLmPath);
}

/** Settings whose change invalidates loaded models (they are reopened on next use). */
export function affectsModels(e: vscode.ConfigurationChangeEvent): boolean {
  return ['reasoningLab.rewardModel', 'reasoningLab.prm', 'reasoningLab.localLm', 'reasoningLab.models'].some((s) => e.affectsConfiguration(s));
}
