/**
 * The Group View webview: the samples of one prompt side by side — reward, advantage, lengths, answer
 * — in a virtually scrolled table (rows come from the host a page at a time), and a word-level diff
 * of any two samples (computed by the host). All trace text goes in as text nodes.
 */
import './traceGroup.css';
import type { TraceDiffPart, TraceGroupEvents, TraceGroupRequests, TraceGroupRow, TraceGroupView, TraceSampleRef } from '../../src/contracts/traces';
import { el, nodes } from '../shared/dom';
import { connect } from '../shared/rpc';
import { formatNumber, formatSigned } from '../../src/contracts/numberFormat';
import { VirtualList } from '../shared/virtualList';

const rpc = connect<TraceGroupRequests, TraceGroupEvents>();
const app = document.getElementById('app')!;

let view: TraceGroupView | null = null;
let pair: { a: TraceSampleRef | null; b: TraceSampleRef | null } = { a: null, b: null };
let list: VirtualList<TraceGroupRow> | null = null;
let diffSeq = 0;

rpc.on('show', (v) => {
  view = v;
  render();
});
rpc.on('error', ({ message }) => showError(message));
void rpc.request('ready', {}).then((v) => {
  if (v && !view) view = v;
  if (!list) render();
});

const fmt = (v: number | null, d = 2) => formatNumber(v, d);
const same = (x: TraceSampleRef | null, y: TraceSampleRef) => !!x && x.entry === y.entry && x.sub === y.sub && x.file === y.file;

function showError(message: string): void {
  const e = document.getElementById('error');
  if (e) {
    e.textContent = message;
    e.hidden = false;
  }
}

function render(): void {
  if (!view) {
    app.replaceChildren(el('p', { id: 'empty', class: 'muted' }, 'No group open. In the Trace Explorer, choose “Open Group View” on a prompt.'));
    return;
  }
  const v = view;
  pair = v.defaultPair ? { a: v.defaultPair[0], b: v.defaultPair[1] } : { a: null, b: null };
  const stats = el(
    'div',
    { class: 'stats' },
    el('span', {}, el('span', { class: 'muted' }, 'samples '), el('span', { id: 'group-size' }, String(v.size))),
    el('span', {}, el('span', { class: 'muted' }, 'mean '), el('span', { id: 'group-mean' }, fmt(v.mean, v.rewardDecimals))),
    el('span', {}, el('span', { class: 'muted' }, 'std '), el('span', { id: 'group-std' }, fmt(v.std))),
    el('span', {}, el('span', { class: 'muted' }, 'min '), fmt(v.min, v.rewardDecimals)),
    el('span', {}, el('span', { class: 'muted' }, 'max '), fmt(v.max, v.rewardDecimals)),
  );
  const table = el('div', { id: 'rows', class: 'rows', role: 'table' });
  const head = el(
    'div',
    { class: 'row head', role: 'row' },
    el('span', { class: 'c-pick', title: 'Diff: A' }, 'A'),
    el('span', { class: 'c-pick', title: 'Diff: B' }, 'B'),
    el('span', { class: 'c-id' }, 'sample'),
    el('span', { class: 'c-num' }, 'reward'),
    el('span', { class: 'c-adv' }, 'advantage'),
    el('span', { class: 'c-num' }, 'tokens'),
    el('span', { class: 'c-num' }, 'CoT'),
    el('span', { class: 'c-num' }, 'steps'),
    el('span', { class: 'c-num' }, 'refl.'),
    el('span', { class: 'c-answer' }, 'answer'),
  );
  app.replaceChildren(
    ...nodes(
    el('div', { id: 'error', role: 'alert', class: 'error', hidden: true }),
    el('header', { class: 'header' }, el('div', { id: 'group-prompt', class: 'prompt' }, v.prompt), stats),
    v.files
      ? el(
          'div',
          { id: 'group-files', class: 'stats files' },
          ...v.files.map((f, i) => el('span', { class: 'file-stats' }, el('span', { class: 'file-tag' }, `[${i + 1}]`), ` ${f.label}: ${f.size} samples, mean ${fmt(f.mean, v.rewardDecimals)}, std ${fmt(f.std)}`)),
        )
      : null,
    v.zeroAdvantage ? el('p', { id: 'zero-advantage', class: 'warning' }, 'All rewards in this group are equal: every advantage is 0, so GRPO learns nothing from it.') : null,
    el('p', { class: 'muted small' }, 'Pick A and B to diff two samples; double-click a row (or its id) to open it in the Trace Stepper.'),
    head,
    table,
    el('h3', {}, 'Word diff ', el('span', { id: 'diff-title', class: 'muted small' })),
    el('div', { id: 'diff', class: 'diff' }),
    ),
  );
  const maxAbs = 3;
  list = new VirtualList<TraceGroupRow>({
    container: table,
    rowHeight: 26,
    count: v.size,
    pageSize: 50,
    load: (from, to) => rpc.request('rows', { from, to }),
    render: (r) => {
      const ref: TraceSampleRef = r.file === undefined ? { entry: r.entry, sub: r.sub } : { entry: r.entry, sub: r.sub, file: r.file };
      const pickA = el('input', { type: 'radio', name: 'diff-a', class: 'pick-a', title: 'Diff: A', checked: same(pair.a, ref) });
      const pickB = el('input', { type: 'radio', name: 'diff-b', class: 'pick-b', title: 'Diff: B', checked: same(pair.b, ref) });
      pickA.addEventListener('change', () => choose('a', ref));
      pickB.addEventListener('change', () => choose('b', ref));
      const adv = r.advantage;
      const advBar = el('span', { class: 'adv-bar' });
      if (adv !== null) {
        const w = Math.min(1, Math.abs(adv) / maxAbs) * 50;
        advBar.append(el('span', { class: adv >= 0 ? 'adv pos' : 'adv neg', style: undefined }));
        (advBar.firstChild as HTMLElement).style.width = `${w}%`;
        (advBar.firstChild as HTMLElement).style.left = adv >= 0 ? '50%' : `${50 - w}%`;
      }
      const id = el('a', { class: 'c-id sample-link', href: '#', title: r.file === undefined ? 'Open in the Trace Stepper' : `Open in ${v.files?.[r.file]?.label ?? 'its file'}` }, r.file === undefined ? r.id : `[${r.file + 1}] ${r.id}`);
      id.addEventListener('click', (ev) => {
        ev.preventDefault();
        void rpc.request('openSample', ref).catch((e: Error) => showError(e.message));
      });
      const row = el(
        'div',
        { class: `row${(r.verdict ? r.verdict === 'incorrect' : r.accuracy === 0) ? ' wrong' : ''}`, role: 'row', 'data-id': r.id },
        el('span', { class: 'c-pick' }, pickA),
        el('span', { class: 'c-pick' }, pickB),
        id,
        el('span', { class: 'c-num reward' }, fmt(r.reward, v.rewardDecimals)),
        el('span', { class: 'c-adv' }, advBar, el('span', { class: 'adv-value' }, formatSigned(adv))),
        el('span', { class: 'c-num' }, String(r.tokens)),
        el('span', { class: 'c-num' }, String(r.cotTokens)),
        el('span', { class: 'c-num' }, String(r.steps)),
        el('span', { class: 'c-num' }, String(r.reflections)),
        el(
          'span',
          { class: 'c-answer', title: r.extracted !== null ? `${r.extractedBy === null ? '' : `found by ${r.extractedBy}: `}${r.extracted}\n\n${r.answer}` : `no final answer found in: ${r.answer}` },
          r.extracted !== null ? el('span', { class: 'extracted' }, r.extracted) : el('span', { class: 'extracted none' }, '—'),
          el('span', { class: 'answer-text' }, ` ${r.answer}`),
        ),
      );
      row.addEventListener('dblclick', () => void rpc.request('openSample', ref).catch((e: Error) => showError(e.message)));
      return row;
    },
    placeholder: () => el('div', { class: 'row muted' }, '…'),
  });
  void showDiff();
}

function choose(side: 'a' | 'b', ref: TraceSampleRef): void {
  pair[side] = ref;
  void showDiff();
}

async function showDiff(): Promise<void> {
  const box = document.getElementById('diff')!;
  const titleEl = document.getElementById('diff-title')!;
  if (!pair.a || !pair.b) {
    box.replaceChildren(el('p', { class: 'muted' }, 'Pick two samples (A and B) to diff.'));
    return;
  }
  const seq = ++diffSeq;
  box.replaceChildren(el('p', { class: 'muted' }, 'Computing the diff…'));
  try {
    const d = await rpc.request('diff', { a: pair.a, b: pair.b });
    if (seq !== diffSeq) return;
    titleEl.textContent = `A = ${d.a}, B = ${d.b}${d.truncated ? ' (first 30,000 characters of each)' : ''}`;
    box.replaceChildren(legend(), el('div', { class: 'diff-text' }, ...d.parts.map(part)));
  } catch (e) {
    if (seq === diffSeq) box.replaceChildren(el('p', { class: 'error' }, (e as Error).message));
  }
}

function part(p: TraceDiffPart): HTMLElement {
  if (p.kind === 'same') return el('span', { class: 'same' }, p.text);
  return el(p.kind === 'added' ? 'ins' : 'del', { class: p.kind, title: p.kind === 'added' ? 'only in B' : 'only in A' }, p.text);
}

function legend(): HTMLElement {
  return el('p', { class: 'legend small' }, el('del', { class: 'removed' }, 'only in A'), ' ', el('ins', { class: 'added' }, 'only in B'));
}
