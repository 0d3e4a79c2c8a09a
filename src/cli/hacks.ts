/**
 * reasoning-lab hacks <file> [--top N] [--rule r1,r2] [--threshold name=value] [--json]
 *
 * The reward-hacking finder over a rollout log (every format the trace reader knows, .gz, streamed):
 * a ranked table of the samples whose reward looks unearned, each with the rule it broke and the
 * evidence, or with --json one JSON object per finding. Broken records are named by line on stderr
 * and the rest is scanned. Exit code: 0 when findings were listed, 1 when none (or the file could not
 * be read), 2 for a usage mistake, 130 when interrupted.
 */
import { parseArgs } from 'node:util';
import { resolveRewardSpec } from '../core/rewards';
import { formatSpecErrors } from '../core/rewards/formatSpecErrors';
import { HACK_RULES, HACK_RULE_IDS, isHackRuleId, parseThresholdOverrides, resolveThresholds, THRESHOLD_INFO, ThresholdError, scanForHacks, type HackFinding, type HackRuleId, type HackScanSummary, type HackThresholds } from '../core/hacks';
import { openTraceFile, type FieldMapping, type TraceFormat, type TraceProgress } from '../core/traces';
import { errorMessage } from '../core/shared/errors';
import { readTextBounded, statInputFileSync } from '../core/shared/inputFile';
import { integerFlag, onInterrupt, progressReporter, terminalSafe, UsageError, writeStdout, type CliCommand } from './common';
import { FIELD_NAMES, FORMATS, parseFields } from './traces';

export const hacksCommand: CliCommand = {
  name: 'hacks',
  usage: `hacks <file> [--top N] [--rule r1,r2] [--threshold name=value] [--json]    Rank the samples of a rollout log whose reward looks unearned, with the evidence.
    --top N                  list the N best-ranked findings (default 50; --json lists all unless --top is given)
    --rule r1,r2             run only these rules: ${HACK_RULE_IDS.join(', ')}
    --threshold name=value   change a threshold (repeatable): ${THRESHOLD_INFO.map((t) => t.key).join(', ')}
    --json                   one JSON object per finding (rule, score, sample, reward, message, evidence, numbers), the summary on stderr
    --rm-field <path>        the field holding reward-model scores (default: detected: rm_score, reward_model_score, verifier_score…)
    --rewards <preset|file>  score samples that have no reward in the file (default r1)
    --field name=path        map a field when detection guesses wrong (${FIELD_NAMES.join(', ')}); repeatable
    --format <name>          force the format: ${FORMATS.join(' | ')}`,
  run: async (args) => runHacks(parseHacksArgs(args)),
};

export interface HacksOptions {
  input: string;
  top?: number;
  rules: HackRuleId[];
  thresholds: HackThresholds;
  json: boolean;
  rmField?: string;
  rewards: string;
  fields: FieldMapping;
  format?: TraceFormat;
}

/** The command line as checked options; every mistake in it is a UsageError (exit 2) naming the flag. */
export function parseHacksArgs(args: string[]): HacksOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      top: { type: 'string' },
      rule: { type: 'string', multiple: true },
      threshold: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'rm-field': { type: 'string' },
      rewards: { type: 'string', default: 'r1' },
      field: { type: 'string', multiple: true },
      format: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('hacks needs exactly one input file');
  if (values.format && !FORMATS.includes(values.format as TraceFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const rules: HackRuleId[] = [];
  for (const name of (values.rule ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean)) {
    if (!isHackRuleId(name)) throw new UsageError(`--rule: unknown rule "${name}" (known: ${HACK_RULE_IDS.join(', ')})`);
    if (!rules.includes(name)) rules.push(name);
  }
  if (values.rule && rules.length === 0) throw new UsageError(`--rule needs at least one rule: ${HACK_RULE_IDS.join(', ')}`);
  const top = integerFlag(values.top, 'top', 1);
  let thresholds: HackThresholds;
  try {
    thresholds = resolveThresholds({ ...parseThresholdOverrides(values.threshold ?? []), ...(top !== undefined ? { maxFindings: top } : {}) });
  } catch (err) {
    if (err instanceof ThresholdError) throw new UsageError(`--threshold ${err.message}`);
    throw err;
  }
  return {
    input: positionals[0],
    top,
    rules: rules.length ? rules : [...HACK_RULE_IDS],
    thresholds,
    json: values.json!,
    rmField: values['rm-field'],
    rewards: values.rewards!,
    fields: parseFields(values.field),
    format: values.format as TraceFormat | undefined,
  };
}

const TABLE_TOP = 50;

export async function runHacks(o: HacksOptions): Promise<number> {
  const resolved = resolveRewardSpec(o.rewards, (file) => readTextBounded(file, 'a reward spec'));
  if (!resolved.spec) {
    process.stderr.write(`error: invalid reward spec\n${formatSpecErrors(resolved.errors)}\n`);
    return 2;
  }
  try {
    statInputFileSync(o.input);
  } catch (err) {
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  }
  const controller = new AbortController();
  const releaseInterrupt = onInterrupt(() => controller.abort());
  const progress = progressReporter();
  const onProgress = (p: TraceProgress) =>
    progress.tick(() => `${p.phase === 'index' ? 'indexing' : 'scanning'}: ${p.total ? Math.floor((100 * p.done) / p.total) : 0}%…`);
  let tf;
  try {
    tf = await openTraceFile(o.input, { fields: o.fields, format: o.format }, { onProgress, signal: controller.signal });
  } catch (err) {
    releaseInterrupt();
    if (controller.signal.aborted) {
      process.stderr.write(`${progress.done()}interrupted while indexing ${o.input}\n`);
      return 130;
    }
    const message = errorMessage(err);
    process.stderr.write(`${progress.done()}error: ${message.startsWith(o.input) ? message : `${o.input}: ${message}`}\n`);
    return 1;
  }
  try {
    const { findings, summary } = await scanForHacks(tf, { thresholds: o.thresholds, rules: o.rules, rewards: resolved.spec, rmField: o.rmField, signal: controller.signal, onProgress });
    process.stderr.write(progress.done());
    for (const m of summary.malformed.slice(0, 20)) process.stderr.write(`${o.input}:${m.line}: skipped: ${terminalSafe(m.reason)}\n`);
    if (summary.malformed.length > 20) process.stderr.write(`… and ${summary.malformed.length - 20} more broken records skipped\n`);
    const shown = o.json || o.top !== undefined ? findings : findings.slice(0, TABLE_TOP);
    if (o.json) {
      for (const f of shown) if (!(await writeStdout(JSON.stringify(f) + '\n'))) return 0;
    } else if (!(await writeStdout(table(shown)))) return 0;
    process.stderr.write(describeSummary(summary, shown.length) + '\n');
    if (summary.cancelled) return 130;
    return findings.length > 0 ? 0 : 1;
  } finally {
    releaseInterrupt();
    await tf.close();
  }
}

function describeSummary(s: HackScanSummary, shown: number): string {
  const rules = Object.entries(s.byRule)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
  const cut = s.rewardCut.cut === null ? 'no rewards' : `rewarded: ≥ ${fmt(s.rewardCut.cut)}${s.rewardCut.from === 'file range' ? ` (midpoint of ${fmt(s.rewardCut.min)}…${fmt(s.rewardCut.max)})` : ''}`;
  return (
    `${s.findings} finding${s.findings === 1 ? '' : 's'}${shown < s.findings ? ` (${shown} shown)` : ''} in ${s.samples} samples of ${s.records} records (${s.format}); ${s.rewarded} ${cut}` +
    (rules ? `; ${rules}` : '') +
    (s.malformed.length ? `; ${s.malformed.length} broken record${s.malformed.length === 1 ? '' : 's'} skipped` : '') +
    (s.rm.source === 'file' ? `; reward-model scores: field ${s.rm.field} (${s.rm.scored} samples)` : '') +
    (s.truncated ? '; more findings than --top: the lowest-ranked were dropped' : '') +
    (s.cancelled ? '; interrupted: partial' : '')
  );
}

const fmt = (n: number | null) => (n === null ? 'n/a' : Number.isInteger(n) ? String(n) : n.toFixed(3));

const oneLine = (s: string, n: number) => {
  const t = terminalSafe(s.replace(/\s+/g, ' ').trim());
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
};

/** The ranked table: one finding per row, its evidence on the indented line under it. */
function table(findings: HackFinding[]): string {
  if (findings.length === 0) return '';
  const head = ['#', 'line', 'id', 'reward', 'score', 'rule'];
  const rows = findings.map((f, i) => [String(i + 1), String(f.sample.line), oneLine(f.sample.id, 24), fmt(f.reward), f.score.toFixed(3), f.rule]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(head)];
  findings.forEach((f, i) => {
    out.push(line(rows[i]));
    out.push(`      ${HACK_RULES[f.rule].title}: ${oneLine(f.message, 200)}`);
    for (const e of f.evidence.slice(0, 2)) out.push(`      ${e.in} [${e.start}, ${e.end})${e.note ? ` ${oneLine(e.note, 60)}` : ''}: ${oneLine(e.text, 140)}`);
  });
  return out.join('\n') + '\n';
}
