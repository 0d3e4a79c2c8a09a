/**
 * The Reward Hacks webview: the finder's ranked findings over the open trace file, each with its rule,
 * score, reward, message and evidence (sample text shown as text, never as HTML). Painted as the host
 * sends them while the scan runs; a click (or Enter) on a finding opens its sample in the Trace Stepper.
 */
import './hacks.css';
import type { HackFinding, HacksEvents, HacksRequests, HacksView } from '../../src/contracts/traces';
import { el, nodes } from '../shared/dom';
import { connect } from '../shared/rpc';

const rpc = connect<HacksRequests, HacksEvents>();
const app = document.getElementById('app')!;
let view: HacksView | null = null;
let openError = '';

rpc.on('show', (v) => {
  view = v;
  render();
});
void rpc.request('ready', {}).then((v) => {
  if (v && !view) view = v;
  render();
});

const fmt = (n: number | null) => (n === null ? 'n/a' : Number.isInteger(n) ? String(n) : n.toFixed(3));

function status(v: HacksView): string {
  const n = v.summary ? v.summary.findings : v.findings.length;
  const found = `${n} finding${n === 1 ? '' : 's'}`;
  switch (v.state) {
    case 'running':
      return `scanning: ${Math.round(v.fraction * 100)}%, ${found} so far`;
    case 'cancelled':
      return `stopped: ${found} in the part scanned`;
    case 'error':
      return 'failed';
    default:
      return found;
  }
}

function summaryLine(v: HacksView): string | null {
  const s = v.summary;
  if (!s) return null;
  const cut = s.rewardCut.cut === null ? 'no rewards in the file' : `reward ≥ ${fmt(s.rewardCut.cut)} counts as rewarded (${s.rewardCut.from === 'threshold' ? 'minReward' : `midpoint of ${fmt(s.rewardCut.min)}…${fmt(s.rewardCut.max)}`})`;
  return `${s.samples} samples in ${s.records} records (${s.format}), ${s.rewarded} rewarded; ${cut}` + (s.malformed.length ? `; ${s.malformed.length} broken record${s.malformed.length === 1 ? '' : 's'} skipped (line ${s.malformed.slice(0, 5).map((m) => m.line).join(', ')}${s.malformed.length > 5 ? ', …' : ''})` : '') + (s.findings > v.findings.length ? `; the best ${v.findings.length} listed` : '');
}

function render(): void {
  if (!view) {
    app.replaceChildren(el('p', { class: 'muted' }, 'Open a trace file and run “Reasoning Lab: Find Reward Hacks”.'));
    return;
  }
  const v = view;
  const byRule = v.summary ? Object.entries(v.summary.byRule) : [];
  app.replaceChildren(
    ...nodes(
      el(
        'header',
        { class: 'header' },
        el('span', { class: 'file' }, v.file.label),
        el('span', { id: 'hacks-status', class: v.state === 'error' ? 'warning' : 'muted', 'data-state': v.state }, status(v)),
        v.state === 'running' ? stopButton() : null,
      ),
      v.error ? el('p', { id: 'hacks-error', class: 'error' }, v.error) : null,
      openError ? el('p', { id: 'open-error', class: 'error' }, openError) : null,
      summaryLine(v) ? el('p', { id: 'hacks-summary', class: 'muted small' }, summaryLine(v)!) : null,
      byRule.length ? el('p', { class: 'rules' }, ...byRule.map(([rule, n]) => el('span', { class: 'rule-count', title: v.rules[rule as keyof HacksView['rules']]?.about ?? '' }, `${v.rules[rule as keyof HacksView['rules']]?.title ?? rule} ${n}`))) : null,
      v.findings.length
        ? el('ol', { id: 'findings', class: 'findings' }, ...v.findings.map((f, i) => row(v, f, i)))
        : v.state === 'done'
          ? el('p', { id: 'no-findings', class: 'muted' }, 'No sample looks like it got its reward without earning it, by these rules and thresholds.')
          : null,
    ),
  );
}

function stopButton(): HTMLButtonElement {
  const b = el('button', { id: 'hacks-stop', class: 'secondary' }, 'Stop');
  b.addEventListener('click', () => void rpc.request('cancel', {}));
  return b;
}

function row(v: HacksView, f: HackFinding, i: number): HTMLLIElement {
  const li = el(
    'li',
    { class: 'finding', tabindex: '0', role: 'button', 'data-rule': f.rule, 'data-entry': String(f.sample.entry), 'data-sub': String(f.sample.sub), title: 'Open this sample in the Trace Stepper' },
    el(
      'div',
      { class: 'finding-head' },
      el('span', { class: 'rank' }, `${i + 1}.`),
      el('span', { class: 'rule', title: v.rules[f.rule]?.about ?? '' }, v.rules[f.rule]?.title ?? f.rule),
      el('span', { class: 'sample' }, `${f.sample.id} · line ${f.sample.line}`),
      el('span', { class: 'muted' }, `reward ${fmt(f.reward)}`),
      el('span', { class: 'score', title: 'rank score: severity × strength of the evidence × how high the reward is' }, f.score.toFixed(2)),
    ),
    el('div', { class: 'message' }, f.message),
    ...f.evidence.slice(0, 3).map((e) => el('div', { class: 'evidence' }, el('span', { class: 'muted' }, `${e.in} ${e.start}–${e.end}${e.note ? ` · ${e.note}` : ''}: `), el('code', {}, e.text))),
  );
  const open = () => {
    rpc.request('open', { entry: f.sample.entry, sub: f.sample.sub }).then(
      () => {
        if (openError) {
          openError = '';
          render();
        }
      },
      (e: unknown) => {
        openError = String((e as Error)?.message ?? e);
        render();
      },
    );
  };
  li.addEventListener('click', open);
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open();
    }
  });
  return li;
}
