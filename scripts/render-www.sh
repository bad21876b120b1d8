#!/usr/bin/env bash
# Copies the demo shop (www/, or SOURCE) to DEST with {{SIM_ORIGIN}} replaced by the
# simulator's origin, so that the pages allow exactly that simulator as the payment host.
# Usage: render-www.sh ORIGIN DEST [SOURCE]
set -euo pipefail
cd "$(dirname "$0")/.."
origin=$1 dest=$2 source=${3:-www}
rm -rf "$dest" && mkdir -p "$dest" && cp -R "$source/." "$dest/"
find "$dest" -name '*.html' -exec sed -i "s#{{SIM_ORIGIN}}#$origin#g" {} +
