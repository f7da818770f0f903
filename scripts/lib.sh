# Shared by start.sh and test.sh: install what is missing on a Debian or Ubuntu machine, then the
# npm dependencies and the build. Safe to run again: each step is skipped when already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages Pipewright needs, by the file that proves each is present.
# Usage: ensure_packages bubblewrap:/usr/bin/bwrap awscli:/usr/bin/aws ...
ensure_packages() {
  local missing=() pair pkg file
  for pair in "$@"; do
    pkg="${pair%%:*}"
    file="${pair#*:}"
    # A glob (postgresql's versioned directory) counts as present when anything matches it.
    if ! compgen -G "$file" >/dev/null; then missing+=("$pkg"); fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  command -v apt-get >/dev/null || { echo "not a Debian/Ubuntu machine: install ${missing[*]} yourself" >&2; exit 1; }
  say "installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -lt 20 ]; then
    echo "Pipewright needs Node.js 20.19 or newer; this is $(node --version)" >&2
    exit 1
  fi
}

# npm ci when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  local stamp="node_modules/.pipewright-lock-hash" want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing npm dependencies"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >"$stamp"
  fi
}

# Compiles when the sources, the compiler settings or the dependencies changed since the last build
# (a hash of them is kept in dist/), so a restart does not wait for the compiler.
build() {
  local stamp="dist/.pipewright-source-hash" want
  want="$(find src web tsconfig.json tsconfig.build.json package.json package-lock.json -type f -not -path "web/node_modules/*" -print0 2>/dev/null |
    sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f dist/cli/main.js ]; then return 0; fi
  say "building"
  npm run --silent build
  chmod +x dist/cli/main.js
  echo "$want" >"$stamp"
}
