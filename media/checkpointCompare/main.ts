/**
 * The Compare Checkpoints webview: the files in training order, the aggregate curve over them (chart and
 * table, over the prompts every file has), and the prompts that regressed and improved most. It paints
 * what the host sends as each file is read; a click on a prompt opens its samples from every file in the
 * Group View. All file text goes in as text nodes.
 */
import './checkpointCompare.css';
import type { CheckpointCompareEvents, CheckpointCompareRequests, CheckpointComparison, CompareMetric, CompareState, PromptComparison, PromptMetrics } from '../../src/contracts/checkpointCompare';
import { el, nodes } from '../shared/dom';
import { connect } from '../shared/rpc';
import { lineChart } from '../shared/lineChart';

const rpc = connect<CheckpointCompareRequests, CheckpointCompareEvents>();
const app = document.getElementById('app')!;
let state: CompareState | null = null;

rpc.on('state', (s) => {
  state = s;
  render();
});
void rpc.request('ready', {}).then((s) => {
  if (s && !state) state = s;
  render();
});

const METRICS: Array<[CompareMetric, string]> = [
  ['reward', 'mean reward'],
  ['pass', 'pass rate'],
  ['length', 'CoT tokens'],
  ['reflections', 'reflections'],
];

const num = (v: number | null, d = 3) => (v === null ? '?' : v.toFixed(d));
const pct = (v: number | null) => (v === null ? '?' : `${(100 * v).toFixed(1)}%`);
const signed = (v: number | null, f: (x: number) => string) => (v === null ? '' : `${v >= 0 ? '+' : '−'}${f(Math.abs(v))}`);
const metricOf = (m: PromptMetrics | null, by: CompareMetric) => (m === null ? null : by === 'reward' ? m.meanReward : by === 'pass' ? m.passRate : by === 'length' ? m.meanCotTokens : m.meanReflections);
const fmtMetric = (by: CompareMetric, v: number) => (by === 'pass' ? pct(v) : by === 'reward' ? num(v) : by === 'length' ? v.toFixed(0) : v.toFixed(2));

function showError(message: string): void {
  const e = document.getElementById('error');
  if (e) {
    e.textContent = message;
    e.hidden = false;
  }
}

function render(): void {
  if (!state) {
    app.replaceChildren(el('p', { id: 'empty', class: 'muted' }, 'Run “Reasoning Lab: Compare Checkpoints” and pick two or more rollout files in training order.'));
    return;
  }
  const s = state;
  const c = s.comparison;
  app.replaceChildren(
    ...nodes(
      el('div', { id: 'error', role: 'alert', class: 'error', hidden: true }),
      header(s),
      progress(s),
      s.errors.length ? el('ul', { id: 'file-errors', class: 'warning' }, ...s.errors.map((e) => el('li', {}, `${e.file}: ${e.message}`))) : null,
      s.message ? el('p', { id: 'message', class: s.phase === 'failed' ? 'error' : 'muted' }, s.message) : null,
      c ? summary(c) : s.phase === 'reading' ? el('p', { class: 'muted' }, 'The comparison appears when the second file has been read.') : null,
      c ? curve(c) : null,
      c ? rankings(c, s.phase !== 'reading') : null,
    ),
  );
}

function header(s: CompareState): HTMLElement {
  const files = s.comparison?.files;
  return el(
    'header',
    { class: 'header' },
    el('h2', {}, 'Compare Checkpoints'),
    el(
      'ol',
      { id: 'files', class: 'files' },
      ...s.files.map((name, i) => {
        const f = files?.find((x) => x.file === s.paths[i]);
        return el(
          'li',
          { 'data-file': String(i) },
          el('span', { class: 'file-name' }, name),
          f ? el('span', { class: 'muted' }, ` ${f.format}, ${f.samples} samples, ${f.prompts} prompts${f.notInAll ? ` (${f.notInAll} not in every file)` : ''}${f.malformedCount ? `, ${f.malformedCount} unreadable entries` : ''}`) : null,
        );
      }),
    ),
  );
}

function progress(s: CompareState): HTMLElement | null {
  if (s.phase !== 'reading' || !s.reading) return s.phase === 'cancelled' ? el('p', { id: 'cancelled', class: 'warning' }, 'Cancelled: the files read before are compared.') : null;
  const cancel = el('button', { id: 'cancel', type: 'button' }, 'Cancel');
  cancel.addEventListener('click', () => void rpc.request('cancel', {}));
  const pctDone = Math.round(100 * s.reading.fraction);
  return el(
    'div',
    { id: 'progress', class: 'progress' },
    el('span', {}, `Reading file ${Math.min(s.reading.index + 1, s.files.length)} of ${s.files.length}: ${pctDone}%`),
    el('progress', { max: '100', value: String(pctDone) }),
    cancel,
  );
}

function summary(c: CheckpointComparison): HTMLElement {
  return el(
    'p',
    { id: 'summary' },
    `Joined ${c.join.reason}. `,
    el('strong', { id: 'common' }, String(c.common)),
    ` prompts in every file are compared; ${c.partial} only in some are left out.`,
  );
}

function curve(c: CheckpointComparison): HTMLElement {
  const pts = c.curve;
  const x = (i: number) => i + 1;
  const chart = lineChart({
    id: 'curve-chart',
    ariaLabel: 'mean reward, pass rate and CoT length over the files in order',
    xLabel: 'file (training order)',
    maxDots: Infinity,
    left: { min: Math.min(0, ...pts.map((p) => p.meanReward ?? 0)), max: Math.max(1, ...pts.map((p) => p.meanReward ?? 0)), format: (r) => r.toFixed(1) },
    right: { min: 0, max: Math.max(1, ...pts.map((p) => p.meanCotTokens ?? 0)), format: (t) => String(Math.round(t)) },
    series: [
      { label: 'mean reward', cls: 'reward', points: pts.map((p, i) => [x(i), p.meanReward]), tooltip: (f, r) => `file ${f}: mean reward ${r.toFixed(3)}` },
      { label: 'pass rate', cls: 'pass', points: pts.map((p, i) => [x(i), p.passRate]), tooltip: (f, r) => `file ${f}: pass rate ${pct(r)}` },
      { label: 'mean CoT tokens', cls: 'cot', axis: 'right', points: pts.map((p, i) => [x(i), p.meanCotTokens]), tooltip: (f, t) => `file ${f}: mean CoT ${Math.round(t)} tokens` },
    ],
  });
  const step = (i: number) => (i ? c.curveSteps[i - 1] : null);
  const cell = (v: string, d: string) => el('td', {}, v, d ? el('span', { class: 'delta' }, ` ${d}`) : null);
  return el(
    'section',
    { id: 'curve' },
    el('h3', {}, 'Aggregate curve ', el('span', { class: 'muted small' }, '(mean per prompt over the prompts in every file; pass = correct / judged samples; ? = unknown)')),
    chart,
    el(
      'table',
      { id: 'curve-table', class: 'numbers' },
      el('thead', {}, el('tr', {}, ...['file', 'mean reward', 'pass rate', 'judged', 'adv. spread', 'CoT tokens', 'reflections'].map((h) => el('th', {}, h)))),
      el(
        'tbody',
        {},
        ...pts.map((p, i) =>
          el(
            'tr',
            { 'data-file': String(i) },
            el('td', {}, `[${i + 1}]`),
            cell(num(p.meanReward), signed(step(i)?.reward ?? null, (v) => v.toFixed(3))),
            cell(pct(p.passRate), signed(step(i)?.pass ?? null, (v) => pct(v))),
            el('td', {}, String(p.judged)),
            cell(num(p.meanSpread), signed(step(i)?.spread ?? null, (v) => v.toFixed(3))),
            cell(p.meanCotTokens === null ? '?' : p.meanCotTokens.toFixed(0), signed(step(i)?.length ?? null, (v) => v.toFixed(0))),
            cell(num(p.meanReflections, 2), signed(step(i)?.reflections ?? null, (v) => v.toFixed(2))),
          ),
        ),
      ),
    ),
  );
}

function rankings(c: CheckpointComparison, done: boolean): HTMLElement {
  const select = el('select', { id: 'rank-by', disabled: !done, title: done ? 'Rank the prompts by' : 'Available once every file is read' }, ...METRICS.map(([m, label]) => el('option', { value: m, selected: m === c.by }, label)));
  select.addEventListener('change', () => void rpc.request('rerank', { by: select.value as CompareMetric }).catch((e: Error) => showError(e.message)));
  return el(
    'section',
    { id: 'rankings' },
    el('p', {}, el('label', { for: 'rank-by' }, 'Rank prompts by '), select, el('span', { class: 'muted small' }, ' first file → last. Click a prompt to see its samples from every file side by side.')),
    table('regressions', c.regressions.length ? `Regressed most (${c.regressions.length})` : 'No prompt regressed', c.regressions, c.by),
    table('improvements', c.improvements.length ? `Improved most (${c.improvements.length})` : 'No prompt improved', c.improvements, c.by),
    c.unranked ? el('p', { id: 'unranked', class: 'muted small' }, `${c.unranked} prompts are not ranked: their ${METRICS.find(([m]) => m === c.by)![1]} is unknown in the first or the last file.`) : null,
  );
}

function table(id: string, title: string, rows: PromptComparison[], by: CompareMetric): HTMLElement {
  return el(
    'div',
    { class: 'ranking' },
    el('h3', {}, title),
    rows.length
      ? el(
          'table',
          { id, class: 'numbers prompts' },
          el('thead', {}, el('tr', {}, el('th', {}, 'change'), el('th', {}, 'per file'), el('th', { class: 'prompt-col' }, 'prompt'))),
          el(
            'tbody',
            {},
            ...rows.map((r) => {
              const d = r.total[by === 'length' ? 'length' : by];
              const link = el('a', { href: '#', class: 'prompt-link', title: `${r.key}: open its samples from every file in the Group View` }, r.prompt.replace(/\s+/g, ' ').slice(0, 140));
              link.addEventListener('click', (ev) => {
                ev.preventDefault();
                void rpc.request('openPrompt', { key: r.key }).catch((e: Error) => showError(e.message));
              });
              return el(
                'tr',
                { 'data-key': r.key },
                el('td', { class: d !== null && d < 0 ? 'down' : 'up' }, d === null ? '?' : signed(d, (v) => fmtMetric(by, v))),
                el('td', {}, r.perFile.map((m) => (metricOf(m, by) === null ? '?' : fmtMetric(by, metricOf(m, by)!))).join(' → ')),
                el('td', { class: 'prompt-col' }, link),
              );
            }),
          ),
        )
      : null,
  );
}
