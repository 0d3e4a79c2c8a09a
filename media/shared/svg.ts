const NS = 'http://www.w3.org/2000/svg';

/** Create an SVG element with attributes (DOM APIs only; text goes in as text nodes). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number | undefined> = {}, ...children: Array<Node | string | null | undefined>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** A <title> child: the tooltip of an SVG shape. */
export function title(text: string): SVGTitleElement {
  return svg('title', {}, text);
}
