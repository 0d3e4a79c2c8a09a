def move_zeros(nums):
    out = list(nums)
    w = 0
    for x in nums:
        if x != 0:
            out[w] = x
            w += 1
    for k in range(w, len(out)):
        out[k] = 0
    return out
