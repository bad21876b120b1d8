#!/usr/bin/env bash
# Prints the path of the project's Python tool venv (target/pyvenv), creating or updating
# it when the pinned tools are missing: a third-party Vipps client for the compatibility
# check, an OpenAPI validator for docs/proxy-api.yaml, and openapi-core to check real
# answers against it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/pyvenv
pins=(vipps==0.1 'requests>=2.31,<3' openapi-spec-validator==0.7.2 openapi-core==0.19.5)
stamp="$venv/.pins"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${pins[*]}" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" >&2
  echo "${pins[*]}" > "$stamp"
fi
echo "$venv"
