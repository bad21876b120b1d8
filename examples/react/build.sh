#!/usr/bin/env bash
# Builds the React example into DEST (default examples/react/dist) as a shop's bundler
# would: the app and the widget's JS API in one file (esbuild, from npm), the widget's
# wasm glue and files beside it (index.js loads them relative to itself).
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=${1:-examples/react/dist}
[ -f pkg/index.js ] || { echo "pkg/ is not built: run make build" >&2; exit 2; }
# The types first: the widget's own declarations (pkg/index.d.ts) against the app.
node_modules/.bin/tsc -p examples/react
rm -rf "$dest" && mkdir -p "$dest"
node_modules/.bin/esbuild examples/react/src/main.tsx --bundle --minify --format=esm --log-level=warning \
  --alias:vipps-checkout=./pkg/index.js --jsx=automatic --define:process.env.NODE_ENV='"development"' \
  --external:./vipps_checkout.js --external:./vipps_checkout_kiosk.js --outfile="$dest/app.js"
cp pkg/vipps_checkout.js pkg/vipps_checkout_bg.wasm pkg/vipps_checkout_kiosk.js pkg/vipps_checkout_kiosk_bg.wasm \
  pkg/vipps-checkout.css "$dest/"
cp examples/react/index.html "$dest/index.html"
echo "built $dest"
