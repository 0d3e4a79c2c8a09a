def count_grid_paths(grid):
    rows, cols = len(grid), len(grid[0])
    ways = [0] * cols
    ways[0] = 1 if grid[0][0] == '.' else 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == '#':
                ways[c] = 0
            elif c > 0:
                ways[c] += ways[c - 1]
    return ways[cols - 1]
