function ladderLength(begin, end, words) {
  if (begin === end) return 1;
  const vocab = new Set(words);
  if (!vocab.has(end)) return 0;
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const seen = new Set([begin]);
  const queue = [[begin, 1]];
  for (let h = 0; h < queue.length; h++) {
    const [w, d] = queue[h];
    for (let i = 0; i < w.length; i++) {
      for (const c of letters) {
        if (c === w[i]) continue;
        const next = w.slice(0, i) + c + w.slice(i + 1);
        if (vocab.has(next) && !seen.has(next)) {
          if (next === end) return d + 1;
          seen.add(next);
          queue.push([next, d + 1]);
        }
      }
    }
  }
  return 0;
}

module.exports = { ladderLength };
