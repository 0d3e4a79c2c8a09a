import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/**
 * The HTML shell of a webview panel: a strict Content-Security-Policy (scripts only with this page's
 * nonce, no inline handlers, styles and fonts only from the extension), the panel's bundle and CSS.
 * Everything else is drawn by the script from what the host sends.
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
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset(`${panel}.css`)}">
<title>${title}</title>
</head>
<body>
<div id="app" data-panel="${panel}"></div>
<script nonce="${nonce}" src="${asset(`${panel}.js`)}"></script>
</body>
</html>`;
}
