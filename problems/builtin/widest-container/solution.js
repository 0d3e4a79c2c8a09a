function maxWater(heights) {
  let i = 0;
  let j = heights.length - 1;
  let best = 0;
  while (i < j) {
    best = Math.max(best, (j - i) * Math.min(heights[i], heights[j]));
    if (heights[i] < heights[j]) i++;
    else j--;
  }
  return best;
}

module.exports = { maxWater };
