def lone_number(nums):
    acc = 0
    for x in nums:
        acc ^= x
    return acc
