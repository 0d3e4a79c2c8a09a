/**
 * The reward-hacking scan: one streaming pass over an opened trace file (the trace index reads a page
 * of records at a time, so a 1 GB log never sits in memory), every rule over every sample, and a
 * ranked list of findings at the end.
 *
 * What a pass keeps is small: the findings so far (bounded by maxFindings), and per GRPO group four
 * numbers per sample (reward, length, where it is) for the length rule, and per sample with a
 * reward-model score the pair of scores. A sample's id and line are read again only for the group
 * and reward-model findings it ends with.
 *
 * "Rewarded" — a reward that looks earned — is decided against a cut: the minReward threshold, or by
 * default the midpoint of the rewards seen in the file. The cut is only known at the end, so the
 * per-sample rules run on every sample above the lowest reward seen so far, findings go out
 * provisionally (against the cut so far) while the pass runs, and the final list is cut and ranked
 * again at the end.
 */
import { scoreRecord } from '../rewards/composite';
import { PRESETS } from '../rewards/presets';
import { approxTokenCount } from '../rewards/text';
import type { RewardSpec } from '../rewards/types';
import type { JobControl, TraceFile, TraceSample } from '../traces';
import { codeHits } from './codeRules';
import { codeRegions, isCodePrompt } from './codeText';
import { lengthHit, rmHits, type GroupMemberStats, type RmPair } from './groupRules';
import { answerHits } from './mathRules';
import { detectSideFields, sideValue, type SideFields } from './sideFields';
import { languageHit, repetitionHit } from './textRules';
import { DEFAULT_THRESHOLDS, type HackThresholds } from './thresholds';
import { HACK_RULES, HACK_RULE_IDS, type HackEvidence, type HackFinding, type HackRuleCounts, type HackRuleId, type HackSampleRef, type HackScanSummary } from './types';

export interface HackScanOptions extends JobControl {
  thresholds?: HackThresholds;
  /** The rules to run (default: all). */
  rules?: readonly HackRuleId[];
  /** Scores samples the file gives no reward (default: the r1 preset). */
  rewards?: RewardSpec;
  /** The field holding reward-model scores (default: detected: rm_score, reward_model_score, verifier_score…). */
  rmField?: string;
  /** Findings as the pass finds them, judged against the cut so far; the result's list is the final one. */
  onFindings?: (batch: HackFinding[]) => void;
}

export interface HackScanResult {
  findings: HackFinding[];
  summary: HackScanSummary;
}

/** Records read before the side fields (reward-model score, per-function rewards) are detected. */
const DETECT_RECORDS = 20;
const FLUSH_MS = 250;

/** Per group, what the length rule needs: four numbers per rewarded sample. */
interface GroupColumns {
  rewards: number[];
  tokens: number[];
  entries: number[];
  subs: number[];
}

interface Candidate extends HackFinding {
  /** The rule needs the reward at or above the cut (all but format-only, which needs it above 0). */
  needsCut: boolean;
  /** A format-only finding that rests on a wrong answer (not a missing one): it yields to math-unverified above the cut. */
  softFormatOnly?: boolean;
  /** For ranking: the reward's place in the file's range, when the rule's own scale is not the reward's. */
  rankReward?: number;
  strength: number;
}

function refOf(s: TraceSample): HackSampleRef {
  return { entry: s.entry, sub: s.sub, id: s.id, line: s.line, group: s.group };
}

/** Ranking score: severity × (0.5 + 0.5 · strength) × (0.5 + 0.5 · the reward's place in the file's range). */
export function rankScore(rule: HackRuleId, strength: number, rewardPlace: number): number {
  const clamp = (x: number) => Math.max(0, Math.min(1, x));
  return Number((HACK_RULES[rule].severity * (0.5 + 0.5 * clamp(strength)) * (0.5 + 0.5 * clamp(rewardPlace))).toFixed(4));
}

export async function scanForHacks(file: TraceFile, options: HackScanOptions = {}): Promise<HackScanResult> {
  const started = Date.now();
  const t = options.thresholds ?? DEFAULT_THRESHOLDS;
  const enabledSet = new Set<HackRuleId>(options.rules ?? HACK_RULE_IDS);
  const enabled = (r: HackRuleId) => enabledSet.has(r);
  const spec = options.rewards ?? PRESETS.r1;
  const signal = options.signal;

  let lo = Infinity;
  let hi = -Infinity;
  const cutNow = (): { cut: number | null; strictAbove0: boolean } => {
    if (t.minReward !== null) return { cut: t.minReward, strictAbove0: false };
    if (!(hi >= lo)) return { cut: null, strictAbove0: true };
    if (hi === lo) return { cut: 0, strictAbove0: true };
    return { cut: (lo + hi) / 2, strictAbove0: false };
  };
  const passes = (reward: number | null, c = cutNow()) => reward !== null && c.cut !== null && (c.strictAbove0 ? reward > c.cut : reward >= c.cut);
  const place = (reward: number | null) => (reward === null ? 0 : hi > lo ? (reward - lo) / (hi - lo) : 1);

  const candidates: Candidate[] = [];
  let truncated = false;
  const groups = new Map<string, GroupColumns>();
  const rmPairs = { rewards: [] as number[], rms: [] as number[], entries: [] as number[], subs: [] as number[] };
  let rmSource: HackScanSummary['rm'] = { source: 'none', scored: 0 };
  let side: SideFields = {};
  let records = 0;
  let samples = 0;
  /** Every reward, to count the rewarded ones against the final cut. */
  const allRewards: number[] = [];

  // provisional findings go out in batches
  let pendingOut: HackFinding[] = [];
  let lastFlush = Date.now();
  const flush = (force = false) => {
    if (!options.onFindings || pendingOut.length === 0) return;
    if (!force && Date.now() - lastFlush < FLUSH_MS) return;
    lastFlush = Date.now();
    options.onFindings(pendingOut);
    pendingOut = [];
  };
  const keep = (c: Candidate) => {
    candidates.push(c);
    if (options.onFindings && (!c.needsCut || passes(c.reward))) pendingOut.push(publicFinding(c, place(c.reward)));
    // bounded memory: drop the weakest when twice the listed number have piled up
    if (candidates.length >= 2 * t.maxFindings + 1000) {
      candidates.sort((a, b) => b.score - a.score);
      candidates.length = t.maxFindings + 500;
      truncated = true;
    }
  };
  const add = (s: TraceSample, reward: number | null, rule: HackRuleId, hit: { strength: number; message: string; evidence: HackEvidence[]; numbers: HackFinding['numbers'] }, extra: Partial<Candidate> = {}) => {
    keep({
      rule,
      score: rankScore(rule, hit.strength, place(reward)),
      sample: refOf(s),
      reward,
      message: hit.message,
      evidence: hit.evidence,
      numbers: hit.numbers,
      needsCut: rule !== 'format-only',
      strength: hit.strength,
      ...extra,
    });
  };

  const visit = async (s: TraceSample, value: unknown) => {
    samples++;
    const fromFile = s.reward !== undefined;
    let reward: number | null = fromFile ? s.reward! : null;
    if (reward === null && s.completion) {
      try {
        reward = scoreRecord(s, spec).total;
      } catch {
        reward = null;
      }
    }
    if (reward === null) return;
    if (reward < lo) lo = reward;
    if (reward > hi) hi = reward;
    allRewards.push(reward);
    const text = s.completion;
    let g = groups.get(s.group);
    if (!g) groups.set(s.group, (g = { rewards: [], tokens: [], entries: [], subs: [] }));
    if (enabled('length-exploit')) {
      g.rewards.push(reward);
      g.tokens.push(approxTokenCount(text));
      g.entries.push(s.entry);
      g.subs.push(s.sub);
    }
    if (enabled('rm-disagrees')) {
      if (side.rm) {
        const v = sideValue(value, file.shape, side.rm, s.sub);
        if (v !== undefined) {
          rmSource.scored++;
          rmPairs.rewards.push(reward);
          rmPairs.rms.push(v);
          rmPairs.entries.push(s.entry);
          rmPairs.subs.push(s.sub);
        }
      }
    }
    if (!text) return;
    // the per-sample rules: on every reward above the lowest seen so far (the final cut is not known yet)
    const evaluate = reward > 0 || reward > lo || lo === hi;
    const positive = reward > 0;
    if (!evaluate && !positive) return;
    const code = codeRegions(text, 20, s.prompt);
    const isCode = code.length > 0 || isCodePrompt(s.prompt);
    if (isCode) {
      if (evaluate) for (const h of codeHits(text, code)) if (enabled(h.rule)) add(s, reward, h.rule, { ...h, evidence: [h.evidence] });
    } else {
      const components = side.format && side.accuracy ? { format: sideValue(value, file.shape, side.format, s.sub), accuracy: sideValue(value, file.shape, side.accuracy, s.sub) } : undefined;
      const judged = answerHits(s, { rewarded: evaluate, positive, rewardFromFile: fromFile, components: components && components.format !== undefined && components.accuracy !== undefined ? components : undefined }, t, enabled);
      for (const h of judged.hits) add(s, reward, h.rule, h, h.rule === 'format-only' && h.numbers.answerMissing === false && components === undefined ? { softFormatOnly: true } : {});
    }
    if (evaluate && enabled('repetition-padding')) {
      const h = repetitionHit(s, t);
      if (h) add(s, reward, h.rule, h);
    }
    // the language rule reads reasoning: a code sample has some only inside think tags
    if (evaluate && enabled('language-switch') && (!isCode || text.includes('</think>'))) {
      const h = languageHit(s, t);
      if (h) add(s, reward, h.rule, h);
    }
  };

  const buffered: Array<{ samples: TraceSample[]; value: unknown }> = [];
  let detected = false;
  const detect = () => {
    detected = true;
    side = detectSideFields(
      buffered.map((b) => b.value),
      file.shape,
      options.rmField,
    );
    if (side.rm) rmSource = { source: 'file', field: side.rm, scored: 0 };
  };
  for await (const { entry, value } of file.entriesWithValues({ signal, onProgress: options.onProgress })) {
    if (entry.error !== undefined) continue;
    records++;
    if (!detected) {
      buffered.push({ samples: entry.samples, value });
      if (buffered.length < DETECT_RECORDS) continue;
      detect();
      for (const b of buffered) for (const s of b.samples) await visit(s, b.value);
      buffered.length = 0;
      continue;
    }
    for (const s of entry.samples) await visit(s, value);
    flush();
  }
  if (!detected) {
    detect();
    for (const b of buffered) for (const s of b.samples) await visit(s, b.value);
  }
  flush(true);

  // group and reward-model rules: at the end, over what the pass kept
  const cancelled = !!signal?.aborted;
  const c = cutNow();
  const readRef = async (entry: number, sub: number): Promise<HackSampleRef> => {
    const e = await file.read(entry);
    const s = e.samples[sub];
    return s ? refOf(s) : { entry, sub, id: `${entry}#${sub}`, line: e.line, group: '' };
  };
  if (enabled('length-exploit')) {
    for (const [key, g] of groups) {
      const rewarded: GroupMemberStats[] = [];
      for (let i = 0; i < g.rewards.length; i++) rewarded.push({ ref: { entry: g.entries[i], sub: g.subs[i], id: '', line: 0, group: key }, reward: g.rewards[i], tokens: g.tokens[i] });
      const h = lengthHit(rewarded, t);
      if (!h) continue;
      keep({ rule: 'length-exploit', score: rankScore('length-exploit', h.strength, place(h.reward)), sample: await readRef(h.ref.entry, h.ref.sub), reward: h.reward, message: h.message, evidence: h.evidence, numbers: h.numbers, needsCut: false, strength: h.strength });
    }
  }
  if (enabled('rm-disagrees') && rmPairs.rewards.length) {
    const pairs: RmPair[] = rmPairs.rewards.map((reward, i) => ({ ref: { entry: rmPairs.entries[i], sub: rmPairs.subs[i], id: '', line: 0, group: '' }, reward, rm: rmPairs.rms[i] }));
    const label = `field "${rmSource.field}"`;
    for (const h of rmHits(pairs, t, label)) {
      const rmPlace = Number(h.numbers.rmScaled);
      keep({ rule: 'rm-disagrees', score: rankScore('rm-disagrees', h.strength, Math.max(place(h.reward), rmPlace)), sample: await readRef(h.ref.entry, h.ref.sub), reward: h.reward, message: h.message, evidence: [], numbers: h.numbers, needsCut: false, strength: h.strength, rankReward: Math.max(place(h.reward), rmPlace) });
    }
  }

  // the final cut, ranking and count
  const unverified = new Set(candidates.filter((x) => x.rule === 'math-unverified' && passes(x.reward, c)).map((x) => `${x.sample.entry}/${x.sample.sub}`));
  const final = candidates
    .filter((x) => !x.needsCut || passes(x.reward, c))
    .filter((x) => !(x.softFormatOnly && unverified.has(`${x.sample.entry}/${x.sample.sub}`)))
    .map((x) => publicFinding(x, x.rankReward ?? place(x.reward)));
  final.sort((a, b) => b.score - a.score || a.sample.entry - b.sample.entry || a.sample.sub - b.sample.sub);
  const byRule: HackRuleCounts = {};
  for (const f of final) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  if (final.length > t.maxFindings) {
    final.length = t.maxFindings;
    truncated = true;
  }
  pendingOut = [];
  let rewarded = 0;
  for (const r of allRewards) if (passes(r, c)) rewarded++;
  const summary: HackScanSummary = {
    file: file.path,
    format: file.shape.format,
    records,
    samples,
    rewarded,
    rewardCut: { cut: c.cut, min: Number.isFinite(lo) ? lo : null, max: Number.isFinite(hi) ? hi : null, from: t.minReward !== null ? 'threshold' : 'file range' },
    groups: groups.size,
    findings: final.length,
    byRule,
    truncated,
    malformed: file.malformed.map(({ line, reason }) => ({ line, reason })),
    rm: rmSource,
    cancelled,
    ms: Date.now() - started,
  };
  return { findings: final, summary };
}

/** A candidate as the outside sees it: its score recomputed against the final range. */
function publicFinding(c: Candidate, rewardPlace: number): HackFinding {
  return { rule: c.rule, score: rankScore(c.rule, c.strength, rewardPlace), sample: c.sample, reward: c.reward, message: c.message, evidence: c.evidence, numbers: c.numbers };
}
