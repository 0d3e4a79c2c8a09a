/**
 * A virtually scrolled list of fixed-height rows: only the rows in view (plus a margin) exist in the
 * DOM, so a list of 100k steps or samples scrolls like one of ten. Rows are fetched through `load`
 * (a request to the host) a page at a time and cached; `render` turns one into an element.
 */
export interface VirtualListOptions<T> {
  container: HTMLElement;
  rowHeight: number;
  count: number;
  pageSize?: number;
  load(from: number, to: number): Promise<T[]>;
  render(row: T, index: number): HTMLElement;
  /** Placeholder while a page loads. */
  placeholder?(index: number): HTMLElement;
}

export class VirtualList<T> {
  private readonly spacer: HTMLElement;
  private readonly pages = new Map<number, T[] | Promise<void>>();
  private frame = 0;
  private selected = -1;

  constructor(private readonly o: VirtualListOptions<T>) {
    o.container.classList.add('vlist');
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.spacer.style.height = `${o.count * o.rowHeight}px`;
    o.container.replaceChildren(this.spacer);
    o.container.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(o.container);
    this.schedule();
  }

  get pageSize(): number {
    return this.o.pageSize ?? 100;
  }

  /** Mark a row as current (class "current") and scroll it into view. */
  select(index: number, scroll = true): void {
    this.selected = index;
    if (scroll) {
      const c = this.o.container;
      const top = index * this.o.rowHeight;
      if (top < c.scrollTop || top + this.o.rowHeight > c.scrollTop + c.clientHeight) c.scrollTop = Math.max(0, top - c.clientHeight / 3);
    }
    this.draw();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private row(index: number): T | undefined {
    const p = Math.floor(index / this.pageSize);
    const page = this.pages.get(p);
    if (Array.isArray(page)) return page[index - p * this.pageSize];
    if (!page) {
      const from = p * this.pageSize;
      this.pages.set(
        p,
        this.o.load(from, Math.min(this.o.count, from + this.pageSize)).then(
          (rows) => {
            this.pages.set(p, rows);
            this.schedule();
          },
          () => {
            this.pages.delete(p);
          },
        ),
      );
    }
    return undefined;
  }

  private draw(): void {
    const c = this.o.container;
    const h = this.o.rowHeight;
    const first = Math.max(0, Math.floor(c.scrollTop / h) - 5);
    const last = Math.min(this.o.count, Math.ceil((c.scrollTop + (c.clientHeight || 400)) / h) + 5);
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const data = this.row(i);
      const node = data !== undefined ? this.o.render(data, i) : (this.o.placeholder?.(i) ?? document.createElement('div'));
      node.classList.add('vlist-row');
      if (i === this.selected) node.classList.add('current');
      node.style.top = `${i * h}px`;
      node.style.height = `${h}px`;
      node.dataset.index = String(i);
      rows.push(node);
    }
    this.spacer.replaceChildren(...rows);
  }
}
