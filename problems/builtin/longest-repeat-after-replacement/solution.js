function longestAfterReplacements(s, k) {
  const counts = new Map();
  let left = 0;
  let top = 0;
  let best = 0;
  for (let right = 0; right < s.length; right++) {
    const c = s[right];
    counts.set(c, (counts.get(c) || 0) + 1);
    top = Math.max(top, counts.get(c));
    if (right - left + 1 - top > k) {
      counts.set(s[left], counts.get(s[left]) - 1);
      left++;
    }
    best = Math.max(best, right - left + 1);
  }
  return best;
}

module.exports = { longestAfterReplacements };
