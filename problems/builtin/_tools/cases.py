"""Test inputs for the built-in problems (see build.py). Deterministic: every generator seeds its own RNG."""
import random

CASES = {}


def case(slug):
    def reg(f):
        CASES[slug] = f
        return f
    return reg


def rng(slug):
    return random.Random('reasoning-lab:' + slug)


@case('pair-with-target-sum')
def _():
    r = rng('pair')
    big = [r.randint(-10**9, 10**9) for _ in range(6000)]
    # force a single late answer into a large list of odd numbers
    odd = [2 * r.randint(-10**6, 10**6) + 1 for _ in range(10000)]
    odd[7000] = 10**9 - 2
    odd[9998] = 4
    return [
        [[4, 7, 1, 5, 3], 8],
        [[5], 10],
        [[], 0],
        [[5, 5], 10],
        [[5], 10 - 5],            # must not use the same position twice
        [[3, 2, 4], 6],           # 3+3 would reuse index 0
        [[1, 1, 1, 1], 2],        # smallest j, then smallest i -> [0, 1]
        [[2, 8, 8, 2], 10],
        [[-3, 4, 3, 90], 0],
        [[0, -1, 1, 0], 0],
        [[10**9, -10**9, 7], 0],
        [[1, 2, 3, 4, 5], 100],
        [[6, 1, 5, 2, 4, 3], 7],  # several pairs; [0, 1] ends first
        [[1, 5, 3, 7, 5], 10],    # [2, 3] (3+7) before [1, 4] (5+5)
        [odd, 10**9 + 2],         # no pair of odd numbers sums to an even target except the planted ones
        [big, big[123] + big[5876]],
    ]


@case('balanced-brackets')
def _():
    deep = '(' * 20000 + ')' * 20000
    nested = ''.join('([{'[i % 3] for i in range(15000)) + ''.join(')]}'[i % 3] for i in reversed(range(15000)))
    return [
        ['{[()()]}'], ['([)]'], [''], ['('], [')'], [')('], ['()[]{}'], ['(]'],
        ['((('], ['[[]]]'], ['{[}]'], ['}{'], [deep], [deep + '('], [nested],
        [nested[:-1] + ']'], ['()' * 10000 + ']'],
    ]


@case('merge-sorted-lists')
def _():
    r = rng('merge')
    a = sorted(r.randint(-10**6, 10**6) for _ in range(4000))
    b = sorted(r.randint(-10**6, 10**6) for _ in range(4000))
    c = sorted(r.randint(0, 5) for _ in range(3000))
    return [
        [[1, 4, 4, 9], [0, 4, 10]], [[], []], [[1], []], [[], [-2, -1]], [[5], [5]],
        [[1, 2, 3], [4, 5, 6]], [[4, 5, 6], [1, 2, 3]], [[-5, 0, 0, 3], [-5, -5, 0]],
        [[1, 1, 1], [1, 1]], [[10**9], [-10**9]], [a, b], [c, c[:2000]],
    ]


@case('best-single-trade')
def _():
    r = rng('trade')
    big = [r.randint(0, 10**9) for _ in range(8000)]
    dec = list(range(6000, 0, -1))
    return [
        [[9, 3, 6, 1, 4, 2]], [[5, 4, 4, 1]], [[]], [[7]], [[1, 2]], [[2, 1]],
        [[3, 3, 3]], [[2, 9, 1, 5]],  # min comes after the max: not max - min
        [[10, 1, 5, 0, 4]], [[0, 10**9]], [[3, 8, 1, 7]], [big], [dec], [dec + [6001]],
    ]


@case('alphanumeric-palindrome')
def _():
    half = ''.join(chr(ord('a') + (i * 7) % 26) for i in range(20000))
    return [
        ['Step on no pets!'], ['1a2'], [''], ['   ,.!'], ['a'], ['0P'], ['Aa'], ['ab'],
        ['No lemon, no melon'], ['race a car'], ['12321'], ['1231'], ['a.b,B:A'],
        ['`a`'], ['A man, a plan, a canal: Panama'], [half + '#' + half[::-1].upper()],
        [half + 'x' + half[::-1] + 'y'],
    ]


@case('missing-number')
def _():
    r = rng('missing')
    big = list(range(10001))
    big.remove(4567)
    r.shuffle(big)
    top = list(range(10000))  # missing n itself
    r.shuffle(top)
    return [
        [[3, 0, 1]], [[0]], [[1]], [[0, 1]], [[1, 2]], [[2, 0]], [[9, 6, 4, 2, 3, 5, 7, 0, 1]],
        [list(range(1, 51))], [big], [top],
    ]


@case('lone-number')
def _():
    r = rng('lone')
    vals = r.sample(range(-10**9, 10**9), 5000)
    big = vals[1:] * 2 + [vals[0]]
    r.shuffle(big)
    return [
        [[7, -2, 5, -2, 7]], [[42]], [[-1]], [[0, 1, 0]], [[1, 0, 1]], [[-7, 3, 3]],
        [[10**9, -10**9, 10**9]], [[-10**9, 5, 5]], [[2, 2, 1, 4, 4, 6, 6]], [big],
    ]


@case('count-bits-range')
def _():
    return [[0], [1], [2], [5], [6], [7], [8], [16], [63], [64], [1000], [20000]]


@case('first-occurrence')
def _():
    r = rng('first')
    big = sorted(r.randint(-1000, 1000) for _ in range(10000))
    return [
        [[1, 3, 3, 3, 8], 3], [[1, 3, 3, 3, 8], 4], [[], 5], [[5], 5], [[5], 4], [[5], 6],
        [[2, 2, 2, 2, 2], 2], [[1, 2, 2, 2, 2], 2], [[1, 1, 1, 2], 2], [[1, 2, 3], 0], [[1, 2, 3], 4],
        [[-10**9, 0, 10**9], 10**9], [[-3, -3, -1], -3], [big, big[7777]], [big, 1001], [[7] * 10000, 7],
    ]


@case('majority-value')
def _():
    r = rng('majority')
    big = [-5] * 5001 + [r.randint(-10**9, 10**9) for _ in range(4999)]
    r.shuffle(big)
    return [
        [[2, 9, 2, 2, 5]], [[1]], [[-4]], [[3, 3, 4]], [[4, 3, 3]], [[1, 2, 1]], [[7, 7, 7, 7]],
        [[1, 2, 3, 2, 2, 2, 3]], [[0, 0, 1, 1, 0]],
        [[5, 5, 6, 6, 6]],  # majority appears only at the end
        [big],
    ]


@case('anagram-check')
def _():
    r = rng('anagram')
    word = ''.join(r.choice('abcde') for _ in range(20000))
    shuffled = list(word)
    r.shuffle(shuffled)
    shuffled = ''.join(shuffled)
    k = shuffled.index('a')
    swapped = shuffled[:k] + 'b' + shuffled[k + 1:]
    return [
        ['listen', 'silent'], ['aab', 'abb'], ['', ''], ['a', ''], ['a', 'a'], ['ab', 'a'],
        ['rat', 'car'], ['abc', 'cbaa'], ['aabbcc', 'abcabc'], ['ab', 'aab'], ['zz', 'z'],
        [word, shuffled], [word, swapped],
    ]


@case('stair-climbing-ways')
def _():
    return [[0], [1], [2], [3], [4], [5], [10], [20], [37], [50]]


@case('roman-to-integer')
def _():
    return [['XIV'], ['MCMXCIV'], ['I'], ['III'], ['IV'], ['IX'], ['XL'], ['XC'], ['CD'], ['CM'],
            ['LVIII'], ['MMMCMXCIX'], ['MMXXIV'], ['DCCCXC'], ['CDXLIV'], ['MMMDCCCLXXXVIII']]


@case('move-zeros')
def _():
    r = rng('zeros')
    big = [r.choice([0, 0, r.randint(-10**6, 10**6)]) for _ in range(8000)]
    return [
        [[0, 4, 0, -3, 12]], [[]], [[0]], [[7]], [[0, 0, 0]], [[1, 2, 3]], [[1, 0]], [[0, 1]],
        [[3, 0, 1, 0, 2, 0, 1]], [[-1, 0, -1, 0]], [big],
    ]


@case('first-unique-char')
def _():
    r = rng('unique')
    body = ''.join(r.choice('abcdefghijklmnopqrstuvwxy') for _ in range(12000))
    body = body + body  # every letter repeats
    return [
        ['swiss'], ['abab'], [''], ['z'], ['zz'], ['aabbc'], ['cabba'], ['abcabd'], ['leetcode'.replace('t', 'q')],
        ['aaab'], [body], [body[:12000] + 'z' + body[12000:]], [body + 'z'],
    ]


@case('longest-distinct-substring')
def _():
    r = rng('distinct')
    big = ''.join(r.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(20000))
    ascii_all = ''.join(chr(c) for c in range(32, 127))
    return [
        ['abcabcbb'], ['abba'], [''], ['a'], ['bbbbb'], ['pwwkew'], ['dvdf'], ['au'], ['a b c a'],
        ['tmmzuxt'], ['abcdef'], [ascii_all * 3], [big], ['xy' * 10000 + ascii_all],
    ]


@case('group-anagrams')
def _():
    r = rng('groups')
    base = [''.join(r.choice('abcdefg') for _ in range(r.randint(1, 6))) for _ in range(400)]
    big = []
    for _ in range(8000):
        w = list(r.choice(base))
        r.shuffle(w)
        big.append(''.join(w))
    return [
        [['tea', 'eat', 'bat', 'ate', 'tab', 'cat']], [[]], [['']], [['', '']], [['a']],
        [['ab', 'ba', 'ab']],  # duplicates stay in their group
        [['abc', 'abcc', 'ccba', 'cab']],  # same letters, different counts
        [['aab', 'abb']], [['x', 'y', 'z']], [['listen', 'silent', 'enlist', 'google', 'gogole', '']],
        [big],
    ]


@case('zero-sum-triplets')
def _():
    r = rng('triplets')
    big = [r.randint(-10**5, 10**5) for _ in range(1200)] + [0, 0, 0]
    return [
        [[-1, 0, 1, 2, -1, -4]], [[0, 0]], [[]], [[0, 0, 0]], [[0, 0, 0, 0, 0]], [[1, 2, -3]],
        [[1, 2, 3]], [[-2, 1, 1, 1, 1]], [[-4, 2, 2, 2, -4, 8]], [[3, -1, -2, -1, 2, 0, 1, -3]],
        [[-100000, 50000, 50000, 0]], [[r.randint(-50, 50) for _ in range(200)]], [big],
    ]


@case('widest-container')
def _():
    r = rng('water')
    big = [r.randint(0, 10**4) for _ in range(10000)]
    return [
        [[1, 8, 6, 2, 5, 4, 8, 3, 7]], [[]], [[5]], [[1, 1]], [[0, 0]], [[4, 3, 2, 1, 4]],
        [[1, 2, 1]], [[2, 3, 10, 5, 7, 8, 9]], [[1, 100, 100, 1]], [[10, 1, 1, 1, 1, 1, 10]],
        [list(range(1, 5001))], [big],
    ]


@case('merge-intervals')
def _():
    r = rng('intervals')
    big = []
    for _ in range(4000):
        s = r.randint(-10**6, 10**6)
        big.append([s, s + r.randint(0, 300)])
    return [
        [[[8, 10], [1, 3], [2, 6], [15, 18], [18, 20]]], [[]], [[[5, 5]]], [[[1, 3], [3, 5]]],
        [[[1, 2], [3, 4]]], [[[1, 10], [2, 3], [4, 5]]], [[[4, 5], [1, 4], [0, 0]]],
        [[[1, 4], [0, 2], [3, 5]]], [[[2, 2], [2, 2], [1, 1]]], [[[-10**9, 0], [0, 10**9]]],
        [[[6, 8], [1, 9], [2, 4], [4, 7]]], [big],
    ]


@case('days-until-warmer')
def _():
    r = rng('warmer')
    big = [r.randint(-100, 100) for _ in range(10000)]
    return [
        [[73, 74, 75, 71, 69, 72, 76, 73]], [[]], [[30]], [[30, 30, 30]], [[30, 40, 50]],
        [[50, 40, 30]], [[30, 30, 31]],  # equal is not warmer
        [[-5, -10, -3, -3, 0]], [[89, 62, 70, 58, 47, 47, 46, 76, 100, 70]],
        [list(range(100, -100, -1)) * 20 + [100, 101 - 1]], [big], [[0] * 9999 + [1]],
    ]


@case('search-rotated')
def _():
    r = rng('rotated')
    vals = sorted(r.sample(range(-10**6, 10**6, 2), 5000))  # even values only
    rot = vals[3210:] + vals[:3210]
    return [
        [[6, 9, 1, 2, 4], 2], [[6, 9, 1, 2, 4], 5], [[], 3], [[1], 1], [[1], 0], [[3, 1], 1], [[3, 1], 3],
        [[1, 3], 3], [[4, 5, 6, 7, 0, 1, 2], 0], [[4, 5, 6, 7, 0, 1, 2], 4], [[4, 5, 6, 7, 0, 1, 2], 3],
        [[5, 1, 3], 5], [[1, 2, 3, 4, 5], 5], [[2, 3, 4, 5, 1], 1], [rot, vals[0]], [rot, vals[3209]],
        [rot, vals[100]], [rot, vals[3210] + 1],
    ]


@case('fewest-coins')
def _():
    return [
        [[1, 3, 4], 6], [[5, 10], 3], [[1], 0], [[7], 0], [[2], 3], [[1, 2, 5], 11], [[186, 419, 83, 408], 6249],
        [[1, 5, 6, 9], 11],  # greedy 9+1+1 = 3, best 5+6 = 2
        [[2, 5, 10, 1], 27], [[3, 7], 11], [[3, 7], 8], [[9999, 1], 10000], [[4, 4, 4], 16],
        [[37, 233, 499, 1021, 4003], 10000], [[10000], 10000], [[7, 13], 10000 - 1],
    ]


@case('longest-increasing-subsequence')
def _():
    r = rng('lis')
    big = [r.randint(-10**9, 10**9) for _ in range(10000)]
    return [
        [[10, 9, 2, 5, 3, 7, 101, 18]], [[4, 4, 4]], [[]], [[1]], [[1, 2]], [[2, 1]], [[0, 1, 0, 3, 2, 3]],
        [[1, 3, 3, 5]], [[5, 4, 3, 2, 1]], [[3, 10, 2, 11, 1, 12, 0, 13]],  # greedy-first-element fails
        [[-1, -2, -3, 0]], [list(range(5000)) + list(range(5000))], [big], [[r.randint(0, 9) for _ in range(5000)]],
    ]


@case('count-islands')
def _():
    r = rng('islands')
    big = [''.join(r.choice('0001') if (y + x) % 7 else '1' for x in range(250)) for y in range(250)]
    snake = []
    for y in range(200):
        if y % 2 == 0:
            snake.append('1' * 200)
        elif y % 4 == 1:
            snake.append('0' * 199 + '1')
        else:
            snake.append('1' + '0' * 199)
    checker = [''.join('1' if (x + y) % 2 == 0 else '0' for x in range(100)) for y in range(100)]
    return [
        [['11000', '11010', '00101']], [[]], [['']], [['0']], [['1']], [['111', '101', '111']],
        [['101', '010', '101']],  # diagonal neighbours do not connect
        [['11110', '11010', '11000', '00000']], [['1', '0', '1', '1']], [['10' * 50]],
        [snake], [checker], [big], [['0' * 120] * 120],
    ]


@case('course-order')
def _():
    r = rng('courses')
    n = 2000
    perm = list(range(n))
    r.shuffle(perm)
    pos = {c: i for i, c in enumerate(perm)}
    edges = []
    for _ in range(4000):
        a, b = r.sample(range(n), 2)
        if pos[a] < pos[b]:
            a, b = b, a
        edges.append([a, b])  # b comes before a in perm, so the graph is acyclic
    cyc = [e[:] for e in edges] + [edges[3210][::-1]]  # a 2-cycle hidden among 4000 edges
    chain = [[i, i + 1] for i in range(2999)]  # i + 1 before i: the only order is descending
    return [
        [4, [[1, 0], [2, 0], [3, 1], [3, 2]]], [2, [[0, 1], [1, 0]]], [1, []], [1, [[0, 0]]], [3, []],
        [3, [[0, 2], [0, 2]]], [3, [[0, 1], [1, 2], [2, 0]]], [5, [[1, 4], [2, 4], [3, 1], [3, 2]]],
        [4, [[0, 3]]],  # smallest-first: 1, 2, 3, 0 -- not 3, 0, 1, 2
        [6, [[0, 5], [5, 4], [1, 2], [2, 1]]], [4, [[1, 3], [2, 0]]], [5, [[4, 0], [1, 2], [3, 1]]], [3000, chain], [n, edges], [n, cyc],
    ]


@case('grid-paths-with-walls')
def _():
    r = rng('paths')
    open26 = ['.' * 26] * 26
    rand = [''.join('#' if r.random() < 0.12 else '.' for _ in range(26)) for _ in range(26)]
    rand[0] = '.' + rand[0][1:]
    rand[-1] = rand[-1][:-1] + '.'
    return [
        [['...', '.#.', '...']], [['.']], [['#']], [['#..', '...']], [['...', '..#']], [['.' * 26]],
        [['.'] * 26], [['.#', '#.']], [['..', '..']], [['.#...', '.#.#.', '...#.']], [open26],
        [rand], [['.' * 26] * 12 + ['#' * 25 + '.'] + ['.' * 26] * 13],
    ]


@case('subarray-sum-count')
def _():
    r = rng('subsum')
    big = [r.randint(-1000, 1000) for _ in range(8000)]
    zeros = [0] * 10000
    return [
        [[1, 2, 3, -3, 3], 3], [[0, 0], 0], [[], 0], [[5], 5], [[5], 0], [[1, 1, 1], 2],
        [[1, -1, 1, -1], 0], [[-1, -1, 1], 0], [[3, 4, 7, 2, -3, 1, 4, 2], 7], [[-5], -5],
        [big, 0], [big, 1234], [zeros, 0],  # 50,005,000 slices
        [[1000] * 5000, 10**6],
    ]


@case('longest-repeat-after-replacement')
def _():
    r = rng('replace')
    big = ''.join(r.choice('ABC') for _ in range(30000))
    return [
        ['AABABBA', 1], ['ABCD', 0], ['', 0], ['A', 0], ['A', 1], ['ABAB', 2], ['AAAA', 0], ['ABBB', 0],
        ['ABCDE', 5], ['BAAAB', 2], ['ABAA', 0], ['AABCABBB', 2], [big, 0], [big, 50], [big, 30000],
    ]


@case('word-break')
def _():
    r = rng('words')
    vocab = [''.join(r.choice('ab') for _ in range(r.randint(1, 8))) for _ in range(50)]
    hard = 'a' * 4999 + 'b'
    built = ''.join(r.choice(['cat', 'cats', 'and', 'sand', 'dog']) for _ in range(1200))
    return [
        ['pineapplepen', ['apple', 'pen', 'pine', 'pineapple']], ['catsandog', ['cats', 'dog', 'sand', 'and', 'cat']],
        ['', ['a']], ['a', ['a']], ['a', ['b']], ['aaaaaaa', ['aaaa', 'aaa']],  # greedy longest-first fails
        ['cars', ['car', 'ca', 'rs']], ['goalspecial', ['go', 'goal', 'goals', 'special']],
        ['abab', ['ab', 'aba']], [hard, ['a', 'aa', 'aaa', 'aaaa', 'aaaaa']],  # exponential without memo
        [hard[:-1], ['a', 'aa', 'aaa', 'aaaa', 'aaaaa']], [built, ['cat', 'cats', 'and', 'sand', 'dog']],
        [built + 'x', ['cat', 'cats', 'and', 'sand', 'dog']], [''.join(r.choice('ab') for _ in range(3000)), vocab],
    ]


@case('connected-components')
def _():
    r = rng('components')
    n = 6000
    edges = [[r.randrange(n), r.randrange(n)] for _ in range(4000)]
    chain = [[i, i + 1] for i in range(5999)]
    r.shuffle(chain)
    return [
        [6, [[0, 1], [1, 2], [3, 4]]], [1, []], [1, [[0, 0]]], [5, []], [2, [[0, 1], [1, 0], [0, 1]]],
        [4, [[0, 0], [1, 1]]], [5, [[0, 1], [1, 2], [2, 0], [3, 4]]], [4, [[3, 2], [1, 0], [0, 3]]],
        [n, edges], [n, chain], [n, chain[:3000]],
    ]


def tree_edges(r, n, deep=False):
    edges = []
    for v in range(1, n):
        p = v - 1 if deep else r.randrange(v)
        edges.append([p, v] if r.random() < 0.5 else [v, p])
    labels = list(range(n))
    r.shuffle(labels)
    edges = [[labels[a], labels[b]] for a, b in edges]
    r.shuffle(edges)
    return edges


@case('tree-diameter')
def _():
    r = rng('diameter')
    star = [[0, i] for i in range(1, 2000)]
    return [
        [6, [[0, 1], [1, 2], [1, 3], [3, 4], [4, 5]]], [1, []], [2, [[1, 0]]], [3, [[0, 1], [0, 2]]],
        [5, [[0, 1], [0, 2], [0, 3], [0, 4]]], [7, [[0, 1], [1, 2], [2, 3], [0, 4], [4, 5], [5, 6]]],
        [6, [[5, 4], [4, 3], [3, 0], [0, 1], [1, 2]]],  # node 0 sits in the middle of the path
        [8, [[0, 1], [0, 2], [2, 3], [3, 4], [2, 5], [5, 6], [6, 7]]], [2000, star],
        [6000, tree_edges(r, 6000, deep=True)], [6000, tree_edges(r, 6000)],
    ]


@case('min-eating-speed')
def _():
    r = rng('eating')
    big = [r.randint(1, 10**9) for _ in range(4000)]
    return [
        [[3, 6, 7, 11], 8], [[30, 11, 23, 4, 20], 6], [[30, 11, 23, 4, 20], 5], [[1], 1], [[1], 10**9],
        [[10**9], 1], [[10**9], 2], [[10**9], 3], [[5, 5], 3], [[7, 7, 7], 6], [[2, 2], 2],
        [[10**9] * 5, 10**9], [[312884470], 312884469], [big, 4000], [big, 10001], [big, 10**9],
    ]


@case('min-meeting-rooms')
def _():
    r = rng('rooms')
    big = []
    for _ in range(6000):
        s = r.randint(0, 10**6)
        big.append([s, s + r.randint(1, 500)])
    return [
        [[[0, 30], [5, 10], [15, 20]]], [[[1, 5], [5, 9]]], [[]], [[[3, 4]]], [[[1, 2], [1, 2], [1, 2]]],
        [[[1, 10], [2, 3], [3, 4], [4, 5]]], [[[5, 8], [6, 8], [1, 6]]], [[[7, 10], [2, 4]]],
        [[[1, 5], [2, 6], [3, 7], [5, 8], [6, 9]]], [[[0, 10**9], [0, 1], [1, 2], [2, 3]]], [big],
    ]


@case('smallest-covering-window')
def _():
    r = rng('window')
    big = ''.join(r.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(30000))
    return [
        ['ADOBECODEBANC', 'ABC'], ['aab', 'aa'], ['', 'a'], ['a', ''], ['', ''], ['a', 'a'], ['a', 'aa'],
        ['a', 'b'], ['ab', 'b'], ['bba', 'ab'], ['abcab', 'ab'],  # two shortest windows: the first wins
        ['aA', 'a'], ['cabwefgewcwaefgcf', 'cae'], ['xyzzyx', 'zz'], [big, 'xyz'], [big, 'qqqjjj'],
        [big, 'abcdefghijklmnopqrstuvwxyzz'], ['a' * 20000 + 'b' + 'a' * 20000, 'ba'],
    ]


@case('trapped-rainwater')
def _():
    r = rng('rain')
    big = [r.randint(0, 10**5) for _ in range(10000)]
    return [
        [[0, 1, 0, 2, 1, 0, 1, 3, 2, 1, 2, 1]], [[4, 2, 0, 3, 2, 5]], [[]], [[5]], [[5, 5]], [[3, 0, 3]],
        [[1, 2, 3, 4]], [[4, 3, 2, 1]], [[5, 0, 0, 0, 1]], [[2, 0, 2, 0, 2]], [[5, 1, 3, 1, 5]],
        [[0, 7, 1, 4, 6]], [[100000, 0, 100000]], [list(range(5000)) + list(range(5000, -1, -1))], [big],
        [[10**5] + [0] * 9998 + [10**5]],
    ]


@case('edit-distance')
def _():
    r = rng('edit')
    a = ''.join(r.choice('abcd') for _ in range(600))
    b = list(a)
    for _ in range(60):
        k = r.randrange(len(b))
        op = r.randrange(3)
        if op == 0:
            b[k] = r.choice('abcd')
        elif op == 1:
            del b[k]
        else:
            b.insert(k, r.choice('abcd'))
    b = ''.join(b)
    return [
        ['horse', 'ros'], ['', 'abc'], ['abc', ''], ['', ''], ['a', 'a'], ['a', 'b'], ['ab', 'ba'],
        ['intention', 'execution'], ['kitten', 'sitting'], ['abcdef', 'azced'], ['aaaa', 'aa'],
        ['abc', 'cab'], [a, b], [a, a[::-1]], [''.join(r.choice('xyz') for _ in range(400)), 'x' * 300],
    ]


@case('largest-histogram-rectangle')
def _():
    r = rng('histogram')
    big = [r.randint(0, 10**4) for _ in range(10000)]
    return [
        [[2, 1, 5, 6, 2, 3]], [[]], [[7]], [[0]], [[2, 4]], [[4, 2]], [[3, 3, 3]], [[1, 1, 1, 1, 1, 1]],
        [[6, 2, 5, 4, 5, 1, 6]], [[2, 1, 2]], [[0, 9, 0]], [[5, 4, 1, 2]], [list(range(1, 5001))],
        [list(range(5000, 0, -1))], [big], [[10**4] * 10000],
    ]


@case('median-of-two-sorted')
def _():
    r = rng('median')
    a = sorted(r.randint(-10**6, 10**6) for _ in range(4000))
    b = sorted(r.randint(-10**6, 10**6) for _ in range(3001))
    return [
        [[1, 3], [2]], [[1, 2], [3, 4]], [[], [1]], [[2], []], [[], [2, 3]], [[1], [2]], [[0, 0], [0, 0]],
        [[1, 2, 3], []], [[-5, 3, 6, 12, 15], [-12, -10, -6, -3, 4, 10]], [[1, 1, 1], [1, 1, 1, 2]],
        [[1, 2], [-1, 3]], [[-10**6], [10**6 - 1]],  # average is 0.5-ish: do not round
        [[1, 3, 5, 7], [2, 4, 6, 8, 10, 12]], [[100], [1, 2, 3, 4, 5]], [a, b], [a, b[:-1]], [a[:1], b],
    ]


@case('shortest-paths-from-source')
def _():
    r = rng('dijkstra')
    n = 2500
    edges = [[r.randrange(n), r.randrange(n), r.randint(0, 10**5)] for _ in range(5000)]
    small = [[r.randrange(500), r.randrange(500), r.randint(0, 50)] for _ in range(1200)]
    # a cheap long chain competing with expensive shortcuts
    chain = [[i, i + 1, 1] for i in range(2999)] + [[0, i, 10**6] for i in range(1, 3000, 7)]
    return [
        [4, [[0, 1, 5], [0, 2, 1], [2, 1, 2], [1, 3, 1]], 0], [1, [], 0], [1, [[0, 0, 5]], 0], [3, [], 1],
        [2, [[1, 0, 3]], 0], [2, [[0, 1, 9], [0, 1, 4], [0, 1, 7]], 0], [3, [[0, 1, 0], [1, 2, 0]], 0],
        [4, [[0, 1, 1], [1, 2, 1], [0, 2, 5], [2, 3, 1], [0, 3, 10]], 0],  # BFS by hops picks 0->3
        [5, [[0, 1, 10], [0, 2, 1], [2, 3, 1], [3, 1, 1], [1, 4, 1]], 0],
        [3, [[0, 1, 1], [1, 0, 1], [1, 2, 1]], 2], [n, edges, 0], [500, small, 123],
        [3000, chain, 0],
    ]


@case('word-ladder')
def _():
    r = rng('ladder')
    words = list({''.join(r.choice('abcde') for _ in range(5)) for _ in range(3000)})
    words.sort()
    r.shuffle(words)
    far = list({''.join(r.choice('ab') for _ in range(8)) for _ in range(300)})
    far.sort()
    return [
        ['hit', 'cog', ['hot', 'dot', 'dog', 'lot', 'log', 'cog']], ['hit', 'cog', ['hot', 'dot', 'dog', 'lot', 'log']],
        ['a', 'c', ['a', 'b', 'c']], ['a', 'a', []], ['abc', 'abd', []], ['abc', 'abd', ['abd']],
        ['hot', 'dog', ['hot', 'dog']], ['hot', 'dog', ['hot', 'dog', 'dot']], ['aa', 'bb', ['ab', 'ab', 'bb']],
        ['lost', 'cost', ['most', 'fist', 'lost', 'cost', 'fish']], [words[0], words[1], words],
        ['aaaaa', 'eeeee', words + ['eeeee']], [words[5], 'zzzzz', words + ['zzzzz']],
        ['aaaaaaaa', 'bbbbbbbb', far + ['bbbbbbbb']],
    ]


@case('sliding-window-maximum')
def _():
    r = rng('slidemax')
    big = [r.randint(-10**4, 10**4) for _ in range(6000)]
    return [
        [[1, 3, -1, -3, 5, 3, 6, 7], 3], [[5], 1], [[1, -1], 1], [[1, -1], 2], [[4, 4, 4, 4], 2],
        [[9, 8, 7, 6, 5], 2], [[1, 2, 3, 4, 5], 5], [[-7, -8, 7, 5, 7, 1, 6, 0], 4], [[1, 3, 1, 2, 0, 5], 3],
        [[2, 2, 1, 2, 1], 2],  # duplicates of the maximum leaving the window
        [big[:2000], 1], [big, 50], [big, 6000], [list(range(5000, 0, -1)), 1000],
    ]


@case('pattern-match')
def _():
    return [
        ['aab', 'c*a*b'], ['ab', '.*c'], ['', ''], ['', 'a*'], ['', '.*b*'], ['a', ''], ['', 'a'], ['aa', 'a'],
        ['aa', 'a*'], ['ab', '.*'], ['mississippi', 'mis*is*p*.'], ['mississippi', 'mis*is*ip*.'],
        ['aaa', 'a*a'], ['aaa', 'ab*a*c*a'], ['a', 'ab*'], ['bbbba', '.*a*a'], ['ab', '.*..'],
        ['a' * 30 + 'b', 'a*' * 15 + 'c'],  # exponential without memoisation
        ['abcd' * 50, '.*' + 'abcd' * 49 + '.*'], ['abcd' * 50, '.*' + 'abcd' * 51],
    ]


@case('count-inversions')
def _():
    r = rng('inversions')
    big = [r.randint(-10**6, 10**6) for _ in range(8000)]
    return [
        [[3, 1, 2, 3, 0]], [[1, 1, 1]], [[]], [[5]], [[1, 2]], [[2, 1]], [[2, 4, 1, 3, 5]], [[5, 4, 3, 2, 1]],
        [[2, 2, 1, 1]], [[-1, -2, 0, -3]], [list(range(12000, 0, -1))],  # 71,994,000 inversions
        [big], [[r.randint(0, 3) for _ in range(15000)]],
    ]


@case('min-spanning-cost')
def _():
    r = rng('mst')
    n = 2000
    edges = [[i, r.randrange(i), r.randint(-10**4, 10**4)] for i in range(1, n)]  # a random spanning tree
    edges += [[r.randrange(n), r.randrange(n), r.randint(-10**4, 10**4)] for _ in range(4000)]
    r.shuffle(edges)
    split = [e for e in edges if (e[0] < 1000) == (e[1] < 1000)]
    return [
        [4, [[0, 1, 1], [1, 2, 4], [0, 2, 3], [2, 3, 2], [1, 3, 5]]], [3, [[0, 1, 7]]], [1, []], [2, []],
        [2, [[0, 1, 5], [1, 0, 2], [0, 0, -9]]],  # cheapest parallel cable, ignore the self-loop
        [3, [[0, 1, -5], [1, 2, -5], [0, 2, -5]]],  # only two of the three negative cables
        [4, [[0, 1, 1], [2, 3, 1]]], [4, [[0, 1, 3], [1, 2, 3], [2, 3, 3], [3, 0, 3], [0, 2, 3]]],
        [5, [[0, 1, 10], [0, 2, 1], [0, 3, 1], [0, 4, 1], [1, 2, 2], [1, 3, 9]]],
        [n, edges], [n, split],
    ]


@case('tree-max-path-sum')
def _():
    r = rng('pathsum')

    def random_tree(n, deep=False, lo=-10**4, hi=10**4):
        parent = [-1] + [(v - 1 if deep else r.randrange(max(0, v - 5) if r.random() < 0.5 else 0, v)) for v in range(1, n)]
        return [[r.randint(lo, hi) for _ in range(n)], parent]

    return [
        [[1, 2, 3], [-1, 0, 0]], [[-10, 9, 20, 15, 7], [-1, 0, 0, 2, 2]], [[5], [-1]], [[-3], [-1]],
        [[-3, -1, -2], [-1, 0, 0]],  # all negative: the single best node
        [[2, -1], [-1, 0]], [[-1, 2], [-1, 0]], [[1, -5, 3, 4], [-1, 0, 1, 2]],
        [[10, 1, 1, 1, 9, 8], [-1, 0, 0, 0, 1, 2]],  # use only the two best of three children
        [[0, 5, 5, 5, -100, 50], [-1, 0, 0, 1, 3, 4]],
        random_tree(4000, deep=True), random_tree(5000), random_tree(5000, lo=-10**4, hi=100),
    ]


@case('longest-valid-parentheses')
def _():
    r = rng('parens')
    big = ''.join(r.choice('((()') if i < 15000 else r.choice('()))') for i in range(30000))
    return [
        [')()())'], ['(()'], [''], ['('], [')'], ['()'], [')('], ['()(()'], ['()(())'], ['(()())'],
        ['(()(((()'], ['())()()(())'], [')))((('], ['()' * 10000], ['(' * 10000 + ')' * 9999],
        [big], [''.join(r.choice('()') for _ in range(30000))],
    ]
