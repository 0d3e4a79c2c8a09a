/** Trace Explorer commands that choose which samples the tree shows and in what order. */
import * as vscode from 'vscode';
import { parseRange, type SampleFilter, type SampleSort } from '../../core/traces';
import type { TraceSession } from './traceSession';

/** Filter Samples: a quick pick of conditions to set or toggle on top of the current filter. */
export async function pickFilter(s: TraceSession): Promise<void> {
  const f = { ...s.filter };
  const on = (b: boolean | undefined) => (b ? '$(check) ' : '$(circle-large-outline) ');
  type Item = vscode.QuickPickItem & { id: string };
  const items: Item[] = [
    { id: 'reward', label: `$(graph) Reward range…`, description: f.rewardMin !== undefined || f.rewardMax !== undefined ? `${f.rewardMin ?? ''}…${f.rewardMax ?? ''}` : 'any' },
    { id: 'reflection', label: `${on(f.hasReflection)}Has reflection`, description: 'a step labelled reflection or backtrack' },
    { id: 'format', label: `${on(f.formatFailed)}Format failed`, description: "R1's strict <think> template fails, or <think> is never closed" },
    { id: 'language', label: `${on(f.languageMixed)}Language mixed`, description: 'under 90% of the reasoning in the target language' },
    { id: 'text', label: `$(search) Text search…`, description: f.text ? `“${f.text}”` : 'in prompts and completions' },
    { id: 'clear', label: '$(clear-all) Clear filters' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Filter Samples', placeHolder: 'Choose a condition to set or toggle' });
  if (!pick) return;
  switch (pick.id) {
    case 'reward': {
      const value = await vscode.window.showInputBox({
        title: 'Reward range',
        prompt: 'min..max (either may be empty), e.g. 1..  or  0..0.5  or  ..0',
        value: `${f.rewardMin ?? ''}..${f.rewardMax ?? ''}`,
        validateInput: (v) => (parseRange(v) ? undefined : 'Write min..max with numbers, e.g. 0.5..1'),
      });
      if (value === undefined) return;
      const r = parseRange(value)!;
      f.rewardMin = r.min;
      f.rewardMax = r.max;
      break;
    }
    case 'reflection':
      f.hasReflection = !f.hasReflection;
      break;
    case 'format':
      f.formatFailed = !f.formatFailed;
      break;
    case 'language':
      f.languageMixed = !f.languageMixed;
      break;
    case 'text': {
      const value = await vscode.window.showInputBox({ title: 'Text search', prompt: 'Show samples whose prompt or completion contains this text (case-insensitive); empty clears', value: f.text ?? '' });
      if (value === undefined) return;
      f.text = value.trim() || undefined;
      break;
    }
    case 'clear':
      await s.setFilter({}, { signal: new AbortController().signal, onProgress: () => undefined });
      return;
  }
  await applyFilter(s, f);
}

/** Set the filter, with progress and cancellation for the conditions that read the file. */
export async function applyFilter(s: TraceSession, f: SampleFilter): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Filtering samples', cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    let last = 0;
    await s.setFilter(f, {
      signal: controller.signal,
      onProgress: (fraction) => {
        const pct = Math.round(fraction * 100);
        progress.report({ increment: Math.max(0, pct - last) });
        last = Math.max(last, pct);
      },
    });
  });
}

/** Sort Samples: samples within a prompt, and prompts by their first sample. */
export async function pickSort(s: TraceSession): Promise<void> {
  const options: Array<{ id: SampleSort; label: string }> = [
    { id: 'file', label: 'File order' },
    { id: 'reward-desc', label: 'Reward, highest first' },
    { id: 'reward-asc', label: 'Reward, lowest first' },
    { id: 'advantage-desc', label: 'Advantage, highest first' },
    { id: 'length-desc', label: 'Length (tokens), longest first' },
    { id: 'reflections-desc', label: 'Reflections, most first' },
  ];
  const pick = await vscode.window.showQuickPick(
    options.map((o) => ({ ...o, description: o.id === s.sort ? 'current' : undefined })),
    { title: 'Sort Samples', placeHolder: 'Samples within a prompt, and prompts by their first sample' },
  );
  if (pick) s.setSort(pick.id);
}
