import * as vscode from 'vscode';
import { PRESETS } from '../../core/rewards';
import { DEFAULT_SPEC_FILE, SPEC_SETTING } from './rewardSpecSource';

/** Choose Reward Preset or Spec, and Create Workspace Reward Spec. */
export function registerSpecCommands(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('reasoningLab.chooseRewardSpec', chooseRewardSpec),
    vscode.commands.registerCommand('reasoningLab.createRewardSpec', createRewardSpec),
  ];
}

interface SpecPick extends vscode.QuickPickItem {
  value: string;
}

async function chooseRewardSpec(): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration();
  const currentValue = config.get<string>(SPEC_SETTING, 'r1');
  const files = await vscode.workspace.findFiles('**/.reasoning-lab/*.json', '**/node_modules/**', 50);
  const items: SpecPick[] = [
    { label: 'Presets', kind: vscode.QuickPickItemKind.Separator, value: '' },
    ...Object.entries(PRESETS).map(([name, spec]) => ({
      label: name,
      description: Object.entries(spec.components)
        .map(([c, s]) => `${c} ${s?.weight}`)
        .join(' · '),
      detail: spec.description,
      value: name,
    })),
    { label: 'Workspace spec files', kind: vscode.QuickPickItemKind.Separator, value: '' },
    ...files.map((f) => ({ label: vscode.workspace.asRelativePath(f, false), description: 'spec file', value: vscode.workspace.asRelativePath(f, false) })),
  ];
  for (const item of items) if (item.value === currentValue) item.description = `${item.description ?? ''} (current)`.trim();
  const pick = await vscode.window.showQuickPick(items, { title: 'Reasoning Lab: reward preset or spec', placeHolder: `Now: ${currentValue}` });
  if (!pick) return undefined;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(SPEC_SETTING, pick.value, target);
  return pick.value;
}

// No "$schema" key: the extension's jsonValidation contribution already validates this file in the editor.
const STARTER_SPEC = {
  description: 'Rewards for this workspace: each component has a weight and the options of its function.',
  components: {
    accuracy: { weight: 1 },
    format: { weight: 1, mode: 'strict' },
    language: { weight: 1 },
    repetition: { weight: 0.5, ngramSize: 3 },
  },
};

/** Write a starter spec, or open the existing one: never overwrite what the user has. */
async function createRewardSpec(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('Reasoning Lab: open a folder first; the spec lives in its .reasoning-lab/ folder.');
    return;
  }
  const file = vscode.Uri.joinPath(folder.uri, DEFAULT_SPEC_FILE);
  const exists = await vscode.workspace.fs.stat(file).then(() => true, () => false);
  if (!exists) {
    await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(STARTER_SPEC, null, 2) + '\n'));
  }
  await vscode.window.showTextDocument(file);
  const use = 'Use It';
  const choice = await vscode.window.showInformationMessage(
    exists ? `Reasoning Lab: ${DEFAULT_SPEC_FILE} already exists; opened it.` : `Reasoning Lab: wrote ${DEFAULT_SPEC_FILE}.`,
    use,
  );
  if (choice === use) await vscode.workspace.getConfiguration().update(SPEC_SETTING, DEFAULT_SPEC_FILE, vscode.ConfigurationTarget.Workspace);
}
