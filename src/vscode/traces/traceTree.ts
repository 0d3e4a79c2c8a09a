import * as vscode from 'vscode';
import { formatFailed, type GroupStats, type MalformedEntry, type SampleSummary } from '../../core/traces';
import type { TraceSession } from './traceSession';

export type TraceNode =
  | { kind: 'malformed'; items: MalformedEntry[] }
  | { kind: 'malformedItem'; item: MalformedEntry }
  | { kind: 'group'; stats: GroupStats; samples: SampleSummary[] }
  | { kind: 'sample'; summary: SampleSummary; group: GroupStats };

const fmt = (v: number | null, digits = 2) => (v === null ? 'n/a' : v.toFixed(digits));
const signed = (v: number) => (v > 0 ? '+' : '') + v.toFixed(2);
const oneLine = (s: string, n: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Badges of a sample, as short words (also in the tooltip and the filters' vocabulary). */
function sampleBadges(s: SampleSummary): string[] {
  const badges: string[] = [];
  if (s.think === 'unclosed') badges.push('unclosed <think>');
  else if (formatFailed(s)) badges.push('format ✗');
  if (s.accuracy === 0) badges.push('wrong answer');
  if (s.reflections > 0) badges.push(`↺ ${s.reflections} reflection${s.reflections === 1 ? '' : 's'}`);
  return badges;
}

/**
 * The Trace Explorer tree: prompts (GRPO groups) → samples with their reward, advantage and badges,
 * after the session's filter and sorting; a "Malformed (n)" node lists the lines that were skipped.
 */
export class TraceTreeProvider implements vscode.TreeDataProvider<TraceNode>, vscode.Disposable {
  private session?: TraceSession;
  private sessionSub?: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  view?: vscode.TreeView<TraceNode>;

  setSession(session: TraceSession | undefined): void {
    this.sessionSub?.dispose();
    this.session = session;
    this.sessionSub = session?.onDidChange(() => this.refresh());
    this.refresh();
  }

  refresh(): void {
    this.updateMessage();
    this.changed.fire();
  }

  updateMessage(): void {
    if (!this.view) return;
    const s = this.session;
    if (!s) {
      this.view.message = undefined;
      this.view.description = undefined;
      return;
    }
    const a = s.analysis;
    if (a.kind !== 'done') {
      // the first records, summarized while the worker analyzes the whole file
      const state = a.kind === 'running' ? `analyzing the whole file… ${Math.round(a.fraction * 100)}%` : a.kind === 'cancelled' ? 'analysis cancelled' : `analysis failed: ${a.message}`;
      this.view.description = s.label;
      this.view.message = `${s.label}: ${state} · the first ${plural(s.sampleCount, 'sample')} shown`;
      return;
    }
    const filter = s.describeFilter();
    const shown = filter ? s.visibleGroups().reduce((n, g) => n + g.samples.length, 0) : s.sampleCount;
    this.view.description = s.label + (s.following ? ' · following' : '');
    this.view.message =
      `${s.label}: ${plural(s.sampleCount, 'sample')} in ${plural(s.groupCount, 'group')} (${s.file.shape.format})` +
      (filter ? ` · filter: ${filter} → ${shown} shown` : '') +
      (s.sort !== 'file' ? ` · sorted by ${s.sort.replace('-desc', ' ↓').replace('-asc', ' ↑')}` : '');
  }

  getChildren(node?: TraceNode): TraceNode[] {
    const s = this.session;
    if (!s) return [];
    if (!node) {
      const out: TraceNode[] = [];
      const malformed = s.malformed;
      if (malformed.length) out.push({ kind: 'malformed', items: malformed });
      for (const g of s.visibleGroups()) out.push({ kind: 'group', stats: g.stats, samples: g.samples });
      return out;
    }
    if (node.kind === 'malformed') return node.items.map((item) => ({ kind: 'malformedItem', item }));
    if (node.kind === 'group') return node.samples.map((summary) => ({ kind: 'sample', summary, group: node.stats }));
    return [];
  }

  getTreeItem(node: TraceNode): vscode.TreeItem {
    const s = this.session;
    switch (node.kind) {
      case 'malformed': {
        const item = new vscode.TreeItem(`Malformed (${node.items.length})`, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.tooltip = 'Lines that could not be read; they are skipped, the rest of the file is usable.';
        item.contextValue = 'traceMalformed';
        item.id = 'malformed';
        return item;
      }
      case 'malformedItem': {
        const item = new vscode.TreeItem(`line ${node.item.line}`);
        item.description = oneLine(node.item.reason, 120);
        item.tooltip = `line ${node.item.line}: ${node.item.reason}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        item.contextValue = 'traceMalformedLine';
        if (s) item.command = { command: 'reasoningLab.traces.openLine', title: 'Open at Line', arguments: [s.uri, node.item.line] };
        return item;
      }
      case 'group': {
        const g = node.stats;
        const item = new vscode.TreeItem(oneLine(g.prompt, 90) || g.key, vscode.TreeItemCollapsibleState.Collapsed);
        const shown = node.samples.length === g.size ? `${g.size}` : `${node.samples.length} of ${g.size}`;
        item.description = `${shown} sample${g.size === 1 ? "" : "s"} · mean ${fmt(g.mean)} · std ${fmt(g.std)}${g.zeroAdvantage ? ' · zero advantage' : ''}${g.step !== undefined ? ` · step ${g.step}` : ''}`;
        item.tooltip = new vscode.MarkdownString(undefined, false);
        item.tooltip.appendText(`${g.prompt}\n\n${g.key}\n${g.size} samples, mean ${fmt(g.mean)}, std ${fmt(g.std)}, min ${fmt(g.min)}, max ${fmt(g.max)}`);
        if (g.zeroAdvantage) item.tooltip.appendText('\nAll rewards are equal: every advantage is 0, no learning signal.');
        item.iconPath = new vscode.ThemeIcon(g.zeroAdvantage ? 'circle-slash' : 'list-unordered');
        item.contextValue = 'traceGroup';
        item.id = `group:${g.key}`;
        return item;
      }
      case 'sample': {
        const m = node.summary;
        const badges = sampleBadges(m);
        const item = new vscode.TreeItem(m.id);
        const parts = [`reward ${fmt(m.reward)}`];
        if (m.advantage !== null) parts.push(`A ${signed(m.advantage)}`);
        parts.push(`${m.steps} steps`, `${m.tokens} tok`);
        item.description = [...parts, ...badges].join(' · ');
        const tip = new vscode.MarkdownString(undefined, false);
        tip.appendText(
          `${m.id} (line ${m.entry + 1}${m.sub ? `, sample ${m.sub}` : ''})\nreward ${fmt(m.reward)} (${m.rewardSource})` +
            `${m.advantage !== null ? `, advantage ${signed(m.advantage)}` : ''}\n${m.steps} steps, ${m.reflections} reflections/backtracks, ` +
            `${m.tokens} tokens (${m.cotTokens} in the reasoning)\nformat ${fmt(m.format, 0)}, accuracy ${fmt(m.accuracy, 0)}, <think> ${m.think}` +
            (badges.length ? `\n${badges.join(', ')}` : ''),
        );
        item.tooltip = tip;
        // the icon says how the sample fared: its answer when it could be checked, else its reward in the group
        const g = node.group;
        const spread = g.max !== null && g.min !== null && g.max > g.min;
        const good = m.accuracy === 1 || (m.accuracy === null && spread && m.reward === g.max);
        const bad = m.accuracy === 0 || (m.accuracy === null && spread && m.reward === g.min);
        item.iconPath = bad
          ? new vscode.ThemeIcon('close', new vscode.ThemeColor('testing.iconFailed'))
          : good
            ? new vscode.ThemeIcon('check', new vscode.ThemeColor('testing.iconPassed'))
            : new vscode.ThemeIcon('circle-outline');
        item.contextValue = 'traceSample';
        item.id = `sample:${m.entry}/${m.sub}`;
        item.command = { command: 'reasoningLab.traces.openSample', title: 'Open in Trace Stepper', arguments: [{ entry: m.entry, sub: m.sub }] };
        return item;
      }
    }
  }

  dispose(): void {
    this.sessionSub?.dispose();
    this.changed.dispose();
  }
}
