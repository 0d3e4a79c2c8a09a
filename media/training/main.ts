/**
 * The agent Training webview: a Train Agent run's learning curves (return, solve rate, episode length,
 * policy entropy, losses, curriculum level, steps/s) as they arrive, its status, Pause / Resume /
 * Stop, the checkpoint with Reveal, and the episodes with Open in Trace Explorer. It renders what the
 * host sends; the buttons are requests.
 */
import './training.css';
import type { AgentTrainingEvents, AgentTrainingPoint, AgentTrainingRequests, AgentTrainingView } from '../../src/contracts/agentTraining';
import { el, nodes } from '../shared/dom';
import { lineChart, type ChartSeries } from '../shared/lineChart';
import { connect } from '../shared/rpc';

const rpc = connect<AgentTrainingRequests, AgentTrainingEvents>();
const app = document.getElementById('app')!;
const head = el('div', { id: 'head' });
const body = el('div', { id: 'body' });
app.replaceChildren(head, body);
let view: AgentTrainingView | null = null;
let error = '';

rpc.on('show', (v) => {
  view = v;
  renderHead();
  renderBody();
});
rpc.on('progress', (p) => {
  if (!view || view.run.id !== p.runId) return;
  if (p.from !== view.points.length) {
    // missed some (the panel was hidden): ask for the whole view again
    void rpc.request('ready', {}).then((v) => {
      if (v) view = v;
      renderHead();
      renderBody();
    });
    return;
  }
  view.points.push(...p.points);
  view.step = p.step;
  view.episodes = p.episodes;
  renderBody();
});
void rpc.request('ready', {}).then((v) => {
  if (v && !view) view = v;
  renderHead();
  renderBody();
});

const act = (method: 'pause' | 'resume' | 'stop' | 'revealCheckpoint' | 'openEpisodes') => () => {
  error = '';
  rpc.request(method, {}).then(
    () => renderHead(),
    (e: Error) => {
      error = e.message;
      renderHead();
    },
  );
};

const STATUS_TEXT: Record<AgentTrainingView['status'], string> = {
  starting: 'starting…',
  running: 'training',
  paused: 'paused',
  stopping: 'stopping (writing the checkpoint)…',
  stopped: 'stopped',
  done: 'finished',
  error: 'failed',
};

function button(id: string, text: string, onClick: () => void, enabled: boolean, secondary = false): HTMLButtonElement {
  const b = el('button', { id, class: secondary ? 'secondary' : undefined, disabled: !enabled }, text);
  b.addEventListener('click', onClick);
  return b;
}

function renderHead(): void {
  if (!view) {
    head.replaceChildren(el('p', { class: 'muted' }, 'No training run yet. Run “Reasoning Lab: Train Agent…” from the command palette.'));
    return;
  }
  const v = view;
  const s = v.status;
  const canResume = s === 'paused' || ((s === 'stopped' || s === 'done' || s === 'error') && !!v.checkpoint);
  head.replaceChildren(
    ...nodes(
      el(
        'header',
        { class: 'header' },
        el('span', { class: 'run', id: 'run-id' }, v.run.id),
        el('span', { id: 'status', class: `status ${s}`, 'data-status': s }, STATUS_TEXT[s]),
        el('span', { class: 'muted' }, `${v.run.agentLabel}${v.run.problems ? ` · problems: ${v.run.problems}` : ''} · seed ${v.run.seed}`),
      ),
      el(
        'div',
        { class: 'toolbar' },
        button('pause', 'Pause', act('pause'), s === 'running', true),
        button('resume', s === 'done' ? 'Train Longer' : 'Resume', act('resume'), canResume),
        button('stop', 'Stop', act('stop'), s === 'running' || s === 'paused' || s === 'starting', true),
        el('span', { class: 'muted small hint' }, s === 'paused' ? 'Paused: the state stays in memory; Resume continues it exactly. Stop writes the checkpoint.' : s === 'running' ? 'Stop writes a checkpoint; Resume continues from it exactly.' : ''),
      ),
      v.message ? el('p', { id: 'message', class: s === 'error' ? 'error' : 'warning' }, v.message) : null,
      error ? el('p', { id: 'request-error', class: 'error' }, error) : null,
      el(
        'div',
        { class: 'files' },
        el(
          'div',
          { id: 'checkpoint', class: 'file-row' },
          el('span', { class: 'muted' }, 'Checkpoint '),
          v.checkpoint ? el('code', { id: 'checkpoint-path', title: v.checkpoint.path }, v.checkpoint.label) : el('span', { class: 'muted', id: 'checkpoint-path' }, 'none yet (written on Stop and at the end)'),
          v.checkpoint ? el('span', { class: 'muted small' }, ` at step ${v.checkpoint.step.toLocaleString('en-US')}, ${new Date(v.checkpoint.savedAt).toLocaleTimeString()}`) : null,
          v.checkpoint ? button('reveal-checkpoint', 'Reveal', act('revealCheckpoint'), true, true) : null,
        ),
        v.episodesFile
          ? el(
              'div',
              { id: 'episodes-file', class: 'file-row' },
              el('span', { class: 'muted' }, 'Episodes '),
              el('code', { title: v.episodesFile.path }, v.episodesFile.label),
              button('open-episodes', 'Open Episodes in Trace Explorer', act('openEpisodes'), true, true),
            )
          : null,
      ),
    ),
  );
}

const fmt = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);

function card(id: string, label: string, value: string): HTMLElement {
  return el('div', { class: 'card', id }, el('div', { class: 'card-label' }, label), el('div', { class: 'card-value' }, value));
}

/** At most ~600 points per chart: every k-th point, and always the last. */
function thin(points: AgentTrainingPoint[]): AgentTrainingPoint[] {
  const k = Math.ceil(points.length / 600);
  if (k <= 1) return points;
  const out = points.filter((_, i) => i % k === 0);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]);
  return out;
}

function series(pts: AgentTrainingPoint[], label: string, cls: string, get: (p: AgentTrainingPoint) => number | null, axis: 'left' | 'right' = 'left'): ChartSeries {
  return { label, cls, axis, points: pts.map((p) => [p.step, get(p)]) };
}

function renderBody(): void {
  if (!view) {
    body.replaceChildren();
    return;
  }
  const v = view;
  const last = v.points[v.points.length - 1];
  // the code agent is a problem-solving agent too: solve rate and decisions, without a curriculum level
  const code = v.run.agent === 'code';
  const synth = v.run.agent === 'synth' || code;
  const cards = el(
    'div',
    { class: 'cards' },
    card('step', 'step', `${v.step.toLocaleString('en-US')} / ${v.run.totalSteps.toLocaleString('en-US')}`),
    card('episodes', 'episodes', v.episodes.toLocaleString('en-US')),
    card('mean-return', synth ? 'mean return' : 'mean return (last 100)', fmt(last?.meanReturn)),
    synth ? card('solve-rate', 'solve rate', pct(last?.solveRate)) : null,
    synth && !code ? card('level', 'curriculum level', last?.level ? `${last.level} line${last.level === 1 ? '' : 's'}` : last ? 'fixed set' : '–') : null,
    card('steps-per-second', 'steps/s', last?.stepsPerSecond ? Math.round(last.stepsPerSecond).toLocaleString('en-US') : '–'),
  );
  const progress = el('progress', { id: 'progress', max: String(v.run.totalSteps), value: String(Math.min(v.step, v.run.totalSteps)) });
  if (!v.points.length) {
    body.replaceChildren(cards, progress, el('p', { id: 'no-points', class: 'muted' }, v.status === 'starting' ? 'Starting the worker…' : 'The first curve point arrives after a few episodes.'));
    return;
  }
  const pts = thin(v.points);
  const chart = (id: string, heading: string, s: ChartSeries[], opts: Partial<Parameters<typeof lineChart>[0]> = {}) =>
    el('section', { class: 'chart-box' }, el('h3', {}, heading), lineChart({ id, ariaLabel: heading, xLabel: synth ? 'step (decisions)' : 'step (env steps)', series: s, width: 560, height: 220, ...opts }));
  const charts = el(
    'div',
    { class: 'charts', id: 'charts', 'data-points': String(v.points.length) },
    synth
      ? chart('chart-return', 'Return and solve rate', [series(pts, 'mean return', 'return', (p) => p.meanReturn), series(pts, 'solve rate', 'solve', (p) => p.solveRate, 'right')], { right: { min: 0, max: 1, format: (x) => `${Math.round(x * 100)}%` } })
      : chart('chart-return', 'Return (mean of the last 100 episodes)', [series(pts, 'mean return', 'return', (p) => p.meanReturn)], { left: { min: 0 } }),
    chart('chart-length', code ? 'Candidate runs per episode' : synth ? 'Program length (lines per episode)' : 'Episode length', [series(pts, 'mean length', 'length', (p) => p.meanLength)], { left: { min: 0 } }),
    pts.some((p) => p.entropy !== null) ? chart('chart-entropy', synth ? 'Macro policy entropy' : 'Policy entropy', [series(pts, 'entropy', 'entropy', (p) => p.entropy)]) : null,
    chart(
      'chart-losses',
      'Losses',
      [
        ...(pts.some((p) => p.policyLoss !== null) ? [series(pts, 'policy loss', 'policy', (p) => p.policyLoss), series(pts, 'value loss', 'value', (p) => p.valueLoss)] : []),
        ...(pts.some((p) => p.tdLoss !== null) ? [series(pts, 'TD loss', 'td', (p) => p.tdLoss, pts.some((p) => p.policyLoss !== null) ? 'right' : 'left')] : []),
      ],
    ),
    chart(
      'chart-speed',
      synth && !code ? 'Steps per second and curriculum level' : 'Steps per second',
      [series(pts, 'steps/s', 'speed', (p) => p.stepsPerSecond), ...(synth && pts.some((p) => p.level !== null) ? [series(pts, 'level', 'level', (p) => p.level, 'right')] : [])],
      { left: { min: 0, format: (x) => String(Math.round(x)) }, right: { min: 0, max: 5, format: (x) => String(Math.round(x)) } },
    ),
  );
  body.replaceChildren(cards, progress, el('p', { class: 'muted small' }, el('span', { id: 'point-count' }, String(v.points.length)), ` curve points; each is the mean over the most recent ${synth && !code ? '200' : '100'} episodes`), charts);
}
