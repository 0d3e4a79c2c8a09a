function countGridPaths(grid) {
  const rows = grid.length;
  const cols = grid[0].length;
  const ways = new Array(cols).fill(0);
  ways[0] = grid[0][0] === '.' ? 1 : 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (grid[r][c] === '#') ways[c] = 0;
      else if (c > 0) ways[c] += ways[c - 1];
    }
  }
  return ways[cols - 1];
}

module.exports = { countGridPaths };
