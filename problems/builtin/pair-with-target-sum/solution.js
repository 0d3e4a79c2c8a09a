function pairWithTargetSum(nums, target) {
  const first = new Map();
  for (let j = 0; j < nums.length; j++) {
    const i = first.get(target - nums[j]);
    if (i !== undefined) return [i, j];
    if (!first.has(nums[j])) first.set(nums[j], j);
  }
  return [];
}

module.exports = { pairWithTargetSum };
