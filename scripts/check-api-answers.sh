#!/usr/bin/env bash
# Checks real answers of the release vipps-proxy (against vipps-sim) against
# docs/proxy-api.yaml, with openapi-core (tests/contract/check_answers.py).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(scripts/pyvenv.sh)
"$venv/bin/python" tests/contract/check_answers.py target/release/vipps-sim target/release/vipps-proxy
