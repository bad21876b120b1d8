#!/usr/bin/env bash
# Builds the npm package in pkg/: wasm-pack (--target web, release, size-tuned), then
# wasm-opt 132 from the npm `binaryen` package (never Debian's: see shared/toolchain.md),
# then the hand-written JS API, TypeScript declarations and manifest from js/, and the
# build-time markup (src/bin/widget-markup.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

# Size settings for the wasm builds only (scripts/wasm-size-env.sh).
. scripts/wasm-size-env.sh
mapfile -t size_env < <(wasm_size_env)

rm -rf pkg
# Two bundles from the one crate: `vipps_checkout` (the button and the return view) and
# `vipps_checkout_kiosk` (also mode "qr" and "push", feature `kiosk`), which index.js
# loads only for those modes.
bundle() { # <out-name> [cargo feature args]
  local name=$1
  shift
  env "${size_env[@]}" wasm-pack build . --release --target web --out-dir "pkg/.$name" --out-name "$name" --no-pack --no-typescript \
    -- "$@" >&2
  mv "pkg/.$name/${name}.js" "pkg/.$name/${name}_bg.wasm" pkg/
  rm -rf "pkg/.$name"
  local wasm="pkg/${name}_bg.wasm"
  # Leptos always links server_fn, whose wasm-streams classes wasm-bindgen exports (and so
  # keeps) though nothing here streams: their exports go, and the code only they reach.
  # `-Oz --converge`: the size passes again until nothing shrinks (0.5 KB gzip).
  node_modules/.bin/wasm-opt "$wasm" -o "$wasm.opt" \
    --remove-exports --pass-arg='remove-exports@*intounderlying*' -Oz --converge --strip-debug --strip-producers \
    --enable-bulk-memory --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-reference-types --enable-multivalue
  mv "$wasm.opt" "$wasm"
}
bundle vipps_checkout
bundle vipps_checkout_kiosk --features kiosk
wasm=pkg/vipps_checkout_bg.wasm
kiosk_wasm=pkg/vipps_checkout_kiosk_bg.wasm
cp js/index.js js/embed.js js/index.d.ts js/package.json pkg/
# The markup index.js paints before the wasm loads: the same Leptos views, rendered
# natively (Leptos' server renderer) into markup.js, the CSS files and the snippets.
cargo run --quiet --locked --features ssr --bin widget-markup -- pkg >&2
# Minified, and each entry point in one file (esbuild, from npm), so the first paint
# costs one request: embed.js (script tag) and index.js (npm) each carry the markup; the
# wasm glue stays apart, imported only when the bundle loads.
for f in embed.js index.js; do
  node_modules/.bin/esbuild "pkg/$f" --bundle --minify --format=esm --log-level=warning \
    --external:./vipps_checkout.js --external:./vipps_checkout_kiosk.js --outfile="pkg/$f" --allow-overwrite
done
for glue in vipps_checkout vipps_checkout_kiosk; do
  node_modules/.bin/esbuild "pkg/$glue.js" --minify --format=esm --log-level=warning \
    --outfile="pkg/$glue.js" --allow-overwrite
done
rm pkg/markup.js
rm -f pkg/.gitignore
# The package's README: its introduction plus the widget reference from README.md.
{ cat js/README.md; echo; sed -n '/<!-- widget-docs:start -->/,/<!-- widget-docs:end -->/p' README.md; } > pkg/README.md

# Subresource Integrity: the wasm hash goes into index.js (which fetches the wasm with
# it), and every file's hash into integrity.json for pages that pin them.
sri() { python3 -c 'import base64, hashlib, sys; print("sha384-" + base64.b64encode(hashlib.sha384(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"; }
sed -i "s#__WASM_INTEGRITY__#$(sri "$wasm")#g; s#__KIOSK_WASM_INTEGRITY__#$(sri "$kiosk_wasm")#g" pkg/index.js pkg/embed.js
{
  echo "{"
  first=1
  for f in embed.js index.js vipps_checkout.js vipps_checkout_bg.wasm vipps_checkout_kiosk.js \
    vipps_checkout_kiosk_bg.wasm vipps-checkout.css widget.css; do
    [ $first = 1 ] || echo ","
    first=0
    printf '  "%s": "%s"' "$f" "$(sri "pkg/$f")"
  done
  echo
  echo "}"
} > pkg/integrity.json
echo "built pkg/ ($(du -b "$wasm" | cut -f1) bytes of wasm; kiosk $(du -b "$kiosk_wasm" | cut -f1))"
