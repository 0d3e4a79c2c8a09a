function minEatingSpeed(piles, hours) {
  let lo = 1;
  let hi = Math.max(...piles);
  while (lo < hi) {
    const v = Math.floor((lo + hi) / 2);
    let needed = 0;
    for (const p of piles) needed += Math.ceil(p / v);
    if (needed <= hours) hi = v;
    else lo = v + 1;
  }
  return lo;
}

module.exports = { minEatingSpeed };
