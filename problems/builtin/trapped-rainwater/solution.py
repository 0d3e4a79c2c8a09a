def trapped_water(heights):
    i, j = 0, len(heights) - 1
    left_max = right_max = 0
    total = 0
    while i < j:
        if heights[i] < heights[j]:
            left_max = max(left_max, heights[i])
            total += left_max - heights[i]
            i += 1
        else:
            right_max = max(right_max, heights[j])
            total += right_max - heights[j]
            j -= 1
    return total
