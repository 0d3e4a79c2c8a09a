function isAnagram(a, b) {
  if (a.length !== b.length) return false;
  const counts = new Map();
  for (const c of a) counts.set(c, (counts.get(c) || 0) + 1);
  for (const c of b) {
    const k = counts.get(c) || 0;
    if (k === 0) return false;
    counts.set(c, k - 1);
  }
  return true;
}

module.exports = { isAnagram };
