/**
 * The models part of the Reward Breakdown: the reward model's logit and truncation, and for the
 * generative reward model every judgement (principles, critique, scores or why it has none, tokens,
 * cost, latency, meta score), the vote and the scaling curve (the vote over the first k judgements).
 * Judge text is model output: it goes into the DOM as text only.
 */
import type { BreakdownModelsView, GrmJudgementView, GrmScoreView, RmScoreView } from '../../src/contracts/breakdown';
import { el, nodes } from '../shared/dom';
import { lineChart, type ChartSeries } from '../shared/lineChart';

export interface ModelsUi {
  cancel(): void;
  isOpen(key: string): boolean;
  toggle(key: string, open: boolean): void;
}

export function renderModels(models: BreakdownModelsView | undefined, running: { text: string; judgements?: GrmJudgementView[] } | null, ui: ModelsUi): HTMLElement {
  if (!models) return el('section', { id: 'models', hidden: true });
  const parts: HTMLElement[] = [];
  if (running) {
    const cancel = el('button', { id: 'cancel-models', class: 'secondary', title: 'Stop the reward model and the judge' }, 'Cancel');
    cancel.addEventListener('click', ui.cancel);
    parts.push(el('div', { id: 'models-running', class: 'running', role: 'status' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), ` ${running.text} `, cancel));
  }
  if (models.rm) parts.push(renderRm(models.rm));
  if (running?.judgements?.length && !(models.grm && 'judgements' in models.grm && !models.grm.stale)) {
    parts.push(el('section', { id: 'grm-live', class: 'model-card' }, el('h2', {}, 'Generative reward model: judgements so far'), judgementList(running.judgements, null, ui)));
  } else if (models.grm) parts.push(renderGrm(models.grm, ui));
  return el('section', { id: 'models', class: 'models' }, ...parts);
}

function renderRm(rm: RmScoreView | { error: string }): HTMLElement {
  if ('error' in rm) return el('section', { id: 'rm', class: 'model-card' }, el('h2', {}, 'Reward model'), el('p', { id: 'rm-error', class: 'error-text' }, rm.error));
  return el(
    'section',
    { id: 'rm', class: 'model-card' },
    el('h2', {}, 'Reward model ', el('span', { id: 'rm-model', class: 'muted' }, `${rm.model} · ${rm.provider}`)),
    el(
      'dl',
      { class: 'facts' },
      fact('logit', 'rm-logit', rm.logit.toFixed(4), rm.logits.length > 1 ? `all class logits: ${rm.logits.map((x) => x.toFixed(3)).join(', ')}` : 'the raw output of the model'),
      fact('score', 'rm-score', rm.score.toFixed(4), rm.logits.length > 1 ? 'softmax probability of the positive class' : 'sigmoid(logit): the rm component\u2019s value'),
      fact('tokens', 'rm-tokens', `${rm.tokens} of ${rm.maxLength}`, 'tokens the model saw, of its maximum length'),
    ),
    rm.truncated
      ? el('p', { id: 'rm-truncation', class: 'warning-text' }, `Input cut from ${rm.truncated.from} to ${rm.truncated.to} tokens: the model did not see the end of the text (the model\u2019s maximum length, or reasoningLab.rewardModel.maxLength).`)
      : null,
  );
}

function fact(label: string, id: string, value: string, tip: string): HTMLElement {
  return el('div', { class: 'fact', title: tip }, el('dt', { class: 'muted small' }, label), el('dd', { id }, value));
}

const money = (usd: number) => (usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(5)}` : `$${usd.toFixed(4)}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
const num = (x: number | null, d = 2) => (x === null ? 'n/a' : Number.isInteger(x) ? String(x) : x.toFixed(d));

function renderGrm(g: GrmScoreView | { error: string }, ui: ModelsUi): HTMLElement {
  if ('error' in g) return el('section', { id: 'grm', class: 'model-card' }, el('h2', {}, 'Generative reward model'), el('p', { id: 'grm-error', class: 'error-text' }, g.error));
  const final = g.metaVoting ?? g.voting;
  const failed = g.judgements.filter((j) => j.status !== 'ok').length;
  const tokens = g.usage.promptTokens + g.usage.completionTokens;
  const vote = el(
    'dl',
    { class: 'facts' },
    fact('vote', 'grm-vote', final.mean === null ? 'n/a' : `${num(final.mean)} / ${g.scale.max}`, `mean of the counted judgements\u2019 scores (sum ${num(final.sum)})`),
    fact('value', 'grm-value', num(final.value, 3), `(mean − ${g.scale.min}) / (${g.scale.max} − ${g.scale.min}): the grm component\u2019s value`),
    fact('counted', 'grm-counted', `${final.judgements} of ${g.k}`, g.meta ? `the meta RM kept ${final.judgements} of ${g.voting.judgements} valid judgements` : 'valid judgements in the vote'),
    fact('tokens', 'grm-tokens', `${tokens}${g.usage.estimated ? ' (est.)' : ''}`, `${g.usage.promptTokens} prompt + ${g.usage.completionTokens} completion${g.usage.estimated ? '; estimated where the server reported none' : ''}`),
    fact('cost', 'grm-cost', money(g.usage.cost + g.usage.metaCost), g.usage.metaCost ? `judge ${money(g.usage.cost)} + meta ${money(g.usage.metaCost)}` : 'from reasoningLab.grm.pricePerMTok'),
    fact('time', 'grm-latency', secs(g.latencyMs), 'wall-clock time of all judgements'),
  );
  return el(
    'section',
    { id: 'grm', class: 'model-card' },
    el('h2', {}, 'Generative reward model ', el('span', { id: 'grm-generator', class: 'muted' }, g.generator)),
    g.stale ? el('p', { id: 'grm-stale', class: 'warning-text' }, `${g.stale}: Rescore to judge again.`) : null,
    g.cancelled ? el('p', { id: 'grm-cancelled', class: 'warning-text' }, 'Cancelled: the vote counts the judgements that finished.') : null,
    failed ? el('p', { id: 'grm-failed', class: 'warning-text' }, `${failed} of ${g.k} judgement${failed === 1 ? '' : 's'} not counted (unparseable, failed or cancelled): see below.`) : null,
    vote,
    g.meta ? el('p', { class: 'muted small' }, `Meta RM ${g.meta.label}: only the top ${g.meta.keep} judgements by meta score vote (plain voting: ${num(g.voting.mean)} over ${g.voting.judgements}).`) : null,
    el('h3', {}, 'Vote by number of judgements k'),
    scalingCurve(g),
    el('h3', {}, `Judgements (${g.judgements.length})`),
    judgementList(g.judgements, g, ui),
  );
}

/** The vote (normalized value) over the first k judgements, k = 1..K; with a meta RM, the meta-guided vote too. */
function scalingCurve(g: GrmScoreView): Element {
  const series = (pick: (p: GrmScoreView['curve'][number]) => number | null | undefined, cls: string, label: string): ChartSeries => ({
    label,
    cls,
    points: g.curve.map((p) => [p.k, pick(p) ?? null]),
    tooltip: (k, v) => `${label}, k = ${k}: ${v.toFixed(3)}`,
  });
  const chart = lineChart({
    id: 'grm-curve',
    ariaLabel: 'vote as a function of k',
    xLabel: 'k (judgements voted)',
    width: 560,
    height: 170,
    left: { min: 0, max: 1, format: (v) => v.toFixed(1) },
    series: [series((p) => p.value, 'voting', 'voting'), ...(g.meta ? [series((p) => p.metaValue, 'meta', 'meta-RM-guided voting')] : [])],
  });
  chart.classList.add('curve');
  return el('div', { class: 'curve-box' }, chart);
}

function judgementList(judgements: GrmJudgementView[], g: GrmScoreView | null, ui: ModelsUi): HTMLElement {
  const counted = new Set((g?.metaVoting ?? g?.voting)?.counted ?? []);
  return el('div', { id: 'judgements', class: 'judgements' }, ...judgements.map((j) => judgementItem(j, g ? counted.has(j.index) : j.status === 'ok', ui)));
}

function judgementItem(j: GrmJudgementView, inVote: boolean, ui: ModelsUi): HTMLElement {
  const key = `judgement-${j.index}`;
  const details = el('details', { class: `judgement status-${j.status}`, 'data-index': String(j.index), 'data-status': j.status, open: ui.isOpen(key) });
  details.addEventListener('toggle', () => ui.toggle(key, details.open));
  const scores = j.status === 'ok' && j.scores ? j.scores.join(', ') : j.status;
  const meta = j.meta ? ` · meta ${j.meta.score === null ? 'failed' : num(j.meta.score)} ${j.meta.kept ? 'kept' : 'dropped'}` : '';
  details.append(
    ...nodes(
    el(
      'summary',
      {},
      el('span', { class: 'j-no' }, `#${j.index + 1}`),
      el('span', { class: `j-score ${j.status}` }, scores),
      el('span', { class: 'j-vote muted small' }, inVote ? 'in the vote' : 'not counted'),
      el('span', { class: 'j-usage muted small' }, `${j.promptTokens + j.completionTokens}${j.estimated ? ' est.' : ''} tokens · ${money(j.cost)} · ${secs(j.latencyMs)}${j.attempts > 1 ? ` · ${j.attempts} attempts` : ''}${meta}`),
    ),
    j.error ? el('p', { class: 'judgement-error error-text' }, `${j.status === 'unparseable' ? 'Unparseable: ' : ''}${j.error}`) : null,
    j.meta?.error ? el('p', { class: 'error-text small' }, `meta score failed: ${j.meta.error}`) : null,
    j.principles.length
      ? el('div', { class: 'principles' }, el('h4', {}, 'Principles'), el('ol', {}, ...j.principles.map((p) => el('li', {}, p.text, p.weight === undefined ? '' : ` (weight ${Math.round(p.weight * 100)}%)`))))
      : null,
    j.critique ? el('div', { class: 'critique' }, el('h4', {}, 'Critique'), el('pre', { class: 'model-text' }, j.critique)) : null,
    el(
      'details',
      { class: 'raw' },
      el('summary', { class: 'muted small' }, `Raw judgement (${j.textLength} characters${j.textLength > j.text.length ? `, first ${j.text.length} shown` : ''}, ${j.model})`),
      el('pre', { class: 'model-text' }, j.text),
    ),
    ),
  );
  return details;
}
