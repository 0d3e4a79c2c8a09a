import * as vscode from 'vscode';
import { splitThink } from '../../core/rewards/text';
import { extractAnswer } from '../../core/rewards/answer';
import { distinctDecimals } from '../../contracts/numberFormat';
import { DIFF_MAX_CHARS, type TraceGroupEvents, type TraceGroupRequests, type TraceGroupRow, type TraceGroupView, type TraceSampleRef } from '../../contracts/traces';
import type { SampleSummary, TraceSample } from '../../core/traces';
import type { TraceSession } from './traceSession';
import type { TracesWorker } from './tracesWorkerClient';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import { errorMessage } from '../../core/shared/errors';

const MAX_ROW_PAGE = 200;
const ANSWER_CHARS = 160;

/** What the Group View shows: one prompt's samples, from the explored file or from several compared files. */
export interface GroupSource {
  view: TraceGroupView;
  /** Rows [lo, hi), hi − lo ≤ MAX_ROW_PAGE. */
  rows(lo: number, hi: number): Promise<TraceGroupRow[]>;
  sample(ref: TraceSampleRef): Promise<TraceSample>;
  open(ref: TraceSampleRef): Promise<void>;
}

/** A group member's row: the numbers from its summary, the answer columns from its sample. */
export function groupRow(
  m: { entry: number; sub: number; id: string; reward: number | null; advantage: number | null; file?: number },
  s: SampleSummary | undefined,
  sample: TraceSample | Error,
): TraceGroupRow {
  let answer = '';
  let extracted: string | null = null;
  let extractedBy: string | null = null;
  if (sample instanceof Error) answer = `(cannot read: ${sample.message})`;
  else {
    const sp = splitThink(sample.completion);
    const answered = sp.state === 'tagged' || sp.state === 'stray-close';
    const a = answered ? sample.completion.slice(sp.answerStart, Math.min(sp.answerEnd, sp.answerStart + 4 * ANSWER_CHARS)) : sample.completion.slice(-4 * ANSWER_CHARS);
    answer = a.replace(/\s+/g, ' ').trim().slice(0, ANSWER_CHARS);
    // the file's scorer's answer first (Inspect), else the answer our rules extract from the answer part
    const scorer = sample.fileScores?.find((f) => f.answer !== undefined);
    const ex = scorer ? undefined : extractAnswer(sample.completion, answered ? sp.answerStart : 0, answered ? sp.answerEnd : sample.completion.length);
    if (scorer) [extracted, extractedBy] = [scorer.answer!.slice(0, ANSWER_CHARS), scorer.name];
    else if (ex) [extracted, extractedBy] = [ex.text.slice(0, ANSWER_CHARS), ex.method];
  }
  return {
    entry: m.entry,
    sub: m.sub,
    ...(m.file !== undefined ? { file: m.file } : {}),
    id: m.id,
    reward: m.reward,
    advantage: m.advantage,
    tokens: s?.tokens ?? 0,
    cotTokens: s?.cotTokens ?? 0,
    steps: s?.steps ?? 0,
    reflections: s?.reflections ?? 0,
    answer,
    extracted,
    extractedBy,
    format: s?.format ?? null,
    accuracy: s?.accuracy ?? null,
    verdict: s?.verdict ?? null,
  };
}

/** The group of `key` in the explored file. */
function sessionGroup(session: TraceSession, key: string, openSample: (session: TraceSession, ref: TraceSampleRef) => Promise<void>): GroupSource {
  const g = session.group(key);
  if (!g) throw new Error(`no group ${key} in ${session.label}`);
  let defaultPair: TraceGroupView['defaultPair'] = null;
  if (g.members.length >= 2) {
    const ranked = [...g.members].sort((x, y) => (y.reward ?? -Infinity) - (x.reward ?? -Infinity) || x.entry - y.entry);
    const top = ranked[0];
    const bottom = ranked[ranked.length - 1];
    defaultPair = [
      { entry: top.entry, sub: top.sub },
      { entry: bottom.entry, sub: bottom.sub },
    ];
  }
  const view: TraceGroupView = {
    file: { label: session.label, path: session.uri.fsPath },
    key,
    prompt: g.prompt,
    size: g.size,
    mean: g.mean,
    std: g.std,
    min: g.min,
    max: g.max,
    zeroAdvantage: g.zeroAdvantage,
    rewardDecimals: distinctDecimals(g.members.map((m) => m.reward)),
    defaultPair,
  };
  return {
    view,
    rows: async (lo, hi) => {
      const group = session.group(key);
      const rows: TraceGroupRow[] = [];
      for (let i = lo; i < Math.min(hi, group?.members.length ?? 0); i++) {
        const m = group!.members[i];
        const sample = await session.sample(m.entry, m.sub).catch((e: unknown) => new Error(errorMessage(e)));
        rows.push(groupRow(m, session.summary(m.entry, m.sub), sample));
      }
      return rows;
    },
    sample: (ref) => session.sample(ref.entry, ref.sub),
    open: (ref) => openSample(session, ref),
  };
}

/**
 * The Group View: all samples of one prompt side by side (reward, advantage, lengths, answer) and a
 * word-level diff of any two. Rows are read a page at a time, as the table scrolls. The prompt comes
 * from the explored file, or from several compared checkpoint files (Compare Checkpoints).
 */
export class TraceGroupPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.traceGroup';
  private readonly panel: SingleWebviewPanel<TraceGroupRequests, TraceGroupEvents>;
  private current?: GroupSource;

  constructor(
    extensionUri: vscode.Uri,
    private readonly openSample: (session: TraceSession, ref: TraceSampleRef) => Promise<void>,
    private readonly worker: TracesWorker,
    log: (m: string) => void,
  ) {
    this.panel = new SingleWebviewPanel<TraceGroupRequests, TraceGroupEvents>(
      extensionUri,
      TraceGroupPanel.viewType,
      'traceGroup',
      {
        ready: () => this.current?.view ?? null,
        rows: ({ from, to }) => this.rows(from, to),
        diff: ({ a, b }) => this.diff(a, b),
        openSample: async (ref) => {
          if (this.current) await this.current.open(ref);
        },
      },
      log,
    );
  }

  show(session: TraceSession, key: string): void {
    this.showSource(sessionGroup(session, key, this.openSample));
  }

  /** Show a group from elsewhere (a prompt of compared checkpoint files). */
  showSource(source: GroupSource): void {
    this.current = source;
    this.panel.show(`Group: ${source.view.prompt.replace(/\s+/g, ' ').slice(0, 30)}`);
    this.panel.emit('show', source.view);
  }

  private async rows(from: number, to: number): Promise<TraceGroupRow[]> {
    const c = this.current;
    if (!c) return [];
    const lo = Math.max(0, Math.floor(from));
    const hi = Math.min(c.view.size, Math.floor(to), lo + MAX_ROW_PAGE);
    return c.rows(lo, hi);
  }

  private async diff(a: TraceSampleRef, b: TraceSampleRef) {
    const c = this.current;
    if (!c) throw new Error('no group is shown');
    const [sa, sb] = await Promise.all([c.sample(a), c.sample(b)]);
    return { ...(await this.worker.wordDiff(sa.completion, sb.completion, DIFF_MAX_CHARS)), a: sa.id, b: sb.id };
  }

  dispose(): void {
    this.panel.dispose();
  }
}
