/**
 * The code inside a completion, for the code rules: the fenced blocks (```python … ```), else the
 * whole answer when it reads as a program (a `def`, `class`, `import` or `function` line); and a copy
 * of it with comments and the insides of string literals blanked out (same length, so offsets carry
 * over), so that `sys.exit` in a docstring or `# never exit(0) here` is not read as a call.
 * Every scan here is one linear pass.
 */

export type CodeLanguage = 'python' | 'javascript';

export interface CodeRegion {
  /** Offsets of the code in the completion. */
  start: number;
  end: number;
  language: CodeLanguage;
  /** The code with comments and string contents replaced by spaces (quotes kept). */
  masked: string;
  /** The function the code is the body of, when the prompt declares it (HumanEval: the completion continues the prompt's `def`). */
  bodyOf?: string;
}

const PY_FENCE = new Set(['python', 'py', 'python3', 'py3', '']);
const JS_FENCE = new Set(['javascript', 'js', 'typescript', 'ts', 'node', 'jsx', 'tsx']);
const CODE_LINE_RE = /^(?:def |class |import |from [\w.]+ import |async def |function |const |let |export |@\w)/m;
const JS_HINT_RE = /^\s*(?:function |const |let |var |export |module\.exports)|=>|console\.log\(/m;

// A prompt that ends inside a function (its signature and docstring): the completion is that function's body.
const PROMPT_DEF_RE = /^[ \t]*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm;
// a statement line indented under the prompt's def: a keyword, a call or an assignment
const BODY_LINE_RE = /^[ \t]+(?:(?:return|for|if|while|import|from|raise|try|with|yield|assert|class|def)\b|[A-Za-z_][\w.]*\s*(?:\(|=(?!=)))/m;

/** The function a code prompt leaves open for the completion to fill (its last `def`), if the prompt is code. */
function openFunction(prompt: string): string | undefined {
  let name: string | undefined;
  PROMPT_DEF_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PROMPT_DEF_RE.exec(prompt)) !== null) name = m[1];
  return name;
}

/** A prompt written as code (a function to complete): its samples are code samples, whatever they contain. */
export function isCodePrompt(prompt: string): boolean {
  return openFunction(prompt) !== undefined;
}

/** The code regions of a completion (at most `max`, in order); `prompt` tells a function body (HumanEval's completions) from prose. */
export function codeRegions(text: string, max = 20, prompt = ''): CodeRegion[] {
  const out: CodeRegion[] = [];
  let i = text.indexOf('```');
  while (i !== -1 && out.length < max) {
    const nl = text.indexOf('\n', i + 3);
    if (nl === -1) break;
    const info = text.slice(i + 3, nl).trim().toLowerCase().split(/\s+/)[0] ?? '';
    const close = text.indexOf('```', nl + 1);
    const end = close === -1 ? text.length : close;
    if (PY_FENCE.has(info) || JS_FENCE.has(info)) {
      const body = text.slice(nl + 1, end);
      // an untagged fence holds code only when it reads as code (not a table or a transcript)
      if (info !== '' || CODE_LINE_RE.test(body)) {
        const language: CodeLanguage = JS_FENCE.has(info) || (info === '' && JS_HINT_RE.test(body) && !/^\s*def /m.test(body)) ? 'javascript' : 'python';
        out.push({ start: nl + 1, end, language, masked: mask(body, language) });
      }
    }
    if (close === -1) break;
    i = text.indexOf('```', close + 3);
  }
  if (out.length === 0) {
    const bodyOf = prompt ? openFunction(prompt) : undefined;
    if (CODE_LINE_RE.test(text) || (bodyOf !== undefined && BODY_LINE_RE.test(text))) {
      const language: CodeLanguage = JS_HINT_RE.test(text) && !/^\s*def /m.test(text) ? 'javascript' : 'python';
      const region: CodeRegion = { start: 0, end: text.length, language, masked: mask(text, language) };
      if (bodyOf !== undefined && language === 'python') region.bodyOf = bodyOf;
      out.push(region);
    }
  }
  return out;
}

/** `code` with comments and string contents blanked (newlines kept, so line structure stays). */
export function mask(code: string, language: CodeLanguage): string {
  const out = code.split('');
  const n = code.length;
  const blank = (a: number, b: number) => {
    for (let k = a; k < b; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < n) {
    const c = code[i];
    if (language === 'python' && c === '#') {
      const e = code.indexOf('\n', i);
      const end = e === -1 ? n : e;
      blank(i, end);
      i = end;
    } else if (language === 'javascript' && c === '/' && code[i + 1] === '/') {
      const e = code.indexOf('\n', i);
      const end = e === -1 ? n : e;
      blank(i, end);
      i = end;
    } else if (language === 'javascript' && c === '/' && code[i + 1] === '*') {
      const e = code.indexOf('*/', i + 2);
      const end = e === -1 ? n : e + 2;
      blank(i, end);
      i = end;
    } else if (c === '"' || c === "'" || (language === 'javascript' && c === '`')) {
      const triple = language === 'python' && code.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      let j = i + q.length;
      while (j < n) {
        if (code[j] === '\\') {
          j += 2;
          continue;
        }
        if (code.startsWith(q, j)) break;
        if (!triple && c !== '`' && code[j] === '\n') break; // an unterminated one-line string ends at the line
        j++;
      }
      const contentEnd = Math.min(j, n);
      blank(i + q.length, contentEnd);
      i = code.startsWith(q, j) ? j + q.length : contentEnd;
    } else i++;
  }
  return out.join('');
}

/** 1-based line number of offset `at` in `text`. */
export function lineOf(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The offset of the `)` closing the `(` at `open` in masked code, or -1. */
export function closingParen(masked: string, open: number, limit = 4000): number {
  let depth = 0;
  const end = Math.min(masked.length, open + limit);
  for (let i = open; i < end; i++) {
    const c = masked[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Indentation (columns) of the line that contains offset `at`. */
export function indentAt(text: string, at: number): number {
  const ls = text.lastIndexOf('\n', at - 1) + 1;
  let k = ls;
  while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
  return k - ls;
}

/**
 * The body of the block whose header line contains `at` (Python): [start, end) of the lines after it
 * that are indented deeper, or the rest of the header line for a one-line block (`def f(): return 1`).
 */
export function blockBody(code: string, at: number): [number, number] {
  const headerEnd = code.indexOf('\n', at);
  const colon = code.lastIndexOf(':', headerEnd === -1 ? code.length : headerEnd);
  if (colon > at) {
    const rest = code.slice(colon + 1, headerEnd === -1 ? code.length : headerEnd);
    if (rest.trim()) return [colon + 1, headerEnd === -1 ? code.length : headerEnd];
  }
  if (headerEnd === -1) return [code.length, code.length];
  const base = indentAt(code, at);
  let end = headerEnd + 1;
  let i = headerEnd + 1;
  while (i < code.length) {
    const e = code.indexOf('\n', i);
    const lineEnd = e === -1 ? code.length : e;
    const line = code.slice(i, lineEnd);
    if (line.trim()) {
      if (indentAt(code, i) <= base) break;
      end = lineEnd;
    }
    i = lineEnd + 1;
  }
  return [headerEnd + 1, end];
}
