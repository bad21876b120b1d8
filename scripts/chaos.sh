#!/usr/bin/env bash
# Fault runs of the backend (see crates/vipps-proxy/examples/chaos.rs): RUNS (50) seeded
# runs from FIRST_SEED (1), each with two release instances on one throwaway PostgreSQL,
# simulator faults and a kill -9. CHAOS_SEEDS=7,31 replays given seeds. Prints a verdict
# per run and the seeds of any failure; exits 1 then.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
FIRST_SEED=${FIRST_SEED:-1}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release --locked -p vipps-proxy --bin vipps-proxy --example chaos
target/release/examples/chaos "$RUNS" "$FIRST_SEED"
