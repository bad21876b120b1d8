#!/usr/bin/env bash
# Prints raw and gzip bytes of the files in pkg/ against the budgets: what must load
# before the button is visible (embed.js for a script tag, or index.js from npm: each
# carries the markup): 6 KB gzip; the whole bundle, wasm + JS: 115 KB gzip; the kiosk
# bundle (mode "qr" and "push", loaded only by those: a customer screen or a till)
# 150 KB gzip. With --breakdown, also where the wasm bytes go (twiggy, on a build that
# keeps function names). Exits 1 when over a budget.
set -euo pipefail
cd "$(dirname "$0")/.."
PAINT_BUDGET=$((6 * 1024))
BUDGET=$((115 * 1024))
KIOSK_BUDGET=$((150 * 1024))
[ -f pkg/vipps_checkout_bg.wasm ] || { echo "pkg/ is not built: run make build" >&2; exit 2; }
total=0
paint=0
printf '%-28s %10s %10s  %s\n' file raw gzip "needed for"
for f in pkg/embed.js pkg/index.js pkg/vipps_checkout.js pkg/vipps_checkout_bg.wasm; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9c "$f" | wc -c)
  case "$f" in
    # A page loads one of the two entry points.
    *embed.js|*index.js) [ "$gz" -gt "$paint" ] && paint=$gz; role="the visible button (one of the two)" ;;
    *) total=$((total + gz)); role="the live button" ;;
  esac
  printf '%-28s %10d %10d  %s\n' "${f#pkg/}" "$raw" "$gz" "$role"
done
total=$((total + paint))
verdict() { [ "$1" -le "$2" ] && echo within || echo OVER; }
printf '%-28s %10s %10d  (budget %d: %s)\n' "before the button shows" "" "$paint" "$PAINT_BUDGET" "$(verdict $paint $PAINT_BUDGET)"
printf '%-28s %10s %10d  (budget %d: %s)\n' "whole bundle (entry+glue+wasm)" "" "$total" \
  "$BUDGET" "$(verdict $total $BUDGET)"
printf '%-28s %10d  (optional, in the page head: reserves the space)\n' "vipps-checkout.css" "$(gzip -9c pkg/vipps-checkout.css | wc -c)"
kiosk=$paint
for f in pkg/vipps_checkout_kiosk.js pkg/vipps_checkout_kiosk_bg.wasm; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9c "$f" | wc -c)
  kiosk=$((kiosk + gz))
  printf '%-28s %10d %10d  %s\n' "${f#pkg/}" "$raw" "$gz" "mode qr/push only"
done
printf '%-28s %10s %10d  (budget %d: %s; %d more than the button bundle)\n' "kiosk bundle (entry+glue+wasm)" "" "$kiosk" \
  "$KIOSK_BUDGET" "$(verdict $kiosk $KIOSK_BUDGET)" "$((kiosk - total))"

if [ "${1:-}" = "--breakdown" ]; then
  command -v twiggy >/dev/null || cargo install twiggy --locked --quiet || cargo install twiggy --quiet
  tmp=$(mktemp -d)
  . scripts/wasm-size-env.sh
  mapfile -t size_env < <(wasm_size_env)
  env "${size_env[@]}" cargo build --quiet --release --target wasm32-unknown-unknown -p vipps-checkout
  wasm-bindgen --target web --keep-debug --out-dir "$tmp" target/wasm-size/wasm32-unknown-unknown/release/vipps_checkout.wasm
  node_modules/.bin/wasm-opt "$tmp/vipps_checkout_bg.wasm" -o "$tmp/named.wasm" -Oz --debuginfo \
    --enable-bulk-memory --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-reference-types --enable-multivalue
  echo
  echo "Where the wasm bytes go, by crate (code only, names excluded):"
  twiggy top -n 100000 --format csv "$tmp/named.wasm" | python3 -c '
import csv, re, sys, collections
rows = list(csv.DictReader(sys.stdin))
by = collections.Counter()
for r in rows:
    name = r["Name"]
    if name.startswith("\"function names\""): continue
    m = re.search(r"([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::", name)
    key = m.group(1) if m else ("data" if name.startswith("data segment") else "other")
    if "<" in name[:2]:
        inner = re.search(r"<([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::", name)
        key = inner.group(1) if inner else key
    by[key] += int(r["ShallowSize"])
total = sum(by.values())
for k, v in by.most_common(15):
    print(f"  {k:<24} {v:>8}  {100*v/total:5.1f}%")
'
  echo
  echo "Largest items:"
  twiggy top -n 15 "$tmp/named.wasm" | grep -v "function names" | sed -n '3,17p'
  rm -rf "$tmp"
fi
[ "$total" -le "$BUDGET" ] && [ "$paint" -le "$PAINT_BUDGET" ] && [ "$kiosk" -le "$KIOSK_BUDGET" ]
