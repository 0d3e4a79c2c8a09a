/**
 * The HTML text of a webview panel's shell, apart from VS Code (so tests render it): every value put
 * into it is escaped. Titles come from trace data (sample ids, prompts, file names), so a title such as
 * `</title><script` must stay text: unescaped it would add markup to the panel, or a dangling `<script`
 * that swallows the panel's own script tag.
 */

/** Text safe inside an element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

export interface ShellParts {
  csp: string;
  nonce: string;
  /** The panel's name (its bundle's base name). */
  panel: string;
  title: string;
  cssUri: string;
  scriptUri: string;
}

export function webviewShell(p: ShellParts): string {
  const e = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(p.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(p.cssUri)}">
<title>${e(p.title)}</title>
</head>
<body>
<div id="app" data-panel="${e(p.panel)}"></div>
<script nonce="${e(p.nonce)}" src="${e(p.scriptUri)}"></script>
</body>
</html>`;
}
