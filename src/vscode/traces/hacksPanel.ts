import * as vscode from 'vscode';
import { HACKS_SHOWN, type HacksEvents, type HacksRequests, type HacksView, type TraceSampleRef } from '../../contracts/traces';
import { HACK_RULES, resolveThresholds, ThresholdError, type HackFinding, type HackThresholds } from '../../core/hacks';
import { errorMessage } from '../../core/shared/errors';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import type { ExplorerContext } from './explorerContext';
import { openTrace } from './fileCommands';
import type { TraceSession } from './traceSession';

export const HACKS_THRESHOLDS_SETTING = 'reasoningLab.hacks.thresholds';
const PAINT_MS = 250;

/**
 * The Reward Hacks panel: the reward-hacking finder runs in the traces worker over the open trace
 * file; findings are painted as they arrive (best-ranked first) and replaced by the final ranking at
 * the end. A click on a finding opens its sample in the Trace Stepper; Stop cancels the scan.
 */
export class HacksPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.hacks';
  private readonly panel: SingleWebviewPanel<HacksRequests, HacksEvents>;
  private view: HacksView | null = null;
  private session?: TraceSession;
  private controller?: AbortController;

  constructor(
    extensionUri: vscode.Uri,
    private readonly explorer: ExplorerContext,
    log: (m: string) => void,
  ) {
    this.panel = new SingleWebviewPanel<HacksRequests, HacksEvents>(
      extensionUri,
      HacksPanel.viewType,
      'hacks',
      {
        ready: () => this.view,
        open: (ref) => this.open(ref),
        cancel: () => {
          this.controller?.abort();
          return null;
        },
      },
      log,
    );
  }

  private async open(ref: TraceSampleRef): Promise<null> {
    const s = this.session;
    if (!s || s !== this.explorer.session) throw new Error('That trace file is no longer open in the Trace Explorer: run Find Reward Hacks again.');
    await this.explorer.stepper.show(s, ref.entry, ref.sub);
    return null;
  }

  /** Scan the session's file; resolves when the scan is over (done, cancelled or failed). */
  async run(session: TraceSession, thresholds: HackThresholds): Promise<void> {
    this.controller?.abort();
    const controller = (this.controller = new AbortController());
    this.session = session;
    const rules = Object.fromEntries(Object.entries(HACK_RULES).map(([id, r]) => [id, { title: r.title, about: r.about }]));
    const view: HacksView = { file: { label: session.label, path: session.uri.fsPath }, state: 'running', fraction: 0, findings: [], summary: null, rules };
    this.view = view;
    this.panel.show(`Reward Hacks: ${session.label}`);
    this.panel.emit('show', view);
    let provisional: HackFinding[] = [];
    let lastPaint = 0;
    const paint = (force = false) => {
      if (this.view !== view || (!force && Date.now() - lastPaint < PAINT_MS)) return;
      lastPaint = Date.now();
      this.panel.emit('show', view);
    };
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Finding reward hacks in ${session.label}`, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      try {
        const result = await this.explorer.worker.findHacks(session.trace, session.spec, thresholds, {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'index') return;
            view.fraction = p.total ? p.done / p.total : 0;
            const pct = Math.round(view.fraction * 100);
            progress.report({ message: `${pct}% scanned, ${provisional.length} found`, increment: pct - reported });
            reported = pct;
            paint();
          },
          onFindings: (batch) => {
            provisional = provisional.concat(batch).sort((a, b) => b.score - a.score);
            if (provisional.length > HACKS_SHOWN) provisional.length = HACKS_SHOWN;
            view.findings = provisional;
            paint();
          },
        });
        view.findings = result.findings.slice(0, HACKS_SHOWN);
        view.summary = result.summary;
        view.fraction = 1;
        view.state = result.summary.cancelled ? 'cancelled' : 'done';
      } catch (e) {
        view.state = controller.signal.aborted ? 'cancelled' : 'error';
        if (!controller.signal.aborted) view.error = errorMessage(e);
      }
      paint(true);
    });
  }

  dispose(): void {
    this.controller?.abort();
    this.panel.dispose();
  }
}

/** The thresholds the `reasoningLab.hacks.thresholds` setting asks for, checked: a wrong one is an error naming the setting. */
export function thresholdsFromSettings(uri?: vscode.Uri): HackThresholds {
  const raw = vscode.workspace.getConfiguration(undefined, uri).get<Record<string, unknown>>(HACKS_THRESHOLDS_SETTING) ?? {};
  try {
    return resolveThresholds(raw);
  } catch (e) {
    if (e instanceof ThresholdError) throw new Error(`Setting ${HACKS_THRESHOLDS_SETTING}: ${e.message}`);
    throw e;
  }
}

/** Find Reward Hacks: over the trace file open in the Trace Explorer (asks for one when none is open). */
export async function findHacks(explorer: ExplorerContext, panel: HacksPanel): Promise<void> {
  if (!explorer.session) await openTrace(explorer);
  const session = explorer.session;
  if (!session) return;
  await panel.run(session, thresholdsFromSettings(session.uri));
}
