function climbWays(n) {
  // a, b, c = ways(i-3), ways(i-2), ways(i-1); ways(0) = 1, negative steps have no ways
  let a = 0;
  let b = 0;
  let c = 1;
  for (let i = 0; i < n; i++) [a, b, c] = [b, c, a + b + c];
  return c;
}

module.exports = { climbWays };
