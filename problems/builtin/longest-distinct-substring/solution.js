function longestDistinctSubstring(s) {
  const last = new Map();
  let start = 0;
  let best = 0;
  for (let i = 0; i < s.length; i++) {
    const p = last.get(s[i]);
    if (p !== undefined && p >= start) start = p + 1;
    last.set(s[i], i);
    best = Math.max(best, i - start + 1);
  }
  return best;
}

module.exports = { longestDistinctSubstring };
