def climb_ways(n):
    # a, b, c = ways(i-3), ways(i-2), ways(i-1); ways(0) = 1, negative steps have no ways
    a, b, c = 0, 0, 1
    for _ in range(n):
        a, b, c = b, c, a + b + c
    return c
