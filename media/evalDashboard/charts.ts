/**
 * The dashboard's two charts, drawn as SVG with DOM APIs (no innerHTML, no chart library): pass@1 per
 * run as bars, and the Pareto plot of runs by pass@1 against time per problem. Colours come from the
 * theme through CSS classes (see evalDashboard.css), so both read in light and dark themes.
 */
import type { EvalRunInfo } from '../../src/contracts/evalDashboard';

const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Short labels for the charts: #1 is the oldest run, so a label keeps its meaning as runs are added. */
export function runNumbers(runs: EvalRunInfo[]): Map<string, number> {
  const oldestFirst = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return new Map(oldestFirst.map((r, i) => [r.id, i + 1]));
}

/** pass@1 of each run (oldest first), one bar each; the selected run is emphasised. */
export function passBarChart(runs: EvalRunInfo[], selected: string | null, onPick: (id: string) => void): SVGSVGElement {
  const nums = runNumbers(runs);
  const list = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(-20);
  const w = 520;
  const h = 200;
  const pad = { l: 44, r: 10, t: 10, b: 28 };
  const iw = w - pad.l - pad.r;
  const ih = h - pad.t - pad.b;
  const root = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart', id: 'runs-chart', role: 'img', 'aria-label': 'pass@1 per run' });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = pad.t + ih * (1 - t);
    root.append(svg('line', { x1: pad.l, x2: w - pad.r, y1: y, y2: y, class: 'grid' }), svg('text', { x: pad.l - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, `${t * 100}%`));
  }
  const slot = iw / Math.max(1, list.length);
  const bw = Math.min(48, slot * 0.7);
  list.forEach((r, i) => {
    const v = r.passAtK['1'] ?? 0;
    const x = pad.l + slot * i + (slot - bw) / 2;
    const bh = ih * v;
    const bar = svg('rect', { x, y: pad.t + ih - bh, width: bw, height: Math.max(bh, 1), class: `bar ${r.id === selected ? 'selected' : ''}`, 'data-run': r.id, tabindex: 0 }, svg('title', {}, `#${nums.get(r.id)} ${r.label}: pass@1 ${pct(v)}`));
    bar.addEventListener('click', () => onPick(r.id));
    root.append(bar, svg('text', { x: x + bw / 2, y: h - pad.b + 16, class: 'tick', 'text-anchor': 'middle' }, `#${nums.get(r.id)}`));
    if (bh > 14) root.append(svg('text', { x: x + bw / 2, y: pad.t + ih - bh + 12, class: 'bar-label', 'text-anchor': 'middle' }, pct(v)));
  });
  return root;
}

/**
 * Runs as points: x = time per problem (ms, lower is better), y = pass@1 (higher is better). The runs
 * no other run beats on both are the Pareto front, joined by a line and drawn filled.
 */
export function paretoPlot(runs: EvalRunInfo[], selected: string | null, onPick: (id: string) => void): SVGSVGElement {
  const nums = runNumbers(runs);
  const w = 520;
  const h = 240;
  const pad = { l: 44, r: 16, t: 12, b: 36 };
  const iw = w - pad.l - pad.r;
  const ih = h - pad.t - pad.b;
  const root = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart', id: 'pareto-chart', role: 'img', 'aria-label': 'Pareto plot: pass@1 against time per problem' });
  const maxMs = Math.max(1, ...runs.map((r) => r.msPerProblem)) * 1.1;
  const X = (ms: number) => pad.l + (ms / maxMs) * iw;
  const Y = (v: number) => pad.t + ih * (1 - v);
  for (const t of [0, 0.5, 1]) root.append(svg('line', { x1: pad.l, x2: w - pad.r, y1: Y(t), y2: Y(t), class: 'grid' }), svg('text', { x: pad.l - 6, y: Y(t) + 4, class: 'tick', 'text-anchor': 'end' }, `${t * 100}%`));
  for (const t of [0, 0.5, 1]) root.append(svg('text', { x: X(maxMs * t), y: h - pad.b + 16, class: 'tick', 'text-anchor': 'middle' }, `${Math.round(maxMs * t)} ms`));
  root.append(svg('text', { x: pad.l + iw / 2, y: h - 4, class: 'axis-label', 'text-anchor': 'middle' }, 'time per problem (ms) →  lower is better'));
  const points = runs.map((r) => ({ r, x: r.msPerProblem, y: r.passAtK['1'] ?? 0 }));
  const front = points.filter((p) => !points.some((q) => q !== p && q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y))).sort((a, b) => a.x - b.x);
  if (front.length > 1) root.append(svg('polyline', { points: front.map((p) => `${X(p.x)},${Y(p.y)}`).join(' '), class: 'front' }));
  for (const p of points) {
    const onFront = front.includes(p);
    const g = svg('g', { class: `point ${onFront ? 'on-front' : ''} ${p.r.id === selected ? 'selected' : ''}`, 'data-run': p.r.id, tabindex: 0 });
    g.append(svg('circle', { cx: X(p.x), cy: Y(p.y), r: 6 }), svg('text', { x: X(p.x) + 9, y: Y(p.y) + 4, class: 'point-label' }, `#${nums.get(p.r.id)}`), svg('title', {}, `#${nums.get(p.r.id)} ${p.r.label}\npass@1 ${pct(p.y)}, ${p.x} ms per problem${onFront ? '\non the Pareto front' : ''}`));
    g.addEventListener('click', () => onPick(p.r.id));
    root.append(g);
  }
  return root;
}
