/**
 * The Evaluate Reward Model webview: accuracy (RewardBench's: chosen scored above rejected), per-subset
 * accuracy, the margin histogram, and the pairs the model gets wrong — a virtual list (pages asked of
 * the host as it scrolls) with the selected pair's prompt and answers beside it. All pair text is
 * untrusted: it goes into the DOM as text.
 */
import './rmEval.css';
import type { RmEvalEvents, RmEvalRequests, RmEvalView, RmEvalWrongRow } from '../../src/contracts/rmEval';
import { el, nodes } from '../shared/dom';
import { digitsToTell, fixedNonZero } from './digits';
import { connect } from '../shared/rpc';
import { svg, title } from '../shared/svg';
import { VirtualList } from '../shared/virtualList';

const rpc = connect<RmEvalRequests, RmEvalEvents>();
const app = document.getElementById('app')!;

let view: RmEvalView | null = null;
let renderedKey = '';
let selected: RmEvalWrongRow | null = null;

rpc.on('show', (v) => {
  view = v;
  render();
});
void rpc.request('ready', {}).then((v) => {
  if (v && !view) view = v;
  render();
});

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

function render(): void {
  if (!view) {
    app.replaceChildren(el('p', { id: 'empty', class: 'muted' }, 'Run “Reasoning Lab: Evaluate Reward Model” to score a preference-pairs file.'));
    return;
  }
  const v = view;
  // the summary redraws on every progress event; the wrong-pairs list only when a new result arrives
  const key = `${v.file.path}|${v.state}|${v.wrongCount}`;
  const header = el(
    'header',
    { class: 'header' },
    el('div', { class: 'title' }, el('span', { id: 'model-name', class: 'strong' }, v.model), el('span', { class: 'muted' }, ` on ${v.provider} · `), el('span', { id: 'pairs-file' }, v.file.label)),
    renderState(v),
  );
  const summary = v.summary ? renderSummary(v) : null;
  const errors = v.errors.length
    ? el('details', { id: 'read-errors', class: 'read-errors' }, el('summary', { class: 'warning-text' }, `${v.summary?.skipped ?? v.errors.length} line(s) skipped`), el('ul', {}, ...v.errors.map((e) => el('li', {}, `line ${e.line}: ${e.message}`))))
    : null;
  if (key === renderedKey && document.getElementById('wrong-section')) {
    const wrong = document.getElementById('wrong-section')!;
    app.replaceChildren(...nodes(header, errors, summary, wrong));
    return;
  }
  renderedKey = key;
  selected = null;
  app.replaceChildren(...nodes(header, errors, summary, v.state === 'done' ? renderWrong(v) : null));
}

function renderState(v: RmEvalView): HTMLElement {
  if (v.state === 'running') {
    const cancel = el('button', { id: 'cancel', class: 'secondary' }, 'Cancel');
    cancel.addEventListener('click', () => void rpc.request('cancel', {}));
    const bar = el('progress', { id: 'progress', max: String(Math.max(1, v.total)), value: String(v.done) });
    return el('div', { class: 'state running' }, el('span', { id: 'state' }, v.total ? `Scoring ${v.done} of ${v.total} pairs…` : 'Reading pairs and loading the model…'), bar, cancel);
  }
  if (v.state === 'error' || v.state === 'cancelled') return el('div', { class: 'state' }, el('p', { id: 'state', role: 'alert', class: v.state === 'error' ? 'error-text' : 'warning-text' }, v.message ?? v.state));
  return el('div', { class: 'state' }, el('span', { id: 'state', class: 'muted' }, `Done: ${v.total} pairs`));
}

function renderSummary(v: RmEvalView): HTMLElement {
  const s = v.summary!;
  const subsets = s.subsets.length > 1 || (s.subsets.length === 1 && s.subsets[0].name !== '')
    ? el(
        'table',
        { id: 'subsets', class: 'subsets' },
        el('thead', {}, el('tr', {}, el('th', {}, 'subset'), el('th', {}, 'n'), el('th', {}, 'accuracy'), el('th', {}, ''))),
        el('tbody', {}, ...s.subsets.map((x) => {
          const bar = el('div', { class: 'acc-bar' });
          bar.style.width = `${(x.accuracy * 100).toFixed(1)}%`;
          return el('tr', { 'data-subset': x.name }, el('td', { class: 'subset-name' }, x.name || '(none)'), el('td', { class: 'num' }, String(x.n)), el('td', { class: 'num subset-accuracy' }, pct(x.accuracy)), el('td', { class: 'bar-cell' }, el('div', { class: 'acc-track' }, bar)));
        })),
      )
    : null;
  return el(
    'section',
    { id: 'summary', class: 'summary' },
    el(
      'div',
      { class: 'big' },
      stat('accuracy', 'accuracy', pct(s.accuracy), 'pairs where the chosen answer scores above the rejected one (RewardBench 2 lists: above every rejected one)'),
      stat('pairs', 'pair-count', String(s.n)),
      stat('wrong', 'wrong-count', String(v.wrongCount)),
      stat('margin p50', 'margin-median', f(s.margins.p50), 'chosen logit − rejected logit, median'),
      stat('margin mean', 'margin-mean', f(s.margins.mean)),
      stat('p10 / p90', 'margin-p10-p90', `${f(s.margins.p10)} / ${f(s.margins.p90)}`),
    ),
    v.histogram ? el('div', { class: 'hist-box' }, el('h3', {}, 'Margin distribution (chosen − rejected logit)'), histogram(v.histogram)) : null,
    subsets ? el('div', {}, el('h3', {}, 'Accuracy per subset'), subsets) : null,
  );
}

function stat(label: string, id: string, value: string, tip?: string): HTMLElement {
  return el('div', { class: 'stat', title: tip }, el('div', { class: 'muted small' }, label), el('div', { id, class: 'stat-value' }, value));
}

/** Bars of the margin counts; bins below 0 (wrong) in the error colour, the zero line marked. */
function histogram(h: NonNullable<RmEvalView['histogram']>): Element {
  const W = 600;
  const H = 140;
  const B = 22;
  const n = h.counts.length;
  const max = Math.max(1, ...h.counts);
  const bw = W / n;
  const xOf = (m: number) => ((m - h.lo) / (h.hi - h.lo)) * W;
  const root = svg('svg', { id: 'histogram', viewBox: `0 0 ${W} ${H}`, class: 'hist', role: 'img', 'aria-label': 'margin histogram' });
  h.counts.forEach((c, i) => {
    const lo = h.lo + ((h.hi - h.lo) * i) / n;
    const hi = h.lo + ((h.hi - h.lo) * (i + 1)) / n;
    const bh = (c / max) * (H - B - 6);
    const range = `${i === 0 && h.below ? `≤ ${f(hi)}` : i === n - 1 && h.above ? `≥ ${f(lo)}` : `${f(lo)} … ${f(hi)}`}`;
    root.append(svg('rect', { x: (i * bw + 0.5).toFixed(1), y: (H - B - bh).toFixed(1), width: Math.max(0.5, bw - 1).toFixed(1), height: bh.toFixed(1), class: `bin ${hi <= 0 ? 'wrong' : lo >= 0 ? 'right' : 'mixed'}`, 'data-count': c }, title(`${range}: ${c} pair${c === 1 ? '' : 's'}`)));
  });
  if (h.lo < 0 && h.hi > 0) root.append(svg('line', { x1: xOf(0), x2: xOf(0), y1: 0, y2: H - B, class: 'zero' }));
  // outliers beyond the range are counted in the end bins, and the end labels say so
  root.append(svg('text', { x: 0, y: H - 6, class: 'axis', id: 'hist-lo' }, `${h.below ? '≤ ' : ''}${f(h.lo)}`));
  root.append(svg('text', { x: W, y: H - 6, class: 'axis', id: 'hist-hi', 'text-anchor': 'end' }, `${h.above ? '≥ ' : ''}${f(h.hi)}`));
  // the 0 label only where it cannot run into an end label
  if (h.lo < 0 && h.hi > 0 && xOf(0) > 70 && xOf(0) < W - 70) root.append(svg('text', { x: xOf(0), y: H - 6, class: 'axis', 'text-anchor': 'middle' }, '0'));
  return root;
}

function renderWrong(v: RmEvalView): HTMLElement {
  const listBox = el('div', { id: 'wrong-list', class: 'wrong-list', role: 'listbox', 'aria-label': 'Pairs the model gets wrong' });
  const detail = el('div', { id: 'wrong-detail', class: 'wrong-detail' }, el('p', { class: 'muted' }, v.wrongCount ? 'Click a pair to read it.' : 'The model ranks every pair right.'));
  const section = el(
    'section',
    { id: 'wrong-section', class: 'wrong-section' },
    el('h3', {}, `Pairs it gets wrong (${v.wrongCount})`),
    el('div', { class: 'wrong-columns' }, listBox, detail),
  );
  if (v.wrongCount) {
    const list: VirtualList<RmEvalWrongRow> = new VirtualList<RmEvalWrongRow>({
      container: listBox,
      rowHeight: 26,
      count: v.wrongCount,
      pageSize: 100,
      load: (from, to) => rpc.request('wrong', { from, to }),
      render: (row, index) => {
        const item = el(
          'div',
          { class: 'wrong-row', role: 'option', 'data-line': String(row.line), 'data-index': String(index) },
          el('span', { class: 'line-no muted' }, `L${row.line}`),
          row.subset ? el('span', { class: 'subset-tag' }, row.subset) : null,
          el('span', { class: 'margin error-text' }, fixedNonZero(row.margin)),
          el('span', { class: 'preview' }, (row.prompt || row.chosen[0] || '').replace(/\s+/g, ' ').slice(0, 160)),
        );
        item.addEventListener('click', () => {
          selected = row;
          list.select(index, false);
          showDetail(detail, row);
        });
        return item;
      },
      placeholder: (i) => el('div', { class: 'wrong-row muted' }, `${i + 1} …`),
    });
  }
  return section;
}

function showDetail(host: HTMLElement, row: RmEvalWrongRow): void {
  const open = el('button', { id: 'open-line', class: 'secondary' }, `Open line ${row.line}`);
  open.addEventListener('click', () => void rpc.request('openLine', { line: row.line }));
  // as many decimals as it takes for the pair's logits to show how it was lost
  const digits = digitsToTell([...row.chosenLogits, ...row.rejectedLogits]);
  const answers = (label: string, texts: string[], logits: number[], cls: string) =>
    texts.map((t, i) => el('div', { class: `answer ${cls}` }, el('h4', {}, `${label}${texts.length > 1 ? ` ${i + 1}` : ''} `, el('span', { class: `logit ${cls}-logit` }, `logit ${fixedNonZero(logits[i], digits)}`)), el('pre', { class: 'pair-text' }, t)));
  host.replaceChildren(
    ...nodes(
      el('div', { class: 'detail-head' }, el('span', { id: 'detail-title', class: 'strong' }, `Line ${row.line}${row.id ? ` · ${row.id}` : ''}${row.subset ? ` · ${row.subset}` : ''}`), el('span', { id: 'detail-margin', class: 'error-text' }, ` margin ${fixedNonZero(row.margin, digits)}`), open),
      row.prompt ? el('div', { class: 'prompt' }, el('h4', {}, 'Prompt'), el('pre', { id: 'detail-prompt', class: 'pair-text' }, row.prompt)) : null,
      ...answers('Chosen', row.chosen, row.chosenLogits, 'chosen'),
      ...answers('Rejected', row.rejected, row.rejectedLogits, 'rejected'),
    ),
  );
}
