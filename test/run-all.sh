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

# The sandbox's system packages, on first use when we can install them (.ci/run installs them too):
# bubblewrap gives each sandbox worker a filesystem that holds only the interpreters;
# LeetCodeDataset's reference solutions import sortedcontainers.
need=()
command -v bwrap >/dev/null || need+=(bubblewrap)
/usr/bin/python3 -c 'import sortedcontainers' 2>/dev/null || need+=(python3-sortedcontainers)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || echo "could not install ${need[*]}"
  else echo "note: the sandbox tests want ${need[*]} (sudo apt-get install ${need[*]})"; fi
fi

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

# --- the sandbox as an ordinary user -----------------------------------------------------------------
# CI runs as root, but people run VS Code as themselves: .ci/run creates REASONING_LAB_CI_USER, and the
# sandbox's unit and red-team tests and the Run Evaluation scenarios run again as that user, in a copy of
# the checkout the user owns (with a hard-linked copy of code-server).
if [ "$(id -u)" = 0 ] && [ -n "${REASONING_LAB_CI_USER:-}" ]; then
  U=$REASONING_LAB_CI_USER
  copy=$(mktemp -d /tmp/rl-unprivileged-XXXXXX)
  cp -a . "$copy/repo"
  cache="${REASONING_LAB_CACHE:-$HOME/.cache/reasoning-lab}"
  mkdir -p "$copy/cache"
  for d in "$cache"/code-server-*; do [ -d "$d" ] && { cp -al "$d" "$copy/cache/" 2>/dev/null || cp -a "$d" "$copy/cache/"; }; done
  chown -R "$U" "$copy/repo"; chmod 755 "$copy" "$copy/cache"
  data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
  as_user() { (cd "$copy/repo" && runuser -u "$U" -- env -i REASONING_LAB_DATA="$data" HOME="$(getent passwd "$U" | cut -d: -f6)" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 CI="${CI:-}" REASONING_LAB_CACHE="$copy/cache" "$@"); }
  echo "=== sandbox unit + red-team tests as $U (uid $(id -u "$U"))"
  as_user node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout test/unit/eval-sandbox.test.ts test/unit/eval-sandbox-sources.test.ts test/unit/eval-redteam.test.ts test/sandbox/datasets.test.ts 2>&1 | tee test-results/unit-unprivileged.log; rc=${PIPESTATUS[0]}
  count test-results/unit-unprivileged.log
  echo "unit as $U: $summary"
  if [ "$rc" -ne 0 ]; then failed_parts+=(unit-unprivileged); case "$summary" in *", 0 failed") total_failed=$((total_failed + 1));; esac; fi
  echo "=== Run Evaluation scenarios as $U"
  as_user node test/e2e/run.mjs --grep eval-run-evaluation --no-suite 2>&1 | tee test-results/e2e-unprivileged.log; rc=${PIPESTATUS[0]}
  count test-results/e2e-unprivileged.log
  echo "e2e as $U: $summary"
  if [ "$rc" -ne 0 ]; then failed_parts+=(e2e-unprivileged); case "$summary" in *", 0 failed") total_failed=$((total_failed + 1));; esac; fi
  mkdir -p test-results/unprivileged && cp -a "$copy/repo/test-results/." test-results/unprivileged/ 2>/dev/null
  rm -rf "$copy"
fi

echo "=== summary"
if ((${#failed_parts[@]})); then echo "failed parts: ${failed_parts[*]}"; fi
echo "$total_passed passed, $total_failed failed"
((${#failed_parts[@]} == 0))
