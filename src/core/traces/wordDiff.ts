/**
 * Word-level diff of two completions for the group view (the `diff` package's word tokenizer, which
 * keeps whitespace with the words so the parts join back into both texts). Inputs are cut to
 * `maxChars` first: diffWords is O(N·D), and two 50 MB records would stall the extension host.
 */
import { diffWordsWithSpace } from 'diff';

export interface WordDiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export function wordDiff(a: string, b: string, maxChars = 30_000): { parts: WordDiffPart[]; truncated: boolean } {
  const truncated = a.length > maxChars || b.length > maxChars;
  const changes = diffWordsWithSpace(a.slice(0, maxChars), b.slice(0, maxChars));
  const parts: WordDiffPart[] = [];
  for (const c of changes) {
    const kind = c.added ? 'added' : c.removed ? 'removed' : 'same';
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += c.value;
    else parts.push({ kind, text: c.value });
  }
  return { parts, truncated };
}
