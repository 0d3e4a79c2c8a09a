function maxPathSum(values, parent) {
  const n = values.length;
  const children = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++) if (parent[v] >= 0) children[parent[v]].push(v);
  const order = [0];
  for (let h = 0; h < order.length; h++) for (const c of children[order[h]]) order.push(c);
  const down = new Array(n).fill(0);
  let best = values[0];
  for (let k = order.length - 1; k >= 0; k--) {
    const x = order[k];
    let top1 = 0;
    let top2 = 0;
    for (const c of children[x]) {
      const d = down[c];
      if (d > top1) {
        top2 = top1;
        top1 = d;
      } else if (d > top2) top2 = d;
    }
    down[x] = values[x] + top1;
    best = Math.max(best, values[x] + top1 + top2);
  }
  return best;
}

module.exports = { maxPathSum };
