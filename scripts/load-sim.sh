#!/usr/bin/env bash
# Starts a release vipps-sim on a free loopback port and runs the load example against
# it: POLLERS (default 1000) concurrent pollers for SECONDS (default 30). Report only.
set -euo pipefail
cd "$(dirname "$0")/.."
POLLERS=${POLLERS:-1000}
SECONDS_=${SECONDS_:-30}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release -p vipps-sim --bin vipps-sim --example load
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/release/vipps-sim --listen "127.0.0.1:$port" >/tmp/vipps-sim-load.log 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
target/release/examples/load "http://127.0.0.1:$port" "$POLLERS" "$SECONDS_"
echo "simulator RSS: $(ps -o rss= -p $sim | awk '{printf "%.1f MiB", $1/1024}')"
