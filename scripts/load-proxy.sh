#!/usr/bin/env bash
# The backend under load, twice: one instance on SQLite, then three instances on one
# PostgreSQL (a throwaway cluster with PostgreSQL's durable defaults) behind the load
# tool's round-robin. Each: a release vipps-sim and the proxies (abuse limits off: the
# load comes from one address) on free loopback ports, then the proxy's load example:
# ORDERS (200) open payments polled by POLLERS (10000) for SECONDS_ (60), then STARTS
# (1000) payment starts a minute with every click retried on another instance.
# SCENARIOS picks (default "sqlite postgres"). A report, never a test.
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERS=${ORDERS:-200}
POLLERS=${POLLERS:-10000}
SECONDS_=${SECONDS_:-60}
STARTS=${STARTS:-1000}
INSTANCES=${INSTANCES:-3}
SCENARIOS=${SCENARIOS:-sqlite postgres}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# Two builds: the simulator has a `load` example of its own, which must not be built here.
cargo build --release --locked -p vipps-sim --bin vipps-sim
cargo build --release --locked -p vipps-proxy -p pg-throwaway --bin vipps-proxy --bin pg-throwaway --example load
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$dir"' EXIT

up() { for _ in $(seq 200); do curl -fs "$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "$1 did not come up" >&2; exit 1; }

# scenario LABEL DB COUNT: COUNT proxies on DB against a fresh simulator, loaded.
scenario() {
  local label=$1 db=$2 count=$3 sim_port proxies="" proxy_pids=() pid port
  sim_port=$(free)
  target/release/vipps-sim --listen "127.0.0.1:$sim_port" --no-rate-limits >"$dir/sim-$label.log" 2>&1 &
  pids+=($!)
  for i in $(seq "$count"); do
    port=$(free)
    VIPPS_CLIENT_SECRET=sim-client-secret VIPPS_SUBSCRIPTION_KEY=sim-subscription-key RUST_LOG=warn \
      target/release/vipps-proxy --listen "127.0.0.1:$port" --vipps-url "http://127.0.0.1:$sim_port" \
      --client-id sim-client-id --msn 123456 --db "$db" \
      --payments-per-minute-per-client 0 --payments-per-minute 0 \
      --polls-per-minute-per-client 0 --polls-per-minute 0 >"$dir/proxy-$label-$i.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    proxy_pids+=("$pid")
    up "http://127.0.0.1:$port"
    proxies="${proxies:+$proxies,}http://127.0.0.1:$port"
  done
  echo "=== $label: $count instance(s) ==="
  target/release/examples/load "$proxies" "http://127.0.0.1:$sim_port" \
    "$ORDERS" "$POLLERS" "$SECONDS_" "$STARTS" || echo "=== $label: the load example reported a failure ==="
  for pid in "${proxy_pids[@]}"; do
    echo "proxy RSS: $(ps -o rss= -p "$pid" | awk '{printf "%.1f MiB", $1/1024}')  (pid $pid, $label)"
  done
  kill "${proxy_pids[@]}" 2>/dev/null || true
}

for s in $SCENARIOS; do
  case "$s" in
    sqlite) scenario sqlite "sqlite:$dir/orders.db" 1 ;;
    postgres)
      target/release/pg-throwaway orders >"$dir/pg-url" 2>"$dir/pg.log" &
      pids+=($!)
      for _ in $(seq 300); do [ -s "$dir/pg-url" ] && break; sleep 0.1; done
      [ -s "$dir/pg-url" ] || { cat "$dir/pg.log" >&2; exit 1; }
      scenario postgres "$(cat "$dir/pg-url")" "$INSTANCES"
      ;;
    *) echo "unknown scenario $s (sqlite, postgres)" >&2; exit 2 ;;
  esac
done
