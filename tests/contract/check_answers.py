"""Real answers of a running vipps-proxy (against a running vipps-sim), each validated
against docs/proxy-api.yaml with openapi-core: the documented status for that request,
and a body that matches its schema. Not just the YAML: what the server says.

Run by scripts/check-api-answers.sh (make test), which passes the two release binaries.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

SIM_BIN, PROXY_BIN = sys.argv[1], sys.argv[2]
ADMIN = "answers-admin-token-of-at-least-32-characters"
spec = OpenAPI.from_file_path("docs/proxy-api.yaml")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url):
    for _ in range(200):
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} never came up")


sim_port, proxy_port = free_port(), free_port()
sim, shop = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{proxy_port}"
api = f"{shop}/api/vipps"
tmp = tempfile.mkdtemp(prefix="vipps-answers-")
env = dict(os.environ, VIPPS_CLIENT_SECRET="sim-client-secret", VIPPS_SUBSCRIPTION_KEY="sim-subscription-key",
           VIPPS_PROXY_ADMIN_TOKEN=ADMIN, RUST_LOG="warn")
children = [
    subprocess.Popen([SIM_BIN, "--listen", f"127.0.0.1:{sim_port}"], stdout=subprocess.DEVNULL),
    subprocess.Popen([PROXY_BIN, "--listen", f"127.0.0.1:{proxy_port}", "--vipps-url", sim,
                      "--client-id", "sim-client-id", "--msn", "123456", "--db", f"{tmp}/orders.db",
                      "--order-prefix", "answers", "--payments-per-minute-per-client", "40"],
                     stdout=subprocess.DEVNULL, env=env),
]
checked = []
failures = []


def check(name, response, want):
    """The answer has the status we expect and is what the spec says for it."""
    problems = []
    if response.status_code != want:
        problems.append(f"status {response.status_code}, expected {want}: {response.text[:200]}")
    try:
        spec.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))
    except Exception as e:  # openapi-core raises one of several validation errors
        detail = "; ".join(str(x) for x in getattr(e, "schema_errors", []) or [e.__cause__ or e])
        problems.append(f"not as documented: {type(e).__name__}: {detail}")
    checked.append(name)
    if problems:
        failures.append(f"{name}: " + " | ".join(problems))
    return response


def key():
    return str(uuid.uuid4())


def create(body, idempotency=None):
    headers = {"Idempotency-Key": idempotency} if idempotency else {}
    return requests.post(f"{api}/payments", json=body, headers=headers)


def staff(method, path, **kw):
    headers = kw.pop("headers", {})
    headers.setdefault("Authorization", f"Bearer {ADMIN}")
    return requests.request(method, f"{api}/admin{path}", headers=headers, **kw)


try:
    wait_up(f"{sim}/")
    wait_up(f"{shop}/healthz")
    socks = {"payload": {"items": [{"sku": "socks", "qty": 1}]}, "express": False}

    k = key()
    created = check("create", create(socks, k), 201).json()
    order_id, token = created["orderId"], created["statusToken"]
    check("create, the same click again", create(socks, k), 201)
    check("create, the key with another body", create({"payload": {"items": [{"sku": "socks", "qty": 2}]}}, k), 422)
    check("create without a key", create(socks), 400)
    check("create, not JSON", requests.post(f"{api}/payments", data=b"{", headers={
        "Idempotency-Key": key(), "Content-Type": "application/json"}), 400)
    check("create, empty cart", create({"payload": {"items": []}}, key()), 400)
    check("create, unknown product", create({"payload": {"items": [{"sku": "gold", "qty": 1}]}}, key()), 400)
    check("create, over 64 KiB", requests.post(f"{api}/payments", data=b" " * (70 * 1024), headers={
        "Idempotency-Key": key(), "Content-Type": "application/json"}), 413)

    check("status", requests.get(f"{api}/payments/{order_id}", params={"t": token}), 200)
    check("status, wrong token", requests.get(f"{api}/payments/{order_id}", params={"t": token[:-2] + "xx"}), 404)
    check("status, no token", requests.get(f"{api}/payments/{order_id}"), 401)
    check("quote", requests.post(f"{api}/quote", json=socks), 200)
    check("quote, express", requests.post(f"{api}/quote", json={**socks, "express": True}), 200)
    check("quote, unknown product", requests.post(f"{api}/quote", json={"payload": {"items": [{"sku": "gold"}]}}), 400)
    check("create, unknown store", requests.post(f"{api}/payments", params={"store": "bergen"}, json=socks,
                                                 headers={"Idempotency-Key": key()}), 404)
    check("quote, unknown store", requests.post(f"{api}/quote", params={"store": "bergen"}, json=socks), 404)
    check("create push, not set up", create({**socks, "flow": "push", "mobileNumber": "48059528"}, key()), 403)
    withdrawn = check("create qr", create({**socks, "flow": "qr"}, key()), 201).json()
    withdraw = f"{api}/payments/{withdrawn['orderId']}/cancel"
    check("withdraw, no token", requests.post(withdraw), 401)
    check("withdraw, wrong token", requests.post(withdraw, params={"t": token}), 404)
    check("withdraw", requests.post(withdraw, params={"t": withdrawn["statusToken"]}), 200)


    express = check("create express", create({"payload": {"items": [{"sku": "socks", "qty": 1}]}, "express": True},
                                              key()), 201).json()
    view = requests.get(f"{sim}/_sim/payments/{express['orderId']}").json()
    auth = view["merchantInfo"]["authToken"]
    ship = f"{api}/shipping/v2/payments/{express['orderId']}/shippingDetails"
    address = {"addressId": 4120, "addressLine1": "Bryggen 12", "city": "BERGEN", "country": "Norway",
               "postCode": "5003", "postalCode": "5003", "addressType": "H"}
    check("shipping", requests.post(ship, json=address, headers={"Authorization": auth}), 200)
    check("shipping, forged", requests.post(ship, json=address, headers={"Authorization": "nope"}), 401)
    check("shipping, no addressId", requests.post(ship, json={"postCode": "5003"}, headers={"Authorization": auth}), 400)
    # ePayment's dynamic options endpoint (it answers whichever API the backend speaks).
    ep_ship = f"{api}/epayment/shipping/{express['orderId']}"
    ep_address = {"reference": express["orderId"], "addressLine1": "Bryggen 12", "addressLine2": None,
                  "city": "BERGEN", "country": "NO", "postCode": "5003"}
    check("ePayment shipping", requests.post(ep_ship, json=ep_address, headers={"Authorization": auth}), 200)
    check("ePayment shipping, forged", requests.post(ep_ship, json=ep_address, headers={"Authorization": "nope"}), 401)
    check("ePayment shipping, no postCode", requests.post(ep_ship, json={"reference": express["orderId"]},
                                                          headers={"Authorization": auth}), 400)
    callback = f"{api}/callbacks/v2/payments/{express['orderId']}"
    check("callback, forged", requests.post(callback, json={}, headers={"Authorization": "nope"}), 401)
    check("callback, unknown order", requests.post(f"{api}/callbacks/v2/payments/answers-nope", json={},
                                                   headers={"Authorization": auth}), 401)
    check("webhook, unsigned", requests.post(f"{api}/webhooks/123456", json={"reference": express["orderId"]},
                                             headers={"x-ms-date": "Mon, 23 Nov 2026 12:00:00 GMT"}), 401)

    approved = requests.post(f"{sim}/_sim/payments/{order_id}/approve", json={})
    assert approved.status_code == 200, approved.text
    for _ in range(100):
        state = check("status while approving", requests.get(f"{api}/payments/{order_id}", params={"t": token}), 200)
        if state.json()["status"] == "reserved":
            break
        time.sleep(0.1)
    check("withdraw, approved", requests.post(f"{api}/payments/{order_id}/cancel", params={"t": token}), 409)
    check("staff list", staff("GET", "/orders"), 200)
    check("staff list, reserved", staff("GET", "/orders", params={"status": "reserved"}), 200)
    check("staff list, bad status", staff("GET", "/orders", params={"status": "bogus"}), 400)
    check("staff order", staff("GET", f"/orders/{order_id}"), 200)
    check("staff order, unknown", staff("GET", "/orders/answers-nope"), 404)
    check("staff, no token", staff("GET", "/orders", headers={"Authorization": "Bearer wrong"}), 401)
    check("staff capture part", staff("POST", f"/orders/{order_id}/capture", json={"amount": 10000},
                                      headers={"Idempotency-Key": key(), "Authorization": f"Bearer {ADMIN}"}), 200)
    check("staff refund part", staff("POST", f"/orders/{order_id}/refund", json={"amount": 5000},
                                     headers={"Idempotency-Key": key(), "Authorization": f"Bearer {ADMIN}"}), 200)
    check("staff cancel the rest", staff("POST", f"/orders/{order_id}/cancel", json={"releaseRemaining": True},
                                         headers={"Idempotency-Key": key(), "Authorization": f"Bearer {ADMIN}"}), 200)
    check("staff capture, nothing left", staff("POST", f"/orders/{order_id}/capture", json={},
                                               headers={"Idempotency-Key": key(), "Authorization": f"Bearer {ADMIN}"}),
          409)
    check("consent removal, unknown user", requests.delete(f"{api}/consents/v2/consents/some-user"), 200)
    check("staff rejected calls", staff("GET", "/rejected"), 200)
    check("staff list, mismatch", staff("GET", "/orders", params={"status": "mismatch"}), 200)
    # Vipps sends consent removal without credentials: the opaque user id names whose data goes.
    user_id = requests.post(f"{sim}/_sim/payments/{express['orderId']}/approve", json={}).json()["userId"]
    for _ in range(100):
        if requests.get(f"{api}/payments/{express['orderId']}",
                        params={"t": express["statusToken"]}).json()["status"] == "reserved":
            break
        time.sleep(0.1)
    consent = f"{api}/consents/v2/consents/{requests.utils.quote(user_id, safe='')}"
    check("consent removal", requests.delete(consent), 200)
    check("consent removal, again", requests.delete(consent), 200)
    # Last: a flood from this address (40 a minute, bursts of 20) meets the limit.
    over = [create(socks, key()) for _ in range(25)]
    check("create, over the limit", next(r for r in over if r.status_code == 429), 429)
finally:
    for child in children:
        child.terminate()
        child.wait()

for f in failures:
    print(f"FAIL {f}")
print(f"proxy answers against docs/proxy-api.yaml: {len(checked) - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
