def pair_with_target_sum(nums, target):
    first = {}
    for j, x in enumerate(nums):
        i = first.get(target - x)
        if i is not None:
            return [i, j]
        if x not in first:
            first[x] = j
    return []
