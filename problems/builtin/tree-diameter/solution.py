from collections import deque


def tree_diameter(n, edges):
    adj = [[] for _ in range(n)]
    for u, v in edges:
        adj[u].append(v)
        adj[v].append(u)

    def farthest(src):
        dist = [-1] * n
        dist[src] = 0
        queue = deque([src])
        last = src
        while queue:
            x = queue.popleft()
            last = x
            for y in adj[x]:
                if dist[y] < 0:
                    dist[y] = dist[x] + 1
                    queue.append(y)
        return last, dist[last]

    a, _ = farthest(0)
    _, d = farthest(a)
    return d
