import heapq


def shortest_distances(n, edges, source):
    adj = [[] for _ in range(n)]
    for u, v, w in edges:
        adj[u].append((v, w))
    dist = [-1] * n
    heap = [(0, source)]
    while heap:
        d, x = heapq.heappop(heap)
        if dist[x] >= 0:
            continue
        dist[x] = d
        for y, w in adj[x]:
            if dist[y] < 0:
                heapq.heappush(heap, (d + w, y))
    return dist
