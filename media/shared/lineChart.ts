/**
 * A line chart over a shared x axis (training step), drawn with DOM APIs (shared/svg.ts): one or two
 * y axes, a polyline per series, dots with tooltips while there are few points, and a legend. Colours
 * come from the theme through the series' CSS class (`.series.<cls>`, `.dot.<cls>`), so it reads in
 * light and dark themes. Used by the Training Steps chart and the agent Training panel.
 */
import './lineChart.css';
import { svg, title } from './svg';

export interface ChartSeries {
  label: string;
  /** CSS class of the line and dots (the colour). */
  cls: string;
  /** [x, y] points; null y values are gaps. */
  points: Array<[number, number | null]>;
  /** Which y axis (default left). */
  axis?: 'left' | 'right';
  /** A dot's tooltip (default "label at x: y"). */
  tooltip?: (x: number, y: number) => string;
}

export interface LineChartOptions {
  id: string;
  ariaLabel: string;
  xLabel: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
  /** Fixed ranges (e.g. 0…1 for rates); otherwise from the data. */
  left?: { min?: number; max?: number; format?: (v: number) => string };
  right?: { min?: number; max?: number; format?: (v: number) => string };
  /** Dots are drawn while a series has at most this many points (default 60). */
  maxDots?: number;
}

const defaultFormat = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function range(values: number[], fixed: { min?: number; max?: number } | undefined): [number, number] {
  let lo = fixed?.min ?? Math.min(...values);
  let hi = fixed?.max ?? Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

export function lineChart(o: LineChartOptions): SVGSVGElement {
  const W = o.width ?? 720;
  const H = o.height ?? 260;
  const hasRight = o.series.some((s) => s.axis === 'right');
  const pad = { l: 52, r: hasRight ? 56 : 16, t: 26, b: 30 };
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const ys = (axis: 'left' | 'right') => o.series.filter((s) => (s.axis ?? 'left') === axis).flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null && Number.isFinite(v)));
  const [l0, l1] = range(ys('left'), o.left);
  const [r0, r1] = range(ys('right'), o.right);
  const X = (v: number) => pad.l + (x1 === x0 ? 0.5 : (v - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const Y = (v: number, axis: 'left' | 'right') => {
    const [a, b] = axis === 'left' ? [l0, l1] : [r0, r1];
    return H - pad.b - ((v - a) / (b - a)) * (H - pad.t - pad.b);
  };
  const lf = o.left?.format ?? defaultFormat;
  const rf = o.right?.format ?? defaultFormat;
  const root = svg('svg', { id: o.id, viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': o.ariaLabel });
  root.append(
    svg('line', { x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b, class: 'axis' }),
    svg('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: H - pad.b, class: 'axis' }),
    svg('line', { x1: pad.l, y1: (pad.t + H - pad.b) / 2, x2: W - pad.r, y2: (pad.t + H - pad.b) / 2, class: 'grid' }),
    svg('text', { x: pad.l - 6, y: Y(l1, 'left') + 4, class: 'tick', 'text-anchor': 'end' }, lf(l1)),
    svg('text', { x: pad.l - 6, y: Y(l0, 'left') + 4, class: 'tick', 'text-anchor': 'end' }, lf(l0)),
    svg('text', { x: X(x0), y: H - 10, class: 'tick', 'text-anchor': 'middle' }, String(x0)),
    svg('text', { x: X(x1), y: H - 10, class: 'tick', 'text-anchor': 'middle' }, String(x1)),
    svg('text', { x: (pad.l + W - pad.r) / 2, y: H - 4, class: 'tick', 'text-anchor': 'middle' }, o.xLabel),
  );
  if (hasRight) {
    root.append(
      svg('line', { x1: W - pad.r, y1: pad.t, x2: W - pad.r, y2: H - pad.b, class: 'axis' }),
      svg('text', { x: W - pad.r + 6, y: Y(r1, 'right') + 4, class: 'tick' }, rf(r1)),
      svg('text', { x: W - pad.r + 6, y: Y(r0, 'right') + 4, class: 'tick' }, rf(r0)),
    );
  }
  const maxDots = o.maxDots ?? 60;
  for (const s of o.series) {
    const axis = s.axis ?? 'left';
    const pts = s.points.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
    if (!pts.length) continue;
    root.append(svg('polyline', { points: pts.map(([a, b]) => `${X(a).toFixed(1)},${Y(b, axis).toFixed(1)}`).join(' '), class: `series ${s.cls}` }));
    if (pts.length <= maxDots) {
      for (const [a, b] of pts) root.append(svg('circle', { cx: X(a), cy: Y(b, axis), r: 3, class: `dot ${s.cls}` }, title(s.tooltip ? s.tooltip(a, b) : `${s.label} at ${a}: ${defaultFormat(b)}`)));
    }
  }
  // the legend, left to right along the top
  let lx = pad.l + 8;
  for (const s of o.series) {
    const text = `${s.label}${hasRight ? (s.axis === 'right' ? ' (right axis)' : ' (left axis)') : ''}`;
    root.append(svg('rect', { x: lx, y: 6, width: 10, height: 10, class: `dot ${s.cls}` }), svg('text', { x: lx + 14, y: 15, class: 'tick legend' }, text));
    lx += 24 + text.length * 6.2;
  }
  return root;
}
