def min_rooms(meetings):
    events = []
    for s, e in meetings:
        events.append((s, 1))
        events.append((e, -1))
    events.sort()  # at equal times the end (-1) sorts before the start (+1)
    busy = best = 0
    for _, d in events:
        busy += d
        best = max(best, busy)
    return best
