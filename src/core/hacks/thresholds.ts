/**
 * Every threshold of the reward-hacking finder, in one typed table: its default, its allowed range,
 * the CLI flag that sets it and what it means. The CLI's flags, the `reasoningLab.hacks.thresholds`
 * setting and the README are all read from (or checked against) this table.
 */

export interface HackThresholds {
  /**
   * A sample's reward looks earned at or above this. null (the default): the midpoint of the rewards
   * seen in the file, (min + max) / 2; when every reward is the same, any reward above 0.
   */
  minReward: number | null;
  /** math-copies-prompt: a copied number needs at least this many significant digits (1, 2, 3 are everywhere). */
  copyMinDigits: number;
  /** math-hedge: this many different final answers (boxes, listed candidates) make a hedge when the reference has one. */
  hedgeMinAnswers: number;
  /** length-exploit: groups with at least this many rewarded samples are tested. */
  lengthMinGroup: number;
  /** length-exploit: Spearman rank correlation of reward with length, within one group, at or above this. */
  lengthMinRho: number;
  /**
   * repetition-padding: the n of the n-grams counted. Long reasoning repeats its 3-grams a lot (half of
   * QwQ's are repeats); whole 10-word runs repeat only in loops and padding.
   */
  repetitionNgram: number;
  /** repetition-padding: open-r1's repetition reward (−share of repeated n-grams) at or below this. */
  repetitionMax: number;
  /** repetition-padding: only completions with at least this many n-grams (a short answer repeats by chance). */
  repetitionMinNgrams: number;
  /** language-switch: words outside the target language in the reasoning, at least this many. */
  languageMinWords: number;
  /** rm-disagrees: |rule reward − reward-model score|, both scaled to [0, 1] over the file, at or above this. */
  rmMinGap: number;
  /** The best-ranked findings kept and listed. */
  maxFindings: number;
}

export interface ThresholdInfo {
  key: keyof HackThresholds;
  /** The CLI flag (without the dashes). */
  flag: string;
  min: number;
  max: number;
  integer: boolean;
  /** The README's and the setting's words. */
  doc: string;
}

export const DEFAULT_THRESHOLDS: Readonly<HackThresholds> = Object.freeze({
  minReward: null,
  copyMinDigits: 2,
  hedgeMinAnswers: 2,
  lengthMinGroup: 6,
  lengthMinRho: 0.7,
  repetitionNgram: 10,
  repetitionMax: -0.4,
  repetitionMinNgrams: 200,
  languageMinWords: 3,
  rmMinGap: 0.6,
  maxFindings: 1000,
});

export const THRESHOLD_INFO: readonly ThresholdInfo[] = [
  { key: 'minReward', flag: 'min-reward', min: -Infinity, max: Infinity, integer: false, doc: 'a reward at or above this looks earned (default: the midpoint of the file\'s rewards)' },
  { key: 'copyMinDigits', flag: 'copy-min-digits', min: 1, max: 20, integer: true, doc: 'math-copies-prompt: significant digits a copied number needs' },
  { key: 'hedgeMinAnswers', flag: 'hedge-min-answers', min: 2, max: 100, integer: true, doc: 'math-hedge: different final answers that make a hedge' },
  { key: 'lengthMinGroup', flag: 'length-min-group', min: 3, max: 1_000_000, integer: true, doc: 'length-exploit: rewarded samples a group needs to be tested' },
  { key: 'lengthMinRho', flag: 'length-min-rho', min: 0, max: 1, integer: false, doc: 'length-exploit: Spearman correlation of reward with length in a group' },
  { key: 'repetitionNgram', flag: 'repetition-ngram', min: 2, max: 50, integer: true, doc: 'repetition-padding: the n of the repeated n-grams' },
  { key: 'repetitionMax', flag: 'repetition-max', min: -1, max: 0, integer: false, doc: 'repetition-padding: repetition reward at or below this (−1…0)' },
  { key: 'repetitionMinNgrams', flag: 'repetition-min-ngrams', min: 1, max: 1e9, integer: true, doc: 'repetition-padding: n-grams a completion needs' },
  { key: 'languageMinWords', flag: 'language-min-words', min: 1, max: 1e9, integer: true, doc: 'language-switch: off-language words in the reasoning' },
  { key: 'rmMinGap', flag: 'rm-min-gap', min: 0, max: 1, integer: false, doc: 'rm-disagrees: gap between rule reward and reward-model score, both scaled to 0…1' },
  { key: 'maxFindings', flag: 'top', min: 1, max: 10_000_000, integer: true, doc: 'the best-ranked findings kept' },
];

/** A threshold value that is out of range or of the wrong type: names the field. */
export class ThresholdError extends Error {}

/**
 * Defaults overridden by `partial` (from a setting, CLI flags), every value checked: unknown names and
 * values out of range are errors naming the threshold.
 */
export function resolveThresholds(partial: Record<string, unknown> = {}): HackThresholds {
  const out: HackThresholds = { ...DEFAULT_THRESHOLDS };
  for (const [name, value] of Object.entries(partial)) {
    const info = THRESHOLD_INFO.find((t) => t.key === name);
    if (!info) throw new ThresholdError(`unknown threshold "${name}" (known: ${THRESHOLD_INFO.map((t) => t.key).join(', ')})`);
    if (value === undefined) continue;
    if (value === null && info.key === 'minReward') {
      out.minReward = null;
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ThresholdError(`threshold ${name}: expected a number, got ${JSON.stringify(value)}`);
    if (info.integer && !Number.isInteger(value)) throw new ThresholdError(`threshold ${name}: expected a whole number, got ${value}`);
    if (value < info.min || value > info.max) throw new ThresholdError(`threshold ${name}: ${value} is outside ${info.min}…${info.max}`);
    (out as unknown as Record<string, number>)[name] = value;
  }
  return out;
}

/**
 * `name=value` pairs (the CLI's --threshold, repeatable) as overrides for resolveThresholds: a name is
 * a threshold's key (lengthMinRho) or its flag (length-min-rho); `minReward=auto` restores the default
 * midpoint. Unknown names are errors that list the known ones.
 */
export function parseThresholdOverrides(pairs: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim() : '';
    const raw = eq > 0 ? pair.slice(eq + 1).trim() : '';
    if (!name || !raw) throw new ThresholdError(`expects name=value; got "${pair}"`);
    const info = THRESHOLD_INFO.find((t) => t.key === name || t.flag === name);
    if (!info) throw new ThresholdError(`unknown threshold "${name}" (known: ${THRESHOLD_INFO.map((t) => t.key).join(', ')})`);
    if (info.key === 'minReward' && raw === 'auto') {
      out[info.key] = null;
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new ThresholdError(`threshold ${info.key}: expected a number, got "${raw}"`);
    out[info.key] = value;
  }
  return out;
}
