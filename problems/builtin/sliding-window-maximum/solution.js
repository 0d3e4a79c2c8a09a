function windowMaxima(nums, k) {
  const q = new Array(nums.length);
  let head = 0;
  let tail = 0;
  const out = [];
  for (let i = 0; i < nums.length; i++) {
    while (tail > head && nums[q[tail - 1]] <= nums[i]) tail--;
    q[tail++] = i;
    if (q[head] <= i - k) head++;
    if (i >= k - 1) out.push(nums[q[head]]);
  }
  return out;
}

module.exports = { windowMaxima };
