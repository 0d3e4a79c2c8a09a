/**
 * The Trace Stepper webview: one sample, step by step. It gets offsets, kinds and token counts from
 * the host and asks for the rest as it needs it: a window of text around the current step, and the
 * step list a page at a time (virtual scrolling), so a 50 MB record never lands in the DOM at once.
 * Every piece of trace text goes in as a text node.
 */
import './traceStepper.css';
import type { StepScoresUpdate, TraceSearchResult, TraceStepRow, TraceStepperEvents, TraceStepperRequests, TraceStepperView, TraceTreeDrawing } from '../../src/contracts/traces';
import { formatCount, formatNumber, formatSigned } from '../../src/contracts/numberFormat';
import { el, nodes } from '../shared/dom';
import { renderMarkdown } from '../shared/markdown';
import { connect } from '../shared/rpc';
import { svg, title } from '../shared/svg';
import { VirtualList } from '../shared/virtualList';

const rpc = connect<TraceStepperRequests, TraceStepperEvents>();
const app = document.getElementById('app')!;

const KIND_NAME: Record<string, string> = { r: 'reasoning', f: 'reflection', b: 'backtrack', v: 'verification', c: 'conclusion' };
/** Characters of context shown before and after the current step. */
const CONTEXT_BEFORE = 1500;
const CONTEXT_AFTER = 4000;
/** A step longer than this shows its first part only (and says so). */
const MAX_STEP_SHOWN = 60_000;
const BAR_BUCKETS = 300;

let view: TraceStepperView | null = null;
let current = 0;
let list: VirtualList<TraceStepRow> | null = null;
let textSeq = 0;
/** Show the prompt, the transcript and the current step as Markdown with typeset math (else as plain text). */
let rendered = false;
/** The process reward model's state for the shown sample. */
let prm: StepScoresUpdate | null = null;
/** A step whose PRM score is below this is "low" (the first-low jump, the red end of the scale). */
const LOW_SCORE = 0.5;

rpc.on('show', (v) => {
  view = v;
  current = 0;
  prm = v.prmState ?? null;
  search = null;
  render();
});
rpc.on('update', (v) => {
  // a live sample grew: on its last step the view moves to the new last one; stepped back, it stays
  const n = view?.kinds.length ?? 0;
  const atEnd = current >= n - 1;
  const open = Array.from(document.querySelectorAll('details[open]'), (d) => d.id).filter(Boolean);
  const query = (document.getElementById('search') as HTMLInputElement | null)?.value ?? '';
  view = v;
  prm = v.prmState ?? null;
  search = null;
  if (atEnd) current = Math.max(0, v.kinds.length - 1);
  render();
  for (const id of open) document.getElementById(id)?.setAttribute('open', '');
  const box = document.getElementById('search') as HTMLInputElement | null;
  if (box) box.value = query;
});
rpc.on('stepScores', (u) => {
  if (!view || u.sample.entry !== view.sample.entry || u.sample.sub !== view.sample.sub) return;
  prm = u;
  if (u.scores) view.stepScores = u.scores;
  render();
});
rpc.on('score', (u) => {
  if (!view || u.sample.entry !== view.sample.entry || u.sample.sub !== view.sample.sub) return;
  view.score = u.score;
  render();
});
rpc.on('error', ({ message }) => showError(message));
void rpc.request('ready', {}).then((v) => {
  if (v && !view) {
    view = v;
    // the panel may load after the scores were sent: the view carries the last update
    prm = v.prmState ?? null;
    render();
  } else if (!view) render();
});

function showError(message: string): void {
  const e = document.getElementById('error');
  if (e) {
    e.textContent = message;
    e.hidden = false;
  }
}

const fmt = (v: number | null) => formatNumber(v);
const isReflection = (k: string) => k === 'f' || k === 'b';

function render(): void {
  if (!view) {
    app.replaceChildren(el('p', { id: 'empty', class: 'muted' }, 'No sample open. In the Trace Explorer, click a sample.'));
    return;
  }
  const v = view;
  const n = v.kinds.length;
  const reflections = [...v.kinds].filter(isReflection).length;

  const openSource = el(
    'button',
    { id: 'open-source', class: 'secondary', title: v.lineOpensText ? 'Open the trace file at this record' : 'The file is compressed, binary or too large to open as text: open this record as JSON' },
    v.lineOpensText ? `Line ${v.sample.line}` : `Line ${v.sample.line} (JSON)`,
  );
  openSource.addEventListener('click', () => void rpc.request('openSource', {}).catch((e: Error) => showError(e.message)));
  const rawJson = el('button', { id: 'raw-json', class: 'secondary', title: 'The record as written in the file, pretty-printed, in an editor' }, 'Raw JSON');
  rawJson.addEventListener('click', () => void rpc.request('rawJson', {}).catch((e: Error) => showError(e.message)));
  const openGroup = el('button', { id: 'open-group', class: 'secondary', title: 'All samples of this prompt side by side' }, `Group View (${v.groupSize})`);
  openGroup.addEventListener('click', () => void rpc.request('openGroup', {}).catch((e: Error) => showError(e.message)));

  const header = el(
    'header',
    { class: 'header' },
    el(
      'div',
      { class: 'title' },
      el('span', { id: 'sample-id', class: 'sample-id' }, v.sample.id),
      el('span', { class: 'muted' }, ` · ${v.file.label}`),
      v.live ? el('span', { id: 'live', class: 'live-badge', title: 'The file is followed: this sample is shown as it is written, and the view stays on the step you are on' }, 'live') : null,
    ),
    el(
      'div',
      { class: 'stats' },
      v.verdict ? stat(`${v.verdict.by} (the file's scorer)`, 'file-verdict', `${VERDICT_MARK[v.verdict.value]} ${v.verdict.value}`, "the file's own judgement, shown before Reasoning Lab's") : null,
      stat('reward', 'sample-reward', fmt(v.sample.reward), v.sample.rewardSource === 'scored' ? 'scored by the reward engine' : v.sample.rewardSource === 'file' ? 'from the file' : 'no reward'),
      stat('advantage', 'sample-advantage', formatSigned(v.sample.advantage), '(r − mean) / std in its group'),
      stat('steps', 'step-count', String(n)),
      stat('reflections', 'reflection-count', String(reflections), 'steps labelled reflection or backtrack'),
      stat('attempts', 'attempt-count', String(v.tree.attempts), `${v.tree.abandonedBranches} abandoned`),
      stat('<think>', 'think-state', v.think.state),
      v.score ? stat(`Reasoning Lab (${v.score.spec}) total`, 'score-total', `${fmt(v.score.total)} / ${fmt(v.score.max)}`, v.score.components.map((c) => `${c.name}: ${fmt(c.value)} — ${c.detail}${c.output ? `\n  output:\n${c.output}` : ''}`).join('\n')) : null,
    ),
    el('div', { class: 'actions' }, openSource, rawJson, openGroup),
    renderScoreComponents(v),
  );

  const keys = el(
    'p',
    { id: 'shortcuts', class: 'shortcuts muted small' },
    key('j'), ' / ', key('↓'), ' next step  ', key('k'), ' / ', key('↑'), ' previous  ', key('r'), ' next reflection  ', key('Shift+R'), ' previous reflection  ', key('Home'), ' / ', key('End'), ' first / last', v.stepScores ? '  ' : null, v.stepScores ? key('p') : null, v.stepScores ? ` next step scored below ${LOW_SCORE}` : null,
  );

  const prompt = el('details', { id: 'prompt', class: 'prompt' }, el('summary', {}, 'Prompt'), el('div', { class: 'prompt-text' }, textBlock(v.prompt), v.promptLength > v.prompt.length ? el('span', { class: 'muted' }, ` … (${v.promptLength - v.prompt.length} more characters)`) : null));

  const searchBox = el('input', { id: 'search', type: 'search', placeholder: 'Find in this trace (Enter: next, Shift+Enter: previous)', 'aria-label': 'Find in this trace' });
  searchBox.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    void runSearch(searchBox.value, ev.shiftKey ? -1 : 1);
  });
  const renderBox = el('input', { type: 'checkbox', id: 'render-md', checked: rendered });
  renderBox.addEventListener('change', () => {
    rendered = renderBox.checked;
    const open = Array.from(document.querySelectorAll('details[open]'), (d) => d.id).filter(Boolean);
    render();
    for (const id of open) document.getElementById(id)?.setAttribute('open', '');
  });
  const searchRow = el(
    'div',
    { class: 'search-row' },
    searchBox,
    el('span', { id: 'search-status', class: 'muted small' }),
    el('label', { class: 'render-toggle', title: 'Show the prompt, the transcript and the current step as Markdown with LaTeX typeset (KaTeX); off: the text exactly as written' }, renderBox, ' Markdown and math'),
  );

  const bar = el('div', { id: 'length-bar', class: 'length-bar', title: 'Tokens per step (click to jump)' });
  const stepTokens = v.tokens.reduce((a, b) => a + b, 0);
  const prmSection = renderPrm(v);
  const tree = el('div', { id: 'tree', class: 'tree' });
  const stepList = el('div', { id: 'step-list', class: 'step-list', role: 'listbox', 'aria-label': 'Steps' });
  const text = el('div', { id: 'text', class: 'text', tabindex: '0' });
  const stepInfo = el('div', { id: 'step-info', class: 'step-info' });

  app.replaceChildren(
    ...nodes(
    el('div', { id: 'error', role: 'alert', class: 'error', hidden: true }),
    header,
    renderFileScores(v),
    keys,
    renderFacts('eval-header', 'Eval', v.header),
    renderFacts('sample-facts', 'Sample', v.facts.length ? v.facts : null),
    prompt,
    renderTranscript(v),
    renderEvents(v),
    answerSection(v),
    searchRow,
    el(
      'h3',
      {},
      'Length per step ',
      el(
        'span',
        { id: 'token-total', class: 'muted small', title: 'Approximate tokens of the whole completion, as the Trace Explorer counts them; the steps leave out the <think> tags and the blank lines between them' },
        stepTokens === v.totalTokens ? `(${formatCount(v.totalTokens)} tokens)` : `(${formatCount(v.totalTokens)} tokens; ${formatCount(stepTokens)} in the steps)`,
      ),
    ),
    bar,
    prmSection,
    el('h3', {}, 'Reasoning path ', el('span', { id: 'tree-summary', class: 'muted small' }, `${v.tree.attempts} attempt${v.tree.attempts === 1 ? '' : 's'}, ${v.tree.abandonedBranches} abandoned branch${v.tree.abandonedBranches === 1 ? '' : 'es'}${v.tree.submit ? '' : ', no final answer'}`)),
    tree,
    el('div', { class: 'columns' }, el('div', { class: 'left' }, el('h3', {}, 'Steps'), stepList), el('div', { class: 'right' }, stepInfo, text)),
    ),
  );
  drawLengthBar(bar, v);
  drawTree(tree, v.tree);
  list = n
    ? new VirtualList<TraceStepRow>({
        container: stepList,
        rowHeight: 24,
        count: n,
        pageSize: 200,
        load: (from, to) => rpc.request('steps', { from, to }),
        render: (row) => {
          const sc = v.stepScores?.[row.index];
          const item = el(
            'div',
            { class: `step kind-${row.kind}`, role: 'option', 'data-step': String(row.index), 'data-kind': KIND_NAME[row.kind] },
            el('span', { class: 'step-no' }, String(row.index + 1)),
            v.stepScores ? scoreChip(sc ?? null, 'step-score-chip') : null,
            el('span', { class: `label kind-${row.kind}` }, KIND_NAME[row.kind]),
            el('span', { class: 'preview' }, row.preview),
          );
          item.addEventListener('click', () => go(row.index));
          return item;
        },
        placeholder: (i) => el('div', { class: 'step muted' }, `${i + 1} …`),
      })
    : null;
  if (!n) stepList.replaceChildren(el('p', { class: 'muted' }, 'No reasoning steps.'));
  go(current);
}

/** A score as a small coloured box: red at 0, yellow at 0.5, green at 1 (hue), n/a in grey. */
function scoreChip(score: number | null, cls: string, id?: string): HTMLElement {
  const chip = el('span', { class: `score-chip ${cls} ${score === null ? 'none' : score < LOW_SCORE ? 'low' : 'high'}`, id, title: score === null ? 'no PRM score (cut off by truncation)' : `PRM P(good) = ${score.toFixed(3)}` }, score === null ? 'n/a' : score.toFixed(2));
  if (score !== null) chip.style.setProperty('--score-hue', String(Math.round(score * 120)));
  return chip;
}

const lowestStep = (scores: Array<number | null>) => scores.reduce<number>((best, s, i) => (s !== null && (best < 0 || s < (scores[best] as number)) ? i : best), -1);
const firstLowStep = (scores: Array<number | null>, from = 0) => {
  for (let i = from; i < scores.length; i++) if (scores[i] !== null && (scores[i] as number) < LOW_SCORE) return i;
  return -1;
};

/** The PRM strip: state, per-step scores as a heat strip, and jumps to the lowest / first low step. */
function renderPrm(v: TraceStepperView): HTMLElement | null {
  if (!prm && !v.stepScores) return null;
  const scores = v.stepScores;
  const state = prm?.state ?? 'done';
  const status = el('span', { id: 'prm-status', class: `muted small prm-${state}` }, prm?.detail ?? '');
  if (!scores) {
    return el('section', { id: 'prm', class: 'prm' }, el('h3', {}, 'Process reward ', state === 'running' ? el('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, status));
  }
  const lowest = lowestStep(scores);
  const firstLow = firstLowStep(scores);
  const valid = scores.filter((s): s is number => s !== null);
  const mean = valid.length ? valid.reduce((a, b) => a + b, 0) / valid.length : null;
  const lowBtn = el('button', { id: 'prm-lowest', class: 'secondary', title: 'Go to the step with the lowest PRM score', disabled: lowest < 0 }, lowest < 0 ? 'Lowest step' : `Lowest: step ${lowest + 1} (${(scores[lowest] as number).toFixed(2)})`);
  lowBtn.addEventListener('click', () => lowest >= 0 && go(lowest));
  const firstBtn = el('button', { id: 'prm-first-low', class: 'secondary', title: `Go to the first step scored below ${LOW_SCORE} (key p: the next one)`, disabled: firstLow < 0 }, firstLow < 0 ? `No step below ${LOW_SCORE}` : `First below ${LOW_SCORE}: step ${firstLow + 1}`);
  firstBtn.addEventListener('click', () => firstLow >= 0 && go(firstLow));
  const strip = el('div', { id: 'prm-strip', class: 'prm-strip', title: 'PRM score per step (click to jump)' });
  drawScoreStrip(strip, scores);
  return el(
    'section',
    { id: 'prm', class: 'prm' },
    el('h3', {}, 'Process reward per step ', el('span', { id: 'prm-summary', class: 'muted small' }, `mean ${mean === null ? 'n/a' : mean.toFixed(2)}, min ${lowest < 0 ? 'n/a' : (scores[lowest] as number).toFixed(2)}, ${scores.filter((s) => s !== null && s < LOW_SCORE).length} below ${LOW_SCORE} · `), status),
    strip,
    el('div', { class: 'actions prm-actions' }, lowBtn, firstBtn),
  );
}

/** One rect per bucket of steps coloured by its lowest score, so a bad step is never averaged away. */
function drawScoreStrip(host: HTMLElement, scores: Array<number | null>): void {
  const n = scores.length;
  const size = Math.max(1, Math.ceil(n / BAR_BUCKETS));
  const buckets = Math.ceil(n / size);
  const W = 1000;
  const H = 14;
  const w = W / Math.max(1, buckets);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'strip-svg', role: 'img', 'aria-label': 'PRM score per step' });
  for (let b = 0; b < buckets; b++) {
    let min: number | null = null;
    let at = b * size;
    for (let i = b * size; i < Math.min(n, (b + 1) * size); i++) {
      const s = scores[i];
      if (s !== null && (min === null || s < min)) [min, at] = [s, i];
    }
    const rect = svg('rect', { x: (b * w).toFixed(2), y: 0, width: Math.max(0.3, w - 0.5).toFixed(2), height: H, class: `cell ${min === null ? 'none' : ''}`, 'data-step': at }, title(min === null ? `step ${at + 1}: no score` : `step ${at + 1}: ${min.toFixed(3)}`));
    if (min !== null) rect.style.setProperty('--score-hue', String(Math.round(min * 120)));
    rect.addEventListener('click', () => go(at));
    root.append(rect);
  }
  host.replaceChildren(root);
}

/** The breakdown's rows, each component's value (or why it has none), its detail and output on hover. */
function renderScoreComponents(v: TraceStepperView): HTMLElement | null {
  if (!v.score) return null;
  return el(
    'div',
    { id: 'score-components', class: 'score-components small' },
    ...v.score.components.map((c) =>
      el(
        'span',
        { class: `score-component${c.failed ? ' failed' : ''}`, 'data-name': c.name, title: `${c.detail}${c.output ? `\noutput:\n${c.output}` : ''}` },
        el('span', { class: 'muted' }, `${c.name} `),
        el('span', { class: 'score-component-value' }, c.failed ?? fmt(c.value)),
      ),
    ),
  );
}

function stat(label: string, id: string, value: string, tip?: string): HTMLElement {
  return el('div', { class: 'stat', title: tip }, el('div', { class: 'stat-label muted small' }, label), el('div', { id, class: 'stat-value' }, value));
}

function key(k: string): HTMLElement {
  return el('span', { class: 'kbd' }, k);
}

/** Move to step i: highlight it in the list, the bar, the tree, and show its text window. */
function go(i: number): void {
  if (!view) return;
  const n = view.kinds.length;
  if (!n) {
    void showText(0, Math.min(view.completionLength, CONTEXT_AFTER * 4), -1, -1);
    return;
  }
  current = Math.max(0, Math.min(n - 1, i));
  list?.select(current);
  for (const node of Array.from(document.querySelectorAll('.current-mark'))) node.classList.remove('current-mark');
  document.querySelector(`#length-bar [data-bucket="${bucketOf(current)}"]`)?.classList.add('current-mark');
  document.querySelector(`#tree [data-step="${current}"]`)?.classList.add('current-mark');
  const s = view.starts[current];
  const e = view.ends[current];
  const info = document.getElementById('step-info')!;
  const score = view.stepScores?.[current];
  info.replaceChildren(
    ...nodes(
    el('span', { id: 'current-step' }, `Step ${current + 1} of ${n}`),
    el('span', { id: 'current-kind', class: `label kind-${view.kinds[current]}` }, KIND_NAME[view.kinds[current]]),
    el('span', { class: 'muted' }, `${view.tokens[current]} tokens · characters ${s}–${e}`),
    view.stepScores ? el('span', { class: 'muted' }, 'PRM score ') : null,
    view.stepScores ? scoreChip(score ?? null, 'current-score', 'step-score') : null,
    ),
  );
  void showText(Math.max(0, s - CONTEXT_BEFORE), Math.min(view.completionLength, Math.min(e, s + MAX_STEP_SHOWN) + CONTEXT_AFTER), s, Math.min(e, s + MAX_STEP_SHOWN));
}

/** Show the completion's [from, to) with [markStart, markEnd) marked as the current step, or as a search hit. */
async function showText(from: number, to: number, markStart: number, markEnd: number, hit = false): Promise<void> {
  const seq = ++textSeq;
  const t = await rpc.request('text', { start: from, end: to }).catch((e: Error) => (showError(e.message), ''));
  if (seq !== textSeq || !view) return; // a later step was chosen meanwhile
  const box = document.getElementById('text')!;
  const parts: Array<Node | string> = [];
  if (rendered && !hit && markStart >= 0) {
    // the current step alone, rendered: a window cut at any character could split a formula
    const step = el('div', { id: 'current-text', class: `current-step rendered kind-${view.kinds[current]}` }, renderMarkdown(t.slice(markStart - from, markEnd - from)));
    box.replaceChildren(step, markEnd < view.ends[current] ? el('div', { class: 'elided muted small' }, `… this step continues for ${view.ends[current] - markEnd} more characters`) : '');
    box.scrollTop = 0;
    return;
  }
  if (from > 0) parts.push(el('div', { class: 'elided muted small' }, `… ${from} characters before`));
  if (markStart < 0) parts.push(rendered ? renderMarkdown(t) : t);
  else {
    const a = markStart - from;
    const b = markEnd - from;
    parts.push(t.slice(0, a), hit ? el('mark', { id: 'search-hit', class: 'search-hit' }, t.slice(a, b)) : el('mark', { id: 'current-text', class: `current-step kind-${view.kinds[current]}` }, t.slice(a, b)));
    if (!hit && markEnd < view.ends[current]) parts.push(el('div', { class: 'elided muted small' }, `… this step continues for ${view.ends[current] - markEnd} more characters`));
    parts.push(t.slice(b));
  }
  if (to < view.completionLength) parts.push(el('div', { class: 'elided muted small' }, `… ${view.completionLength - to} characters after`));
  box.replaceChildren(...parts.map((p) => (typeof p === 'string' ? document.createTextNode(p) : p)));
  const mark = document.getElementById(hit ? 'search-hit' : 'current-text');
  if (mark) box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - 40);
}

function nextWhere(dir: 1 | -1, pred: (k: string) => boolean): void {
  if (!view) return;
  for (let i = current + dir; i >= 0 && i < view.kinds.length; i += dir) {
    if (pred(view.kinds[i])) return go(i);
  }
}

document.addEventListener('keydown', (ev) => {
  if (!view || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
  let handled = true;
  switch (ev.key) {
    case 'j':
    case 'ArrowDown':
      go(current + 1);
      break;
    case 'k':
    case 'ArrowUp':
      go(current - 1);
      break;
    case 'r':
      nextWhere(1, isReflection);
      break;
    case 'R':
      nextWhere(-1, isReflection);
      break;
    case 'Home':
      go(0);
      break;
    case 'End':
      go(view.kinds.length - 1);
      break;
    case 'p': {
      // the next step the PRM scores low, wrapping around
      const scores = view.stepScores;
      if (!scores) break;
      const next = firstLowStep(scores, current + 1);
      const i = next >= 0 ? next : firstLowStep(scores);
      if (i >= 0) go(i);
      break;
    }
    default:
      handled = false;
  }
  if (handled) ev.preventDefault();
});

// --- the length bar: tokens per step, bucketed so 100k steps draw as at most BAR_BUCKETS rects ----------
let bucketSize = 1;
const bucketOf = (i: number) => Math.floor(i / bucketSize);

function drawLengthBar(host: HTMLElement, v: TraceStepperView): void {
  const n = v.kinds.length;
  bucketSize = Math.max(1, Math.ceil(n / BAR_BUCKETS));
  const buckets = Math.ceil(n / bucketSize);
  const total = v.tokens.reduce((a, b) => a + b, 0) || 1;
  const W = 1000;
  const H = 22;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'bar-svg', role: 'img', 'aria-label': 'tokens per step' });
  let x = 0;
  for (let b = 0; b < buckets; b++) {
    let tok = 0;
    let kind = 'r';
    for (let i = b * bucketSize; i < Math.min(n, (b + 1) * bucketSize); i++) {
      tok += v.tokens[i];
      // a bucket shows its most telling kind: backtrack, then reflection, then verification, conclusion
      const k = v.kinds[i];
      if ('bfvc'.indexOf(k) !== -1 && ('bfvcr'.indexOf(k) < 'bfvcr'.indexOf(kind))) kind = k;
    }
    const w = Math.max(0.5, (tok / total) * W);
    const first = b * bucketSize;
    const last = Math.min(n, (b + 1) * bucketSize) - 1;
    const rect = svg('rect', { x: x.toFixed(2), y: 2, width: Math.max(0.3, w - 0.6).toFixed(2), height: H - 4, class: `seg kind-${kind}`, 'data-bucket': b }, title(first === last ? `step ${first + 1}: ${tok} tokens (${KIND_NAME[kind]})` : `steps ${first + 1}–${last + 1}: ${tok} tokens`));
    rect.addEventListener('click', () => go(first));
    root.append(rect);
    x += w;
  }
  host.replaceChildren(root, legend());
}

function legend(): HTMLElement {
  return el('div', { class: 'legend small' }, ...Object.entries(KIND_NAME).map(([k, name]) => el('span', { class: 'legend-item' }, el('span', { class: `swatch kind-${k}` }), name)));
}

// --- the reasoning path tree: one lane per attempt, abandoned branches dashed --------------------------
function drawTree(host: HTMLElement, t: TraceTreeDrawing): void {
  const W = 1000;
  // many attempts (a huge trace) squeeze into the same height; only the answered lane keeps its label
  const crowded = t.attempts > 12;
  const lane = crowded ? 150 / t.attempts : 26;
  const H = 24 + lane * Math.max(1, t.attempts);
  // the right 150 units hold the lane labels
  const x = (d: number) => 20 + (t.maxDepth ? d / t.maxDepth : 0) * (W - 190);
  const y = (a: number) => 14 + a * lane;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: crowded ? 'tree-svg crowded' : 'tree-svg', role: 'img', 'aria-label': 'reasoning path tree', preserveAspectRatio: 'xMinYMin meet' });
  root.append(svg('circle', { cx: x(0), cy: y(0), r: 5, class: 'node root' }, title('start')));
  for (const s of t.segments) {
    const cls = s.abandoned ? 'branch abandoned' : 'branch live';
    const d = `M ${x(s.fromDepth)} ${y(s.fromAttempt)} C ${x(s.fromDepth) + 12} ${y(s.attempt)}, ${x(s.startDepth) - 12} ${y(s.attempt)}, ${x(s.startDepth)} ${y(s.attempt)} L ${x(s.endDepth)} ${y(s.attempt)}`;
    const p = svg('path', { d, class: cls, 'data-attempt': s.attempt }, title(`attempt ${s.attempt + 1}: steps ${s.firstStep + 1}–${s.lastStep + 1}${s.abandoned ? ' (abandoned)' : ''}`));
    p.addEventListener('click', () => go(s.firstStep));
    root.append(p);
    if (!crowded || !s.abandoned) root.append(svg('text', { x: W - 160, y: y(s.attempt) + 4, class: 'lane-label' }, `attempt ${s.attempt + 1} · ${s.abandoned ? 'abandoned' : t.submit ? 'answered' : 'last'}`));
  }
  if (t.nodes) {
    for (const n of t.nodes) {
      if (n.action === 'submit' || n.step < 0) continue;
      const kindLetter = Object.entries(KIND_NAME).find(([, name]) => name === n.kind)?.[0] ?? 'r';
      const c = svg('circle', { cx: x(n.depth), cy: y(n.attempt), r: n.action === 'backtrack' ? 5 : 3.5, class: `node kind-${kindLetter}${n.abandoned ? ' abandoned' : ''}`, 'data-step': n.step }, title(`step ${n.step + 1}: ${n.kind}${n.action === 'backtrack' ? ' (backtrack)' : ''}${n.candidate ? ` — candidate ${n.candidate}` : ''}`));
      c.addEventListener('click', () => go(n.step));
      root.append(c);
    }
  }
  if (t.submit) {
    const sx = x(t.submit.depth);
    const sy = y(t.submit.attempt);
    const from = t.segments.find((s) => s.attempt === t.submit!.attempt);
    if (from) root.append(svg('line', { x1: x(from.endDepth), y1: sy, x2: sx, y2: sy, class: 'branch live' }));
    root.append(svg('rect', { x: sx - 5, y: sy - 5, width: 10, height: 10, class: 'node submit', transform: `rotate(45 ${sx} ${sy})` }, title(`submitted answer${t.submit.candidate ? `: ${t.submit.candidate}` : ''}`)));
  }
  host.replaceChildren(root);
}

// --- the file's own scorers, the eval header, the sample's facts, the transcript and the events ----------
const VERDICT_MARK: Record<string, string> = { correct: '✓', incorrect: '✗', partial: '◐' };

/** The file's scorers first (name, value, answer, explanation, metadata); Reasoning Lab's rules are the header's total. */
function renderFileScores(v: TraceStepperView): HTMLElement | null {
  if (!v.fileScores.length) return null;
  return el(
    'section',
    { id: 'file-scores', class: 'file-scores' },
    el('h3', {}, "Scored by the file's scorers ", el('span', { class: 'muted small' }, `(Reasoning Lab's own rules: ${v.score ? `${v.score.spec} total ${fmt(v.score.total)}` : 'not scored'})`)),
    ...v.fileScores.map((s) =>
      el(
        'div',
        { class: 'file-score', 'data-scorer': s.name },
        el('div', {}, el('span', { class: 'scorer-name' }, s.name), ' ', el('span', { class: 'scorer-value' }, s.value), s.answer !== undefined ? el('span', { class: 'muted' }, ' · answer ') : null, s.answer !== undefined ? el('span', { class: 'scorer-answer' }, s.answer) : null),
        s.explanation ? el('details', { class: 'scorer-explanation' }, el('summary', {}, 'Explanation'), el('div', { class: 'block-text' }, s.explanation)) : null,
        s.metadata ? el('details', { class: 'scorer-metadata' }, el('summary', {}, 'Metadata'), el('pre', { class: 'block-text' }, s.metadata)) : null,
      ),
    ),
  );
}

/** Longest answer part shown (the text after </think>); the stepper's text view has all of it. */
const ANSWER_SHOWN = 20_000;

/** The answer part after the reasoning, as text or rendered; filled when its text arrives. */
function answerSection(v: TraceStepperView): HTMLElement | null {
  const t = v.think;
  if ((t.state !== 'tagged' && t.state !== 'stray-close') || t.answerEnd <= t.answerStart) return null;
  const box = el('div', { id: 'answer-text', class: 'answer-text' });
  const end = Math.min(t.answerEnd, t.answerStart + ANSWER_SHOWN);
  void rpc.request('text', { start: t.answerStart, end }).then(
    (text) => {
      if (view !== v) return;
      box.replaceChildren(textBlock(text), t.answerEnd > end ? el('div', { class: 'elided muted small' }, `… ${formatCount(t.answerEnd - end)} more characters`) : '');
    },
    (e: Error) => showError(e.message),
  );
  return el('details', { id: 'answer', class: 'answer', open: true }, el('summary', {}, 'Answer ', el('span', { class: 'muted small' }, '(after the reasoning)')), box);
}

/** Trace text as written, or as Markdown with math when the toggle is on. */
function textBlock(text: string): HTMLElement {
  return rendered ? renderMarkdown(text) : el('div', { class: 'block-text' }, text);
}

function renderFacts(id: string, label: string, facts: Array<[string, string]> | null): HTMLElement | null {
  if (!facts) return null;
  return el('details', { id, class: 'facts' }, el('summary', {}, label), el('dl', {}, ...facts.flatMap(([k, val]) => [el('dt', {}, k), el('dd', {}, val)])));
}

function renderTranscript(v: TraceStepperView): HTMLElement | null {
  if (!v.transcript) return null;
  return el(
    'details',
    { id: 'transcript', class: 'transcript' },
    el('summary', {}, `Transcript (${v.transcript.length + v.turnsLeftOut} message${v.transcript.length + v.turnsLeftOut === 1 ? '' : 's'})`),
    ...v.transcript.map((t) =>
      el(
        'div',
        { class: `turn role-${t.role.replace(/[^a-z]/gi, '').toLowerCase() || 'message'}` },
        el('div', { class: 'turn-role' }, t.role),
        textBlock(t.text),
        t.cut ? el('div', { class: 'elided muted small' }, `… ${formatCount(t.cut)} more characters (Raw JSON shows all)`) : null,
        ...(t.toolCalls ?? []).map((c) => el('div', { class: 'tool-call' }, el('span', { class: 'muted' }, 'calls '), c)),
      ),
    ),
    v.turnsLeftOut ? el('p', { class: 'muted small' }, `… ${v.turnsLeftOut} more messages (Raw JSON shows all)`) : null,
  );
}

function renderEvents(v: TraceStepperView): HTMLElement | null {
  if (!v.events) return null;
  return el(
    'details',
    { id: 'events', class: 'events' },
    el('summary', {}, `Events (${v.events.length + v.eventsLeftOut})`),
    el(
      'table',
      {},
      el('tbody', {}, ...v.events.map((e) => el('tr', { class: `event event-${e.kind}` }, el('td', { class: 'muted small' }, e.time ? e.time.replace(/^\d{4}-\d\d-\d\dT/, '').replace(/\.\d+/, '') : ''), el('td', { class: 'event-kind' }, e.kind), el('td', {}, e.summary)))),
    ),
    v.eventsLeftOut ? el('p', { class: 'muted small' }, `… ${v.eventsLeftOut} more events (Raw JSON shows all)`) : null,
  );
}

// --- search within the trace --------------------------------------------------------------------------
let search: { query: string; result: TraceSearchResult; at: number } | null = null;

/** The step that holds offset `o` (the last step starting at or before it). */
function stepAt(o: number): number {
  if (!view) return -1;
  let lo = 0;
  let hi = view.starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (view.starts[mid] <= o) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

async function runSearch(query: string, dir: 1 | -1): Promise<void> {
  const status = document.getElementById('search-status');
  if (!view || !status) return;
  if (!query) {
    search = null;
    status.textContent = '';
    go(current);
    return;
  }
  if (!search || search.query !== query) {
    const result = await rpc.request('search', { query }).catch((e: Error) => (showError(e.message), null));
    if (!result) return;
    search = { query, result, at: dir === 1 ? -1 : result.matches.length };
  }
  const { result } = search;
  const inPrompt = result.inPrompt ? `; ${result.inPrompt} in the prompt` : '';
  if (!result.matches.length) {
    status.textContent = `no match in the completion${inPrompt}`;
    return;
  }
  search.at = (search.at + dir + result.matches.length) % result.matches.length;
  const o = result.matches[search.at];
  status.textContent = `${search.at + 1} of ${formatCount(result.total)}${result.total > result.matches.length ? ` (the first ${result.matches.length} can be visited)` : ''}${inPrompt}`;
  const step = stepAt(o);
  if (step >= 0) {
    current = step;
    list?.select(step);
  }
  await showText(Math.max(0, o - CONTEXT_BEFORE), Math.min(view.completionLength, o + query.length + CONTEXT_AFTER), o, o + query.length, true);
}
