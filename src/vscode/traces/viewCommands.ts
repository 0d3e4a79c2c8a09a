/** Trace Explorer commands that open the stepper, the group view and the training-step chart, and follow a growing file. */
import * as vscode from 'vscode';
import type { TraceSampleRef } from '../../contracts/traces';
import type { ExplorerContext } from './explorerContext';
import type { TraceNode } from './traceTree';
import { openTrace, showRawRecord } from './fileCommands';

/** Open in Trace Stepper: from the tree (a sample node) or a webview (a sample reference). */
export async function openSample(explorer: ExplorerContext, arg?: TraceSampleRef | TraceNode): Promise<void> {
  const s = explorer.need();
  const ref = arg && 'kind' in arg ? (arg.kind === 'sample' ? { entry: arg.summary.entry, sub: arg.summary.sub } : undefined) : arg;
  if (!ref) throw new Error('Choose a sample in the Trace Explorer.');
  await explorer.stepper.show(s, ref.entry, ref.sub);
}

/** Open Group View: the group of a tree node, or of a prompt (another command's), else one picked from the groups shown. */
export async function openGroup(explorer: ExplorerContext, node?: TraceNode | { prompt: string }): Promise<void> {
  const s = explorer.need();
  let key: string | undefined;
  if (node && 'prompt' in node) {
    key = s.visibleGroups().find((g) => g.stats.prompt === node.prompt)?.stats.key;
    if (!key) throw new Error(`${s.label} has no group for "${node.prompt}"`);
  } else if (node?.kind === 'group') key = node.stats.key;
  else if (node?.kind === 'sample') key = node.summary.group;
  else {
    const groups = s.visibleGroups();
    const pick = await vscode.window.showQuickPick(
      groups.map((g) => ({ label: g.stats.prompt.replace(/\s+/g, ' ').slice(0, 100), description: `${g.stats.size} samples, mean ${g.stats.mean?.toFixed(2) ?? 'n/a'}`, key: g.stats.key })),
      { title: 'Open Group View', matchOnDescription: true },
    );
    key = pick?.key;
  }
  if (key) explorer.groupPanel.show(s, key);
}

/** Follow: new records join the tree as a training run writes them; the training-step chart opens beside. */
export function follow(explorer: ExplorerContext): void {
  const s = explorer.need();
  s.startFollowing(explorer.log);
  explorer.stepsPanel.show(s, true);
  void vscode.window.showInformationMessage(`Following ${s.label}: new records appear as they are written.`);
}

/**
 * A file an agent writes as it runs (Solve with Agent's episode, rewritten after every decision): it
 * opens without a notification and is followed, and the Trace Stepper shows its first record as it
 * grows, staying on the step the user is on.
 */
export async function openLive(explorer: ExplorerContext, uri: vscode.Uri): Promise<void> {
  const session = await openTrace(explorer, uri, { quiet: true });
  if (!session || explorer.session !== session) return;
  session.startFollowing(explorer.log);
  await explorer.stepper.show(session, 0, 0, { live: true });
}

/** Stop Following: the tree keeps what was read; the message says so (the button alone changes silently). */
export function stopFollowing(explorer: ExplorerContext): void {
  const s = explorer.need();
  if (!s.following) {
    void vscode.window.showInformationMessage(`${s.label} is not being followed.`);
    return;
  }
  s.stopFollowing();
  explorer.log(`stopped following ${s.label} at ${s.sampleCount} samples`);
  void vscode.window.showInformationMessage(`Stopped following ${s.label}: ${s.sampleCount} sample${s.sampleCount === 1 ? '' : 's'} read; records written from now on are not read.`);
}

/** Show Record as JSON: the record of a tree sample, else of the sample in the stepper, as written in the file. */
export async function showRawJson(explorer: ExplorerContext, node?: TraceNode): Promise<void> {
  const s = explorer.need();
  const entry = node?.kind === 'sample' ? node.summary.entry : explorer.stepper.shown?.entry;
  if (entry === undefined) throw new Error('Choose a sample in the Trace Explorer (or open one in the Trace Stepper) to see its record as JSON.');
  await showRawRecord(s, entry);
}
