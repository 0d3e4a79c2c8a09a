import * as vscode from 'vscode';
import type { EventMap, RequestMap } from '../../contracts/rpc';
import { webviewHtml } from './webviewHtml';
import { WebviewRpc, type RequestHandlers } from './webviewRpc';

export interface PanelOptions {
  /** Where the panel opens the first time (default: the active editor group). */
  viewColumn?: vscode.ViewColumn;
  /** Keep the webview's DOM while hidden (for panels whose state is costly to rebuild). */
  retainContextWhenHidden?: boolean;
}

/**
 * One webview panel of a kind (created on first show, revealed after): the CSP shell from
 * webviewHtml, the typed RPC, and cleanup when the user closes it. Every Reasoning Lab panel is one.
 */
export class SingleWebviewPanel<R extends RequestMap, E extends EventMap> implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private rpc?: WebviewRpc<R, E>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly viewType: string,
    private readonly bundle: string,
    private readonly handlers: RequestHandlers<R>,
    private readonly log: (message: string) => void,
    private readonly options: PanelOptions = {},
  ) {}

  get visible(): boolean {
    return !!this.panel;
  }

  /** Creates the panel on the first call and reveals it after; true when it was just created. */
  show(title: string, preserveFocus = false): boolean {
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(undefined, preserveFocus);
      return false;
    }
    this.panel = vscode.window.createWebviewPanel(
      this.viewType,
      title,
      { viewColumn: this.options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus },
      { enableScripts: true, retainContextWhenHidden: !!this.options.retainContextWhenHidden, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'media')] },
    );
    this.rpc = new WebviewRpc<R, E>(this.panel.webview, this.handlers, this.log);
    this.panel.webview.html = webviewHtml(this.panel.webview, this.extensionUri, this.bundle, title);
    this.panel.onDidDispose(() => {
      this.rpc?.dispose();
      this.rpc = undefined;
      this.panel = undefined;
    });
    return true;
  }

  emit<K extends keyof E & string>(event: K, payload: E[K]): void {
    void this.rpc?.emit(event, payload);
  }

  dispose(): void {
    this.rpc?.dispose();
    this.panel?.dispose();
  }
}
