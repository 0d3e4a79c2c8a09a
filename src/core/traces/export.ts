/**
 * Best-of-n export (rejection sampling): for every group keep the top-k samples by reward (ties keep
 * file order), optionally only correct and well-formatted ones, and write them as SFT JSONL in chat form.
 * Correct is the file's own verdict when it has one (its scorer's C, a boolean, a 0/1 reward), else
 * accuracy = 1 against the reference (verdict.ts); a sample neither can judge is counted as unjudged,
 * never as incorrect. Well-formatted is R1's `<think>` template (format = 1 from the reward engine, the
 * r1 preset unless another spec is given), checked only when the file's samples use `<think>` at all.
 *
 *   {"messages": [{"role": "system", …}?, {"role": "user", "content": prompt}, {"role": "assistant", "content": completion}],
 *    "id": …, "reward": …, "advantage": …, "group": …}
 *
 * Samples come out in file order, into a stream the caller opened (the CLI's --out) or, with
 * exportBestOfNToFile, into a new file through the safe output (never over an existing file).
 */
import { once } from 'node:events';
import { PRESETS } from '../rewards/presets';
import { writeStreamSafely } from '../shared/safeOutput';
import type { TraceFile } from './traceFile';
import type { ExportBestOptions, ExportSummary } from './types';
import { correctness, fileRewardsAreBinary } from './verdict';

export async function exportBestOfN(tf: TraceFile, out: NodeJS.WritableStream, options: ExportBestOptions): Promise<ExportSummary> {
  if (!(Number.isInteger(options.k) && options.k >= 1)) throw new RangeError(`k must be a whole number ≥ 1, got ${options.k}`);
  const spec = options.rewards ?? PRESETS.r1;
  const analysis = await tf.analyze({
    rewards: spec,
    judge: options.correctOnly ? (spec.components.accuracy && spec.components.format ? spec : PRESETS.r1) : undefined,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const summary: ExportSummary = { groups: analysis.groups, groupsKept: 0, written: 0, skipped: { noReward: 0, incorrect: 0, unjudged: 0, badFormat: 0, beyondK: 0 }, meanRewardWritten: null, cancelled: analysis.cancelled };
  if (analysis.cancelled) return summary;
  const byKey = new Map(analysis.sampleSummaries.map((s) => [`${s.entry}/${s.sub}`, s]));
  const binaryRewards = fileRewardsAreBinary(analysis.sampleSummaries);
  const judged = { byFile: 0, byReference: 0, unknown: 0, formatChecked: analysis.sampleSummaries.some((s) => s.think !== 'untagged') };
  if (options.correctOnly) summary.judged = judged;
  // entry → subs to write, with reward / advantage
  const chosen = new Map<number, Map<number, { reward: number; advantage: number | null; group: string }>>();
  for (const g of analysis.groupStats) {
    const ranked = g.members.filter((m) => {
      if (m.reward === null) {
        summary.skipped.noReward++;
        return false;
      }
      if (options.correctOnly) {
        const s = byKey.get(`${m.entry}/${m.sub}`);
        const c = s ? correctness(s, binaryRewards) : { verdict: 'unknown', by: 'none' };
        if (c.by === 'file') judged.byFile++;
        else if (c.by === 'reference') judged.byReference++;
        else judged.unknown++;
        if (c.verdict === 'unknown') {
          summary.skipped.unjudged++;
          return false;
        }
        if (c.verdict !== 'correct') {
          summary.skipped.incorrect++;
          return false;
        }
        if (judged.formatChecked && s?.format !== 1) {
          summary.skipped.badFormat++;
          return false;
        }
      }
      return true;
    });
    ranked.sort((a, b) => (b.reward as number) - (a.reward as number) || a.entry - b.entry || a.sub - b.sub);
    const keep = ranked.slice(0, options.k);
    summary.skipped.beyondK += ranked.length - keep.length;
    if (keep.length) summary.groupsKept++;
    for (const m of keep) {
      let subs = chosen.get(m.entry);
      if (!subs) chosen.set(m.entry, (subs = new Map()));
      subs.set(m.sub, { reward: m.reward as number, advantage: m.advantage, group: g.key });
    }
  }
  const entries = [...chosen.keys()].sort((a, b) => a - b);
  let sum = 0;
  let last = 0;
  for (let i = 0; i < entries.length; i++) {
    if (options.signal?.aborted) {
      summary.cancelled = true;
      break;
    }
    const e = await tf.read(entries[i]);
    const subs = chosen.get(entries[i])!;
    for (const s of e.samples) {
      const c = subs.get(s.sub);
      if (!c) continue;
      const messages = [];
      if (options.system) messages.push({ role: 'system', content: options.system });
      messages.push({ role: 'user', content: s.prompt }, { role: 'assistant', content: s.completion });
      const line = JSON.stringify({ messages, id: s.id, reward: c.reward, advantage: c.advantage, group: c.group }) + '\n';
      if (!out.write(line)) await once(out, 'drain');
      summary.written++;
      sum += c.reward;
    }
    if (options.onProgress && Date.now() - last > 200) {
      last = Date.now();
      options.onProgress({ phase: 'export', done: i + 1, total: entries.length, unit: 'entries', entries: tf.count });
    }
  }
  summary.meanRewardWritten = summary.written ? sum / summary.written : null;
  return summary;
}

/**
 * exportBestOfN into a new file: it appears complete or not at all (cancelled, failed), and a file
 * already there, or one created while the export runs, is never replaced (OutputExistsError).
 */
export function exportBestOfNToFile(tf: TraceFile, file: string, options: ExportBestOptions): Promise<ExportSummary> {
  return writeStreamSafely(file, {}, (stream) => exportBestOfN(tf, stream, options), (summary) => !summary.cancelled);
}

/** What an export skipped and how it judged, in words (the CLI's and the editor's summary line). */
export function describeExport(summary: ExportSummary): string {
  const sk = summary.skipped;
  const parts = [`${sk.beyondK} beyond k`];
  if (summary.judged) {
    parts.push(`${sk.incorrect} incorrect`, `${sk.unjudged} unknown (no verdict in the file and no reference answer)`);
    if (summary.judged.formatChecked) parts.push(`${sk.badFormat} correct but badly formatted`);
  }
  parts.push(`${sk.noReward} without reward`);
  let text = `skipped ${parts.join(', ')}`;
  const j = summary.judged;
  if (j) {
    const by = [j.byFile ? `${j.byFile} by the file's own verdicts or 0/1 rewards` : '', j.byReference ? `${j.byReference} by accuracy against the reference` : ''].filter(Boolean);
    text += `; judged ${by.length ? by.join(', ') : 'none'}` + (j.formatChecked ? '' : '; format not checked (no sample uses <think>)');
  }
  return text;
}

