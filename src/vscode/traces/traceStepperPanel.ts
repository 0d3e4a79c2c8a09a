import * as vscode from 'vscode';
import { scoreRecord } from '../../core/rewards/composite';
import { reasoningSteps } from '../../core/rewards/reasoningSteps';
import { splitThink } from '../../core/rewards/text';
import type { Step, TraceSample } from '../../core/traces';
import { buildReasoningTree } from '../../core/traces/tree';
import { TEXT_WINDOW_MAX, type StepKindLetter, type TraceStepRow, type TraceStepperEvents, type TraceStepperRequests, type TraceStepperView } from '../../contracts/traces';
import type { TraceSession } from './traceSession';
import { treeDrawing } from './treeDrawing';
import { SingleWebviewPanel } from '../shared/singleWebviewPanel';
import type { StepScorer } from '../models/prmStepScores';
import { alignStepScores } from '../models/modelViews';
import { errorMessage } from '../../core/shared/errors';

const KIND_LETTER: Record<string, StepKindLetter> = { reasoning: 'r', reflection: 'f', backtrack: 'b', verification: 'v', conclusion: 'c' };
const PROMPT_HEAD = 4000;
const PREVIEW_CHARS = 120;
/** The longest step page the webview may ask for. */
const MAX_STEP_PAGE = 500;

/**
 * The Trace Stepper: one sample, step by step. The host keeps the sample and its steps; the webview
 * gets offsets, kinds and token counts, and asks for text windows and step pages as it scrolls.
 */
export class TraceStepperPanel implements vscode.Disposable {
  static readonly viewType = 'reasoningLab.traceStepper';
  private readonly panel: SingleWebviewPanel<TraceStepperRequests, TraceStepperEvents>;
  private current?: { session: TraceSession; sample: TraceSample; steps: Step[]; view: TraceStepperView };
  /** Per-step PRM scores, set by the models adapter at activation when it is registered. */
  static stepScorer: StepScorer | undefined;
  private prmRun?: AbortController;

  constructor(extensionUri: vscode.Uri, private readonly openGroup: (session: TraceSession, group: string) => void, log: (m: string) => void) {
    this.panel = new SingleWebviewPanel<TraceStepperRequests, TraceStepperEvents>(
      extensionUri,
      TraceStepperPanel.viewType,
      'traceStepper',
      {
        ready: () => this.current?.view ?? null,
        steps: ({ from, to }) => this.steps(from, to),
        text: ({ start, end }) => this.text(this.current?.sample.completion, start, end),
        promptText: ({ start, end }) => this.text(this.current?.sample.prompt, start, end),
        openSource: () => this.openSource(),
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

  async show(session: TraceSession, entry: number, sub: number): Promise<void> {
    const sample = await session.sample(entry, sub);
    // sampleDetail's parts, with a tree builder that stays linear on multi-megabyte traces
    const steps = reasoningSteps(sample.completion);
    const sp = splitThink(sample.completion);
    const tree = buildReasoningTree(sample.completion, steps);
    const summary = session.summary(entry, sub);
    const group = session.group(sample.group);
    const score = scoreRecord(sample, session.spec);
    const view: TraceStepperView = {
      file: { label: session.label, path: session.uri.fsPath },
      sample: {
        entry,
        sub,
        id: sample.id,
        line: sample.line,
        group: sample.group,
        reward: summary?.reward ?? sample.reward ?? null,
        advantage: summary?.advantage ?? null,
        rewardSource: summary?.rewardSource ?? (sample.reward !== undefined ? 'file' : 'none'),
      },
      prompt: sample.prompt.slice(0, PROMPT_HEAD),
      promptLength: sample.prompt.length,
      completionLength: sample.completion.length,
      think: { state: sp.state, thinkStart: sp.thinkStart, thinkEnd: sp.thinkEnd, answerStart: sp.answerStart, answerEnd: sp.answerEnd },
      kinds: steps.map((s) => KIND_LETTER[s.kind] ?? 'r').join(''),
      starts: steps.map((s) => s.start),
      ends: steps.map((s) => s.end),
      tokens: steps.map((s) => s.tokens),
      // filled by the process reward model after `show` when reasoningLab.prm.path is set (fillStepScores)
      stepScores: null,
      score: score.components && Object.keys(score.components).length
        ? {
            spec: score.spec,
            total: score.total,
            max: score.max,
            components: Object.entries(score.components).map(([name, c]) => ({ name, value: c!.value, weight: c!.weight, detail: c!.detail.slice(0, 300) })),
          }
        : null,
      tree: treeDrawing(tree),
      groupSize: group?.size ?? 1,
    };
    this.current = { session, sample, steps, view };
    this.panel.show(`Trace: ${sample.id}`);
    this.panel.emit('show', view);
    void this.fillStepScores(this.current);
  }

  /** PRM scores in the background (model worker): the stepper shows the steps at once and colours them when the scores arrive. */
  private async fillStepScores(shown: NonNullable<TraceStepperPanel['current']>): Promise<void> {
    this.prmRun?.abort();
    const scorer = TraceStepperPanel.stepScorer;
    if (!scorer?.configured(shown.session.uri)) return;
    const abort = new AbortController();
    this.prmRun = abort;
    const ref = { entry: shown.sample.entry, sub: shown.sample.sub };
    this.panel.emit('stepScores', { sample: ref, state: 'running', detail: 'scoring the steps with the process reward model…' });
    try {
      const key = `${shown.session.uri.toString()}#${ref.entry}.${ref.sub}`;
      const r = await scorer.score(key, { prompt: shown.sample.prompt, completion: shown.sample.completion }, shown.session.uri, abort.signal);
      if (abort.signal.aborted || this.current !== shown) return;
      const scores = alignStepScores(shown.view, r.steps);
      shown.view.stepScores = scores;
      this.panel.emit('stepScores', { sample: ref, state: 'done', scores, detail: r.detail });
    } catch (err) {
      if (abort.signal.aborted || this.current !== shown) return;
      this.panel.emit('stepScores', { sample: ref, state: 'error', detail: `process reward model: ${errorMessage(err)}` });
    }
  }

  private steps(from: number, to: number): TraceStepRow[] {
    const steps = this.current?.steps;
    if (!steps) return [];
    const lo = Math.max(0, Math.floor(from));
    const hi = Math.min(steps.length, Math.floor(to), lo + MAX_STEP_PAGE);
    const out: TraceStepRow[] = [];
    for (let i = lo; i < hi; i++) {
      const s = steps[i];
      out.push({ index: i, kind: KIND_LETTER[s.kind] ?? 'r', tokens: s.tokens, preview: s.text.slice(0, PREVIEW_CHARS).replace(/\s+/g, ' ') });
    }
    return out;
  }

  private text(source: string | undefined, start: number, end: number): string {
    if (source === undefined) return '';
    const s = Math.max(0, Math.floor(start));
    const e = Math.min(source.length, Math.floor(end), s + TEXT_WINDOW_MAX);
    return source.slice(s, e);
  }

  private async openSource(): Promise<void> {
    if (!this.current) return;
    await vscode.commands.executeCommand('reasoningLab.traces.openLine', this.current.session.uri, this.current.sample.line);
  }

  /** Forget a session that was closed. */
  forget(session: TraceSession): void {
    if (this.current?.session === session) this.current = undefined;
  }

  dispose(): void {
    this.panel.dispose();
  }
}
