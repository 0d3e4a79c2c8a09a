#!/usr/bin/env bash
# Installs what the end-to-end tests need, skipping whatever is already there (safe to run on every CI run):
#   - Debian packages: chromium (the browser Playwright drives), libkrb5-dev (code-server's kerberos
#     module builds against it), ripgrep (seeds @vscode/ripgrep's download cache, see below);
#   - code-server 4.100.3 (a real VS Code 1.100.3 server + web workbench) from the npm registry into
#     ${REASONING_LAB_CACHE:-$HOME/.cache/reasoning-lab}/code-server-4.100.3 — outside the project's
#     node_modules so `npm ci` stays small and the cache can be kept between CI runs.
# Works without internet except the npm registry and the Debian mirror.
set -euo pipefail
CS_VERSION=4.100.3     # last code-server release whose engines say node 20 (VS Code 1.100.3)
CACHE=${REASONING_LAB_CACHE:-$HOME/.cache/reasoning-lab}
PREFIX=${1:-$CACHE/code-server-$CS_VERSION}
CS_BIN="$PREFIX/node_modules/.bin/code-server"
# `code-server --version` writes a default config.yaml (and logs that it did) on its first run: point it
# at a throw-away config folder, so checking the version neither touches ~/.config nor prints a log line.
CS_CONFIG=$(mktemp -d)
trap 'rm -rf "$CS_CONFIG"' EXIT
cs_version() { XDG_CONFIG_HOME="$CS_CONFIG" "$CS_BIN" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+' || true; }

# --- Debian packages -----------------------------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
need=()
# fonts-wqy-microhei: a small CJK font, so screenshots of the Chinese demo completions show characters, not boxes.
for p in chromium libkrb5-dev ripgrep fonts-wqy-microhei; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
  echo "install-code-server: [1/2] apt-get install ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- code-server ---------------------------------------------------------------------------------
if [ -x "$CS_BIN" ] && [ -n "$(cs_version)" ]; then
  echo "install-code-server: code-server $CS_VERSION already in $PREFIX"
  exit 0
fi
echo "install-code-server: [2/2] installing code-server $CS_VERSION into $PREFIX (about 1 minute)"
# @vscode/ripgrep's postinstall downloads rg from GitHub unless its tmp cache already holds the tarball:
# seed that cache with Debian's rg so the postinstall "uses the cached download".
case "$(uname -m)" in
  x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64|arm64) RG_TARGET=aarch64-unknown-linux-musl ;;
  *) echo "install-code-server: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
RG_CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
if [ ! -f "$RG_CACHE/ripgrep-v13.0.0-10-$RG_TARGET.tar.gz" ]; then
  tmp=$(mktemp -d); cp "$(command -v rg)" "$tmp/rg"
  tar czf "$RG_CACHE/ripgrep-v13.0.0-10-$RG_TARGET.tar.gz" -C "$tmp" rg; rm -rf "$tmp"
fi
mkdir -p "$PREFIX"
[ -f "$PREFIX/package.json" ] || echo '{"name":"cs-prefix","private":true}' > "$PREFIX/package.json"
# --unsafe-perm: code-server's postinstall refuses to run as root without it.
# npm_config_yes=true: node-pty's postinstall runs `npx node-gyp`, which a user's `yes=false` would cancel.
# --ignore-scripts=false: code-server builds its native modules in install scripts, which a user's own
# npm config (ignore-scripts) must not skip when this runs from `npm start` or `npm test`.
( cd "$PREFIX" && npm_config_yes=true npm install --unsafe-perm --ignore-scripts=false --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" )
installed=$(cs_version)
[ -n "$installed" ] || { echo "install-code-server: code-server does not run after the install (see npm's output above)" >&2; exit 1; }
echo "install-code-server: installed code-server $installed"
