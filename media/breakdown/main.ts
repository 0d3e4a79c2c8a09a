/**
 * The Reward Breakdown webview. It renders the BreakdownView the host sends — total, components as bars,
 * details, the completion with its highlights — and turns clicks into requests. All text goes into the
 * DOM as text nodes: completions are untrusted and may hold HTML.
 */
import './breakdown.css';
import type { BreakdownEvents, BreakdownRequests, BreakdownView } from '../../src/contracts/breakdown';
import { formatNumber } from '../../src/contracts/numberFormat';
import type { ComponentScore, Highlight, HighlightKind } from '../../src/contracts/breakdown';
import { connect } from '../shared/rpc';
import { el } from '../shared/dom';
import { renderModels } from './models';
import type { GrmJudgementView } from '../../src/contracts/breakdown';

const rpc = connect<BreakdownRequests, BreakdownEvents>();

/** Most specific first: a span covered by several highlights shows the first kind in this list. */
const KIND_ORDER: HighlightKind[] = ['extracted', 'repeated', 'off-language', 'step', 'answer', 'think'];
const KIND_LABEL: Record<HighlightKind, string> = {
  extracted: 'extracted answer',
  repeated: 'repeated n-grams',
  'off-language': 'off-language words',
  step: 'steps',
  answer: 'answer',
  think: 'reasoning (think)',
};

interface UiState {
  expanded: string[];
  hidden: HighlightKind[];
}
const ui: UiState = { expanded: [], hidden: [], ...((rpc.state.getState() as Partial<UiState> | undefined) ?? {}) };
const saveUi = () => rpc.state.setState(ui);

let view: BreakdownView | null = null;
let errorMessage: string | null = null;
/** Models still running for the shown document, and the judgements that finished so far. */
let running: { text: string; judgements?: GrmJudgementView[] } | null = null;

const app = document.getElementById('app')!;

rpc.on('breakdown', (v) => {
  view = v;
  errorMessage = null;
  render();
});
rpc.on('modelProgress', (p) => {
  if (!view || p.uri !== view.document.uri) return;
  running = p.running ? { text: p.running, judgements: p.judgements } : null;
  const host = document.getElementById('models');
  if (host) host.replaceWith(modelsSection(view));
});
rpc.on('error', ({ message }) => {
  errorMessage = message;
  render();
});

void rpc.request('ready', {}).then((v) => {
  if (v && !view) view = v;
  render();
});

function render(): void {
  const errorBanner = el('div', { id: 'error', role: 'alert', class: 'error', hidden: !errorMessage }, errorMessage ?? '');
  if (!view) {
    app.replaceChildren(
      errorBanner,
      el('p', { id: 'empty', class: 'empty' }, 'Nothing scored yet. Open a completion and run “Reasoning Lab: Score File” or “Score Selection”.'),
    );
    return;
  }
  if (!view.models?.running) running = null;
  else running ??= { text: view.models.running };
  app.replaceChildren(errorBanner, renderHeader(view), renderComponents(view), modelsSection(view), renderCompletion(view));
}

function modelsSection(v: BreakdownView): HTMLElement {
  return renderModels(v.models, running, {
    cancel: () => void rpc.request('cancelModels', {}).catch(showRequestError),
    isOpen: (key) => ui.expanded.includes(key),
    toggle: (key, open) => {
      ui.expanded = open ? [...new Set([...ui.expanded, key])] : ui.expanded.filter((n) => n !== key);
      saveUi();
    },
  });
}

function renderHeader(v: BreakdownView): HTMLElement {
  const s = v.score;
  const rescore = el('button', { id: 'rescore', title: 'Score again with the current settings' }, 'Rescore');
  rescore.addEventListener('click', () => void rpc.request('rescore', {}).catch(showRequestError));
  const openSpec = el('button', { id: 'open-spec', class: 'secondary', title: 'Open the reward spec in use' }, 'Open Spec');
  openSpec.addEventListener('click', () => void rpc.request('openSpec', {}).catch(showRequestError));
  return el(
    'header',
    { class: 'header' },
    el(
      'div',
      { class: 'title' },
      el('span', { id: 'doc-label', class: 'doc' }, v.document.label),
      v.fromSelection ? el('span', { class: 'badge' }, 'selection') : null,
      el('span', { class: 'muted' }, ' scored with '),
      el('span', { id: 'spec-name', class: 'spec' }, s.spec),
    ),
    el(
      'div',
      { class: 'total-line' },
      el('span', { class: 'label' }, 'Total reward'),
      el('span', { id: 'total', class: `total ${s.total < 0 ? 'negative' : ''}` }, formatNumber(s.total)),
      el('span', { id: 'total-range', class: 'muted' }, `of ${formatNumber(s.max)}`),
      el('span', { class: 'muted small' }, s.min < 0 ? ` (lowest ${s.min.toFixed(2)})` : ''),
      s.incomplete?.length ? incompleteNote(s.incomplete, s.components) : null,
    ),
    el('div', { class: 'actions' }, rescore, openSpec),
  );
}

function renderComponents(v: BreakdownView): HTMLElement {
  const entries = Object.entries(v.score.components) as [string, ComponentScore][];
  // Bars share one scale: the largest contribution any component could make.
  const scale = Math.max(1e-9, ...entries.map(([, c]) => Math.abs(c.weight) * Math.max(Math.abs(c.range[0]), Math.abs(c.range[1]))));
  const rows: HTMLElement[] = [];
  for (const [name, c] of entries) {
    const expanded = ui.expanded.includes(name);
    const hasItems = !!c.items?.length || !!c.error?.traceback || !!c.output || c.source !== undefined;
    const failed = c.error ? (c.error.kind === 'not-run' ? 'not-run' : 'failed') : '';
    const row = el(
      'tr',
      { class: `component ${c.value === null ? 'null' : ''} ${failed}`, 'data-name': name, tabindex: '0', 'aria-expanded': String(expanded) },
      el('th', { scope: 'row', class: 'name' }, hasItems ? el('span', { class: 'twisty' }, expanded ? '▾ ' : '▸ ') : null, name),
      el('td', { class: 'value', title: `range ${c.range[0]} … ${c.range[1]}` }, failed === 'failed' ? 'error' : failed ? '…' : formatNumber(c.value)),
      el('td', { class: 'weight' }, `× ${formatWeight(c.weight)}`),
      el('td', { class: 'contribution' }, signed(c.contribution)),
      el('td', { class: 'bar-cell' }, renderBar(c, scale)),
      el('td', { class: 'detail' }, c.detail, name === 'accuracy' ? answerSourceNote(v) : ''),
    );
    const toggle = () => {
      ui.expanded = expanded ? ui.expanded.filter((n) => n !== name) : [...ui.expanded, name];
      saveUi();
      render();
    };
    row.addEventListener('click', toggle);
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        toggle();
      }
    });
    rows.push(row);
    if (expanded && hasItems) {
      rows.push(
        el(
          'tr',
          { class: 'component-items', 'data-name': name },
          el('td', { colspan: '6' }, ...componentDetails(c)),
        ),
      );
    }
  }
  return el(
    'table',
    { id: 'components', class: 'components' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...[
          ['name', 'component'],
          ['value', 'value'],
          ['weight', 'weight'],
          ['contribution', 'contribution'],
          ['bar-cell', ''],
        ].map(([cls, h]) => el('th', { scope: 'col', class: cls }, h)),
      ),
    ),
    el('tbody', {}, ...rows),
  );
}

/** What the total leaves out: components that failed or did not run. */
function incompleteNote(names: string[], components: Partial<Record<string, ComponentScore>>): HTMLElement {
  const notRun = names.filter((n) => components[n]?.error?.kind === 'not-run');
  const failed = names.filter((n) => !notRun.includes(n));
  const parts = [failed.length ? `${failed.join(', ')} failed` : '', notRun.length ? `${notRun.join(', ')} not run` : ''].filter(Boolean);
  return el('span', { id: 'total-incomplete', class: 'incomplete', title: 'The total leaves these components out: it is not the reward the spec defines' }, `incomplete: ${parts.join('; ')}`);
}

/** An expanded component: where a workspace function comes from, its extra values, its traceback, what it printed. */
function componentDetails(c: ComponentScore): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (c.source !== undefined) out.push(el('p', { class: 'source' }, el('span', { class: 'muted' }, 'function '), c.source));
  if (c.items?.length) out.push(el('ul', {}, ...c.items.map((item) => el('li', {}, item))));
  if (c.error?.traceback) out.push(el('h4', {}, 'Traceback'), el('pre', { class: 'traceback' }, c.error.traceback));
  if (c.output) out.push(el('h4', {}, 'Output (stdout and stderr)'), el('pre', { class: 'function-output' }, c.output));
  return out;
}

function renderBar(c: ComponentScore, scale: number): HTMLElement {
  const width = c.value === null ? 0 : Math.min(100, (Math.abs(c.contribution) / scale) * 100);
  const bar = el('div', { class: `bar ${c.contribution < 0 ? 'negative' : 'positive'} ${c.value === null ? 'empty' : ''}` });
  bar.style.width = `${width.toFixed(1)}%`;
  return el('div', { class: 'bar-track', title: `contribution ${signed(c.contribution)}` }, bar);
}

function answerSourceNote(v: BreakdownView): string {
  const where = { 'front-matter': 'front matter', comment: 'an answer: comment', prompted: 'typed by you', none: '' }[v.answerSource];
  return where ? ` (reference from ${where})` : '';
}

function renderCompletion(v: BreakdownView): HTMLElement {
  const all = Object.values(v.score.components).flatMap((c) => c?.highlights ?? []);
  const counts = new Map<HighlightKind, number>();
  for (const h of all) counts.set(h.kind, (counts.get(h.kind) ?? 0) + 1);
  const toggles = KIND_ORDER.filter((k) => counts.has(k)).map((kind) => {
    const input = el('input', { type: 'checkbox', class: 'hl-toggle', 'data-kind': kind }) as HTMLInputElement;
    input.checked = !ui.hidden.includes(kind);
    input.addEventListener('change', () => {
      ui.hidden = input.checked ? ui.hidden.filter((k) => k !== kind) : [...ui.hidden, kind];
      saveUi();
      render();
    });
    return el('label', { class: `legend hl-${kind}` }, input, ` ${KIND_LABEL[kind]} (${counts.get(kind)})`);
  });
  const shown = all.filter((h) => !ui.hidden.includes(h.kind));
  return el(
    'section',
    { class: 'completion-section' },
    el('h2', {}, v.fromSelection ? 'Selection' : 'Completion'),
    el('div', { class: 'legends' }, ...toggles),
    v.truncatedAt ? el('p', { class: 'muted small' }, `Showing the first ${v.truncatedAt.toLocaleString()} characters.`) : null,
    el('pre', { id: 'completion', class: 'completion' }, ...highlightText(v.completion, shown)),
  );
}

/**
 * Cut the text at every highlight boundary and wrap each piece in a mark of the most specific highlight
 * covering it, so overlapping highlights (an extracted answer inside the answer part) render flat.
 */
function highlightText(text: string, highlights: Highlight[]): Node[] {
  const cuts = new Set<number>([0, text.length]);
  for (const h of highlights) {
    cuts.add(clamp(h.start, text.length));
    cuts.add(clamp(h.end, text.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const rank = (h: Highlight) => KIND_ORDER.indexOf(h.kind);
  const nodes: Node[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    if (a === b) continue;
    let best: Highlight | undefined;
    for (const h of highlights) if (h.start <= a && h.end >= b && (!best || rank(h) < rank(best))) best = h;
    const piece = text.slice(a, b);
    if (!best) {
      nodes.push(document.createTextNode(piece));
      continue;
    }
    const target = best;
    const mark = el(
      'mark',
      {
        class: `hl hl-${target.kind}`,
        'data-kind': target.kind,
        'data-start': String(target.start),
        'data-end': String(target.end),
        title: `${KIND_LABEL[target.kind]}${target.note ? `: ${target.note}` : ''} — click to select in the editor`,
      },
      piece,
    );
    mark.addEventListener('click', () => void rpc.request('revealRange', { start: target.start, end: target.end }).catch(showRequestError));
    nodes.push(mark);
  }
  return nodes;
}

function showRequestError(err: unknown): void {
  errorMessage = err instanceof Error ? err.message : String(err);
  render();
}

const clamp = (n: number, max: number) => Math.max(0, Math.min(max, n));
const signed = (n: number) => (n > 0 ? '+' : n < 0 ? '−' : '') + formatNumber(Math.abs(n));
const formatWeight = (w: number) => (Number.isInteger(w) ? String(w) : String(+w.toFixed(3)));
