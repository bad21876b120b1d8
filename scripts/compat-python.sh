#!/usr/bin/env bash
# Runs a third-party eCom v2 client (PyPI `vipps` 0.1) unchanged against vipps-sim.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(scripts/pyvenv.sh)
cargo build --quiet -p vipps-sim --bin vipps-sim
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/debug/vipps-sim --listen "127.0.0.1:$port" --callback-timeout 1 >target/compat-sim.log 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 100); do python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break; sleep 0.1; done
"$venv/bin/python" crates/vipps-sim/tests/compat/vipps_python_client.py "http://127.0.0.1:$port"
