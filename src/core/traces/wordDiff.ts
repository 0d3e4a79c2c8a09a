/**
 * Word-level diff of two completions for the Group View, with diff-match-patch (diff-match-patch-es):
 *
 * 1. each text becomes tokens: a word with the whitespace after it (whitespace at the very start is a
 *    token of its own), so the parts join back into both texts exactly;
 * 2. each distinct token becomes one character (diff-match-patch's documented way to diff by lines or
 *    words), so the diff runs over a few thousand characters instead of 30,000;
 * 3. diffMain runs Myers' O(ND) bisection in linear space with no deadline (the same result on a busy
 *    machine as on a quiet one), then diffCleanupSemantic folds the confetti of short common words two
 *    different traces share into readable removed / added runs.
 *
 * Inputs are cut to `maxChars` first. The npm `diff` package's word diff took 11 s on two 16 KB R1
 * traces (and about a minute at 30 KB); this takes well under a second, in the traces worker.
 */
import { diffCleanupSemantic, diffMain } from 'diff-match-patch-es';

export interface WordDiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

const TOKEN_RE = /^\s+|\S+\s*/g;
/** Token characters start above ASCII so that the cleanup's line-break and whitespace scoring sees none. */
const FIRST_CODE = 0x100;
/** Distinct tokens before the rest of a text becomes one token (two slots stay free for those rests). */
const CAPACITY = 0xffff - FIRST_CODE - 2;

/** Maps tokens to one character each, shared by both texts. */
class TokenAlphabet {
  readonly tokens: string[] = [];
  private readonly codes = new Map<string, number>();

  encode(text: string): string {
    const out: number[] = [];
    TOKEN_RE.lastIndex = 0;
    for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
      let token = m[0];
      let code = this.codes.get(token);
      if (code === undefined) {
        if (this.tokens.length >= CAPACITY) {
          // the alphabet is full: the rest of the text is one token (only for inputs far past the usual cut)
          token = text.slice(m.index);
          TOKEN_RE.lastIndex = text.length;
          code = this.codes.get(token);
        }
        if (code === undefined) {
          code = FIRST_CODE + this.tokens.length;
          this.tokens.push(token);
          this.codes.set(token, code);
        }
      }
      out.push(code);
    }
    // String.fromCharCode(...out) would overflow the stack on long texts
    let s = '';
    for (let i = 0; i < out.length; i += 8192) s += String.fromCharCode(...out.slice(i, i + 8192));
    return s;
  }

  decode(chars: string): string {
    let s = '';
    for (let i = 0; i < chars.length; i++) s += this.tokens[chars.charCodeAt(i) - FIRST_CODE];
    return s;
  }
}

export function wordDiff(a: string, b: string, maxChars = 30_000): { parts: WordDiffPart[]; truncated: boolean } {
  const truncated = a.length > maxChars || b.length > maxChars;
  const alphabet = new TokenAlphabet();
  const ca = alphabet.encode(a.slice(0, maxChars));
  const cb = alphabet.encode(b.slice(0, maxChars));
  const diffs = diffMain(ca, cb, { diffTimeout: 0 }, false);
  diffCleanupSemantic(diffs);
  const parts: WordDiffPart[] = [];
  for (const [op, chars] of diffs) {
    const kind = op === 1 ? 'added' : op === -1 ? 'removed' : 'same';
    const text = alphabet.decode(chars);
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += text;
    else if (text) parts.push({ kind, text });
  }
  return { parts, truncated };
}
