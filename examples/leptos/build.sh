#!/usr/bin/env bash
# Builds the Leptos example into DEST (default examples/leptos/dist): the app as wasm
# (wasm-pack, --target web), its page and the script that starts it.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=$(realpath -m "${1:-examples/leptos/dist}")
rm -rf "$dest" && mkdir -p "$dest"
wasm-pack build examples/leptos --dev --target web --out-dir "$dest/app" --no-pack --no-typescript >&2
rm -f "$dest/app/.gitignore"
cp examples/leptos/index.html examples/leptos/main.js "$dest/"
echo "built $dest"
