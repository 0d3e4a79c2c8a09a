function isAlnumPalindrome(s) {
  const keep = (c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  let i = 0;
  let j = s.length - 1;
  while (i < j) {
    if (!keep(s[i])) i++;
    else if (!keep(s[j])) j--;
    else {
      if (s[i].toLowerCase() !== s[j].toLowerCase()) return false;
      i++;
      j--;
    }
  }
  return true;
}

module.exports = { isAlnumPalindrome };
