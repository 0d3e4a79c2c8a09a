import { showControlChars } from '../../core/shared/controlChars';
import * as vscode from 'vscode';
import { formatFailed, type FileVerdict, type GroupStats, type MalformedEntry, type SampleSummary } from '../../core/traces';
import { distinctDecimals, formatCount, formatNumber, formatSigned } from '../../contracts/numberFormat';
import type { TraceSession } from './traceSession';

export type TraceNode =
  | { kind: 'malformed'; items: MalformedEntry[] }
  | { kind: 'malformedItem'; item: MalformedEntry }
  | { kind: 'group'; stats: GroupStats; samples: SampleSummary[] }
  | { kind: 'sample'; summary: SampleSummary; group: GroupStats };

const oneLine = (s: string, n: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const VERDICT_MARK: Record<FileVerdict, string> = { correct: '✓', incorrect: '✗', partial: '◐' };

/** Badges of a sample, as short words (also in the tooltip and the filters' vocabulary). The file's own verdict comes first. */
function sampleBadges(s: SampleSummary): string[] {
  const badges: string[] = [];
  if (s.verdict) badges.push(`${VERDICT_MARK[s.verdict]} ${s.verdictScorer ?? 'file'}`);
  if (s.think === 'unclosed') badges.push('unclosed <think>');
  else if (formatFailed(s)) badges.push('format ✗');
  // our rules' judgement: beside the file's verdict it is named, so the two are never confused
  if (s.accuracy === 0) badges.push(s.verdict ? 'R1 rules: wrong answer' : 'wrong answer');
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
  /** The groups as the last top-level fetch listed them (filtered and sorted), by key. */
  private shown = new Map<string, SampleSummary[]>();
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
      (s.sort !== 'file' ? ` · sorted by ${s.sort.replace('-desc', ' ↓').replace('-asc', ' ↑')}` : '') +
      (s.functionFailures?.count ? ` · ${functionFailureNote(s.functionFailures)}` : '');
  }

  getChildren(node?: TraceNode): TraceNode[] {
    const s = this.session;
    if (!s) return [];
    if (!node) {
      const out: TraceNode[] = [];
      const malformed = s.malformed;
      if (malformed.length) out.push({ kind: 'malformed', items: malformed });
      this.shown.clear();
      for (const g of s.visibleGroups()) {
        this.shown.set(g.stats.key, g.samples);
        out.push({ kind: 'group', stats: g.stats, samples: g.samples });
      }
      return out;
    }
    if (node.kind === 'malformed') return node.items.map((item) => ({ kind: 'malformedItem', item }));
    // VS Code may ask for an expanded group's children with the node of an earlier fetch (same id):
    // the samples come from the latest listing, so a new sort or filter reaches expanded groups too
    if (node.kind === 'group') return (this.shown.get(node.stats.key) ?? node.samples).map((summary) => ({ kind: 'sample', summary, group: node.stats }));
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
        // line 0: about the whole file (a Parquet footer, a row group, a limit that stopped the read)
        const where = node.item.line > 0 ? `line ${node.item.line}` : 'file';
        const item = new vscode.TreeItem(where);
        item.description = oneLine(node.item.reason, 120);
        item.tooltip = `${where}: ${node.item.reason}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        item.contextValue = 'traceMalformedLine';
        if (s && node.item.line > 0) item.command = { command: 'reasoningLab.traces.openLine', title: 'Open at Line', arguments: [s.uri, node.item.line] };
        return item;
      }
      case 'group': {
        const g = node.stats;
        const item = new vscode.TreeItem(oneLine(g.prompt, 90) || g.key, vscode.TreeItemCollapsibleState.Collapsed);
        const shown = node.samples.length === g.size ? `${g.size}` : `${node.samples.length} of ${g.size}`;
        const d = distinctDecimals([g.mean, g.min, g.max]);
        item.description = `${shown} sample${g.size === 1 ? "" : "s"} · mean ${formatNumber(g.mean, d)} · std ${formatNumber(g.std)}${g.zeroAdvantage ? ' · zero advantage' : ''}${g.step !== undefined ? ` · step ${g.step}` : ''}`;
        item.tooltip = new vscode.MarkdownString(undefined, false);
        item.tooltip.appendText(`${g.prompt}\n\n${g.key}\n${g.size} samples, mean ${formatNumber(g.mean, d)}, std ${formatNumber(g.std)}, min ${formatNumber(g.min, d)}, max ${formatNumber(g.max, d)}`);
        if (g.zeroAdvantage) item.tooltip.appendText('\nAll rewards are equal: every advantage is 0, no learning signal.');
        item.iconPath = new vscode.ThemeIcon(g.zeroAdvantage ? 'circle-slash' : 'list-unordered');
        item.contextValue = 'traceGroup';
        item.id = `group:${g.key}`;
        return item;
      }
      case 'sample': {
        const m = node.summary;
        const g = node.group;
        const badges = sampleBadges(m);
        const item = new vscode.TreeItem(m.id);
        // as many decimals as tell this reward apart from the others of its group
        const d = distinctDecimals(g.members.map((x) => x.reward));
        const parts = [`reward ${formatNumber(m.reward, d)}`];
        if (m.advantage !== null) parts.push(`A ${formatSigned(m.advantage)}`);
        parts.push(`${m.steps} steps`, `${formatCount(m.tokens)} tok`);
        item.description = [...parts, ...badges].join(' · ');
        const tip = new vscode.MarkdownString(undefined, false);
        const fileJudgement = m.verdict ? `${m.verdictScorer ?? 'the file'} (from the file): ${m.verdict}\n` : '';
        tip.appendText(
          `${m.id} (line ${m.entry + 1}${m.sub ? `, sample ${m.sub}` : ''})\nreward ${formatNumber(m.reward, d)} (${m.rewardSource})` +
            `${m.advantage !== null ? `, advantage ${formatSigned(m.advantage)}` : ''}\n${m.steps} steps, ${m.reflections} reflections/backtracks, ` +
            `${formatCount(m.tokens)} tokens (${formatCount(m.cotTokens)} in the reasoning)\n${fileJudgement}` +
            `R1 rules (Reasoning Lab): format ${formatNumber(m.format, 0)}, accuracy ${m.accuracy === null ? 'n/a (no reference answer)' : formatNumber(m.accuracy, 0)}, <think> ${m.think}` +
            (badges.length ? `\n${badges.join(', ')}` : ''),
        );
        item.tooltip = tip;
        // the icon says how the sample fared: the file's verdict, else its answer when it could be checked, else its reward in the group
        const spread = g.max !== null && g.min !== null && g.max > g.min;
        const judged = m.verdict ? (m.verdict === 'correct' ? 1 : m.verdict === 'incorrect' ? 0 : null) : m.accuracy;
        const good = judged === 1 || (judged === null && !m.verdict && spread && m.reward === g.max);
        const bad = judged === 0 || (judged === null && !m.verdict && spread && m.reward === g.min);
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

/** Workspace reward function failures in the view's message: how many, and the first with its sample and line. */
function functionFailureNote(f: NonNullable<TraceSession['functionFailures']>): string {
  const first = f.shown[0];
  const where = first ? ` (first: "${first.function}" on ${first.id}, line ${first.line}: ${showControlChars(first.message.replace(/\s+/g, ' ')).slice(0, 160)})` : '';
  return `${plural(f.count, 'reward function failure')}${where}: those rewards leave the function out`;
}
