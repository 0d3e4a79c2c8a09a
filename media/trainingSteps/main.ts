/**
 * The Training Steps webview: mean reward and mean CoT length per training step (R1's "thinking time
 * grows" curve) as a small SVG chart, redrawn as the followed file grows.
 */
import './trainingSteps.css';
import type { TrainingStepsEvents, TrainingStepsRequests, TrainingStepsView } from '../../src/protocol';
import { el, nodes } from '../shared/dom';
import { connect } from '../shared/rpc';
import { svg, title } from '../shared/svg';

const rpc = connect<TrainingStepsRequests, TrainingStepsEvents>();
const app = document.getElementById('app')!;
let view: TrainingStepsView | null = null;

rpc.on('show', (v) => {
  view = v;
  render();
});
void rpc.request('ready', {}).then((v) => {
  if (v && !view) view = v;
  render();
});

const fmt = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toFixed(d));

function render(): void {
  if (!view) {
    app.replaceChildren(el('p', { class: 'muted' }, 'Open a trace file and run “Follow Trace File” or “Show Training Steps”.'));
    return;
  }
  const v = view;
  const last = v.points[v.points.length - 1];
  app.replaceChildren(
    ...nodes(
    el(
      'header',
      { class: 'header' },
      el('span', { class: 'file' }, v.file.label),
      el('span', { id: 'follow-state', class: v.following ? 'badge' : 'muted' }, v.following ? 'following' : 'not following'),
      el('span', { class: 'muted' }, ' records '),
      el('span', { id: 'record-count' }, String(v.records)),
      el('span', { class: 'muted' }, ' steps '),
      el('span', { id: 'step-points' }, String(v.points.length)),
    ),
    v.message ? el('p', { id: 'message', class: 'warning' }, v.message) : null,
    v.points.length
      ? chart(v)
      : el('p', { id: 'no-steps', class: 'muted' }, 'The records carry no training step (a `step` field), so there is no per-step curve yet.'),
    last ? el('p', { class: 'muted small' }, `Last step ${last.step}: ${last.samples} samples, mean reward ${fmt(last.meanReward)}, mean CoT ${Math.round(last.meanCotTokens)} tokens.`) : null,
    v.points.length ? table(v) : null,
    ),
  );
}

function chart(v: TrainingStepsView): SVGSVGElement {
  const W = 720;
  const H = 260;
  const pad = { l: 48, r: 56, t: 16, b: 30 };
  const pts = v.points;
  const minStep = pts[0].step;
  const maxStep = pts[pts.length - 1].step;
  const rewards = pts.map((p) => p.meanReward).filter((r): r is number => r !== null);
  const rMin = Math.min(0, ...rewards);
  const rMax = Math.max(1, ...rewards);
  const cMax = Math.max(1, ...pts.map((p) => p.meanCotTokens));
  const x = (s: number) => pad.l + (maxStep === minStep ? 0.5 : (s - minStep) / (maxStep - minStep)) * (W - pad.l - pad.r);
  const yr = (r: number) => H - pad.b - ((r - rMin) / (rMax - rMin || 1)) * (H - pad.t - pad.b);
  const yc = (c: number) => H - pad.b - (c / cMax) * (H - pad.t - pad.b);
  const root = svg('svg', { id: 'chart', viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'mean reward and mean CoT length per training step' });
  // axes and labels
  root.append(
    svg('line', { x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b, class: 'axis' }),
    svg('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: H - pad.b, class: 'axis' }),
    svg('line', { x1: W - pad.r, y1: pad.t, x2: W - pad.r, y2: H - pad.b, class: 'axis' }),
    svg('text', { x: pad.l - 6, y: yr(rMax) + 4, class: 'tick reward', 'text-anchor': 'end' }, rMax.toFixed(1)),
    svg('text', { x: pad.l - 6, y: yr(rMin) + 4, class: 'tick reward', 'text-anchor': 'end' }, rMin.toFixed(1)),
    svg('text', { x: W - pad.r + 6, y: yc(cMax) + 4, class: 'tick cot' }, String(Math.round(cMax))),
    svg('text', { x: W - pad.r + 6, y: yc(0) + 4, class: 'tick cot' }, '0'),
    svg('text', { x: x(minStep), y: H - 10, class: 'tick', 'text-anchor': 'middle' }, String(minStep)),
    svg('text', { x: x(maxStep), y: H - 10, class: 'tick', 'text-anchor': 'middle' }, String(maxStep)),
    svg('text', { x: (pad.l + W - pad.r) / 2, y: H - 4, class: 'tick', 'text-anchor': 'middle' }, 'training step'),
  );
  const line = (vals: Array<[number, number]>, cls: string) => svg('polyline', { points: vals.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' '), class: cls });
  root.append(line(pts.map((p) => [x(p.step), yc(p.meanCotTokens)]), 'series cot'));
  root.append(line(pts.filter((p) => p.meanReward !== null).map((p) => [x(p.step), yr(p.meanReward!)]), 'series reward'));
  for (const p of pts) {
    root.append(svg('circle', { cx: x(p.step), cy: yc(p.meanCotTokens), r: 3, class: 'dot cot' }, title(`step ${p.step}: mean CoT ${Math.round(p.meanCotTokens)} tokens (${p.samples} samples)`)));
    if (p.meanReward !== null) root.append(svg('circle', { cx: x(p.step), cy: yr(p.meanReward), r: 3, class: 'dot reward' }, title(`step ${p.step}: mean reward ${p.meanReward.toFixed(3)}`)));
  }
  root.append(
    svg('rect', { x: pad.l + 8, y: pad.t, width: 10, height: 10, class: 'dot reward' }),
    svg('text', { x: pad.l + 22, y: pad.t + 9, class: 'tick' }, 'mean reward (left axis)'),
    svg('rect', { x: pad.l + 180, y: pad.t, width: 10, height: 10, class: 'dot cot' }),
    svg('text', { x: pad.l + 194, y: pad.t + 9, class: 'tick' }, 'mean CoT tokens (right axis)'),
  );
  return root;
}

function table(v: TrainingStepsView): HTMLElement {
  const rows = v.points.slice(-50);
  return el(
    'table',
    { id: 'points', class: 'points' },
    el('thead', {}, el('tr', {}, el('th', {}, 'step'), el('th', {}, 'samples'), el('th', {}, 'mean reward'), el('th', {}, 'mean CoT tokens'))),
    el('tbody', {}, ...rows.map((p) => el('tr', { 'data-step': String(p.step) }, el('td', {}, String(p.step)), el('td', {}, String(p.samples)), el('td', {}, fmt(p.meanReward, 3)), el('td', {}, String(Math.round(p.meanCotTokens)))))),
  );
}
