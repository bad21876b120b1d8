#!/usr/bin/env bash
# Installs what the project needs on a bare machine of this kind, idempotently and
# quickly when everything is already there. Usage: scripts/setup.sh [rust|python]...
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

parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(rust)
for part in "${parts[@]}"; do
  case "$part" in
    rust) need_rust ;;
    python) need_python ;;
    *) say "unknown part: $part" >&2; exit 2 ;;
  esac
done
say "ready: ${parts[*]}"
