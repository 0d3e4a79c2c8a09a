/**
 * The texts the code agent works with, cut the way CodeT cuts them (Chen et al. 2022): a raw
 * solution continues the prompt up to the first stop sequence; a raw test generation becomes at most
 * five `assert` statements that mention the entry point; the prompt's `>>>` examples become the
 * visible tests. Plain string work: nothing here runs code.
 */

/** Where CodeT cuts a sampled solution or test: the model has moved on to another top-level thing. */
export const STOP_SEQUENCES = ['\nclass', '\ndef', '\n#', '\nif', '\nprint'];

export function cutAtStop(text: string): string {
  let end = text.length;
  for (const s of STOP_SEQUENCES) {
    const i = text.indexOf(s);
    if (i >= 0 && i < end) end = i;
  }
  return text.slice(0, end);
}

/** Asserts CodeT keeps from one raw test generation (the text the model wrote after `assert `). */
export const TESTS_PER_GENERATION = 5;

/**
 * The generated tests of one raw test generation: `'assert ' + text` split on `assert `, the parts
 * that mention the entry point, each cut at the stop sequences and folded onto one line, at most five.
 * Whether they compile is learned when they run (a test that does not compile passes nobody).
 */
export function testsFromGeneration(raw: string, entryPoint: string): string[] {
  const out: string[] = [];
  for (const part of ('assert ' + raw).split('assert ').slice(1)) {
    if (!part.includes(entryPoint)) continue;
    const body = cutAtStop(part)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ')
      .trim();
    if (!body) continue;
    out.push(`assert ${body}`);
    if (out.length >= TESTS_PER_GENERATION) break;
  }
  return out;
}

/**
 * The prompt's doctest examples (`>>> call` then the expected output on the next lines) as asserts,
 * the visible tests any user of the problem sees. Prompts without `>>>` examples have none.
 */
export function examplesFromPrompt(prompt: string, entryPoint: string): string[] {
  const lines = prompt.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*>>>\s?(.*)$/.exec(lines[i]);
    if (!m || !m[1].includes(entryPoint)) continue;
    let call = m[1].trim();
    let j = i + 1;
    for (; j < lines.length && /^\s*\.\.\.(\s|$)/.test(lines[j]); j++) call += ' ' + lines[j].trim().slice(3).trim();
    const expected: string[] = [];
    for (; j < lines.length; j++) {
      const t = lines[j].trim();
      if (!t || t.startsWith('>>>') || t === '"""' || t === "'''") break;
      expected.push(t.replace(/("""|''')$/, '').trim());
    }
    const want = expected.join(' ').trim();
    if (want) out.push(`assert (${call}) == (${want})`);
  }
  return [...new Set(out)];
}

/** A fenced code block's content when the text has one (chat models answer in Markdown), else the text. */
export function codeFromChat(text: string): string {
  const m = /```(?:python|py)?[^\n]*\n([\s\S]*?)```/.exec(text);
  return m ? m[1] : text;
}
