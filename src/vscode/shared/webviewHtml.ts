import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { webviewShell } from './webviewShell';

/**
 * The HTML shell of a webview panel: a strict Content-Security-Policy (scripts only with this page's
 * nonce, no inline handlers, styles and fonts only from the extension), the panel's bundle and CSS.
 * Everything else is drawn by the script from what the host sends; every value is escaped (webviewShell.ts).
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, panel: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', file));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return webviewShell({ csp, nonce, panel, title, cssUri: asset(`${panel}.css`).toString(), scriptUri: asset(`${panel}.js`).toString() });
}
