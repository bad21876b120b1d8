#!/usr/bin/env bash
# Validates docs/proxy-api.yaml against the OpenAPI 3.0 schema.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(scripts/pyvenv.sh)
"$venv/bin/python" - <<'PY'
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
spec, _ = read_from_filename("docs/proxy-api.yaml")
validate(spec)
print(f"docs/proxy-api.yaml: valid OpenAPI {spec['openapi']}, {len(spec['paths'])} paths")
PY
