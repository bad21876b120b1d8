#!/usr/bin/env bash
# Starts a release vipps-sim and vipps-proxy (SQLite, abuse limits off: the load comes
# from one address) on free loopback ports and runs the proxy's load example: ORDERS
# (200) open payments polled by POLLERS (10000) for SECONDS_ (60), then STARTS (1000)
# payment starts a minute with retried keys. Report only.
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERS=${ORDERS:-200}
POLLERS=${POLLERS:-10000}
SECONDS_=${SECONDS_:-60}
STARTS=${STARTS:-1000}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release --locked -p vipps-sim -p vipps-proxy --bin vipps-sim --bin vipps-proxy --example load
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sim_port=$(free)
proxy_port=$(free)
dir=$(mktemp -d)
target/release/vipps-sim --listen "127.0.0.1:$sim_port" --no-rate-limits >"$dir/sim.log" 2>&1 &
sim=$!
VIPPS_CLIENT_SECRET=sim-client-secret VIPPS_SUBSCRIPTION_KEY=sim-subscription-key RUST_LOG=warn \
  target/release/vipps-proxy --listen "127.0.0.1:$proxy_port" --vipps-url "http://127.0.0.1:$sim_port" \
  --client-id sim-client-id --msn 123456 --db "$dir/orders.db" \
  --payments-per-minute-per-client 0 --payments-per-minute 0 \
  --polls-per-minute-per-client 0 --polls-per-minute 0 >"$dir/proxy.log" 2>&1 &
proxy=$!
trap 'kill $sim $proxy 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$proxy_port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
target/release/examples/load "http://127.0.0.1:$proxy_port" "http://127.0.0.1:$sim_port" \
  "$ORDERS" "$POLLERS" "$SECONDS_" "$STARTS"
echo "proxy RSS: $(ps -o rss= -p $proxy | awk '{printf "%.1f MiB", $1/1024}')  (one instance, SQLite)"
