from collections import deque


def ladder_length(begin, end, words):
    if begin == end:
        return 1
    vocab = set(words)
    if end not in vocab:
        return 0
    letters = 'abcdefghijklmnopqrstuvwxyz'
    seen = {begin}
    queue = deque([(begin, 1)])
    while queue:
        w, d = queue.popleft()
        for i in range(len(w)):
            for c in letters:
                if c == w[i]:
                    continue
                nxt = w[:i] + c + w[i + 1:]
                if nxt in vocab and nxt not in seen:
                    if nxt == end:
                        return d + 1
                    seen.add(nxt)
                    queue.append((nxt, d + 1))
    return 0
