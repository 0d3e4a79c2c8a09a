import * as vscode from 'vscode';
import { PROVIDER_NAMES, providerCandidates } from '../../core/models/providers';
import { loadOptions, rewardModelFolder, SETTINGS } from './modelSettings';
import type { ModelService, RewardModelState } from './modelService';

export const CHOOSE_PROVIDER_COMMAND = 'reasoningLab.models.chooseProvider';

/**
 * "$(chip) RM: CPU": the execution provider the reward model runs on, with the providers tried before
 * and why each failed in the tooltip. Only shown while a reward model is configured; the model is
 * opened when the setting is set, so the item tells the truth before the first score.
 */
export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('reasoningLab.rewardModel', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly models: ModelService,
    private readonly output: vscode.OutputChannel,
  ) {
    this.item.name = 'Reasoning Lab Reward Model';
    this.item.command = CHOOSE_PROVIDER_COMMAND;
    this.disposables = [
      this.item,
      models.onDidChangeRewardModel((s) => this.render(s)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('reasoningLab.rewardModel') || e.affectsConfiguration('reasoningLab.models')) this.preload();
      }),
      vscode.commands.registerCommand(CHOOSE_PROVIDER_COMMAND, () => this.choose()),
    ];
    this.preload();
  }

  private configuredFolder(): string | undefined {
    return rewardModelFolder(undefined, vscode.window.activeTextEditor?.document.uri);
  }

  /** Open the configured model in the background so the item shows its provider (or its error). */
  private preload(): void {
    const dir = this.configuredFolder();
    this.render(this.models.rewardModelState);
    if (dir) void this.models.rewardModel(dir, loadOptions()).catch(() => undefined);
  }

  private render(s: RewardModelState): void {
    if (!this.configuredFolder() && s.kind === 'none') {
      this.item.hide();
      return;
    }
    const forced = vscode.workspace.getConfiguration().get<string>(SETTINGS.provider, 'auto');
    const tip = new vscode.MarkdownString(undefined, true);
    tip.isTrusted = false;
    this.item.backgroundColor = undefined;
    if (s.kind === 'ready') {
      const p = s.info.provider;
      this.item.text = `$(chip) RM: ${p.provider.toUpperCase()}`;
      tip.appendMarkdown(`**Reward model** ${escape(s.info.name)} (${escape(s.info.architecture)}, ${s.info.family})\n\n`);
      tip.appendMarkdown(`Runs on **${p.provider}** (${p.requested === 'auto' ? 'chosen automatically' : `forced by ${SETTINGS.provider}`}).\n\n`);
      if (p.tried.length) {
        tip.appendMarkdown('Tried first:\n');
        for (const t of p.tried) tip.appendMarkdown(`- ${escape(t.name)}: ${escape(t.error)}\n`);
      }
      tip.appendMarkdown(`\nClick to force a provider or see the log.`);
    } else if (s.kind === 'loading') {
      this.item.text = '$(loading~spin) RM';
      tip.appendMarkdown(`Loading the reward model ${escape(s.dir)}…`);
    } else if (s.kind === 'failed') {
      this.item.text = '$(error) RM';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      tip.appendMarkdown(`**The reward model did not load**\n\n${escape(s.message)}\n\nClick to force a provider or see the log.`);
    } else {
      this.item.text = `$(chip) RM${forced !== 'auto' ? `: ${forced.toUpperCase()}` : ''}`;
      tip.appendMarkdown('The reward model loads when a document is scored.');
    }
    this.item.tooltip = tip;
    this.item.show();
  }

  private async choose(): Promise<void> {
    const current = vscode.workspace.getConfiguration().get<string>(SETTINGS.provider, 'auto');
    const s = this.models.rewardModelState;
    const failed = new Map(s.kind === 'ready' ? s.info.provider.tried.map((t) => [t.name, t.error]) : []);
    type Item = vscode.QuickPickItem & { provider?: string; action?: 'log' };
    const items: Item[] = [
      { label: '$(output) Show Model Log', description: 'the output channel: which providers were tried and why they failed', action: 'log' },
      { label: 'Execution provider', kind: vscode.QuickPickItemKind.Separator },
      { label: 'auto', description: `try ${providerCandidates().join(' → ')}`, detail: current === 'auto' ? 'current setting' : undefined, provider: 'auto' },
      ...PROVIDER_NAMES.map((name) => ({
        label: name,
        description: s.kind === 'ready' && s.info.provider.provider === name ? 'in use' : failed.has(name) ? `failed: ${failed.get(name)}` : undefined,
        detail: current === name ? 'current setting' : undefined,
        provider: name,
      })),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Reasoning Lab: reward model execution provider', placeHolder: `In use: ${s.kind === 'ready' ? s.info.provider.provider : s.kind}. A forced provider does not fall back.` });
    if (!pick) return;
    if (pick.action === 'log') {
      this.output.show(true);
      return;
    }
    if (pick.provider) {
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration().update(SETTINGS.provider, pick.provider, target);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}
