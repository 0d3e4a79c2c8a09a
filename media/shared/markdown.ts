/**
 * Markdown and TeX math as DOM nodes, for completions and prompts: markdown-it parses (raw HTML off),
 * markdown-it-texmath finds the math ($…$, $$…$$, \(…\), \[…\]) and KaTeX typesets it. The tokens are
 * turned into elements here, one allowed tag at a time, never through innerHTML: a completion's text
 * can make headings, lists, code and formulas, but never an element or attribute of its own choosing.
 * KaTeX builds its nodes with the DOM and CSSOM, so the panels' strict CSP (no inline styles) holds.
 */
import 'katex/dist/katex.min.css';
import katex from 'katex';
import MarkdownIt from 'markdown-it';
import texmath from 'markdown-it-texmath';
import type Token from 'markdown-it/lib/token.mjs';
import { el } from './dom';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false }).use(texmath, { engine: katex, delimiters: ['dollars', 'brackets'], katexOptions: { throwOnError: false } });
// \[ … \] inside a paragraph too: models write "so we have:\n\[ x = 2 \]" with no blank line before it,
// which texmath only takes at the start of a block
md.inline.ruler.before('escape', 'math_inline_bracket_display', texmath.inline({ name: 'math_inline_double', rex: /\\\[([\s\S]+?)\\\]/gy, tmpl: '$1', tag: '\\[' }) as never);

/** Block and inline tags a token may open; anything else becomes a plain span. */
const TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'strong', 'em', 's', 'code', 'pre', 'dl', 'dt', 'dd']);

function math(tex: string, display: boolean): HTMLElement {
  const host = el(display ? 'div' : 'span', { class: display ? 'math math-display' : 'math', title: tex });
  try {
    // trust off (no \href, \url, \includegraphics), bounded macro expansion: a hostile formula renders as red text at worst
    katex.render(tex, host, { displayMode: display, throwOnError: false, trust: false, maxExpand: 1000, maxSize: 50 });
  } catch {
    host.textContent = tex;
  }
  return host;
}

const isMath = (t: Token) => t.type.startsWith('math_');
const isDisplay = (t: Token) => t.type.includes('block') || t.type.includes('double');

function open(t: Token): HTMLElement {
  const tag = TAGS.has(t.tag) ? t.tag : 'span';
  const node = document.createElement(tag);
  if (t.type === 'link_open') {
    // links are shown, not followed: the address goes in the tooltip
    node.className = 'md-link';
    node.title = t.attrGet('href') ?? '';
  }
  if (t.type === 'ordered_list_open') {
    const start = Number(t.attrGet('start'));
    if (Number.isInteger(start) && start > 1) node.setAttribute('start', String(start));
  }
  return node;
}

/** Tokens into `into`: block tokens, and the inline children of an `inline` token, by the same rules. */
function build(tokens: Token[], into: HTMLElement): void {
  const stack = [into];
  for (const t of tokens) {
    const top = stack[stack.length - 1];
    if (t.hidden && (t.type === 'paragraph_open' || t.type === 'paragraph_close')) continue; // tight lists
    if (isMath(t)) top.append(math(t.content, isDisplay(t)));
    else if (t.type === 'inline') build(t.children ?? [], top);
    else if (t.nesting === 1) {
      const n = open(t);
      top.append(n);
      stack.push(n);
    } else if (t.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else if (t.type === 'code_inline') top.append(el('code', {}, t.content));
    else if (t.type === 'fence' || t.type === 'code_block') top.append(el('pre', {}, el('code', {}, t.content)));
    else if (t.type === 'softbreak') top.append('\n');
    else if (t.type === 'hardbreak') top.append(el('br'));
    else if (t.type === 'hr') top.append(el('hr'));
    else if (t.type === 'image') top.append(el('span', { class: 'md-image muted' }, `[image: ${t.content}]`));
    else if (t.content) top.append(t.content);
  }
}

/** `text` as Markdown with math, in a div of class "md". */
export function renderMarkdown(text: string): HTMLElement {
  const root = el('div', { class: 'md' });
  build(md.parse(text, {}), root);
  return root;
}
