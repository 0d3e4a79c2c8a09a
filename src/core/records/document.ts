/**
 * A RewardRecord from an editor document. Metadata can be given two ways:
 *
 * 1. Front matter at the very top (an optional BOM first):
 *        ---
 *        prompt: What is 6 × 7?
 *        answer: "42"
 *        language: en
 *        reference: 'The answer is 42.'
 *        id: sample-3
 *        ---
 *    Values may be bare, 'single-quoted' ('' escapes a quote) or "double-quoted" (\" \\ \n \t escapes).
 *    Block scalars `key: |` (lines kept) and `key: >` (lines folded with spaces), `|-` `>-` too, take
 *    the following lines indented deeper than the key (no final newline: chomping is ignored). Unknown keys are ignored.
 *    The front matter ends at a line `---` or `...`; without a closing line it is not front matter.
 *
 * 2. Comment lines anywhere, one key each (keys lowercase: prompt, answer, language, reference, id):
 *        <!-- answer: 42 -->     # answer: 42     // answer: 42     %% answer: 42
 *    A comment value overrides the front matter's. Comment lines are not part of the completion: at the
 *    edges of the completion they are cut off, inside it they are replaced by spaces of the same length,
 *    so completion offsets still map to document offsets by adding `completionOffset`.
 *
 * The completion is the selection when given, else the body (the document after the front matter).
 */
import type { RewardRecord } from '../rewards/types';

export type MetaSource = 'front-matter' | 'comment';

export interface DocumentRecord {
  record: RewardRecord;
  /** Document offset of completion offset 0. */
  completionOffset: number;
  /** Where each field came from. */
  source: { prompt?: MetaSource; answer?: MetaSource; language?: MetaSource; reference?: MetaSource; id?: MetaSource };
}

const KEYS = new Set(['prompt', 'answer', 'language', 'reference', 'id']);
type Key = 'prompt' | 'answer' | 'language' | 'reference' | 'id';

// The start of a comment line with a key: `<!-- key: value -->`, `# key: value`, `// key: value`,
// `%% key: value`. The value is cut out by hand: a lazy `(.*?)[ \t]*$` would backtrack over a long run
// of spaces once per character of it (quadratic).
const COMMENT_START_RE = /^[ \t]*(?:(<!--)|#|\/\/|%%)[ \t]*(prompt|answer|language|reference|id)[ \t]*:[ \t]?/;
const LINE_BREAKS_RE = /[\r\u2028\u2029]/;

/** The key and raw value of a comment line (without its line end), or undefined when it is not one. */
function commentLine(line: string): { key: Key; value: string } | undefined {
  const m = COMMENT_START_RE.exec(line);
  if (!m) return undefined;
  const from = m[0].length;
  let end = line.length;
  while (end > from && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  if (m[1]) {
    if (end - 3 < from || !line.startsWith('-->', end - 3)) return undefined;
    end -= 3;
    while (end > from && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  }
  const value = line.slice(from, end);
  return LINE_BREAKS_RE.test(value) ? undefined : { key: m[2] as Key, value };
}

interface Line {
  start: number;
  /** End of the line's content (before \r?\n). */
  end: number;
  /** Start of the next line. */
  next: number;
}

function lines(text: string, from: number, to: number): Line[] {
  const out: Line[] = [];
  let pos = from;
  while (pos < to) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1 || nl >= to) nl = to;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    out.push({ start: pos, end, next: Math.min(nl + 1, to) });
    if (nl >= to) break;
    pos = nl + 1;
  }
  return out;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    return t.slice(1, -1).replace(/\\(["\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  }
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}

function indentOf(s: string): number {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

interface FrontMatter {
  values: Partial<Record<Key, string>>;
  /** Offset where the body starts. */
  bodyStart: number;
}

function parseFrontMatter(text: string): FrontMatter | undefined {
  const base = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const all = lines(text, base, text.length);
  if (all.length === 0 || text.slice(all[0].start, all[0].end).trimEnd() !== '---') return undefined;
  let close = -1;
  for (let i = 1; i < all.length; i++) {
    const l = text.slice(all[i].start, all[i].end).trimEnd();
    if (l === '---' || l === '...') {
      close = i;
      break;
    }
  }
  if (close === -1) return undefined;
  const values: Partial<Record<Key, string>> = {};
  for (let i = 1; i < close; i++) {
    const raw = text.slice(all[i].start, all[i].end);
    const m = /^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*))?$/.exec(raw);
    if (!m || indentOf(raw) > 0) continue;
    const key = m[1];
    const rest = (m[2] ?? '').trim();
    const block = /^([|>])([+-]?)$/.exec(rest);
    let value: string;
    if (block) {
      const blockLines: string[] = [];
      let minIndent = Infinity;
      let j = i + 1;
      for (; j < close; j++) {
        const l = text.slice(all[j].start, all[j].end);
        if (l.trim() === '') {
          blockLines.push('');
          continue;
        }
        const ind = indentOf(l);
        if (ind === 0) break;
        minIndent = Math.min(minIndent, ind);
        blockLines.push(l);
      }
      i = j - 1;
      const body = blockLines.map((l) => (l === '' ? '' : l.slice(minIndent === Infinity ? 0 : minIndent)));
      while (body.length > 0 && body[body.length - 1] === '') body.pop();
      // A record field: the final newline YAML's clip/keep chomping would add is dropped.
      value = block[1] === '|' ? body.join('\n') : foldLines(body);
    } else {
      value = unquote(rest);
    }
    if (KEYS.has(key)) values[key as Key] = value;
  }
  return { values, bodyStart: all[close].next };
}

/** `>` folding: lines joined by spaces, blank lines kept as newlines. */
function foldLines(body: string[]): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const l = body[i];
    if (l === '') out += '\n';
    else out += (out.length > 0 && !out.endsWith('\n') ? ' ' : '') + l;
  }
  return out;
}

export function recordFromDocumentText(text: string, id: string, selection?: { start: number; end: number }): DocumentRecord {
  const fm = parseFrontMatter(text);
  const values: Partial<Record<Key, string>> = { ...(fm?.values ?? {}) };
  const source: DocumentRecord['source'] = {};
  for (const k of Object.keys(values) as Key[]) source[k] = 'front-matter';
  const bodyStart = fm ? fm.bodyStart : text.charCodeAt(0) === 0xfeff ? 1 : 0;

  // comment lines anywhere in the body
  const bodyLines = lines(text, bodyStart, text.length);
  const commentLines: Line[] = [];
  for (const l of bodyLines) {
    // quick reject before the regex
    const c = text.charCodeAt(l.start + indentOf(text.slice(l.start, Math.min(l.end, l.start + 16))));
    if (c !== 60 /* < */ && c !== 35 /* # */ && c !== 47 /* / */ && c !== 37 /* % */) continue;
    const m = commentLine(text.slice(l.start, l.end));
    if (!m) continue;
    const key = m.key;
    values[key] = unquote(m.value);
    source[key] = 'comment';
    commentLines.push(l);
  }

  let from = bodyStart;
  let to = text.length;
  if (selection) {
    from = Math.max(0, Math.min(selection.start, selection.end, text.length));
    to = Math.min(text.length, Math.max(selection.start, selection.end));
  }
  // cut comment lines (and blank lines) at the edges, blank those inside
  const inRange = commentLines.filter((l) => l.start < to && l.end > from);
  let i = 0;
  while (i < inRange.length && onlyBlankBetween(text, from, inRange[i].start)) {
    from = Math.max(from, Math.min(inRange[i].next, to));
    i++;
  }
  let j = inRange.length - 1;
  while (j >= i && onlyBlankBetween(text, inRange[j].end, to)) {
    to = Math.max(from, Math.min(to, inRange[j].start));
    j--;
  }
  let completion = text.slice(from, to);
  if (j >= i) {
    const parts: string[] = [];
    let pos = from;
    for (let k = i; k <= j; k++) {
      const l = inRange[k];
      const s = Math.max(l.start, from);
      const e = Math.min(l.end, to);
      parts.push(text.slice(pos, s), ' '.repeat(e - s));
      pos = e;
    }
    parts.push(text.slice(pos, to));
    completion = parts.join('');
  }

  const record: RewardRecord = { id: values.id && values.id.trim() ? values.id.trim() : id, prompt: values.prompt ?? '', completion };
  if (values.answer !== undefined && values.answer.trim() !== '') record.answer = values.answer;
  if (values.reference !== undefined && values.reference !== '') record.reference = values.reference;
  if (values.language !== undefined && values.language.trim() !== '') record.language = values.language.trim();
  if (record.answer === undefined) delete source.answer;
  return { record, completionOffset: from, source };
}

function onlyBlankBetween(text: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const c = text.charCodeAt(k);
    if (!(c === 32 || c === 9 || c === 10 || c === 13)) return false;
  }
  return true;
}
