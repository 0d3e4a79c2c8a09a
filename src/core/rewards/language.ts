/**
 * language: R1's language-consistency reward, the share of the chain of thought's words that are in
 * the target language. Range [0, 1].
 *
 * - The text judged is the reasoning (inside the think tags; the whole text when untagged).
 * - Words come from the shared scanner (text.ts): each Han character is a word; runs of Latin letters,
 *   kana, Hangul, Cyrillic, Arabic, Hebrew, Devanagari, Thai, Greek (2+ letters) are words; numbers,
 *   single letters (math variables), LaTeX commands, symbols and code punctuation do not count.
 * - The target is a script set: option `language`, else `record.language`, else the prompt's dominant
 *   script, else the completion's. Codes are BCP-47-ish (en, zh, zh-CN, ja, ko, ru, fr, de, es, ar ...).
 *   Latin-script languages are not told apart (English vs French is not checked); ja accepts Han and
 *   kana; zh accepts Han only.
 * - Value null only when there is nothing at all to judge (empty reasoning) or the language code is
 *   unknown; reasoning with text but no words (only math) gets 1 with detail "no words to judge".
 */
import type { Highlight, RewardFunction, RewardRecord, RewardValue } from './types';
import { FIRST_NON_SCRIPT_KIND, SCRIPT_NAMES, WordKind, scanWords, splitThink, strOpt } from './text';

export interface LanguageOptions {
  /** Target language; overrides record.language and detection. */
  language?: string;
  thinkTag?: string;
  /** Cap on off-language highlight spans (default 500). */
  maxHighlights?: number;
  /** Cap on listed off-language words (default 20). */
  maxItems?: number;
}

const LATIN_LANGS = [
  'en', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'no', 'nb', 'nn', 'fi', 'is', 'pl', 'cs', 'sk', 'sl', 'hr', 'bs',
  'ro', 'hu', 'tr', 'id', 'ms', 'vi', 'tl', 'fil', 'sw', 'ca', 'eu', 'gl', 'et', 'lv', 'lt', 'sq', 'af', 'ga', 'cy', 'la', 'eo', 'az', 'uz',
];
const LANG_SCRIPTS: Record<string, number[]> = {};
for (const l of LATIN_LANGS) LANG_SCRIPTS[l] = [WordKind.Latin];
LANG_SCRIPTS.zh = [WordKind.Han];
LANG_SCRIPTS.yue = [WordKind.Han];
LANG_SCRIPTS.ja = [WordKind.Han, WordKind.Kana];
LANG_SCRIPTS.ko = [WordKind.Hangul];
for (const l of ['ru', 'uk', 'bg', 'sr', 'be', 'kk', 'mk', 'mn', 'ky', 'tg']) LANG_SCRIPTS[l] = [WordKind.Cyrillic];
for (const l of ['ar', 'fa', 'ur', 'ps']) LANG_SCRIPTS[l] = [WordKind.Arabic];
LANG_SCRIPTS.he = [WordKind.Hebrew];
LANG_SCRIPTS.iw = [WordKind.Hebrew];
for (const l of ['hi', 'mr', 'ne', 'sa']) LANG_SCRIPTS[l] = [WordKind.Devanagari];
LANG_SCRIPTS.th = [WordKind.Thai];
LANG_SCRIPTS.el = [WordKind.Greek];

const K_LATIN = WordKind.Latin;
const K_CYRILLIC = WordKind.Cyrillic;
const K_GREEK = WordKind.Greek;

/** The language code a script stands for when detected. */
const SCRIPT_LANG: Record<number, string> = {
  [WordKind.Latin]: 'en',
  [WordKind.Han]: 'zh',
  [WordKind.Kana]: 'ja',
  [WordKind.Hangul]: 'ko',
  [WordKind.Cyrillic]: 'ru',
  [WordKind.Arabic]: 'ar',
  [WordKind.Greek]: 'el',
  [WordKind.Hebrew]: 'he',
  [WordKind.Devanagari]: 'hi',
  [WordKind.Thai]: 'th',
};

/** Script set for a BCP-47-ish code ("zh-CN", "en_US", "ZH"); undefined when unknown. */
export function scriptsForLanguage(code: string): number[] | undefined {
  const primary = code.trim().toLowerCase().split(/[-_]/)[0];
  return LANG_SCRIPTS[primary];
}

/** The dominant language of a text by script word counts (ja when kana are present among Han), undefined when no words. */
export function detectLanguage(text: string): string | undefined {
  const scan = scanWords(text);
  const counts = new Int32Array(FIRST_NON_SCRIPT_KIND);
  for (let i = 0; i < scan.length; i++) {
    const k = scan.kinds[i];
    if (k < FIRST_NON_SCRIPT_KIND) counts[k]++;
  }
  // Japanese: kana mixed with Han count together
  if (counts[WordKind.Kana] > 0) {
    counts[WordKind.Kana] += counts[WordKind.Han];
    counts[WordKind.Han] = 0;
  }
  let best = 0;
  let bestCount = 0;
  for (let k = 1; k < FIRST_NON_SCRIPT_KIND; k++) {
    if (counts[k] > bestCount) {
      best = k;
      bestCount = counts[k];
    }
  }
  return bestCount > 0 ? SCRIPT_LANG[best] : undefined;
}

/** Letters of each script, as regex class ranges (the ranges of text.ts's scanner). */
const SCRIPT_RANGES: Record<number, string> = {
  [WordKind.Latin]: 'A-Za-z\\u00aa\\u00b5\\u00ba\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u024f\\u1e00-\\u1eff',
  [WordKind.Han]: '\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff',
  [WordKind.Kana]: '\\u3040-\\u30ff\\u31f0-\\u31ff\\uff66-\\uff9f',
  [WordKind.Hangul]: '\\u1100-\\u11ff\\u3130-\\u318f\\uac00-\\ud7af',
  [WordKind.Cyrillic]: '\\u0400-\\u052f',
  [WordKind.Arabic]: '\\u0600-\\u06ff\\u0750-\\u077f',
  [WordKind.Greek]: '\\u0370-\\u03ff',
  [WordKind.Hebrew]: '\\u05d0-\\u05ea',
  [WordKind.Devanagari]: '\\u0900-\\u097f',
  [WordKind.Thai]: '\\u0e01-\\u0e4e',
};
const otherScriptsCache = new Map<string, RegExp>();
/** A regex matching any letter of a script outside `scripts` (a superset of what the scanner counts as such). */
function otherScriptsPattern(scripts: number[]): RegExp {
  const key = scripts.join(',');
  let re = otherScriptsCache.get(key);
  if (!re) {
    const parts = Object.keys(SCRIPT_RANGES)
      .map(Number)
      .filter((k) => !scripts.includes(k))
      .map((k) => SCRIPT_RANGES[k]);
    re = new RegExp(`[${parts.join('')}]`);
    otherScriptsCache.set(key, re);
  }
  return re;
}

/** The `k` most frequent entries, most frequent first, ties in first-seen order (no full sort). */
function topCounts(counts: Map<string, number>, k: number): Array<[string, number]> {
  const top: Array<[string, number]> = [];
  if (k <= 0) return top;
  for (const entry of counts) {
    if (top.length === k && entry[1] <= top[k - 1][1]) continue;
    let i = top.length < k ? top.length : k - 1;
    if (top.length < k) top.push(entry);
    while (i > 0 && top[i - 1][1] < entry[1]) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = entry;
  }
  return top;
}

let promptCacheText: string | undefined;
let promptCacheLang: string | undefined;
/** detectLanguage for prompts, cached for the last prompt (the samples of a GRPO group share it). */
function promptLanguage(prompt: string): string | undefined {
  if (promptCacheText !== prompt) {
    promptCacheLang = detectLanguage(prompt);
    promptCacheText = prompt;
  }
  return promptCacheLang;
}

export const language: RewardFunction<LanguageOptions> = {
  name: 'language',
  range: [0, 1],
  description: "Language consistency (R1): share of the reasoning's words in the target language.",
  defaults: { thinkTag: 'think', maxHighlights: 500, maxItems: 20 },
  score(record: RewardRecord, options: LanguageOptions): RewardValue {
    const text = record.completion;
    const sp = splitThink(text, strOpt(options.thinkTag, 'think'));
    const from = sp.thinkStart;
    const to = sp.thinkEnd;
    if (text.slice(from, to).trim().length === 0) {
      return { value: null, detail: 'nothing to judge: empty reasoning' };
    }
    let target: string | undefined;
    let origin = '';
    if (typeof options.language === 'string' && options.language.trim()) {
      target = options.language.trim();
    } else if (record.language && record.language.trim()) {
      target = record.language.trim();
    } else {
      target = promptLanguage(record.prompt);
      origin = ' (from the prompt)';
      if (!target) {
        target = detectLanguage(text.slice(from, to));
        origin = ' (from the completion)';
      }
    }
    if (!target) return { value: 1, detail: 'no words to judge (only numbers, math and symbols)' };
    const scripts = scriptsForLanguage(target);
    if (!scripts) {
      return { value: null, detail: `unknown language "${target}": cannot judge (known: ${Object.keys(LANG_SCRIPTS).slice(0, 12).join(', ')}, zh, ja, ko, ru, ar ...)` };
    }
    // Fast path: no letter of any other script in the reasoning → no off-language word, value 1
    // (exactly what the full scan gives; only the word count is left out of the detail).
    if (!otherScriptsPattern(scripts).test(text.slice(from, to))) {
      return { value: 1, detail: `100% of words in ${target}${origin} (no letters of other scripts)`, highlights: [], items: [] };
    }
    const isTarget = new Uint8Array(FIRST_NON_SCRIPT_KIND);
    for (const s of scripts) isTarget[s] = 1;

    const scan = scanWords(text, from, to);
    const maxHighlights = Math.max(0, Math.floor(options.maxHighlights ?? 500));
    const maxItems = Math.max(0, Math.floor(options.maxItems ?? 20));
    let total = 0;
    let off = 0;
    const offCounts = new Map<string, number>();
    const offScripts = new Int32Array(FIRST_NON_SCRIPT_KIND);
    const highlights: Highlight[] = [];
    let spanStart = -1;
    let spanEnd = -1;
    let spanTruncated = false;
    const kinds = scan.kinds;
    const starts = scan.starts;
    const ends = scan.ends;
    const nWords = scan.length;
    const firstNonScript = FIRST_NON_SCRIPT_KIND;
    for (let i = 0; i < nWords; i++) {
      const k = kinds[i];
      if (k >= firstNonScript) continue;
      total++;
      if (isTarget[k] === 1) {
        if (spanStart !== -1) {
          if (highlights.length < maxHighlights) highlights.push({ start: spanStart, end: spanEnd, kind: 'off-language' });
          else spanTruncated = true;
          spanStart = -1;
        }
        continue;
      }
      off++;
      offScripts[k]++;
      const s = starts[i];
      const e = ends[i];
      if (spanStart === -1) spanStart = s;
      spanEnd = e;
      let w = text.slice(s, e);
      if (k === K_LATIN || k === K_CYRILLIC || k === K_GREEK) {
        const c0 = text.charCodeAt(s);
        if (c0 < 97 || c0 > 122) w = w.toLowerCase(); // capitalised or non-ASCII first letter
      }
      const prev = offCounts.get(w);
      if (prev !== undefined) offCounts.set(w, prev + 1);
      else if (offCounts.size < 5000) offCounts.set(w, 1);
    }
    if (spanStart !== -1) {
      if (highlights.length < maxHighlights) highlights.push({ start: spanStart, end: spanEnd, kind: 'off-language' });
      else spanTruncated = true;
    }
    if (total === 0) return { value: 1, detail: 'no words to judge (only numbers, math and symbols)' };
    const value = (total - off) / total;
    const pct = Math.floor(value * 100) === 100 && off > 0 ? 99 : Math.round(value * 100);
    let detail = `${pct}% of ${total} word${total === 1 ? "" : "s"} in ${target}${origin}`;
    if (off > 0) {
      const by: string[] = [];
      for (let k = 1; k < FIRST_NON_SCRIPT_KIND; k++) if (offScripts[k] > 0) by.push(`${SCRIPT_NAMES[k]} ${offScripts[k]}`);
      detail += ` (off-language: ${off}; ${by.join(', ')})`;
    }
    if (spanTruncated) detail += `; first ${maxHighlights} off-language spans highlighted`;
    const items = topCounts(offCounts, maxItems).map(([w, c]) => (c > 1 ? `${w} ×${c}` : w));
    return { value, detail, highlights, items };
  },
};
