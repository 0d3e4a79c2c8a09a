def days_until_warmer(temps):
    out = [0] * len(temps)
    stack = []  # indices of days still waiting, temperatures non-increasing
    for d, t in enumerate(temps):
        while stack and temps[stack[-1]] < t:
            p = stack.pop()
            out[p] = d - p
        stack.append(d)
    return out
