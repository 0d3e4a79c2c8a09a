/** Trace Explorer commands that open and close trace files, and show a record's line in the editor. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FieldMapping } from '../../core/traces';
import type { ExplorerContext } from './explorerContext';
import { TraceSession } from './traceSession';

const TRACE_FILE_GLOB = '**/*.{jsonl,json,jsonl.gz,json.gz,parquet,eval}';
const FIELDS_SETTING = 'reasoningLab.traces.fields';

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The workspace's files that may be rollout logs, by path (at most 500). */
export async function findTraceFiles(): Promise<vscode.Uri[]> {
  const exclude = '**/{node_modules,.git,.vscode,.reasoning-lab}/**';
  const [candidates, models] = await Promise.all([
    vscode.workspace.findFiles(TRACE_FILE_GLOB, exclude, 500),
    vscode.workspace.findFiles('**/*.onnx', exclude, 200),
  ]);
  // A model folder's config.json / tokenizer.json are not rollout logs; they would crowd the list.
  const modelDirs = new Set(models.map((m) => path.dirname(m.fsPath)));
  const found = candidates.filter((uri) => !modelDirs.has(path.dirname(uri.fsPath)));
  found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  return found;
}

async function pickTraceFile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && /\.(jsonl|json|gz|parquet|eval)$/i.test(active.fsPath)) return active;
  const found = await findTraceFiles();
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

/**
 * Open Trace File: the tree empties at once, fills with the first records as soon as the file is
 * indexed, and gets the groups, advantages and rewards of the whole file when the traces worker's
 * analysis arrives (progress and cancellation in a notification for both). `quiet` (a file another
 * command shows as it is written): progress in the status bar, and no message when it has opened.
 * Resolves with the opened file, undefined when none was.
 */
export async function openTrace(explorer: ExplorerContext, uri?: vscode.Uri, options: { quiet?: boolean } = {}): Promise<TraceSession | undefined> {
  uri = uri instanceof vscode.Uri ? uri : await pickTraceFile();
  if (!uri) return undefined;
  const spec = explorer.specs.current(uri);
  const fields = vscode.workspace.getConfiguration(undefined, uri).get<FieldMapping>(FIELDS_SETTING) ?? {};
  const label = path.basename(uri.fsPath);
  // the previous file's tree must not stay on screen while this one is read
  explorer.replaceSession(undefined);
  void vscode.commands.executeCommand('reasoningLab.traces.focus');
  const opened = await vscode.window.withProgress(
    { location: options.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: `Opening ${label}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let last = 0;
      const report = (m: string, fraction: number) => {
        const pct = Math.round(fraction * 100);
        progress.report({ message: m, increment: Math.max(0, pct - last) });
        last = Math.max(last, pct);
      };
      const session = await TraceSession.open(uri!, spec, Object.keys(fields).length ? fields : undefined, explorer.worker, {
        signal: controller.signal,
        onProgress: (m, fraction) => report(m, fraction / 2),
      });
      if (!session) return undefined;
      explorer.replaceSession(session);
      token.onCancellationRequested(() => session.cancelAnalysis());
      const sub = session.onDidChange(() => {
        const a = session.analysis;
        if (a.kind === 'running') report(`analyzing: ${Math.round(a.fraction * 100)}%`, 0.5 + a.fraction / 2);
      });
      await session.analyzed;
      sub.dispose();
      return session;
    },
  );
  if (!opened) {
    void vscode.window.showInformationMessage(`Opening ${label} was cancelled.`);
    return undefined;
  }
  const a = opened.analysis;
  if (a.kind === 'cancelled') {
    void vscode.window.showInformationMessage(`${label}: analysis cancelled; the tree shows the first ${count(opened.sampleCount, 'sample')} only.`);
    return opened;
  }
  if (a.kind === 'failed') {
    explorer.log(`analyzing ${uri.fsPath} failed: ${a.message}`);
    void vscode.window.showErrorMessage(`${label}: the analysis failed (${a.message}); the tree shows the first ${count(opened.sampleCount, 'sample')} only.`);
    return opened;
  }
  const bad = opened.malformed.length;
  explorer.log(`opened ${uri.fsPath}: ${opened.file.shape.reason}; ${opened.sampleCount} samples, ${opened.groupCount} groups, ${bad} malformed`);
  if (options.quiet) return opened;
  void vscode.window.showInformationMessage(
    `${label}: ${count(opened.sampleCount, 'sample')} in ${count(opened.groupCount, 'group')}` + (bad ? `; ${bad} malformed line${bad === 1 ? '' : 's'} skipped (listed under “Malformed”)` : '') + '.',
  );
  return opened;
}

/** Past this size a trace file is not opened as a text document. */
const MAX_TEXT_FILE = 50 * 1024 * 1024;

/** True when the editor can show the file as text at a line (not compressed, binary or huge). */
export function opensAsText(file: string): boolean {
  if (/\.(gz|parquet|eval)$/i.test(file)) return false;
  try {
    return fs.statSync(file).size <= MAX_TEXT_FILE;
  } catch {
    return false;
  }
}

/** Past this many characters a record's JSON is not opened (an editor document of it would stall the window). */
const MAX_RAW_CHARS = 20_000_000;

export const RECORD_SCHEME = 'reasoninglab-record';
const RECORDS_HELD = 8;

/** Records shown as JSON: read-only documents of their own scheme (closing one asks nothing), the last few held. */
class RecordDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '// this record is no longer held: show it again from the Trace Explorer';
  }

  hold(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    this.texts.delete(key);
    this.texts.set(key, text);
    for (const old of this.texts.keys()) if (this.texts.size > RECORDS_HELD) this.texts.delete(old);
    this.changed.fire(uri);
  }
}

export const recordDocuments = new RecordDocuments();

/** A record as written in the file, pretty-printed, in a read-only JSON editor (also inside .gz, .parquet and .eval). */
export async function showRawRecord(session: TraceSession, entry: number): Promise<void> {
  const { line, value } = await session.file.record(entry);
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
  if (text.length > MAX_RAW_CHARS) throw new Error(`${session.label} record ${line} is ${text.length.toLocaleString('en-US')} characters of JSON, too long to open in an editor.`);
  const uri = vscode.Uri.from({ scheme: RECORD_SCHEME, path: `/${session.label} record ${line}.json` });
  recordDocuments.hold(uri, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.One });
}

/** Show a record's line in the editor (a binary or huge file gets a message instead). */
export async function openLine(uri: vscode.Uri, line: number): Promise<void> {
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  if (!opensAsText(uri.fsPath)) {
    void vscode.window.showInformationMessage(`${path.basename(uri.fsPath)} line ${line} (the file is binary or too large to open as text).`);
    return;
  }
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: true, viewColumn: vscode.ViewColumn.One });
}

/** Close Trace File: the tree empties and the stepper lets go of the file's sample. */
export function closeTrace(explorer: ExplorerContext): void {
  const session = explorer.session;
  if (session) explorer.stepper.forget(session);
  explorer.replaceSession(undefined);
}
