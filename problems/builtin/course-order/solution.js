class MinHeap {
  constructor() {
    this.a = [];
  }
  get size() {
    return this.a.length;
  }
  push(x) {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop() {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

function courseOrder(n, prereqs) {
  const after = Array.from({ length: n }, () => []);
  const need = new Array(n).fill(0);
  for (const [a, b] of prereqs) {
    after[b].push(a);
    need[a]++;
  }
  const ready = new MinHeap();
  for (let c = 0; c < n; c++) if (need[c] === 0) ready.push(c);
  const order = [];
  while (ready.size) {
    const c = ready.pop();
    order.push(c);
    for (const d of after[c]) if (--need[d] === 0) ready.push(d);
  }
  return order.length === n ? order : [];
}

module.exports = { courseOrder };
