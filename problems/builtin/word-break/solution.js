function canSegment(s, words) {
  const vocab = new Set(words);
  let longest = 0;
  for (const w of vocab) longest = Math.max(longest, w.length);
  const ok = new Array(s.length + 1).fill(false);
  ok[0] = true;
  for (let end = 1; end <= s.length; end++) {
    for (let start = Math.max(0, end - longest); start < end; start++) {
      if (ok[start] && vocab.has(s.slice(start, end))) {
        ok[end] = true;
        break;
      }
    }
  }
  return ok[s.length];
}

module.exports = { canSegment };
