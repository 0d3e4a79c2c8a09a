// markdown-it-texmath ships no types: the plugin as this project uses it (delimiters, a KaTeX engine).
declare module 'markdown-it-texmath' {
  import type MarkdownIt from 'markdown-it';
  const texmath: (md: MarkdownIt, options?: { engine?: unknown; delimiters?: string | string[]; katexOptions?: Record<string, unknown>; outerSpace?: boolean }) => void;
  export default texmath;
}
