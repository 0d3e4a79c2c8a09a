def longest_after_replacements(s, k):
    counts = {}
    left = 0
    top = 0
    best = 0
    for right, c in enumerate(s):
        counts[c] = counts.get(c, 0) + 1
        top = max(top, counts[c])
        # the window never shrinks, so `top` may be stale; it only matters when it grows
        if right - left + 1 - top > k:
            counts[s[left]] -= 1
            left += 1
        best = max(best, right - left + 1)
    return best
