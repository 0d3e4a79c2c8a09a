import * as vscode from 'vscode';
import type { GrmJudgeOptions } from '../../core/models/grm/judge';
import { llmMetaJudge } from '../../core/models/grm/meta';
import type { TextGenerator } from '../../core/models/generation';
import { OpenAiChatGenerator } from '../../core/models/generators/openai';
import type { RewardSpec } from '../../core/rewards/types';
import { grmMissing, grmSettings, loadOptions } from './modelSettings';
import type { ModelService } from './modelService';
import { openVscodeLm } from './vscodeLmGenerator';

/** Where the OpenAI-compatible endpoint's key lives (VS Code's SecretStorage, never the settings). */
export const GRM_KEY_SECRET = 'reasoningLab.grm.apiKey';

/** The judge the settings describe, ready for judgePointwise; throws with what to set when it is not configured. */
export async function judgeFromSettings(
  models: ModelService,
  secrets: vscode.SecretStorage,
  spec: RewardSpec | undefined,
  scope?: vscode.Uri,
): Promise<GrmJudgeOptions> {
  const s = grmSettings(scope);
  const missing = grmMissing(s);
  if (missing) throw new Error(`no generative reward model: ${missing}`);
  let generator: TextGenerator;
  if (s.provider === 'openai') {
    const apiKey = await secrets.get(GRM_KEY_SECRET);
    generator = new OpenAiChatGenerator({ baseUrl: s.url, model: s.model, stream: s.stream, timeoutMs: s.timeoutMs, ...(apiKey ? { apiKey } : {}) });
  } else if (s.provider === 'vscode-lm') {
    generator = await openVscodeLm(vscode, { model: s.model });
  } else {
    const { provider, threads } = loadOptions(scope);
    generator = await models.localLm(s.localLmPath!, { provider, threads });
  }
  const specK = spec?.components.grm?.options?.k;
  const k = typeof specK === 'number' ? specK : s.k;
  const options: GrmJudgeOptions = {
    generator,
    k,
    concurrency: s.concurrency,
    temperature: s.temperature,
    maxTokens: s.maxTokens,
    prices: s.prices,
  };
  if (s.metaKeep > 0) options.meta = { model: llmMetaJudge(generator, { prices: s.prices }), keep: Math.min(s.metaKeep, k) };
  return options;
}

/** "Set GRM API Key" / "Clear GRM API Key". */
export function registerGrmKeyCommands(secrets: vscode.SecretStorage): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('reasoningLab.grm.setApiKey', async (value?: string) => {
      const key =
        typeof value === 'string'
          ? value
          : await vscode.window.showInputBox({
              title: 'Reasoning Lab: API key of the judge endpoint',
              prompt: 'Stored in VS Code\u2019s secret storage (never in settings); sent as "Authorization: Bearer <key>" to reasoningLab.grm.url.',
              password: true,
              ignoreFocusOut: true,
              validateInput: (v) => (v.trim() ? undefined : 'The key is empty'),
            });
      if (!key?.trim()) return false;
      await secrets.store(GRM_KEY_SECRET, key.trim());
      void vscode.window.showInformationMessage('Reasoning Lab: the judge\u2019s API key is stored in secret storage.');
      return true;
    }),
    vscode.commands.registerCommand('reasoningLab.grm.clearApiKey', async () => {
      await secrets.delete(GRM_KEY_SECRET);
      void vscode.window.showInformationMessage('Reasoning Lab: the judge\u2019s API key was removed from secret storage.');
      return true;
    }),
  ];
}
