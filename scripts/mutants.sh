#!/usr/bin/env bash
# make mutants: cargo-mutants over the pure code, as a report (not part of make test).
#   1. the widget's core (src/core) and the contract (crates/contract), with every test
#      of their crates: the goal is no surviving mutant;
#   2. the proxy's and the simulator's pure modules, with their crates' unit tests only
#      (their integration tests start servers: too slow for one run per mutant).
# Prints caught / missed / timeouts per file; the survivors are in
# target/mutants-*/mutants.out/missed.txt. Usage: scripts/mutants.sh [core|servers|all]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked --quiet

summary() {
  python3 - "$1" <<'PY'
import collections, json, sys
outcomes = json.load(open(f"{sys.argv[1]}/mutants.out/outcomes.json"))["outcomes"]
by = collections.defaultdict(collections.Counter)
for o in outcomes:
    scenario = o["scenario"]
    if scenario == "Baseline":
        continue
    summary = o["summary"]
    by[scenario["Mutant"]["file"]][summary] += 1
print(f"{'file':<40} {'caught':>7} {'missed':>7} {'timeout':>8} {'unviable':>9}")
for f, c in sorted(by.items()):
    print(f"{f:<40} {c['CaughtMutant']:>7} {c['MissedMutant']:>7} {c['Timeout']:>8} {c['Unviable']:>9}")
PY
}

run() {
  local name=$1; shift
  local out=target/mutants-$name
  cargo mutants --workspace --no-shuffle --jobs 2 --output "$out" "$@" || true
  echo
  echo "== $name =="
  summary "$out"
}

what=${1:-all}
if [ "$what" = core ] || [ "$what" = all ]; then
  run core -f 'src/core/*.rs' -f 'src/core/i18n/*.rs' -f 'crates/contract/src/*.rs'
fi
if [ "$what" = servers ] || [ "$what" = all ]; then
  run servers --cargo-test-arg=--lib \
    -f crates/vipps-proxy/src/status.rs -f 'crates/vipps-proxy/src/gateway/*/status.rs' \
    -f crates/vipps-proxy/src/token.rs -f crates/vipps-proxy/src/staff_status.rs \
    -f crates/vipps-proxy/src/shipping.rs -f crates/vipps-proxy/src/catalogue.rs \
    -f crates/vipps-proxy/src/limits.rs -f crates/vipps-proxy/src/config.rs \
    -f crates/vipps-proxy/src/stores.rs -f crates/vipps-proxy/src/dashboard/kroner.rs \
    -f crates/vipps-proxy/src/dashboard/texts.rs \
    -f crates/vipps-sim/src/ecom/validate/mod.rs -f 'crates/vipps-sim/src/ecom/ledger/*.rs' \
    -f crates/vipps-sim/src/userinfo.rs
fi
