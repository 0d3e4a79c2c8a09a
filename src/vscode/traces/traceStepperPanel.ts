import * as vscode from 'vscode';
import { evalHeaderFacts, recordExtras, sampleDetail, scoreView, searchSample, stepperView, stepRows, type RecordExtras, type TraceDetail, type TraceSample } from '../../core/traces';
import { TEXT_WINDOW_MAX, type StepScoresUpdate, type TraceStepperEvents, type TraceStepperRequests, type TraceStepperView } from '../../contracts/traces';
import type { TraceSession } from './traceSession';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import type { StepScorer } from '../models/prmStepScores';
import { alignStepScores } from '../models/modelViews';
import { errorMessage } from '../../core/shared/errors';
import type { FunctionScore } from '../../core/rewards/types';
import { opensAsText, showRawRecord } from './fileCommands';

/**
 * The Trace Stepper: one sample, step by step. The host keeps the sample and its steps; the webview
 * gets offsets, kinds and token counts, and asks for text windows and step pages as it scrolls.
 */
export class TraceStepperPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.traceStepper';
  private readonly panel: SingleWebviewPanel<TraceStepperRequests, TraceStepperEvents>;
  private current?: { session: TraceSession; sample: TraceSample; steps: TraceDetail['steps']; view: TraceStepperView };
  private prmRun?: AbortController;
  private functionRun?: AbortController;
  /** While the shown sample is followed live: the subscription to its file's changes, and the last update's number. */
  private live?: vscode.Disposable;
  private liveSeq = 0;
  /** The eval header's facts per open file, read once. */
  private headers = new WeakMap<TraceSession, Promise<Array<[string, string]> | null>>();

  /** `stepScorer`: per-step scores of the process reward model (the models adapter's), painted when they arrive. */
  constructor(
    extensionUri: vscode.Uri,
    private readonly openGroup: (session: TraceSession, group: string) => void,
    private readonly stepScorer: StepScorer,
    private readonly log: (m: string) => void,
  ) {
    this.panel = new SingleWebviewPanel<TraceStepperRequests, TraceStepperEvents>(
      extensionUri,
      TraceStepperPanel.viewType,
      'traceStepper',
      {
        ready: () => this.current?.view ?? null,
        steps: ({ from, to }) => (this.current ? stepRows(this.current.steps, from, to) : []),
        text: ({ start, end }) => this.text(this.current?.sample.completion, start, end),
        promptText: ({ start, end }) => this.text(this.current?.sample.prompt, start, end),
        openSource: () => this.openSource(),
        rawJson: async () => {
          if (this.current) await showRawRecord(this.current.session, this.current.sample.entry);
        },
        search: ({ query }) => searchSample(this.current?.sample ?? { prompt: '', completion: '' }, String(query).slice(0, 1000)),
        openGroup: () => {
          if (this.current) this.openGroup(this.current.session, this.current.sample.group);
        },
      },
      log,
    );
  }

  /** The sample shown, for tests and commands. */
  get shown(): { entry: number; sub: number } | undefined {
    return this.current && { entry: this.current.sample.entry, sub: this.current.sample.sub };
  }

  /**
   * Show a sample. `live`: the file is being followed and its records rewritten (a running agent
   * episode): when it is read again, the sample is read again and the view updated where the user is.
   */
  async show(session: TraceSession, entry: number, sub: number, options: { live?: boolean } = {}): Promise<void> {
    this.live?.dispose();
    this.live = undefined;
    const shown = await this.read(session, entry, sub, !!options.live);
    this.current = shown;
    this.panel.show(`Trace: ${shown.sample.id}`);
    this.panel.emit('show', shown.view);
    void this.fillStepScores(shown);
    void this.fillFunctionScores(shown);
    if (options.live) this.live = session.onDidChange((change) => void this.update(shown, change));
  }

  private async read(session: TraceSession, entry: number, sub: number, live: boolean): Promise<NonNullable<TraceStepperPanel['current']>> {
    const sample = await session.sample(entry, sub);
    const functions = session.spec.functions ?? [];
    // the workspace reward functions run in the traces worker after the sample shows; until then their rows say so
    if (functions.length) sample.functionScores = Object.fromEntries(functions.map((f) => [f.name, { value: null, detail: 'running in the sandbox…' }]));
    const detail = sampleDetail(sample, { rewards: session.spec });
    const [extras, header] = await Promise.all([this.extras(session, entry), this.header(session)]);
    const view = stepperView(detail, {
      file: { label: session.label, path: session.uri.fsPath },
      summary: session.summary(entry, sub),
      groupSize: session.group(sample.group)?.size ?? 1,
      extras,
      header,
      lineOpensText: opensAsText(session.uri.fsPath),
    });
    if (live && session.following) view.live = true;
    return { session, sample, steps: detail.steps, view };
  }

  /** The followed sample after its file changed: read again when rewritten; the badge goes when following stops. */
  private async update(was: NonNullable<TraceStepperPanel['current']>, change: { reset?: boolean }): Promise<void> {
    const seq = ++this.liveSeq;
    const following = this.live;
    const { session, sample } = was;
    let shown = this.current;
    if (!following || shown?.session !== session) return;
    if (change.reset) {
      try {
        shown = await this.read(session, sample.entry, sample.sub, true);
      } catch (err) {
        // the record is gone (the file shrank) or unreadable: keep what is shown
        this.log(`Trace Stepper: ${session.label} record ${sample.entry + 1} could not be read again: ${errorMessage(err)}`);
        return;
      }
      if (seq !== this.liveSeq || this.live !== following) return; // a later change, or another sample shown since
      this.current = shown;
    } else if (!!shown.view.live === session.following) return;
    else shown.view.live = session.following || undefined;
    // another record at that place now (the file was replaced by another): shown from its first step
    if (shown.sample.id !== sample.id) {
      this.panel.show(`Trace: ${shown.sample.id}`);
      this.panel.emit('show', shown.view);
    } else this.panel.emit('update', shown.view);
    if (change.reset) {
      void this.fillStepScores(shown);
      void this.fillFunctionScores(shown);
    }
  }

  /** The workspace reward functions' values (or errors) on the shown sample; stepping to another sample cancels the run. */
  private async fillFunctionScores(shown: NonNullable<TraceStepperPanel['current']>): Promise<void> {
    this.functionRun?.abort();
    const functions = shown.session.spec.functions;
    if (!functions?.length) return;
    const abort = new AbortController();
    this.functionRun = abort;
    const { session, sample } = shown;
    let scores: Record<string, FunctionScore> | undefined;
    try {
      scores = await session.sampleFunctionScores(sample.entry, sample.sub, abort.signal);
    } catch (err) {
      const message = `not run: ${errorMessage(err)}`;
      scores = Object.fromEntries(functions.map((f) => [f.name, { value: null, detail: message, error: { kind: 'not-run' as const, message } }]));
    }
    if (abort.signal.aborted || this.current !== shown || !scores) return;
    sample.functionScores = scores;
    const score = scoreView(sampleDetail(sample, { rewards: session.spec }).score);
    shown.view.score = score;
    this.panel.emit('score', { sample: { entry: sample.entry, sub: sample.sub }, score });
  }

  /** The record's transcript, events and facts; a record that cannot be read again shows without them. */
  private async extras(session: TraceSession, entry: number): Promise<RecordExtras | undefined> {
    try {
      return recordExtras((await session.file.record(entry)).value);
    } catch {
      return undefined;
    }
  }

  private header(session: TraceSession): Promise<Array<[string, string]> | null> {
    let h = this.headers.get(session);
    if (!h) {
      h = session.file.header().then(evalHeaderFacts, () => null);
      this.headers.set(session, h);
    }
    return h;
  }

  /** PRM scores in the background (model worker): the stepper shows the steps at once and colours them when the scores arrive. */
  private async fillStepScores(shown: NonNullable<TraceStepperPanel['current']>): Promise<void> {
    this.prmRun?.abort();
    const scorer = this.stepScorer;
    if (!scorer.configured(shown.session.uri)) return;
    const abort = new AbortController();
    this.prmRun = abort;
    const ref = { entry: shown.sample.entry, sub: shown.sample.sub };
    const send = (u: StepScoresUpdate) => {
      shown.view.prmState = u;
      this.panel.emit('stepScores', u);
    };
    send({ sample: ref, state: 'running', detail: 'scoring the steps with the process reward model…' });
    try {
      const key = `${shown.session.uri.toString()}#${ref.entry}.${ref.sub}`;
      const r = await scorer.score(key, { prompt: shown.sample.prompt, completion: shown.sample.completion }, shown.session.uri, abort.signal);
      if (abort.signal.aborted || this.current !== shown) return;
      const scores = alignStepScores(shown.view, r.steps);
      shown.view.stepScores = scores;
      send({ sample: ref, state: 'done', scores, detail: r.detail });
    } catch (err) {
      if (abort.signal.aborted || this.current !== shown) return;
      send({ sample: ref, state: 'error', detail: `process reward model: ${errorMessage(err)}` });
    }
  }

  private text(source: string | undefined, start: number, end: number): string {
    if (source === undefined) return '';
    const s = Math.max(0, Math.floor(start));
    const e = Math.min(source.length, Math.floor(end), s + TEXT_WINDOW_MAX);
    return source.slice(s, e);
  }

  private async openSource(): Promise<void> {
    if (!this.current) return;
    const { session, sample } = this.current;
    // a .gz, .parquet, .eval or huge file has no line an editor can show: its record's JSON instead
    if (!opensAsText(session.uri.fsPath)) await showRawRecord(session, sample.entry);
    else await vscode.commands.executeCommand('reasoningLab.traces.openLine', session.uri, sample.line);
  }

  /** Forget a session that was closed. */
  forget(session: TraceSession): void {
    if (this.current?.session !== session) return;
    this.current = undefined;
    this.live?.dispose();
    this.live = undefined;
  }

  dispose(): void {
    this.live?.dispose();
    this.functionRun?.abort();
    this.panel.dispose();
  }
}
