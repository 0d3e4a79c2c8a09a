function minSpanningCost(n, edges) {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  let total = 0;
  let used = 0;
  for (const [u, v, w] of edges.slice().sort((a, b) => a[2] - b[2])) {
    const ru = find(u);
    const rv = find(v);
    if (ru !== rv) {
      parent[ru] = rv;
      total += w;
      used++;
    }
  }
  return used === n - 1 ? total : -1;
}

module.exports = { minSpanningCost };
