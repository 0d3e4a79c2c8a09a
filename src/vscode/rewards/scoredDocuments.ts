import * as vscode from 'vscode';
import { scoreRecord, withConfiguredModels } from '../../core/rewards';
import { recordFromDocumentText } from '../../core/records/document';
import type { FunctionScore, RewardRecord, RewardSpec } from '../../core/rewards/types';
import { functionSample } from '../../core/rewards/workspace/inputs';
import type { FunctionJob } from '../../contracts/rewardFunctionWorker';
import { UNTRUSTED_MESSAGE, type WorkspaceFunctionScoring } from './workspaceFunctions';
import type { BreakdownModelsView, BreakdownView } from '../../contracts/breakdown';
import type { RewardSpecSource } from './rewardSpecSource';
import type { ModelOutcome, ModelPlan, ModelProgress, ModelScoring } from './modelScoring';
import { errorMessage } from '../../core/shared/errors';

/** Completions longer than this are sent to the panel cut, so a huge file cannot stall the webview. */
const PANEL_TEXT_LIMIT = 200_000;

/** What was scored in one document, and its latest result. */
export interface ScoredDocument {
  uri: vscode.Uri;
  /** Document offsets of the scored selection; undefined when the whole file was scored. */
  selection?: { start: number; end: number };
  /** A reference answer typed by the user when the text named none ('' = asked, none given). */
  typedAnswer?: string;
  /** Document offset where the scored completion text starts. */
  completionOffset: number;
  view?: BreakdownView;
  /** Why the latest re-score failed (the view then is the last good one). */
  error?: string;
  /** The models' last answers and what they were computed for (reused while the text and settings stay). */
  models?: { planKey: string; textKey: string; outcome: ModelOutcome };
  /** The models still running for this document, and how to stop them. */
  modelRun?: { promise: Promise<void>; abort: AbortController };
  /** The workspace reward functions' scores for the text and spec of `key`, or the run computing them. */
  functions?: { key: string; scores?: Record<string, FunctionScore>; run?: { promise: Promise<void>; abort: AbortController } };
  /** The record and spec of the latest score: results that arrive later are summed in with them. */
  last?: { record: RewardRecord; spec: RewardSpec };
}

/** A workspace reward function run to start after the synchronous part of a score. */
interface PendingFunctions {
  key: string;
  job: FunctionJob;
}

const notRun = (message: string): FunctionScore => ({ value: null, detail: message, error: { kind: 'not-run', message } });

/** A model run to start after the synchronous part of a score. */
interface PendingModels {
  record: RewardRecord;
  spec: RewardSpec;
  plan: ModelPlan;
  textKey: string;
}

/**
 * The documents the user has scored. Scores them (on command and again after edits) and tells its
 * listeners — the panel and the CodeLens — when a result changes. The only place that calls the engine
 * for the editor.
 */
export class ScoredDocuments implements vscode.Disposable {
  private readonly docs = new Map<string, ScoredDocument>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly updated = new vscode.EventEmitter<ScoredDocument>();
  readonly onDidUpdate = this.updated.event;
  private readonly disposables: vscode.Disposable[] = [this.updated];
  private modelScoring?: ModelScoring;
  private functionScoring?: WorkspaceFunctionScoring;
  private readonly progress = new vscode.EventEmitter<{ doc: ScoredDocument; progress: ModelProgress | undefined }>();
  /** Models' progress for a document (running text, judgements as they finish); undefined when done. */
  readonly onDidModelProgress = this.progress.event;

  constructor(private readonly specs: RewardSpecSource) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      specs.onDidChange(() => {
        for (const doc of this.docs.values()) this.scheduleRescore(doc);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        for (const doc of this.docs.values()) this.rescore(doc.uri);
      }),
    );
  }

  /** Let scores include the spec's workspace reward functions, run in the sandbox (trusted workspaces only). */
  useFunctions(scoring: WorkspaceFunctionScoring): void {
    this.functionScoring = scoring;
  }

  /** Let scores include the rm and grm components (src/vscode/models). */
  useModels(scoring: ModelScoring): void {
    this.modelScoring = scoring;
  }

  get(uri: vscode.Uri): ScoredDocument | undefined {
    return this.docs.get(uri.toString());
  }

  all(): ScoredDocument[] {
    return [...this.docs.values()];
  }

  /** The reference answer this document names, if any (to decide whether to ask for one). */
  namesReference(document: vscode.TextDocument): boolean {
    return !!recordFromDocumentText(document.getText(), idOf(document)).record.answer;
  }

  /**
   * Score a document (or a selection of it) and remember it. Throws RewardSpecProblem when the spec
   * is invalid; nothing is remembered then.
   */
  score(
    document: vscode.TextDocument,
    options: { selection?: { start: number; end: number }; typedAnswer?: string },
  ): ScoredDocument {
    const previous = this.get(document.uri);
    const doc: ScoredDocument = {
      uri: document.uri,
      selection: options.selection,
      typedAnswer: options.typedAnswer ?? previous?.typedAnswer,
      completionOffset: 0,
      models: previous?.models,
    };
    previous?.modelRun?.abort.abort();
    previous?.functions?.run?.abort.abort();
    const pending = this.compute(document, doc, true);
    this.docs.set(document.uri.toString(), doc);
    this.updated.fire(doc);
    if (pending.models) this.runModels(doc, pending.models, true);
    if (pending.functions) this.runFunctions(doc, pending.functions, true);
    return doc;
  }

  /**
   * Score a remembered document again with its current text and settings. `explicit` (the panel's
   * Rescore) also calls the judge again; re-scores after edits only rerun the local reward model.
   */
  rescore(uri: vscode.Uri, explicit = false): ScoredDocument | undefined {
    const doc = this.get(uri);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc || !document) return doc;
    let pending: { models?: PendingModels; functions?: PendingFunctions } = {};
    try {
      pending = this.compute(document, doc, explicit);
      doc.error = undefined;
    } catch (err) {
      doc.error = errorMessage(err);
    }
    this.updated.fire(doc);
    if (pending.models) {
      doc.modelRun?.abort.abort();
      this.runModels(doc, pending.models, explicit);
    }
    if (pending.functions) this.runFunctions(doc, pending.functions, explicit);
    return doc;
  }

  /** Resolves when the models started for `doc` (if any) have finished and the view has their scores. */
  async modelsSettled(doc: ScoredDocument): Promise<void> {
    while (doc.modelRun) await doc.modelRun.promise;
  }

  /** Resolves when the workspace reward functions started for `doc` have finished and the view has their scores. */
  async functionsSettled(doc: ScoredDocument): Promise<void> {
    while (doc.functions?.run) await doc.functions.run.promise;
  }

  /** Stop the models running for a document (the view keeps what finished, marked cancelled). */
  cancelModels(uri: vscode.Uri): void {
    this.get(uri)?.modelRun?.abort.abort();
  }

  /**
   * Rule rewards now (synchronous); model scores from the last run when the text and settings are the
   * same, else the model components wait with "running" and the run is returned to start.
   */
  private compute(document: vscode.TextDocument, doc: ScoredDocument, explicit: boolean): { models?: PendingModels; functions?: PendingFunctions } {
    const text = document.getText();
    const parsed = recordFromDocumentText(text, idOf(document), doc.selection);
    const record = parsed.record;
    let answerSource: BreakdownView['answerSource'] = parsed.source.answer ?? 'none';
    if (!record.answer && doc.typedAnswer) {
      record.answer = doc.typedAnswer;
      answerSource = 'prompted';
    }
    let spec = this.specs.current(document.uri);
    const functions = this.attachFunctions(document.uri, doc, record, spec, explicit);
    const plan = this.modelScoring?.plan(spec, document.uri);
    let pending: PendingModels | undefined;
    let models: BreakdownModelsView | undefined;
    if (plan) {
      spec = withConfiguredModels(spec, { rm: !!plan.rmDir, grm: plan.grm }).spec;
      const textKey = JSON.stringify([record.prompt, record.completion]);
      const last = doc.models?.planKey === plan.key ? doc.models : undefined;
      const sameText = last?.textKey === textKey;
      const outcome: ModelOutcome = {};
      if (sameText && last.outcome.rm) outcome.rm = last.outcome.rm;
      if (last?.outcome.grm && (sameText || !explicit)) {
        outcome.grm = sameText
          ? last.outcome.grm
          : {
              score: { value: null, detail: 'the text changed since the judge ran: Rescore (or Score File) to judge it again' },
              view: 'error' in last.outcome.grm.view ? last.outcome.grm.view : { ...last.outcome.grm.view, stale: 'the text changed since this judgement' },
            };
      }
      record.modelScores = { ...(outcome.rm ? { rm: outcome.rm.score } : {}), ...(outcome.grm ? { grm: outcome.grm.score } : {}) };
      const needRm = !!plan.rmDir && !outcome.rm;
      const needGrm = plan.grm && explicit && !(sameText && last?.outcome.grm);
      models = { ...(outcome.rm ? { rm: outcome.rm.view } : {}), ...(outcome.grm ? { grm: outcome.grm.view } : {}) };
      if (needRm || needGrm) {
        models.running = needGrm ? 'judge…' : 'reward model…';
        if (needRm) record.modelScores.rm = { value: null, detail: 'scoring with the reward model…' };
        if (needGrm) record.modelScores.grm = { value: null, detail: 'judging…' };
        pending = { record: { ...record }, spec, plan: needGrm ? plan : { ...plan, grm: false }, textKey };
      }
      doc.models = { planKey: plan.key, textKey, outcome };
    }
    const score = scoreRecord(record, spec);
    doc.last = { record, spec };
    doc.completionOffset = parsed.completionOffset;
    const truncated = record.completion.length > PANEL_TEXT_LIMIT;
    if (truncated) {
      for (const component of Object.values(score.components)) {
        if (component) component.highlights = component.highlights?.filter((h) => h.end <= PANEL_TEXT_LIMIT);
      }
    }
    doc.view = {
      score,
      document: { label: vscode.workspace.asRelativePath(document.uri), uri: document.uri.toString(), version: document.version },
      completion: truncated ? record.completion.slice(0, PANEL_TEXT_LIMIT) : record.completion,
      fromSelection: !!doc.selection,
      answerSource,
      truncatedAt: truncated ? PANEL_TEXT_LIMIT : undefined,
      scoredAt: new Date().toISOString(),
      models,
    };
    return { models: pending, functions };
  }

  /**
   * The spec's workspace reward function scores on the record: the last run's when the text and spec
   * are the same (and the score is not an explicit one, after which an edited module counts), else
   * "running" with the run returned to start (or "not run" with the reason).
   */
  private attachFunctions(uri: vscode.Uri, doc: ScoredDocument, record: RewardRecord, spec: RewardSpec, explicit: boolean): PendingFunctions | undefined {
    const fns = spec.functions ?? [];
    if (!fns.length) return undefined;
    const all = (s: FunctionScore) => Object.fromEntries(fns.map((f) => [f.name, s]));
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    let reason: string | undefined;
    if (!this.functionScoring) reason = 'not run: workspace reward functions are not available here';
    else if (!this.functionScoring.trusted) reason = UNTRUSTED_MESSAGE;
    else if (!folder || folder.uri.scheme !== 'file') reason = 'not run: open the folder the reward functions are in (module paths are relative to the workspace folder)';
    if (reason || !folder) {
      record.functionScores = all(notRun(reason ?? 'not run'));
      return undefined;
    }
    const job: FunctionJob = { functions: fns, venv: spec.venv, root: folder.uri.fsPath, samples: [functionSample(record)] };
    const key = JSON.stringify(job);
    if (!explicit && doc.functions?.key === key && (doc.functions.scores || doc.functions.run)) {
      record.functionScores = doc.functions.scores ?? all(notRun('running in the sandbox…'));
      return undefined;
    }
    doc.functions?.run?.abort.abort();
    doc.functions = { key };
    record.functionScores = all(notRun('running in the sandbox…'));
    return { key, job };
  }

  /** Run the functions in the worker (progress with Cancel for an explicit score), then sum their values in. */
  private runFunctions(doc: ScoredDocument, pending: PendingFunctions, explicit: boolean): void {
    const scoring = this.functionScoring;
    if (!scoring) return;
    const abort = new AbortController();
    const current = () => doc.functions?.key === pending.key && doc.functions.run?.abort === abort && this.docs.get(doc.uri.toString()) === doc;
    const settle = (scores: Record<string, FunctionScore>) => {
      if (!current()) return;
      doc.functions = { key: pending.key, scores };
      this.applyLate(doc);
    };
    const names = pending.job.functions.map((f) => f.name);
    const promise = Promise.resolve(
      vscode.window.withProgress(
        { location: explicit ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: `Reasoning Lab: running ${names.join(', ')} in the sandbox`, cancellable: explicit },
        async (_progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          const out = await scoring.run(pending.job, abort.signal);
          settle(Object.fromEntries(names.map((n) => [n, out[n]?.[0] ?? notRun('not run: the sandbox returned no score')])));
        },
      ),
    )
      .catch((err) => {
        const message = `not run: ${errorMessage(err)}`;
        settle(Object.fromEntries(names.map((n) => [n, { value: null, detail: message, error: { kind: 'sandbox', message } } as FunctionScore])));
      })
      .finally(() => {
        if (doc.functions?.run?.abort === abort) doc.functions.run = undefined;
      });
    if (doc.functions?.key === pending.key) doc.functions.run = { promise, abort };
  }

  /** Sum the latest function scores into the shown score, and tell the listeners. */
  private applyLate(doc: ScoredDocument): void {
    const view = doc.view;
    if (!view || !doc.last) return;
    const record = { ...doc.last.record, functionScores: doc.functions?.scores ?? doc.last.record.functionScores };
    doc.last = { record, spec: doc.last.spec };
    const score = scoreRecord(record, doc.last.spec);
    for (const c of Object.values(score.components)) {
      if (c && view.truncatedAt) c.highlights = c.highlights?.filter((h) => h.end <= view.truncatedAt!);
    }
    doc.view = { ...view, score, scoredAt: new Date().toISOString() };
    this.updated.fire(doc);
  }

  /** Run the models in the background (progress with Cancel), then score again with their values. */
  private runModels(doc: ScoredDocument, pending: PendingModels, explicit: boolean): void {
    const scoring = this.modelScoring;
    if (!scoring) return;
    const abort = new AbortController();
    const run = async (token?: vscode.CancellationToken, report?: (message: string) => void) => {
      token?.onCancellationRequested(() => abort.abort());
      const outcome = await scoring.run(pending.record, pending.plan, pending.spec, doc.uri, {
        signal: abort.signal,
        judge: pending.plan.grm,
        onProgress: (p) => {
          report?.(p.running);
          this.progress.fire({ doc, progress: p });
        },
      });
      if (doc.modelRun?.abort !== abort || this.docs.get(doc.uri.toString()) !== doc) return; // superseded or closed
      const state = doc.models ?? { planKey: pending.plan.key, textKey: pending.textKey, outcome: {} };
      if (state.textKey !== pending.textKey) return;
      if (outcome.rm) state.outcome.rm = outcome.rm;
      if (outcome.grm) state.outcome.grm = outcome.grm;
      doc.models = state;
      this.applyModels(doc, pending, state.outcome);
    };
    const title = pending.plan.grm ? 'Reasoning Lab: judging with the generative reward model' : 'Reasoning Lab: scoring with the reward model';
    const promise = Promise.resolve(
      vscode.window.withProgress(
        { location: explicit ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title, cancellable: explicit },
        (progress, token) => run(token, (message) => progress.report({ message })),
      ),
    )
      .catch((err) => {
        doc.error = errorMessage(err);
        this.updated.fire(doc);
      })
      .finally(() => {
        if (doc.modelRun?.abort === abort) doc.modelRun = undefined;
        this.progress.fire({ doc, progress: undefined });
      });
    doc.modelRun = { promise, abort };
  }

  /** Put the models' scores into the record and the view, and tell the listeners. */
  private applyModels(doc: ScoredDocument, pending: PendingModels, outcome: ModelOutcome): void {
    const record = {
      ...pending.record,
      modelScores: { ...(outcome.rm ? { rm: outcome.rm.score } : {}), ...(outcome.grm ? { grm: outcome.grm.score } : {}) },
      functionScores: doc.functions?.scores ?? pending.record.functionScores,
    };
    const view = doc.view;
    if (!view) return;
    doc.last = { record, spec: pending.spec };
    const score = scoreRecord(record, pending.spec);
    for (const c of Object.values(score.components)) {
      if (c && view.truncatedAt) c.highlights = c.highlights?.filter((h) => h.end <= view.truncatedAt!);
    }
    doc.view = {
      ...view,
      score,
      scoredAt: new Date().toISOString(),
      models: { ...(outcome.rm ? { rm: outcome.rm.view } : {}), ...(outcome.grm ? { grm: outcome.grm.view } : {}) },
    };
    this.updated.fire(doc);
  }

  /** Document range of a span of the scored completion (offsets into BreakdownView.completion). */
  documentRange(document: vscode.TextDocument, doc: ScoredDocument, start: number, end: number): vscode.Range | undefined {
    const completion = doc.view?.completion;
    if (!completion) return undefined;
    const text = document.getText();
    const snippet = completion.slice(start, end);
    // Front matter and comment lines are cut out of the completion, so an offset maps straight only while
    // the text there still matches; otherwise find the snippet nearest to where it should be.
    let at = doc.completionOffset + start;
    if (text.slice(at, at + snippet.length) !== snippet) {
      const found = text.indexOf(snippet, doc.completionOffset);
      if (found < 0) return undefined;
      at = found;
    }
    return new vscode.Range(document.positionAt(at), document.positionAt(at + snippet.length));
  }

  private documentChanged(e: vscode.TextDocumentChangeEvent): void {
    const doc = this.get(e.document.uri);
    if (!doc || e.contentChanges.length === 0) return;
    if (doc.selection) doc.selection = shiftSelection(doc.selection, e.contentChanges);
    this.scheduleRescore(doc);
  }

  private scheduleRescore(doc: ScoredDocument): void {
    const config = vscode.workspace.getConfiguration('reasoningLab.score', doc.uri);
    if (!config.get<boolean>('rescoreOnChange', true)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.rescore(doc.uri);
      }, config.get<number>('rescoreDelayMs', 300)),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.docs.get(key)?.modelRun?.abort.abort();
    this.docs.get(key)?.functions?.run?.abort.abort();
    this.docs.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const doc of this.docs.values()) {
      doc.modelRun?.abort.abort();
      doc.functions?.run?.abort.abort();
    }
    this.progress.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function idOf(document: vscode.TextDocument): string {
  return vscode.workspace.asRelativePath(document.uri);
}

/** Keep a scored selection on the same text while the document is edited around and inside it. */
function shiftSelection(
  selection: { start: number; end: number },
  changes: readonly { rangeOffset: number; rangeLength: number; text: string }[],
): { start: number; end: number } {
  let { start, end } = selection;
  // Changes of one event are given against the document before the event, last first is safe.
  for (const c of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
    const delta = c.text.length - c.rangeLength;
    const changeEnd = c.rangeOffset + c.rangeLength;
    if (changeEnd <= start) {
      start += delta;
      end += delta;
    } else if (c.rangeOffset < end) {
      end = Math.max(start, end + delta);
    }
  }
  return { start, end };
}
