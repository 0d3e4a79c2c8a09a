/**
 * Reading an SPCT judgement: its principles, its critique and one score per response. Judges drift
 * from the asked format (markdown, Chinese punctuation, "Score: 7/10", "Response 2: 6", a
 * reasoning model's <think> block), so several written forms are accepted, in a fixed order of
 * trust: the last line holding \boxed{…}, then a "Scores: 7, 3" line, then "Response i: s" labels,
 * then (one response) "Score: 7". Anything ambiguous — a count that does not match the responses,
 * a score off the scale, two different scores for one response, no score at all — is reported as
 * unparseable with the reason. Scores are never guessed, rounded into range or rescaled.
 */
import { SCORE_SCALE, type ScoreScale } from './spct';

export interface Principle {
  text: string;
  /** 0..1 when the judge gave "(weight: 40%)". */
  weight?: number;
}

interface Sections {
  principles: Principle[];
  principlesText: string;
  critique: string;
}

export type ParsedJudgement =
  | ({ ok: true; scores: number[]; source: 'boxed' | 'score-line' | 'labelled' } & Sections)
  | ({ ok: false; reason: string } & Sections);

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const DEN = String.raw`(?:\s*(?:\/|out of)\s*(\d+(?:\.\d+)?))?`;
const LABEL = String.raw`(?:response|answer|assistant|candidate|回答|回复|答案)`;
/** What may follow a score so that it is a score and not the start of "2 + 2 = 4". */
const AFTER = String.raw`(?=\s*(?:points?|分)?\s*(?:[,;.。、)\]]|$|\s[—–-]\s|\s+${LABEL}))`;
const HEADING = {
  principles: /^(?:specific\s+)?(?:principles?|criteria|评价原则|原则|评估标准)\s*:?\s*(.*)$/i,
  critique: /^(?:critique|analysis|evaluation|评价|分析|点评|评语)\s*:?\s*(.*)$/i,
  scores: /^(?:final\s+|overall\s+)?(?:scores?|ratings?|最终得分|最终评分|得分|评分|分数)\s*(?::|$)/i,
};

/**
 * Runs of whitespace as one space (one newline when the run holds one). The patterns below put `\s*`
 * next to each other around optional words; over a long run of spaces (a judge that rambles in blanks)
 * they backtrack once per split of the run (cubic), over a single space they cannot. One pass.
 */
function collapseSpaces(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; ) {
    if (!/\s/.test(text[i])) {
      i++;
      continue;
    }
    let j = i;
    let newline = false;
    while (j < text.length && /\s/.test(text[j])) newline ||= text[j++] === '\n';
    const one = newline ? '\n' : ' ';
    if (j - i > 1 || text[i] !== one) {
      out += text.slice(last, i) + one;
      last = j;
    }
    i = j;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** A line without markdown decoration: heading marks, emphasis, inline code, list bullets kept; runs of spaces as one. */
function plain(line: string): string {
  return collapseSpaces(line)
    .replace(/^\s*#{1,6}\s*/, '')
    .replace(/\*\*|__|`/g, '')
    .replace(/^\s*>\s?/, '')
    .trim();
}

function sections(lines: string[], scoresAt: number): Sections {
  let pStart = -1;
  let cStart = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = plain(lines[i]);
    if (pStart < 0 && HEADING.principles.test(l)) pStart = i;
    else if (cStart < 0 && HEADING.critique.test(l)) cStart = i;
  }
  const end = scoresAt >= 0 ? scoresAt : lines.length;
  const slice = (from: number, to: number, heading: RegExp) => {
    if (from < 0) return '';
    const first = plain(lines[from]).match(heading)?.[1] ?? '';
    return [first, ...lines.slice(from + 1, to)].join('\n').trim();
  };
  const principlesText = slice(pStart, cStart > pStart ? cStart : end, HEADING.principles);
  const critique =
    cStart >= 0
      ? slice(cStart, end > cStart ? end : lines.length, HEADING.critique)
      : lines
          .slice(pStart >= 0 ? end : 0, end)
          .join('\n')
          .trim();
  const principles: Principle[] = [];
  for (const raw of principlesText.split('\n')) {
    const m = plain(raw).match(/^(?:\d+[.)、]|[-*•])\s*(.+)$/);
    if (!m) continue;
    const w = m[1].match(/[(（]?\s*(?:weight|权重)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*%\s*[)）]?/i);
    const text = (w ? m[1].replace(w[0], '') : m[1]).trim().replace(/[:：]$/, '');
    principles.push(w ? { text, weight: Number(w[1]) / 100 } : { text });
  }
  return { principles, principlesText, critique };
}

/** The contents of every \boxed{…} (balanced braces) on one line. */
function boxedContents(line: string): string[] {
  const out: string[] = [];
  const re = /\\boxed\s*\{/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < line.length && depth > 0; i++) {
      if (line[i] === '{') depth++;
      else if (line[i] === '}') depth--;
    }
    out.push(depth === 0 ? line.slice(start, i - 1) : line.slice(start));
    re.lastIndex = i;
  }
  return out;
}

interface Raw {
  value: number;
  den?: number;
  shown: string;
}

function readNumberList(content: string): Raw[] | undefined {
  const cleaned = collapseSpaces(
    content
      .replace(/\\(?:text|mathrm|textbf)\s*\{([^}]*)\}/g, '$1')
      .replace(/\\[,;:! ]|\\quad|\$/g, ' ')
      .replace(/^\s*\[|\]\s*$/g, ''),
  ).trim();
  if (!cleaned) return undefined;
  const tokens = cleaned.split(/\s*[,;、]\s*|\s+(?=\d)/).filter((t) => t !== '');
  const out: Raw[] = [];
  for (const t of tokens) {
    const m = t.match(/^(\d+(?:\.\d+)?)(?:\s*\/\s*(\d+(?:\.\d+)?))?$/);
    if (!m) return undefined;
    out.push({ value: Number(m[1]), den: m[2] === undefined ? undefined : Number(m[2]), shown: t });
  }
  return out;
}

function check(raw: Raw[], n: number, scale: ScoreScale, where: string): { scores?: number[]; reason?: string } {
  if (raw.length !== n) {
    return { reason: `${where} has ${raw.length} score${raw.length === 1 ? '' : 's'} for ${n} response${n === 1 ? '' : 's'}` };
  }
  for (const r of raw) {
    if (r.den !== undefined && r.den !== scale.max) return { reason: `score ${r.shown} in ${where} is not on the ${scale.min}–${scale.max} scale` };
    if (r.value < scale.min || r.value > scale.max) return { reason: `score ${r.shown} in ${where} is outside ${scale.min}–${scale.max}` };
  }
  return { scores: raw.map((r) => r.value) };
}

/**
 * Parse one judgement of `n` responses. `text` is the judge's whole answer (a reasoning model's
 * <think>…</think> is skipped; an unclosed one means the scores were never written).
 */
export function parseJudgement(text: string, n: number, scale: ScoreScale = SCORE_SCALE): ParsedJudgement {
  let body = text.normalize('NFKC');
  const thinkEnd = body.lastIndexOf('</think>');
  if (thinkEnd >= 0) body = body.slice(thinkEnd + '</think>'.length);
  const lines = body.split(/\r?\n/);
  const fail = (reason: string, scoresAt = -1): ParsedJudgement => ({ ok: false, reason, ...sections(lines, scoresAt) });

  if (!body.trim()) return fail(thinkEnd >= 0 ? 'nothing after </think>' : 'empty judgement');
  if (thinkEnd < 0 && /<think>/i.test(body)) return fail('the judgement stopped inside <think> (no </think>), so no scores were written');

  // 1. The last line holding \boxed{…}: the format asked for.
  for (let i = lines.length - 1; i >= 0; i--) {
    const boxes = boxedContents(lines[i]);
    if (boxes.length === 0) continue;
    const at = HEADING.scores.test(plain(lines[i])) ? i : -1;
    const raw: Raw[] = [];
    for (const b of boxes) {
      const list = readNumberList(b);
      if (!list) return fail(`\\boxed{${b.slice(0, 60)}} is not a list of numbers`, at);
      raw.push(...list);
    }
    const shown = boxes.length === 1 ? `\\boxed{${boxes[0]}}` : `the \\boxed{} on line ${i + 1}`;
    const r = check(raw, n, scale, shown);
    return r.scores ? { ok: true, scores: r.scores, source: 'boxed', ...sections(lines, at) } : fail(r.reason!, at);
  }

  // 2. A "Scores: 7, 3" / "Score: 7/10" line holding only numbers.
  const listLine = new RegExp(String.raw`^(?:final\s+|overall\s+)?(?:scores?|ratings?|最终得分|最终评分|得分|评分|分数)\s*[:=]\s*\[?\s*(${NUM}${DEN}(?:\s*[,;、]\s*${NUM}${DEN})*)\s*\]?\s*[.。]?$`, 'i');
  const lists: { raw: Raw[]; line: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = plain(lines[i]);
    const m = l.match(listLine);
    const raw = m && readNumberList(m[1]);
    if (raw) lists.push({ raw, line: i, text: l });
  }
  if (lists.length > 0) {
    const last = lists[lists.length - 1];
    const key = (r: Raw[]) => r.map((x) => x.value).join(',');
    const other = lists.find((l) => key(l.raw) !== key(last.raw));
    if (other) return fail(`conflicting score lines: "${other.text}" (line ${other.line + 1}) and "${last.text}" (line ${last.line + 1})`, last.line);
    const r = check(last.raw, n, scale, `"${last.text}"`);
    return r.scores ? { ok: true, scores: r.scores, source: 'score-line', ...sections(lines, last.line) } : fail(r.reason!, last.line);
  }

  // 3. "Response 2: 6", "Score for Response 2: 6/10" — after a Scores heading when there is one.
  let scoresAt = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (HEADING.scores.test(plain(lines[i]))) {
      scoresAt = i;
      break;
    }
  }
  const region = lines.slice(Math.max(0, scoresAt)).map(plain).join('\n');
  const labelled = new RegExp(
    String.raw`(?:(?:score|rating|得分|评分)\s+(?:for|of)\s+)?${LABEL}\s*#?\s*(\d+)\s*(?:'s)?\s*(?:score|rating|得分|评分)?\s*[:=]\s*${NUM}${DEN}${AFTER}`,
    'gim',
  );
  const byIndex = new Map<number, Raw>();
  for (const m of region.matchAll(labelled)) {
    const idx = Number(m[1]);
    const raw: Raw = { value: Number(m[2]), den: m[3] === undefined ? undefined : Number(m[3]), shown: m[0].trim() };
    const seen = byIndex.get(idx);
    if (seen && (seen.value !== raw.value || seen.den !== raw.den)) return fail(`conflicting scores for response ${idx}: "${seen.shown}" and "${raw.shown}"`, scoresAt);
    byIndex.set(idx, raw);
  }
  if (byIndex.size > 0) {
    const extra = [...byIndex.keys()].filter((i) => i < 1 || i > n);
    if (extra.length) return fail(`a score for response ${extra[0]}, but there ${n === 1 ? 'is 1 response' : `are ${n} responses`}`, scoresAt);
    const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
    if (missing.length) return fail(`no score for response ${missing.join(', ')}`, scoresAt);
    const r = check(
      Array.from({ length: n }, (_, i) => byIndex.get(i + 1)!),
      n,
      scale,
      'the response scores',
    );
    return r.scores ? { ok: true, scores: r.scores, source: 'labelled', ...sections(lines, scoresAt) } : fail(r.reason!, scoresAt);
  }

  // 4. One response: "Score: 7" inside a line ("Overall score: 7/10 — solid").
  const inline = new RegExp(String.raw`(?:^|[^\p{L}])(?:final\s+|overall\s+)?(?:score|rating|得分|评分|分数)\s*[:=]\s*${NUM}${DEN}${AFTER}`, 'gimu');
  const found = [...body.normalize('NFKC').split(/\r?\n/).map(plain).join('\n').matchAll(inline)].map(
    (m): Raw => ({ value: Number(m[1]), den: m[2] === undefined ? undefined : Number(m[2]), shown: m[0].trim() }),
  );
  if (found.length > 0) {
    if (n !== 1) return fail(`only an overall "${found[found.length - 1].shown}" for ${n} responses; expected one score per response`, scoresAt);
    const distinct = new Set(found.map((f) => `${f.value}/${f.den ?? ''}`));
    if (distinct.size > 1) return fail(`conflicting scores: ${found.map((f) => `"${f.shown}"`).join(', ')}`, scoresAt);
    const r = check([found[found.length - 1]], n, scale, `"${found[found.length - 1].shown}"`);
    return r.scores ? { ok: true, scores: r.scores, source: 'score-line', ...sections(lines, scoresAt) } : fail(r.reason!, scoresAt);
  }

  return fail(`no scores found (expected a final line "Scores: \\boxed{…}" with ${n} score${n === 1 ? '' : 's'})`, scoresAt);
}
