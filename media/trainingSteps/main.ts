/**
 * The Training Steps webview: mean reward and mean CoT length per training step (R1's "thinking time
 * grows" curve) as a small SVG chart, redrawn as the followed file grows.
 */
import './trainingSteps.css';
import type { TrainingStepsEvents, TrainingStepsRequests, TrainingStepsView } from '../../src/contracts/traces';
import { el, nodes } from '../shared/dom';
import { connect } from '../shared/rpc';
import { lineChart } from '../shared/lineChart';

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
  const pts = v.points;
  return lineChart({
    id: 'chart',
    ariaLabel: 'mean reward and mean CoT length per training step',
    xLabel: 'training step',
    // every step keeps its dot: the points table and the follow tests count them
    maxDots: Infinity,
    left: { min: Math.min(0, ...pts.map((p) => p.meanReward ?? 0)), max: Math.max(1, ...pts.map((p) => p.meanReward ?? 0)), format: (r) => r.toFixed(1) },
    right: { min: 0, max: Math.max(1, ...pts.map((p) => p.meanCotTokens)), format: (c) => String(Math.round(c)) },
    series: [
      { label: 'mean CoT tokens', cls: 'cot', axis: 'right', points: pts.map((p) => [p.step, p.meanCotTokens]), tooltip: (s, c) => `step ${s}: mean CoT ${Math.round(c)} tokens (${pts.find((p) => p.step === s)?.samples ?? 0} samples)` },
      { label: 'mean reward', cls: 'reward', points: pts.map((p) => [p.step, p.meanReward]), tooltip: (s, r) => `step ${s}: mean reward ${r.toFixed(3)}` },
    ],
  });
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
