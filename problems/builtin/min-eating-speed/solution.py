def min_eating_speed(piles, hours):
    lo, hi = 1, max(piles)
    while lo < hi:
        v = (lo + hi) // 2
        needed = sum((p + v - 1) // v for p in piles)
        if needed <= hours:
            hi = v
        else:
            lo = v + 1
    return lo
