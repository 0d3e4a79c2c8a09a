import * as vscode from 'vscode';
import { splitThink } from '../../core/rewards/text';
import { extractAnswer } from '../../core/rewards/answer';
import { distinctDecimals } from '../../contracts/numberFormat';
import { DIFF_MAX_CHARS, type TraceGroupEvents, type TraceGroupRequests, type TraceGroupRow, type TraceGroupView, type TraceSampleRef } from '../../contracts/traces';
import type { TraceSession } from './traceSession';
import type { TracesWorker } from './tracesWorkerClient';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import { errorMessage } from '../../core/shared/errors';

const MAX_ROW_PAGE = 200;
const ANSWER_CHARS = 160;

/**
 * The Group View: all samples of one prompt side by side (reward, advantage, lengths, answer) and a
 * word-level diff of any two. Rows are read from the file a page at a time, as the table scrolls.
 */
export class TraceGroupPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.traceGroup';
  private readonly panel: SingleWebviewPanel<TraceGroupRequests, TraceGroupEvents>;
  private current?: { session: TraceSession; key: string; view: TraceGroupView };

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
          if (this.current) await this.openSample(this.current.session, ref);
        },
      },
      log,
    );
  }

  show(session: TraceSession, key: string): void {
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
    this.current = { session, key, view };
    this.panel.show(`Group: ${g.prompt.replace(/\s+/g, ' ').slice(0, 30)}`);
    this.panel.emit('show', view);
  }

  private async rows(from: number, to: number): Promise<TraceGroupRow[]> {
    const c = this.current;
    const g = c && c.session.group(c.key);
    if (!c || !g) return [];
    const lo = Math.max(0, Math.floor(from));
    const hi = Math.min(g.members.length, Math.floor(to), lo + MAX_ROW_PAGE);
    const rows: TraceGroupRow[] = [];
    for (let i = lo; i < hi; i++) {
      const m = g.members[i];
      const s = c.session.summary(m.entry, m.sub);
      let answer = '';
      let extracted: string | null = null;
      let extractedBy: string | null = null;
      try {
        const sample = await c.session.sample(m.entry, m.sub);
        const sp = splitThink(sample.completion);
        const answered = sp.state === 'tagged' || sp.state === 'stray-close';
        const a = answered ? sample.completion.slice(sp.answerStart, Math.min(sp.answerEnd, sp.answerStart + 4 * ANSWER_CHARS)) : sample.completion.slice(-4 * ANSWER_CHARS);
        answer = a.replace(/\s+/g, ' ').trim().slice(0, ANSWER_CHARS);
        // the file's scorer's answer first (Inspect), else the answer our rules extract from the answer part
        const scorer = sample.fileScores?.find((f) => f.answer !== undefined);
        const ex = scorer ? undefined : extractAnswer(sample.completion, answered ? sp.answerStart : 0, answered ? sp.answerEnd : sample.completion.length);
        if (scorer) [extracted, extractedBy] = [scorer.answer!.slice(0, ANSWER_CHARS), scorer.name];
        else if (ex) [extracted, extractedBy] = [ex.text.slice(0, ANSWER_CHARS), ex.method];
      } catch (e) {
        answer = `(cannot read: ${errorMessage(e)})`;
      }
      rows.push({
        entry: m.entry,
        sub: m.sub,
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
      });
    }
    return rows;
  }

  private async diff(a: TraceSampleRef, b: TraceSampleRef) {
    const c = this.current;
    if (!c) throw new Error('no group is shown');
    const [sa, sb] = await Promise.all([c.session.sample(a.entry, a.sub), c.session.sample(b.entry, b.sub)]);
    return { ...(await this.worker.wordDiff(sa.completion, sb.completion, DIFF_MAX_CHARS)), a: sa.id, b: sb.id };
  }

  dispose(): void {
    this.panel.dispose();
  }
}
