/** Export Best-of-n: the top k samples of every prompt group as SFT chat JSONL beside the trace file (rejection sampling). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeExport } from '../../core/traces';
import type { ExplorerContext } from './explorerContext';

export async function exportBest(explorer: ExplorerContext): Promise<void> {
  const s = explorer.need();
  const kText = await vscode.window.showInputBox({
    title: 'Export Best-of-n (1/3)',
    prompt: 'Keep the top k samples of every prompt group, by reward',
    value: '1',
    validateInput: (v) => (/^\s*[1-9]\d*\s*$/.test(v) ? undefined : 'A whole number ≥ 1'),
  });
  if (kText === undefined) return;
  const k = Number(kText.trim());
  const mode = await vscode.window.showQuickPick(
    [
      { label: 'All samples', correctOnly: false, description: 'top k by reward' },
      {
        label: 'Only correct, well-formatted samples',
        correctOnly: true,
        description: "the file's own verdict, else accuracy against the reference; R1's <think> template when the file uses it",
      },
    ],
    { title: 'Export Best-of-n (2/3)' },
  );
  if (!mode) return;
  const dir = path.dirname(s.uri.fsPath);
  const base = path.basename(s.uri.fsPath).replace(/\.(jsonl|json)(\.gz)?$|\.(parquet|eval)$/i, '');
  const proposed = freeName(dir, `${base}.best-of-${k}${mode.correctOnly ? '.correct' : ''}.sft.jsonl`);
  const outName = await vscode.window.showInputBox({
    title: 'Export Best-of-n (3/3)',
    prompt: `Write the SFT JSONL to (relative to ${path.basename(dir)}/; an existing file is never replaced)`,
    value: path.basename(proposed),
    validateInput: (v) => {
      if (!v.trim()) return 'A file name';
      return fs.existsSync(path.resolve(dir, v.trim())) ? `${v.trim()} exists; choose another name (it is never overwritten)` : undefined;
    },
  });
  if (outName === undefined) return;
  const out = path.resolve(dir, outName.trim());
  const spec = explorer.specs.current(s.uri);
  const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting best-of-${k}`, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return explorer.worker.exportBest(s.trace, out, {
      k,
      correctOnly: mode.correctOnly,
      rewards: spec,
      signal: controller.signal,
      onProgress: (p) => progress.report({ message: `${p.phase}: ${p.done} of ${p.total}` }),
    });
  });
  if (summary.cancelled) {
    void vscode.window.showInformationMessage('Export cancelled; nothing was written.');
    return;
  }
  const text =
    `Exported ${summary.written} sample${summary.written === 1 ? '' : 's'} from ${summary.groupsKept} of ${summary.groups} groups to ${path.basename(out)}` +
    (summary.meanRewardWritten !== null ? ` (mean reward ${summary.meanRewardWritten.toFixed(2)})` : '') +
    `; ${describeExport(summary)}.`;
  explorer.log(text);
  const choice = await vscode.window.showInformationMessage(text, 'Open');
  if (choice === 'Open') await vscode.window.showTextDocument(vscode.Uri.file(out));
}

/** `name`, or `name` with -2, -3, … before its extension: the first that does not exist in `dir`. */
function freeName(dir: string, name: string): string {
  const ext = name.endsWith('.sft.jsonl') ? '.sft.jsonl' : path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = path.join(dir, name);
  for (let i = 2; fs.existsSync(candidate); i++) candidate = path.join(dir, `${stem}-${i}${ext}`);
  return candidate;
}
