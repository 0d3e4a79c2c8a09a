/**
 * A byte lexer for JSON documents read in chunks: it reports brackets and braces with their byte
 * offset, nesting depth and line, and strings (their text only when asked), without decoding or
 * parsing anything else. Outside strings it looks at every byte; inside a string it jumps from quote
 * to quote with Buffer.indexOf, counting the backslashes before each quote, also when a run of them
 * straddles two chunks. What the structure means (which objects are entries) is the handler's
 * business (scan.ts).
 */

/** What the lexer found. Depth is the nesting level a value opens at: 0 for a top-level value. */
export interface JsonStructureHandler {
  /** `{` or `[` at byte `offset`. Return false to stop lexing (the rest of the document is ignored). */
  open(bracket: number, offset: number, depth: number, line: number): boolean;
  /**
   * `}` or `]` at byte `offset`, closing the value that opened at `depth`; -1 when nothing was open
   * (the lexer then goes on at depth 0).
   */
  close(bracket: number, offset: number, depth: number, line: number): void;
  /** A string opens at `depth`: return true to receive its text (escapes as written) through `string`. */
  stringStart(depth: number): boolean;
  string(text: string): void;
  /** A byte outside any value that is neither whitespace nor the start of one. Return false to stop lexing. */
  stray(byte: number, line: number): boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON whitespace, and the UTF-8 BOM bytes (only ever at the very start). */
export function isJsonSpace(b: number): boolean {
  return b === 32 || b === 10 || b === 13 || b === 9 || b === 0xef || b === 0xbb || b === 0xbf;
}

export class JsonLexer {
  /** Values open now. */
  depth = 0;
  /** 1-based line of the next byte (newlines inside strings are not JSON and are not counted). */
  line = 1;
  /** The document so far ends inside a string. */
  inString = false;
  /** Backslashes at the end of the previous chunk, inside a string: they may escape a quote in this one. */
  private carriedBackslashes = 0;
  /** The parts of a string the handler asked for (a string may straddle chunks). */
  private captured: Buffer[] | undefined;

  constructor(private readonly handler: JsonStructureHandler) {}

  /** Lex `chunk`, the document's bytes from offset `base` on. False when the handler stopped the lexer. */
  feed(chunk: Buffer, base: number): boolean {
    const handler = this.handler;
    const n = chunk.length;
    // the hot loop works on locals; they go back to the fields on every way out
    let depth = this.depth;
    let line = this.line;
    let inString = this.inString;
    let i = 0;
    let stopped = false;
    while (i < n) {
      if (inString) {
        const q = chunk.indexOf(QUOTE, i);
        if (q === -1) {
          let k = 0;
          for (let j = n - 1; j >= i && chunk[j] === BACKSLASH; j--) k++;
          this.carriedBackslashes = k === n - i ? this.carriedBackslashes + k : k;
          if (this.captured) this.captured.push(Buffer.from(chunk.subarray(i, n)));
          i = n;
          break;
        }
        let k = 0;
        for (let j = q - 1; j >= i && chunk[j] === BACKSLASH; j--) k++;
        if (k === q - i) k += this.carriedBackslashes;
        this.carriedBackslashes = 0;
        if (this.captured) this.captured.push(Buffer.from(chunk.subarray(i, q)));
        i = q + 1;
        if (k % 2 === 1) {
          if (this.captured) this.captured.push(Buffer.from('"'));
          continue;
        }
        inString = false;
        if (this.captured) {
          handler.string(Buffer.concat(this.captured).toString('utf8'));
          this.captured = undefined;
        }
        continue;
      }
      const b = chunk[i];
      switch (b) {
        case QUOTE:
          inString = true;
          this.carriedBackslashes = 0;
          this.captured = handler.stringStart(depth) ? [] : undefined;
          break;
        case 0x0a:
          line++;
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (!handler.open(b, base + i, depth, line)) {
            stopped = true;
            i = n;
            continue;
          }
          depth++;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          depth--;
          handler.close(b, base + i, depth, line);
          if (depth < 0) depth = 0;
          break;
        default:
          if (depth === 0 && !isJsonSpace(b) && !handler.stray(b, line)) {
            stopped = true;
            i = n;
            continue;
          }
      }
      i++;
    }
    this.depth = depth;
    this.line = line;
    this.inString = inString;
    return !stopped;
  }
}
