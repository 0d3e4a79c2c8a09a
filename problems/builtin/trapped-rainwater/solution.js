function trappedWater(heights) {
  let i = 0;
  let j = heights.length - 1;
  let leftMax = 0;
  let rightMax = 0;
  let total = 0;
  while (i < j) {
    if (heights[i] < heights[j]) {
      leftMax = Math.max(leftMax, heights[i]);
      total += leftMax - heights[i];
      i++;
    } else {
      rightMax = Math.max(rightMax, heights[j]);
      total += rightMax - heights[j];
      j--;
    }
  }
  return total;
}

module.exports = { trappedWater };
