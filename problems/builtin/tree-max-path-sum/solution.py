def max_path_sum(values, parent):
    n = len(values)
    children = [[] for _ in range(n)]
    for v in range(n):
        if parent[v] >= 0:
            children[parent[v]].append(v)
    order = [0]
    for x in order:  # breadth-first order: parents before children
        order.extend(children[x])
    down = [0] * n  # best sum of a path that starts at x and goes down
    best = values[0]
    for x in reversed(order):
        top1 = top2 = 0  # two best non-negative child chains
        for c in children[x]:
            d = down[c]
            if d > top1:
                top1, top2 = d, top1
            elif d > top2:
                top2 = d
        down[x] = values[x] + top1
        best = max(best, values[x] + top1 + top2)
    return best
