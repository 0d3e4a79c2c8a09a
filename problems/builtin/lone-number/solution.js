function loneNumber(nums) {
  // |x| <= 1e9 fits in 32 bits, so JavaScript's 32-bit XOR is exact here
  let acc = 0;
  for (const x of nums) acc ^= x;
  return acc;
}

module.exports = { loneNumber };
