#!/usr/bin/env bash
# `npm test`: the unit tests (node's test runner over test/unit/*.test.ts), then a build and the
# end-to-end scenarios + the extension-host suite in a real VS Code (code-server). Prints each part's
# summary and, last, "N passed, N failed" over all parts; exits non-zero if any part failed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
total_passed=0; total_failed=0; failed_parts=()

count() { # count <log>: sets $summary from the part's "N passed, N failed" (or node:test's "pass N / fail N") and adds it to the totals
  local log=$1 p f line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  if [ -n "$line" ]; then
    p=${line%% passed*}; f=${line#*, }; f=${f%% failed}
  else
    p=$(grep -E '^(ℹ|#) pass [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$'); p=${p:-0}
    f=$(grep -E '^(ℹ|#) fail [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$'); f=${f:-0}
  fi
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
  summary="$p passed, $f failed"
}

# --- unit tests ------------------------------------------------------------------------------------
echo "=== unit tests"
if compgen -G 'test/unit/*.test.ts' >/dev/null; then
  npm run --silent test:unit 2>&1 | tee test-results/unit.log; rc=${PIPESTATUS[0]}
  count test-results/unit.log
  echo "unit: $summary"
  if [ "$rc" -ne 0 ]; then
    failed_parts+=(unit)
    # a crash before any test ran still counts as a failure
    case "$summary" in *", 0 failed") total_failed=$((total_failed + 1));; esac
  fi
else
  echo "unit: no test/unit/*.test.ts yet, skipped"
fi

# --- build + end-to-end + extension-host suite ----------------------------------------------------------
echo "=== build"
if ! node esbuild.mjs > test-results/build.log 2>&1; then
  cat test-results/build.log
  echo "build: FAILED"
  failed_parts+=(build); total_failed=$((total_failed + 1))
else
  echo "build: ok"
  echo "=== end-to-end (code-server) + extension-host suite"
  node test/e2e/run.mjs 2>&1 | tee test-results/e2e.log; rc=${PIPESTATUS[0]}
  count test-results/e2e.log
  echo "e2e: $summary"
  if [ "$rc" -ne 0 ]; then
    failed_parts+=(e2e)
    case "$summary" in *", 0 failed") total_failed=$((total_failed + 1));; esac
  fi
fi

echo "=== summary"
if ((${#failed_parts[@]})); then echo "failed parts: ${failed_parts[*]}"; fi
echo "$total_passed passed, $total_failed failed"
((${#failed_parts[@]} == 0))
