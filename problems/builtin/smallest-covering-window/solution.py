def min_window(s, t):
    if not t:
        return ''
    need = {}
    for c in t:
        need[c] = need.get(c, 0) + 1
    missing = len(t)
    best_start, best_len = 0, -1
    left = 0
    for right, c in enumerate(s):
        if c in need:
            if need[c] > 0:
                missing -= 1
            need[c] -= 1
        while missing == 0:
            if best_len < 0 or right - left + 1 < best_len:
                best_start, best_len = left, right - left + 1
            d = s[left]
            if d in need:
                need[d] += 1
                if need[d] > 0:
                    missing += 1
            left += 1
    return s[best_start:best_start + best_len] if best_len >= 0 else ''
