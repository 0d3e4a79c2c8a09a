import * as vscode from 'vscode';
import { scoreRecord } from '../core/rewards';
import { recordFromDocumentText } from '../core/records/document';
import type { BreakdownView } from '../protocol';
import type { RewardSpecSource } from './rewardSpecSource';

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

  constructor(private readonly specs: RewardSpecSource) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      specs.onDidChange(() => {
        for (const doc of this.docs.values()) this.scheduleRescore(doc);
      }),
    );
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
    };
    this.compute(document, doc);
    this.docs.set(document.uri.toString(), doc);
    this.updated.fire(doc);
    return doc;
  }

  /** Score a remembered document again with its current text and settings. */
  rescore(uri: vscode.Uri): ScoredDocument | undefined {
    const doc = this.get(uri);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc || !document) return doc;
    try {
      this.compute(document, doc);
      doc.error = undefined;
    } catch (err) {
      doc.error = err instanceof Error ? err.message : String(err);
    }
    this.updated.fire(doc);
    return doc;
  }

  private compute(document: vscode.TextDocument, doc: ScoredDocument): void {
    const text = document.getText();
    const parsed = recordFromDocumentText(text, idOf(document), doc.selection);
    const record = parsed.record;
    let answerSource: BreakdownView['answerSource'] = parsed.source.answer ?? 'none';
    if (!record.answer && doc.typedAnswer) {
      record.answer = doc.typedAnswer;
      answerSource = 'prompted';
    }
    const spec = this.specs.current(document.uri);
    const score = scoreRecord(record, spec);
    doc.completionOffset = parsed.completionOffset;
    const truncated = record.completion.length > PANEL_TEXT_LIMIT;
    if (truncated) {
      for (const component of Object.values(score.components)) {
        component.highlights = component.highlights?.filter((h) => h.end <= PANEL_TEXT_LIMIT);
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
    };
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
    this.docs.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

function idOf(document: vscode.TextDocument): string {
  return vscode.workspace.asRelativePath(document.uri);
}

/** Keep a scored selection on the same text while the document is edited around and inside it. */
export function shiftSelection(
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
