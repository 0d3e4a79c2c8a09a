from bisect import bisect_left


def lis_length(nums):
    tails = []  # tails[k] = smallest tail of an increasing subsequence of length k + 1
    for x in nums:
        k = bisect_left(tails, x)
        if k == len(tails):
            tails.append(x)
        else:
            tails[k] = x
    return len(tails)
