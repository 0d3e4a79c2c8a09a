function minWindow(s, t) {
  if (t.length === 0) return '';
  const need = new Map();
  for (const c of t) need.set(c, (need.get(c) || 0) + 1);
  let missing = t.length;
  let bestStart = 0;
  let bestLen = -1;
  let left = 0;
  for (let right = 0; right < s.length; right++) {
    const c = s[right];
    if (need.has(c)) {
      if (need.get(c) > 0) missing--;
      need.set(c, need.get(c) - 1);
    }
    while (missing === 0) {
      if (bestLen < 0 || right - left + 1 < bestLen) {
        bestStart = left;
        bestLen = right - left + 1;
      }
      const d = s[left];
      if (need.has(d)) {
        need.set(d, need.get(d) + 1);
        if (need.get(d) > 0) missing++;
      }
      left++;
    }
  }
  return bestLen >= 0 ? s.slice(bestStart, bestStart + bestLen) : '';
}

module.exports = { minWindow };
