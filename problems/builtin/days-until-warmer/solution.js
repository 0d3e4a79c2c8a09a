function daysUntilWarmer(temps) {
  const out = new Array(temps.length).fill(0);
  const stack = [];
  for (let d = 0; d < temps.length; d++) {
    while (stack.length && temps[stack[stack.length - 1]] < temps[d]) {
      const p = stack.pop();
      out[p] = d - p;
    }
    stack.push(d);
  }
  return out;
}

module.exports = { daysUntilWarmer };
