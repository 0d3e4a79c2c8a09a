function treeDiameter(n, edges) {
  const adj = Array.from({ length: n }, () => []);
  for (const [u, v] of edges) {
    adj[u].push(v);
    adj[v].push(u);
  }
  const farthest = (src) => {
    const dist = new Array(n).fill(-1);
    dist[src] = 0;
    const queue = [src];
    for (let h = 0; h < queue.length; h++) {
      const x = queue[h];
      for (const y of adj[x]) {
        if (dist[y] < 0) {
          dist[y] = dist[x] + 1;
          queue.push(y);
        }
      }
    }
    const last = queue[queue.length - 1];
    return [last, dist[last]];
  };
  const [a] = farthest(0);
  return farthest(a)[1];
}

module.exports = { treeDiameter };
