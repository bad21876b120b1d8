#!/usr/bin/env bash
# Installs what the project needs on a bare machine of this kind, idempotently and
# quickly when everything is already there. Usage: scripts/setup.sh [rust|python|wasm|browser|node|postgres]...
# Each part is checked first and installed only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

need_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
      export PATH="$HOME/.cargo/bin:$PATH"
    else
      say "cargo is missing: this machine kind ships a Rust toolchain via rustup; install it first" >&2
      exit 1
    fi
  fi
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      say "adding rustup component $component"
      rustup component add "$component"
    fi
  done
}

need_python() {
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing python3 with venv (Debian)"
    apt_install python3 python3-venv
  fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# The wasm toolchain: target, wasm-pack, and wasm-bindgen-cli at exactly the version in
# Cargo.lock (wasm-pack would otherwise try to download it from GitHub, which fails here).
need_wasm() {
  need_rust
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # The standard library's source, to rebuild it with the bundle for size
  # (scripts/wasm-size-env.sh). Without it the bundle still builds, only larger.
  if ! rustup component list --installed | grep -q '^rust-src'; then
    say "adding rustup component rust-src"
    rustup component add rust-src || say "rust-src could not be added: the widget's bundle will be larger" >&2
  fi
  if ! command -v wasm-pack >/dev/null 2>&1; then
    say "installing wasm-pack (a few minutes, once)"
    cargo install wasm-pack --locked --quiet
  fi
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (a few minutes, once)"
    # Its own lockfile can name a dependency version the registry has since yanked
    # (webpki-roots 1.0.11, seen 2026-11): then resolve afresh.
    cargo install wasm-bindgen-cli --version "$want" --locked --quiet --force ||
      cargo install wasm-bindgen-cli --version "$want" --quiet --force
  fi
}

# Debian's Chromium and ChromeDriver, for browser tests and screenshots.
need_browser() {
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    say "installing chromium and chromium-driver (Debian)"
    apt_install chromium chromium-driver
  fi
}

# Debian's PostgreSQL server binaries (initdb, postgres): the backend's tests run a
# throwaway cluster of their own (crates/pg-throwaway); no server is started here.
need_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${PG_BINDIR:-}" ]; then
    say "installing postgresql (Debian)"
    apt_install postgresql
  fi
}

# The npm tools (binaryen's wasm-opt 132, playwright-core), as package-lock.json pins them.
need_node() {
  if ! command -v npm >/dev/null 2>&1; then
    say "installing nodejs and npm (Debian)"
    apt_install nodejs npm
  fi
  if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm tools (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(rust)
for part in "${parts[@]}"; do
  case "$part" in
    rust) need_rust ;;
    python) need_python ;;
    wasm) need_wasm ;;
    browser) need_browser ;;
    postgres) need_postgres ;;
    node) need_node ;;
    *) say "unknown part: $part" >&2; exit 2 ;;
  esac
done
say "ready: ${parts[*]}"
