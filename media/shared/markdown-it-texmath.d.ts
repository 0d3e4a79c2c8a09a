// markdown-it-texmath ships no types: the plugin as this project uses it (delimiters, a KaTeX engine),
// and its inline rule maker.
declare module 'markdown-it-texmath' {
  import type MarkdownIt from 'markdown-it';
  interface Texmath {
    (md: MarkdownIt, options?: { engine?: unknown; delimiters?: string | string[]; katexOptions?: Record<string, unknown>; outerSpace?: boolean }): void;
    inline(rule: { name: string; rex: RegExp; tmpl: string; tag: string }): (state: unknown, silent: boolean) => boolean;
  }
  const texmath: Texmath;
  export default texmath;
}
