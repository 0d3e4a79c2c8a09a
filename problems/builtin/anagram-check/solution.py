def is_anagram(a, b):
    if len(a) != len(b):
        return False
    counts = {}
    for c in a:
        counts[c] = counts.get(c, 0) + 1
    for c in b:
        if counts.get(c, 0) == 0:
            return False
        counts[c] -= 1
    return True
