import heapq


def course_order(n, prereqs):
    after = [[] for _ in range(n)]
    need = [0] * n
    for a, b in prereqs:
        after[b].append(a)
        need[a] += 1
    ready = [c for c in range(n) if need[c] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        c = heapq.heappop(ready)
        order.append(c)
        for d in after[c]:
            need[d] -= 1
            if need[d] == 0:
                heapq.heappush(ready, d)
    return order if len(order) == n else []
