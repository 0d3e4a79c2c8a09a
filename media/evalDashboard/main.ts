/**
 * The Eval Dashboard webview: pass@k of a run, its problems as a sortable, filterable table (rows asked
 * for a page at a time), a problem's statement / sample code / failing test, two runs compared, and
 * charts over all runs. Everything it shows comes from the host; problem statements, sample code and
 * outputs are untrusted and go into the DOM as text only.
 */
import './evalDashboard.css';
import type { EvalCompareRow, EvalComparison, EvalDashboardEvents, EvalDashboardRequests, EvalProblemDetail, EvalProblemRow, EvalRunInfo, EvalRunsState, EvalSampleView, EvalSortKey, EvalVerdictFilter, UnreadableRun } from '../../src/contracts/evalDashboard';
import type { Verdict } from '../../src/contracts/evalDashboard';
import { connect } from '../shared/rpc';
import { el } from '../shared/dom';
import { paretoPlot, passBarChart, runNumbers } from './charts';

const rpc = connect<EvalDashboardRequests, EvalDashboardEvents>();
const PAGE = 100;
const VERDICT_LABEL: Record<Verdict, string> = {
  passed: 'passed',
  failed: 'failed',
  timeout: 'timeout',
  memory: 'memory',
  runtime_error: 'runtime error',
  syntax_error: 'syntax error',
  output_limit: 'output limit',
  infra_error: 'infra error',
};

type Tab = 'problems' | 'compare' | 'runs';
interface Ui {
  tab: Tab;
  sort: EvalSortKey;
  descending: boolean;
  verdict: EvalVerdictFilter;
  query: string;
  problem: string | null;
  compareA: string | null;
  compareB: string | null;
  onlyChanged: boolean;
}
const ui: Ui = {
  tab: 'problems',
  sort: 'problem',
  descending: false,
  verdict: 'all',
  query: '',
  problem: null,
  compareA: null,
  compareB: null,
  onlyChanged: false,
  ...((rpc.state.getState() as Partial<Ui> | undefined) ?? {}),
};
const save = () => rpc.state.setState(ui);

let runs: EvalRunInfo[] = [];
let unreadable: UnreadableRun[] = [];
/** The list of unreadable files stays open across redraws once the user opens it. */
let unreadableOpen = false;
let selected: string | null = null;
let rows: EvalProblemRow[] = [];
let totalRows = 0;
let detail: EvalProblemDetail | null = null;
let error: string | null = null;
/** Bumped on every new table query so late pages of an old query are dropped. */
let generation = 0;

const app = document.getElementById('app')!;
const fail = (e: unknown) => {
  error = e instanceof Error ? e.message : String(e);
  render();
};

function takeState(s: EvalRunsState): void {
  runs = s.runs;
  unreadable = s.unreadable;
  selected = s.selected;
}

rpc.on('runs', (s) => {
  const changedRun = s.selected !== selected;
  takeState(s);
  if (changedRun) ui.problem = null;
  void reload();
});
void rpc.request('ready', {}).then((s) => {
  takeState(s);
  return reload();
}, fail);

const current = () => runs.find((r) => r.id === selected);

/** Reads the first page of the table again (and the open problem), then redraws. */
async function reload(): Promise<void> {
  const gen = ++generation;
  if (!selected) {
    rows = [];
    totalRows = 0;
    render();
    return;
  }
  try {
    const page = await rpc.request('rows', { run: selected, offset: 0, limit: Math.max(PAGE, rows.length), sort: ui.sort, descending: ui.descending, verdict: ui.verdict, query: ui.query });
    if (gen !== generation) return;
    rows = page.rows;
    totalRows = page.total;
    detail = ui.problem ? await rpc.request('problem', { run: selected, problemId: ui.problem }) : null;
    error = null;
  } catch (e) {
    error = (e as Error).message;
  }
  if (gen === generation) render();
}

async function loadMore(): Promise<void> {
  if (!selected || rows.length >= totalRows) return;
  const gen = generation;
  const page = await rpc.request('rows', { run: selected, offset: rows.length, limit: PAGE, sort: ui.sort, descending: ui.descending, verdict: ui.verdict, query: ui.query });
  if (gen !== generation) return;
  rows = rows.concat(page.rows);
  totalRows = page.total;
  render();
}

async function openProblem(id: string): Promise<void> {
  if (!selected) return;
  ui.problem = id;
  save();
  try {
    detail = await rpc.request('problem', { run: selected, problemId: id });
  } catch (e) {
    return fail(e);
  }
  render();
  document.getElementById('detail')?.scrollIntoView({ block: 'nearest' });
}

function pickRun(id: string): void {
  if (id === selected) return;
  selected = id;
  ui.problem = null;
  detail = null;
  rows = [];
  ui.tab = 'problems';
  save();
  void reload();
}

// ------------------------------------------------------------------------------------------------

function render(): void {
  const focusedId = document.activeElement?.id;
  const banner = el('div', { id: 'error', role: 'alert', class: 'error', hidden: !error }, error ?? '');
  const notice = renderUnreadable();
  if (!runs.length) {
    const start = el('button', { id: 'run-evaluation' }, 'Run Evaluation…');
    start.addEventListener('click', () => void rpc.request('runEvaluation', {}));
    app.replaceChildren(banner, notice, el('div', { id: 'empty', class: 'empty' }, el('p', {}, 'No evaluation runs yet. Run a problem set against samples (or its reference solutions) to see pass@k here.'), start));
    return;
  }
  const tabs = el('nav', { class: 'tabs', role: 'tablist' }, ...(['problems', 'compare', 'runs'] as Tab[]).map((t) => {
    const b = el('button', { id: `tab-${t}`, role: 'tab', class: `tab ${ui.tab === t ? 'active' : ''}`, 'aria-selected': String(ui.tab === t) }, { problems: 'Problems', compare: 'Compare runs', runs: 'All runs' }[t]);
    b.addEventListener('click', () => {
      ui.tab = t;
      save();
      render();
    });
    return b;
  }));
  const body = ui.tab === 'problems' ? renderProblems() : ui.tab === 'compare' ? renderCompareTab() : renderRunsTab();
  app.replaceChildren(banner, notice, renderHeader(), tabs, body);
  if (focusedId) {
    const f = document.getElementById(focusedId);
    if (f instanceof HTMLInputElement) {
      f.focus();
      f.setSelectionRange(f.value.length, f.value.length);
    }
  }
}

/** The files in the runs folder that are not readable runs, each with the reason (empty when there are none). */
function renderUnreadable(): HTMLElement {
  const box = el('details', { id: 'unreadable-runs', class: 'warning', hidden: !unreadable.length, open: unreadableOpen });
  if (!unreadable.length) return box;
  box.addEventListener('toggle', () => (unreadableOpen = box.open));
  const n = unreadable.length;
  const fileName = (file: string) => file.split(/[\\/]/).pop() || file;
  box.append(
    el('summary', {}, `${n} file${n === 1 ? '' : 's'} in the runs folder could not be read as ${n === 1 ? 'a run' : 'runs'} and ${n === 1 ? 'is' : 'are'} not shown`),
    el('ul', {}, ...unreadable.map((u) => el('li', { title: u.file }, el('code', {}, fileName(u.file)), `: ${u.reason}`))),
  );
  return box;
}

function renderHeader(): HTMLElement {
  const run = current();
  const select = el('select', { id: 'run-select', title: 'The run shown' }, ...runs.map((r) => el('option', { value: r.id, selected: r.id === selected }, `#${runNumbers(runs).get(r.id)} ${r.label}`)));
  select.addEventListener('change', () => pickRun(select.value));
  const start = el('button', { id: 'run-evaluation', class: 'secondary' }, 'Run Evaluation…');
  start.addEventListener('click', () => void rpc.request('runEvaluation', {}));
  const head = el('header', { class: 'header' }, el('div', { class: 'run-picker' }, el('label', { for: 'run-select', class: 'muted' }, 'Run'), select), start);
  if (!run) return head;
  const ks = Object.keys(run.passAtK).sort((a, b) => +a - +b);
  const card = (k: string, label: string, value: number, plus = false) => el('div', { class: 'card', 'data-k': k, ...(plus ? { 'data-plus': 'true' } : {}) }, el('div', { class: 'card-label' }, label), el('div', { class: 'card-value' }, pct(value)));
  const plusKs = Object.keys(run.passAtKPlus ?? {}).sort((a, b) => +a - +b);
  const cards = el(
    'div',
    { class: 'cards', id: 'pass-at-k' },
    ...ks.map((k) => card(k, plusKs.length ? `pass@${k} (base)` : `pass@${k}`, run.passAtK[k])),
    ...plusKs.map((k) => card(k, `pass@${k} (base + extra)`, run.passAtKPlus![k], true)),
    ...(run.unjudged ? [el('div', { class: 'card warn', id: 'unjudged' }, el('div', { class: 'card-label' }, 'not judged'), el('div', { class: 'card-value' }, String(run.unjudged)), el('div', { class: 'muted small' }, `${run.unjudged} sample${run.unjudged === 1 ? '' : 's'} could not be judged: no pass@k until they are (run again to retry)`))] : []),
  );
  const inProcess = run.inProcess
    ? el('div', { class: 'small warn-text', id: 'in-process', title: 'Their tests could not be turned into input/output cases, so they ran inside the program\'s own process, where a program could reach them.' }, `${run.inProcess} sample${run.inProcess === 1 ? ' was' : 's were'} judged in-process`)
    : null;
  const verdicts = el('div', { class: 'verdicts', id: 'verdict-counts' }, ...(Object.entries(run.verdicts) as [Verdict, number][]).filter(([, n]) => n > 0).map(([v, n]) => el('span', { class: `chip v-${v}`, 'data-verdict': v }, `${VERDICT_LABEL[v]} ${n}`)));
  const progress = run.complete ? null : el('span', { id: 'run-progress', class: 'badge' }, `${run.judged}/${run.total} judged`);
  return el(
    'div',
    {},
    head,
    el('div', { class: 'summary' }, cards, el('div', { class: 'summary-side' }, el('div', {}, el('span', { id: 'run-counts' }, `${run.problems} problems · ${run.judged} samples · ${run.msPerProblem} ms per problem`), progress), verdicts, inProcess, el('div', { class: 'muted small', id: 'protections' }, `sandbox: ${run.protections}`))),
  );
}

const COLUMNS: { key: EvalSortKey; label: string }[] = [
  { key: 'problem', label: 'Problem' },
  { key: 'difficulty', label: 'Difficulty' },
  { key: 'passed', label: 'Passed' },
  { key: 'passAt1', label: 'pass@1' },
  { key: 'verdict', label: 'Verdict' },
  { key: 'time', label: 'Time' },
];

function renderProblems(): HTMLElement {
  const filter = el('select', { id: 'verdict-filter', title: 'Show problems by verdict' },
    ...(['all', 'failing', 'passed', 'failed', 'runtime_error', 'syntax_error', 'timeout', 'memory', 'output_limit', 'infra_error'] as EvalVerdictFilter[]).map((v) =>
      el('option', { value: v, selected: ui.verdict === v }, v === 'all' ? 'All verdicts' : v === 'failing' ? 'Not passed' : VERDICT_LABEL[v as Verdict])));
  filter.addEventListener('change', () => {
    ui.verdict = filter.value as EvalVerdictFilter;
    save();
    rows = [];
    void reload();
  });
  const search = el('input', { id: 'problem-search', type: 'search', placeholder: 'Filter by name', value: ui.query });
  let timer: number | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      ui.query = search.value;
      save();
      rows = [];
      void reload();
    }, 200);
  });
  const head = el('tr', {}, ...COLUMNS.map((c) => {
    const active = ui.sort === c.key;
    const b = el('button', { class: 'sort', 'data-sort': c.key }, c.label, active ? (ui.descending ? ' ▾' : ' ▴') : '');
    b.addEventListener('click', () => {
      ui.descending = active ? !ui.descending : c.key === 'time';
      ui.sort = c.key;
      save();
      rows = [];
      void reload();
    });
    return el('th', { scope: 'col', 'aria-sort': active ? (ui.descending ? 'descending' : 'ascending') : 'none' }, b);
  }));
  const body = el('tbody', {}, ...rows.map(renderRow));
  const table = el('table', { id: 'problems', class: 'problems' }, el('thead', {}, head), body);
  const more = rows.length < totalRows ? el('button', { id: 'more', class: 'secondary' }, `Show more (${totalRows - rows.length} left)`) : null;
  if (more) {
    more.addEventListener('click', () => void loadMore().catch(fail));
    // the next page comes on its own when the end of the table scrolls into view
    new IntersectionObserver((entries, obs) => {
      if (entries.some((e) => e.isIntersecting)) {
        obs.disconnect();
        void loadMore().catch(fail);
      }
    }).observe(more);
  }
  const left = el('section', { class: 'table-pane' },
    el('div', { class: 'toolbar' }, filter, search, el('span', { id: 'row-count', class: 'muted' }, `${totalRows} problem${totalRows === 1 ? '' : 's'}`)),
    el('div', { class: 'table-scroll' }, table, more),
  );
  return el('div', { class: `problems-layout ${detail ? 'with-detail' : ''}` }, left, detail ? renderDetail(detail) : null);
}

function renderRow(r: EvalProblemRow): HTMLElement {
  const tr = el('tr', { class: `problem ${ui.problem === r.problemId ? 'selected' : ''}`, 'data-id': r.problemId, 'data-verdict': r.verdict, tabindex: '0' },
    el('td', { class: 'name' }, el('div', { class: 'id' }, r.problemId), r.title && r.title !== r.problemId ? el('div', { class: 'muted small' }, r.title) : null),
    el('td', { class: 'difficulty' }, r.difficulty ?? ''),
    el('td', { class: 'passed num' }, `${r.passed}/${r.n}`),
    el('td', { class: 'pass1 num' }, r.passAtK['1'] === undefined ? '–' : pct(r.passAtK['1'])),
    el('td', { class: 'verdict' }, el('span', { class: `chip v-${r.verdict}` }, VERDICT_LABEL[r.verdict]), r.reason ? el('div', { class: 'reason muted small', title: r.reason }, r.reason) : null),
    el('td', { class: 'time num' }, `${r.ms} ms`),
  );
  tr.addEventListener('click', () => void openProblem(r.problemId));
  tr.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      void openProblem(r.problemId);
    }
  });
  return tr;
}

function renderDetail(d: EvalProblemDetail): HTMLElement {
  const close = el('button', { id: 'close-detail', class: 'secondary', title: 'Close' }, '×');
  close.addEventListener('click', () => {
    ui.problem = null;
    detail = null;
    save();
    render();
  });
  const open = el('button', { id: 'open-problem', class: 'secondary' }, 'Open Source');
  open.addEventListener('click', () => void rpc.request('openProblem', { run: d.run, problemId: d.problemId }).catch(fail));
  // failing samples first: they are what a person opens a problem for
  const samples = [...d.samples].sort((a, b) => Number(a.verdict === 'passed') - Number(b.verdict === 'passed') || a.index - b.index);
  return el('section', { id: 'detail', class: 'detail', 'data-id': d.problemId },
    el('div', { class: 'detail-head' }, el('h2', { id: 'detail-title' }, d.title && d.title !== d.problemId ? `${d.title} (${d.problemId})` : d.problemId), d.difficulty ? el('span', { class: 'badge' }, d.difficulty) : null, el('span', { class: 'spacer' }), open, close),
    d.note ? el('p', { class: 'muted small' }, d.note) : null,
    el('details', { class: 'statement-box', open: true }, el('summary', {}, 'Statement'), el('div', { id: 'statement', class: 'statement' }, d.statement || '(no statement)')),
    el('h3', {}, `Samples (${d.samples.length})`),
    ...samples.map(renderSample),
  );
}

function renderSample(s: EvalSampleView): HTMLElement {
  const f = s.failure;
  const failing = f && (f.expected !== undefined || f.got !== undefined || f.input !== undefined || f.assertion !== undefined)
    ? el('div', { class: 'failing-test' },
        el('div', { class: 'ft-title' }, f.case !== undefined ? `Failing test case ${f.case}` : f.line !== undefined ? `Failing assertion (test line ${f.line})` : 'Failing test'),
        f.assertion ? el('pre', { class: 'assertion' }, f.assertion) : null,
        f.input !== undefined ? el('div', { class: 'kv' }, el('span', { class: 'k' }, 'input'), el('pre', { class: 'v input' }, f.input)) : null,
        el('div', { class: 'expected-actual' },
          el('div', { class: 'ea expected' }, el('div', { class: 'k' }, 'expected'), el('pre', { class: 'v', 'data-role': 'expected' }, f.expected ?? '(not reported)')),
          el('div', { class: 'ea actual' }, el('div', { class: 'k' }, 'actual'), el('pre', { class: 'v', 'data-role': 'actual' }, f.got ?? '(not reported)')),
        ))
    : null;
  return el('article', { class: `sample v-${s.verdict}`, 'data-index': String(s.index), 'data-verdict': s.verdict },
    el('div', { class: 'sample-head' }, el('span', { class: `chip v-${s.verdict}` }, VERDICT_LABEL[s.verdict]), el('span', {}, `sample #${s.index}`), el('span', { class: 'muted small' }, `${s.language} · ${s.wallMs} ms of ${s.timeoutMs} ms`), s.origin ? el('span', { class: 'muted small origin', title: s.origin }, s.origin) : null),
    el('div', { class: 'reason' }, s.reason),
    s.inProcess ? el('div', { class: 'small warn-text in-process' }, 'judged in-process: the tests ran inside the program, which could have reached them') : null,
    s.plus ? el('div', { class: 'plus-verdict small' }, el('span', { class: `chip v-${s.plus.verdict}` }, `base + extra: ${VERDICT_LABEL[s.plus.verdict]}`), s.plus.verdict === 'passed' ? null : el('span', {}, ` ${s.plus.reason}`)) : null,
    failing,
    s.traceback ? el('details', { class: 'traceback-box' }, el('summary', {}, 'Traceback'), el('pre', { class: 'traceback' }, s.traceback)) : null,
    s.output ? el('details', {}, el('summary', {}, 'Output'), el('pre', { class: 'output' }, s.output)) : null,
    s.code !== undefined ? el('details', { class: 'code-box', open: s.verdict !== 'passed' }, el('summary', {}, 'Code'), el('pre', { class: 'code' }, s.code)) : el('p', { class: 'muted small' }, 'The code is not available (its samples file moved or changed).'),
  );
}

// ------------------------------------------------------------------------------------------------

let compareRows: EvalCompareRow[] = [];
let compareTotal = 0;
let compareCounts: Record<EvalCompareRow['change'], number> | null = null;
let compareCommon: EvalComparison['common'] | null = null;
let compareKey = '';
const CHANGE_LABEL: Record<EvalCompareRow['change'], string> = { fixed: 'fixed', broken: 'broken', changed: 'changed', same: 'same', 'only-a': 'only in A', 'only-b': 'only in B' };

function renderCompareTab(): HTMLElement {
  if (runs.length < 2) return el('p', { class: 'empty' }, 'Compare needs two runs. Run another evaluation (other samples, or the same ones later) to compare them here.');
  const ordered = [...runs];
  ui.compareA = ui.compareA && runs.some((r) => r.id === ui.compareA) ? ui.compareA : ordered[1].id;
  ui.compareB = ui.compareB && runs.some((r) => r.id === ui.compareB) ? ui.compareB : ordered[0].id;
  const nums = runNumbers(runs);
  const pick = (id: string, which: 'compareA' | 'compareB') => {
    const s = el('select', { id: which === 'compareA' ? 'compare-a' : 'compare-b' }, ...runs.map((r) => el('option', { value: r.id, selected: r.id === ui[which] }, `#${nums.get(r.id)} ${r.label}`)));
    s.addEventListener('change', () => {
      ui[which] = s.value;
      save();
      render();
    });
    return s;
  };
  const only = el('input', { id: 'only-changed', type: 'checkbox', checked: ui.onlyChanged });
  only.addEventListener('change', () => {
    ui.onlyChanged = only.checked;
    save();
    render();
  });
  const a = runs.find((r) => r.id === ui.compareA)!;
  const b = runs.find((r) => r.id === ui.compareB)!;
  const key = `${a.id}|${b.id}|${ui.onlyChanged}|${a.judged}|${b.judged}`;
  if (key !== compareKey) {
    compareKey = key;
    compareRows = [];
    compareCommon = null;
    void rpc.request('compare', { a: a.id, b: b.id, offset: 0, limit: 500, onlyChanged: ui.onlyChanged }).then((r) => {
      compareRows = r.rows;
      compareTotal = r.total;
      compareCounts = r.counts;
      compareCommon = r.common;
      if (ui.tab === 'compare') render();
    }, fail);
  }
  // pass@1 over the problems both runs judged: over different problem sets the runs' own pass@1 would compare different problems
  const common = compareCommon;
  const sameSet = !!common && !!compareCounts && compareCounts['only-a'] + compareCounts['only-b'] === 0 && common.problems === a.problems && common.problems === b.problems;
  const commonPass = (which: 'a' | 'b') => (common ? common.passAtK[which]['1'] : undefined);
  const side = (r: EvalRunInfo, which: 'a' | 'b', label: string) =>
    el('div', { class: 'compare-side', id: `compare-side-${which}` },
      el('div', { class: 'muted small' }, label),
      el('div', { class: 'card-value' }, common ? pct(commonPass(which)) : '…'),
      el('div', { class: 'muted small' }, `${!common || sameSet ? `pass@1 · ${r.problems} problems` : `pass@1 on the ${common.problems} common problems (run: ${pct(r.passAtK['1'])} on ${r.problems})`} · ${r.msPerProblem} ms per problem`));
  const pa = commonPass('a');
  const pb = commonPass('b');
  const delta = !common ? '…' : pa === undefined || pb === undefined ? 'not comparable' : signedPct(pb - pa);
  const scope =
    !common || !compareCounts || sameSet
      ? null
      : el('p', { id: 'compare-scope', class: 'warning' },
          common.problems
            ? `Compared on the ${common.problems} problem${common.problems === 1 ? '' : 's'} both runs judged. `
            : 'The runs have no judged problem in common: pass@1 is not compared. ',
          `${compareCounts['only-a']} only in A, ${compareCounts['only-b']} only in B (listed, not counted as changes).`);
  const cell = (s?: EvalCompareRow['a']) => (s ? el('td', {}, el('span', { class: `chip v-${s.verdict}` }, VERDICT_LABEL[s.verdict]), ` ${s.passed}/${s.n}`) : el('td', { class: 'muted' }, 'not in run'));
  const table = el('table', { id: 'compare', class: 'problems compare' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Problem'), el('th', {}, `A (#${nums.get(a.id)})`), el('th', {}, `B (#${nums.get(b.id)})`), el('th', {}, 'Change'))),
    el('tbody', {}, ...compareRows.map((r) => el('tr', { class: `change-${r.change}`, 'data-id': r.problemId, 'data-change': r.change }, el('td', { class: 'name' }, r.problemId), cell(r.a), cell(r.b), el('td', { class: 'change' }, CHANGE_LABEL[r.change])))),
  );
  const counts = compareCounts ? el('div', { id: 'compare-counts', class: 'verdicts' }, ...(['fixed', 'broken', 'changed', 'same', 'only-a', 'only-b'] as const).filter((c) => !c.startsWith('only') || compareCounts![c]).map((c) => el('span', { class: `chip change-${c}` }, `${CHANGE_LABEL[c]} ${compareCounts![c]}`))) : null;
  return el('section', { class: 'compare-tab' },
    el('div', { class: 'toolbar' }, el('label', {}, 'A ', pick(a.id, 'compareA')), el('label', {}, 'B ', pick(b.id, 'compareB')), el('label', {}, only, ' only changed problems')),
    el('div', { class: 'compare-sides' }, side(a, 'a', `A · #${nums.get(a.id)} ${a.label}`), el('div', { class: 'delta', id: 'compare-delta' }, delta), side(b, 'b', `B · #${nums.get(b.id)} ${b.label}`)),
    scope,
    counts,
    el('div', { class: 'table-scroll' }, table, compareTotal > compareRows.length ? el('p', { class: 'muted' }, `${compareTotal - compareRows.length} more not shown`) : null),
  );
}

function renderRunsTab(): HTMLElement {
  const nums = runNumbers(runs);
  const table = el('table', { id: 'runs', class: 'problems' },
    el('thead', {}, el('tr', {}, ...['#', 'Run', 'pass@k', 'Judged', 'ms / problem'].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...runs.map((r) => {
      const tr = el('tr', { class: `problem ${r.id === selected ? 'selected' : ''}`, 'data-run': r.id, tabindex: '0' },
        el('td', {}, `#${nums.get(r.id)}`), el('td', {}, r.label), el('td', {}, Object.entries(r.passAtK).map(([k, v]) => `pass@${k} ${pct(v)}`).join(' · ')), el('td', {}, `${r.judged}/${r.total}`), el('td', { class: 'num' }, String(r.msPerProblem)));
      tr.addEventListener('click', () => pickRun(r.id));
      return tr;
    })),
  );
  return el('section', { class: 'runs-tab' },
    el('div', { class: 'charts' },
      el('figure', {}, el('figcaption', {}, 'pass@1 per run'), passBarChart(runs, selected, pickRun)),
      el('figure', {}, el('figcaption', {}, 'Pareto plot: pass@1 against time per problem (filled: on the front)'), paretoPlot(runs, selected, pickRun)),
    ),
    table,
  );
}

function pct(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}%`;
}
function signedPct(v: number): string {
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v * 100).toFixed(1)} pts`;
}
