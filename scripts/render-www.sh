#!/usr/bin/env bash
# Copies the demo shop (www/) to DEST with {{SIM_ORIGIN}} replaced by the simulator's
# origin, so that the pages allow exactly that simulator as the payment host.
set -euo pipefail
cd "$(dirname "$0")/.."
origin=$1 dest=$2
rm -rf "$dest" && mkdir -p "$dest" && cp -R www/. "$dest/"
find "$dest" -name '*.html' -exec sed -i "s#{{SIM_ORIGIN}}#$origin#g" {} +
