/**
 * Normalization of a final answer (LaTeX or plain text) into a canonical string that the equivalence
 * checks read. Every step is a single linear pass or a regex without nested quantifiers.
 */

/** Commands whose argument is kept and the command dropped: `\text{Evelyn}` → `Evelyn`. */
const UNWRAP = new Set([
  'text',
  'textbf',
  'textit',
  'textrm',
  'textsf',
  'texttt',
  'textnormal',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'mathbb',
  'mathcal',
  'mbox',
  'hbox',
  'operatorname',
  'boxed',
  'fbox',
  'displaystyle',
  'bm',
  'boldsymbol',
]);

/**
 * Drop unwrapping commands and keep their argument, in one pass with a brace stack (nested braces,
 * `\text{a {b}}`, `\boxed{\frac{1}{3}}`): linear in the input.
 */
export function unwrapCommands(s: string): string {
  if (s.indexOf('\\') === -1) return s;
  let out = '';
  let last = 0;
  // true = this brace opened an unwrapped command's argument and its close is dropped too
  const stack: boolean[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      let j = i + 1;
      while (j < s.length && isAsciiLetter(s.charCodeAt(j))) j++;
      if (j === i + 1) {
        i++; // \{ \} \, … : an escaped char, not a brace
        continue;
      }
      const name = s.slice(i + 1, j);
      if (UNWRAP.has(name)) {
        let k = j;
        while (k < s.length && s.charCodeAt(k) === 32) k++;
        out += s.slice(last, i);
        if (s.charCodeAt(k) === 123) {
          stack.push(true);
          last = k + 1;
          i = k;
        } else {
          last = j; // \displaystyle without an argument
          i = j - 1;
        }
        continue;
      }
      i = j - 1;
    } else if (c === 123) {
      stack.push(false);
    } else if (c === 125 && stack.length > 0) {
      if (stack.pop()) {
        out += s.slice(last, i);
        last = i + 1;
      }
    }
  }
  return out + s.slice(last);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const ESCAPED_DOLLAR_RE = /\\\$/g;
const DOLLAR_RE = /\$/g;
const DISPLAY_DELIM_RE = /\\[()[\]]/g;
const MD_EMPH_RE = /\*\*|__/g;
// LaTeX thousands separators between digits: 10{,}000, 12,\!000, 1\,000, 14 {, }916
const THOUSANDS_SEP_RE = /(\d)\s*(?:\{\s*,\s*\}|,\\!|\\!|\\,|\\ )\s*(?=\d{3}(?!\d))/g;
const LEFT_RIGHT_RE = /\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])\s*\.?/g;
const SPACING_RE = /(?<!\\)\\[,;:! ]|\\q?quad(?![a-zA-Z])|~/g;
const DEGREE_RE = /\^\s*\{?\s*\\circ\s*\}?|°|\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])/g;
const FRAC_VARIANT_RE = /\\[dtc]frac(?![a-zA-Z])/g;
// \frac94 → \frac{9}{4}, \frac3{3} → \frac{3}{3}, \sqrt3 → \sqrt{3}, \sqrt x → \sqrt{x}
const FRAC_DIGITS_RE = /\\frac\s*(\d)\s*(\d)/g;
const FRAC_DIGIT_BRACE_RE = /\\frac\s*(\d)\s*\{/g;
const SQRT_BARE_RE = /\\sqrt\s*([0-9a-zA-Z])/g;
const LE_RE = /\\leq(?:slant)?(?![a-zA-Z])|≤|<=|⩽/g;
const GE_RE = /\\geq(?:slant)?(?![a-zA-Z])|≥|>=|⩾/g;
const NE_RE = /\\neq(?![a-zA-Z])|≠|!=/g;
const LT_RE = /\\lt(?![a-zA-Z])/g;
const GT_RE = /\\gt(?![a-zA-Z])/g;
const APPROX_RE = /≈|\\simeq(?![a-zA-Z])|\\sim(?![a-zA-Z])/g;
// "6 and 8", "1, 2, and 3", "(11,7) or (7,11)", "(11,7)or(7,11)": a list; Chinese 和 / 或 too.
// Whitespace runs are one space by then, so no pattern here backtracks over a long run.
const CONJUNCTION_RE = /,? (?:and|or) |,(?:and|or) |(?<=[)\]}]) ?(?:and|or) ?(?=[([{\\])| ?(?:和|或|、) ?/g;
// "32, 349" is a list, not 32349: a comma then a space before a group of three digits separates items
// (written `;`, which the list reader splits on too and no number reading accepts)
const LIST_COMMA_RE = /(\d), (?=\d{3}(?!\d))/g;
// Text escaped twice (JSON-in-JSON: "\\frac{1}{2}") when no command has a single backslash
const DOUBLE_ESCAPED_RE = /\\\\[a-zA-Z]/;
const SINGLE_COMMAND_RE = /(?<!\\)\\[a-zA-Z]/;
const WS_RE = /\s+/g;
const TRAILING = new Set(['.', '。', ',', ';', '，', '；']);

/** Answers with nothing to normalize but case: integers and single words. */
const FAST_RE = /^(?:[+-]?\d+|[A-Za-z]+)$/;

/**
 * Normalize an answer for comparison: strip `$…$`, `\( \)`, `\[ \]`, `\text{…}`-like wrappers (also a
 * nested `\boxed{…}`), `\left`/`\right`, LaTeX spacing, degrees, markdown bold, whitespace and trailing
 * punctuation; LaTeX thousands separators (`10{,}000`, `12,\!000`) go; `\%` → %; `\dfrac`/`\tfrac`/`\cfrac`
 * → `\frac`, `\frac94` → `\frac{9}{4}`, `\sqrt3` → `\sqrt{3}`; relation signs to one spelling (`\le`,
 * `\ge`, `\ne`); "a and b" / "a or b" → "a,b"; lowercase.
 */
export function normalizeAnswer(raw: string): string {
  if (FAST_RE.test(raw)) return raw.toLowerCase();
  const hit = memo.get(raw);
  if (hit !== undefined) return hit;
  const out = normalize(raw);
  // one judgement normalizes the same reference and answer several times; a group of samples shares a reference
  if (raw.length <= 4096) {
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
    memo.set(raw, out);
  }
  return out;
}

const memo = new Map<string, string>();
const MEMO_SIZE = 64;

function normalize(raw: string): string {
  let s = raw.replace(WS_RE, ' ');
  if (s.indexOf('*') !== -1 || s.indexOf('_') !== -1) s = s.replace(MD_EMPH_RE, '');
  if (s.indexOf('$') !== -1) s = s.replace(ESCAPED_DOLLAR_RE, ' ').replace(DOLLAR_RE, ' ');
  if (s.indexOf('\\') !== -1) {
    if (DOUBLE_ESCAPED_RE.test(s) && !SINGLE_COMMAND_RE.test(s)) s = s.replace(/\\\\/g, '\\');
    s = s.replace(DISPLAY_DELIM_RE, ' ');
    s = unwrapCommands(s);
    s = s.replace(THOUSANDS_SEP_RE, '$1');
    s = s.replace(LEFT_RIGHT_RE, '');
    s = s.replace(SPACING_RE, ' ');
    s = s.replace(/\\%/g, '%').replace(FRAC_VARIANT_RE, '\\frac');
    s = s.replace(FRAC_DIGITS_RE, '\\frac{$1}{$2}').replace(FRAC_DIGIT_BRACE_RE, '\\frac{$1}{').replace(SQRT_BARE_RE, '\\sqrt{$1}');
    s = s.replace(LT_RE, '<').replace(GT_RE, '>');
    s = s.replace(WS_RE, ' ');
  } else if (s.indexOf('{') !== -1) {
    s = s.replace(THOUSANDS_SEP_RE, '$1');
  }
  s = s.replace(DEGREE_RE, '');
  s = s.replace(LE_RE, '\\le ').replace(GE_RE, '\\ge ').replace(NE_RE, '\\ne ').replace(APPROX_RE, '\\approx ');
  s = s.replace(/−/g, '-').replace(/×/g, '\\times ').replace(/π/g, '\\pi ').replace(/\+ ?\\infty/g, '\\infty');
  s = s.replace(CONJUNCTION_RE, ',').replace(LIST_COMMA_RE, '$1;');
  s = s.replace(WS_RE, '');
  let end = s.length;
  while (end > 0 && TRAILING.has(s[end - 1])) end--;
  let start = 0;
  while (start < end && s[start] === ',') start++;
  return s.slice(start, end).toLowerCase();
}
