import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportBestOfNToFile, type FieldMapping } from '../../core/traces';
import type { TraceSampleRef } from '../../contracts/traces';
import type { RewardSpecSource } from '../rewards/rewardSpecSource';
import { TraceGroupPanel } from './traceGroupPanel';
import { TraceSession, type SampleFilter, type SampleSort } from './traceSession';
import { TraceStepperPanel } from './traceStepperPanel';
import { TraceTreeProvider, type TraceNode } from './traceTree';
import { TrainingStepsPanel } from './trainingStepsPanel';
import { errorMessage } from '../../core/shared/errors';

export const TRACE_FILE_GLOB = '**/*.{jsonl,json,jsonl.gz,json.gz,parquet,eval}';
const FIELDS_SETTING = 'reasoningLab.traces.fields';

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The Trace Explorer's commands and surfaces: Open Trace File (index + analyze with progress and
 * cancellation), the prompts → samples tree, filters and sorting, the stepper, group and training
 * step panels, best-of-n export and follow mode. One trace file is open at a time.
 */
export function registerTraceExplorer(extensionUri: vscode.Uri, specs: RewardSpecSource, log: (m: string) => void): vscode.Disposable[] {
  let session: TraceSession | undefined;
  const tree = new TraceTreeProvider();
  const view = vscode.window.createTreeView('reasoningLab.traces', { treeDataProvider: tree, showCollapseAll: true });
  tree.view = view;
  const groupPanel: TraceGroupPanel = new TraceGroupPanel(extensionUri, (s, ref) => stepper.show(s, ref.entry, ref.sub), log);
  const stepper: TraceStepperPanel = new TraceStepperPanel(extensionUri, (s, key) => groupPanel.show(s, key), log);
  const stepsPanel = new TrainingStepsPanel(extensionUri, log);

  const setContext = () => {
    void vscode.commands.executeCommand('setContext', 'reasoningLab.traces.open', !!session);
    void vscode.commands.executeCommand('setContext', 'reasoningLab.traces.following', !!session?.following);
    void vscode.commands.executeCommand('setContext', 'reasoningLab.traces.filtered', !!session?.describeFilter());
  };
  setContext();

  const need = (): TraceSession => {
    if (!session) throw new Error('Open a trace file first (Reasoning Lab: Open Trace File).');
    return session;
  };
  /** Run a command body; errors become one clear message instead of an unhandled rejection. */
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => unknown) =>
    async (...args: A) => {
      try {
        await fn(...args);
      } catch (e) {
        log(`trace explorer: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(errorMessage(e));
      }
    };

  async function pickTraceFile(): Promise<vscode.Uri | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.scheme === 'file' && /\.(jsonl|json|gz|parquet|eval)$/i.test(active.fsPath)) return active;
    const exclude = '**/{node_modules,.git,.vscode,.reasoning-lab}/**';
    const [candidates, models] = await Promise.all([
      vscode.workspace.findFiles(TRACE_FILE_GLOB, exclude, 500),
      vscode.workspace.findFiles('**/*.onnx', exclude, 200),
    ]);
    // A model folder's config.json / tokenizer.json are not rollout logs; they would crowd the list.
    const modelDirs = new Set(models.map((m) => path.dirname(m.fsPath)));
    const found = candidates.filter((uri) => !modelDirs.has(path.dirname(uri.fsPath)));
    found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const browse = { label: '$(folder-opened) Browse…', uri: undefined as vscode.Uri | undefined };
    const items = [...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), browse];
    const pick = await vscode.window.showQuickPick(items, { title: 'Open Trace File', placeHolder: 'A rollout log: JSONL, JSON, gzipped, Parquet or Inspect .eval' });
    if (!pick) return undefined;
    if (pick.uri) return pick.uri;
    const chosen = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Open Trace File',
      filters: { 'Rollout logs': ['jsonl', 'json', 'gz', 'parquet', 'eval'], 'All files': ['*'] },
    });
    return chosen?.[0];
  }

  async function open(uri?: vscode.Uri): Promise<void> {
    uri = uri instanceof vscode.Uri ? uri : await pickTraceFile();
    if (!uri) return;
    const spec = specs.current(uri);
    const fields = vscode.workspace.getConfiguration(undefined, uri).get<FieldMapping>(FIELDS_SETTING) ?? {};
    const label = path.basename(uri.fsPath);
    const opened = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Opening ${label}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let last = 0;
        return TraceSession.open(uri!, spec, Object.keys(fields).length ? fields : undefined, {
          signal: controller.signal,
          onProgress: (m, fraction) => {
            const pct = Math.round(fraction * 100);
            progress.report({ message: m, increment: Math.max(0, pct - last) });
            last = Math.max(last, pct);
          },
        });
      },
    );
    if (!opened) {
      void vscode.window.showInformationMessage(`Opening ${label} was cancelled.`);
      return;
    }
    // show the view first, then fill it: one refresh, so no item is re-created under a click
    await vscode.commands.executeCommand('reasoningLab.traces.focus');
    session?.dispose();
    session = opened;
    session.onDidChange(() => setContext());
    tree.setSession(session);
    setContext();
    const bad = session.malformed.length;
    log(`opened ${uri.fsPath}: ${session.file.shape.reason}; ${session.sampleCount} samples, ${session.groupCount} groups, ${bad} malformed`);
    void vscode.window.showInformationMessage(
      `${label}: ${count(session.sampleCount, 'sample')} in ${count(session.groupCount, 'group')}` + (bad ? `; ${bad} malformed line${bad === 1 ? '' : 's'} skipped (listed under “Malformed”)` : '') + '.',
    );
  }

  async function openLine(uri: vscode.Uri, line: number): Promise<void> {
    const pos = new vscode.Position(Math.max(0, line - 1), 0);
    const stat = fs.statSync(uri.fsPath);
    if (/\.(gz|parquet|eval)$/i.test(uri.fsPath) || stat.size > 50 * 1024 * 1024) {
      void vscode.window.showInformationMessage(`${path.basename(uri.fsPath)} line ${line} (the file is binary or too large to open as text).`);
      return;
    }
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: true, viewColumn: vscode.ViewColumn.One });
  }

  async function filter(): Promise<void> {
    const s = need();
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

  async function applyFilter(s: TraceSession, f: SampleFilter): Promise<void> {
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

  async function sort(): Promise<void> {
    const s = need();
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

  async function exportBest(): Promise<void> {
    const s = need();
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
        { label: 'Only correct, well-formatted samples', correctOnly: true, description: 'accuracy = 1 and format = 1 (R1 rules), then top k' },
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
    const spec = specs.current(s.uri);
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting best-of-${k}`, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return exportBestOfNToFile(s.file, out, {
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
    const skipped = summary.skipped;
    const text =
      `Exported ${summary.written} sample${summary.written === 1 ? '' : 's'} from ${summary.groupsKept} of ${summary.groups} groups to ${path.basename(out)}` +
      (summary.meanRewardWritten !== null ? ` (mean reward ${summary.meanRewardWritten.toFixed(2)})` : '') +
      `; skipped ${skipped.beyondK} beyond k, ${skipped.incorrect} incorrect, ${skipped.noReward} without reward.`;
    log(text);
    const choice = await vscode.window.showInformationMessage(text, 'Open');
    if (choice === 'Open') await vscode.window.showTextDocument(vscode.Uri.file(out));
  }

  async function openGroupFromNode(node?: TraceNode): Promise<void> {
    const s = need();
    let key: string | undefined;
    if (node?.kind === 'group') key = node.stats.key;
    else if (node?.kind === 'sample') key = node.summary.group;
    else {
      const groups = s.visibleGroups();
      const pick = await vscode.window.showQuickPick(
        groups.map((g) => ({ label: g.stats.prompt.replace(/\s+/g, ' ').slice(0, 100), description: `${g.stats.size} samples, mean ${g.stats.mean?.toFixed(2) ?? 'n/a'}`, key: g.stats.key })),
        { title: 'Open Group View', matchOnDescription: true },
      );
      key = pick?.key;
    }
    if (key) groupPanel.show(s, key);
  }

  const disposables: vscode.Disposable[] = [
    view,
    tree,
    stepper,
    groupPanel,
    stepsPanel,
    // only the message: a full refresh would re-create the items under a click in flight
    view.onDidChangeVisibility(() => tree.updateMessage()),
    vscode.commands.registerCommand('reasoningLab.traces.open', guarded(open)),
    vscode.commands.registerCommand('reasoningLab.traces.openLine', guarded(openLine)),
    vscode.commands.registerCommand('reasoningLab.traces.openSample', guarded(async (arg?: TraceSampleRef | TraceNode) => {
      const s = need();
      const ref = arg && 'kind' in arg ? (arg.kind === 'sample' ? { entry: arg.summary.entry, sub: arg.summary.sub } : undefined) : arg;
      if (!ref) throw new Error('Choose a sample in the Trace Explorer.');
      await stepper.show(s, ref.entry, ref.sub);
    })),
    vscode.commands.registerCommand('reasoningLab.traces.openGroup', guarded(openGroupFromNode)),
    vscode.commands.registerCommand('reasoningLab.traces.filter', guarded(filter)),
    vscode.commands.registerCommand('reasoningLab.traces.clearFilter', guarded(() => applyFilter(need(), {}))),
    vscode.commands.registerCommand('reasoningLab.traces.sort', guarded(sort)),
    vscode.commands.registerCommand('reasoningLab.traces.exportBest', guarded(exportBest)),
    vscode.commands.registerCommand('reasoningLab.traces.follow', guarded(() => {
      const s = need();
      s.startFollowing(log);
      stepsPanel.show(s, true);
      void vscode.window.showInformationMessage(`Following ${s.label}: new records appear as they are written.`);
    })),
    vscode.commands.registerCommand('reasoningLab.traces.stopFollowing', guarded(() => need().stopFollowing())),
    vscode.commands.registerCommand('reasoningLab.traces.showTrainingSteps', guarded(() => stepsPanel.show(need()))),
    vscode.commands.registerCommand('reasoningLab.traces.close', guarded(() => {
      if (session) stepper.forget(session);
      session?.dispose();
      session = undefined;
      tree.setSession(undefined);
      setContext();
    })),
    { dispose: () => session?.dispose() },
  ];
  return disposables;
}

/** "a..b" with either side optional; undefined when it does not parse. */
export function parseRange(text: string): { min?: number; max?: number } | undefined {
  const m = /^\s*(-?[\d.]*(?:e-?\d+)?)\s*(?:\.\.|…|,|to)\s*(-?[\d.]*(?:e-?\d+)?)\s*$/i.exec(text);
  if (!m) return undefined;
  const num = (s: string) => (s === '' ? undefined : Number(s));
  const min = num(m[1]);
  const max = num(m[2]);
  if ((min !== undefined && !Number.isFinite(min)) || (max !== undefined && !Number.isFinite(max))) return undefined;
  return { min, max };
}

/** `name`, or `name` with -2, -3, … before its extension: the first that does not exist in `dir`. */
function freeName(dir: string, name: string): string {
  const ext = name.endsWith('.sft.jsonl') ? '.sft.jsonl' : path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = path.join(dir, name);
  for (let i = 2; fs.existsSync(candidate); i++) candidate = path.join(dir, `${stem}-${i}${ext}`);
  return candidate;
}
