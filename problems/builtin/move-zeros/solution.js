function moveZeros(nums) {
  const out = nums.slice();
  let w = 0;
  for (const x of nums) if (x !== 0) out[w++] = x;
  for (let k = w; k < out.length; k++) out[k] = 0;
  return out;
}

module.exports = { moveZeros };
