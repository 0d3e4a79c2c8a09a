// The webview shell with hostile values: titles come from trace data (sample ids, prompts, file names)
// and must stay text, whatever markup they hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeHtml, webviewShell } from '../../src/vscode/shared/webviewShell';
import { ROOT } from './helpers/runCli';

const HOSTILE = [
  '</title><script>alert(1)</script>',
  'Trace: <img src=x onerror="alert(1)">',
  'Group: <script',
  'a "quoted" & \'single\' </head><body><h1>big</h1>',
  '<!-- comment',
  '<![CDATA[ x ]]>',
];

const panels = fs.readdirSync(path.join(ROOT, 'media'), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'shared').map((d) => d.name);

/** The text between <title> and </title>, with the five escapes undone. */
function titleText(html: string): string {
  const m = /<title>([^<]*)<\/title>/.exec(html);
  assert.ok(m, 'one <title> element with only text in it');
  return m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

test('every panel: a title full of markup adds no tag to the shell and reads back as the same text', () => {
  assert.ok(panels.length >= 5, panels.join(', '));
  for (const panel of panels) {
    const parts = { csp: "default-src 'none'", nonce: 'n0nce', panel, cssUri: `https://x/${panel}.css`, scriptUri: `https://x/${panel}.js` };
    const plain = webviewShell({ ...parts, title: 'Plain' });
    const tags = (html: string) => html.match(/<[^>]*>/g) ?? [];
    for (const title of HOSTILE) {
      const html = webviewShell({ ...parts, title });
      assert.deepEqual(tags(html), tags(plain), `${panel}: ${title}`);
      assert.equal(titleText(html), title);
      assert.equal((html.match(/<script/g) ?? []).length, 1);
    }
  }
});

test('attribute values are escaped too (a quote cannot end the attribute)', () => {
  const html = webviewShell({ csp: "default-src 'none'", nonce: 'a"b', panel: 'p" onload="x', title: 't', cssUri: 'https://x/a"b.css', scriptUri: 'https://x/"><script>.js' });
  assert.ok(!/onload="x/.test(html));
  assert.match(html, /data-panel="p&quot; onload=&quot;x"/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.equal(escapeHtml(`<&>"'`), '&lt;&amp;&gt;&quot;&#39;');
});
