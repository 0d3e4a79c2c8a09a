def is_alnum_palindrome(s):
    def keep(c):
        return ('a' <= c <= 'z') or ('A' <= c <= 'Z') or ('0' <= c <= '9')

    i, j = 0, len(s) - 1
    while i < j:
        if not keep(s[i]):
            i += 1
        elif not keep(s[j]):
            j -= 1
        else:
            if s[i].lower() != s[j].lower():
                return False
            i += 1
            j -= 1
    return True
