def can_segment(s, words):
    vocab = set(words)
    longest = max((len(w) for w in vocab), default=0)
    ok = [False] * (len(s) + 1)
    ok[0] = True
    for end in range(1, len(s) + 1):
        for start in range(max(0, end - longest), end):
            if ok[start] and s[start:end] in vocab:
                ok[end] = True
                break
    return ok[len(s)]
