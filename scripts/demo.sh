#!/usr/bin/env bash
# Runs the demo: vipps-sim on SIM_PORT (default 8081) and vipps-proxy on DEMO_PORT
# (default 8080), both on loopback, until interrupted; then stops both cleanly.
# Expects release binaries (make build). Serves www/ and pkg/ when they exist.
set -euo pipefail
cd "$(dirname "$0")/.."
SIM_PORT=${SIM_PORT:-8081}
DEMO_PORT=${DEMO_PORT:-8080}
state=target/demo
mkdir -p "$state"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "demo stopped"
}
trap stop INT TERM EXIT

# The demo's sales unit may push to a phone (the till page): --skip-landing-page on both.
target/release/vipps-sim --listen "127.0.0.1:$SIM_PORT" --merchant-name "Nordlys Strikk" --skip-landing-page &
pids+=($!)

# The shop's pages allow exactly this simulator as the payment host.
scripts/render-www.sh "http://127.0.0.1:$SIM_PORT" "$state/www"
# A fresh staff token each run (the proxy refuses one under 32 characters).
admin=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')
args=(--listen "127.0.0.1:$DEMO_PORT" --vipps-url "http://127.0.0.1:$SIM_PORT"
      --client-id sim-client-id --msn 123456 --db "$state/orders.db"
      --order-prefix nordlys --shop-name "Nordlys Strikk"
      --www "$state/www" --pkg pkg --catalogue www/catalogue.json --skip-landing-page)
VIPPS_CLIENT_SECRET=sim-client-secret VIPPS_SUBSCRIPTION_KEY=sim-subscription-key \
VIPPS_PROXY_ADMIN_TOKEN=$admin \
  target/release/vipps-proxy "${args[@]}" &
pids+=($!)

for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$DEMO_PORT/healthz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$SIM_PORT/" >/dev/null 2>&1 && break
  sleep 0.1
done
cat <<TXT

  Demo shop:           http://127.0.0.1:$DEMO_PORT/
  Customer screen (QR) http://127.0.0.1:$DEMO_PORT/screen.html
  Till (push):         http://127.0.0.1:$DEMO_PORT/till.html   (test phone: http://127.0.0.1:$SIM_PORT/_sim/phone/48059528)
  Vipps simulator:     http://127.0.0.1:$SIM_PORT/   (payments, test phone numbers)
  Staff dashboard:     http://127.0.0.1:$DEMO_PORT/admin/   (sign in with the staff token)
  Staff token:         $admin

  Click "Betal med Vipps", type a test number (91234567) in the simulated landing
  page, approve in the simulated app, and the shop shows the confirmation.
  Staff: curl -H 'Authorization: Bearer $admin' http://127.0.0.1:$DEMO_PORT/api/vipps/admin/orders

  Ctrl-C stops both servers.
TXT
wait -n
