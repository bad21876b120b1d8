"""Drives the simulator with a third-party eCom v2 client, unchanged: the `vipps` package
from PyPI (unofficial Python bindings, written against the real Vipps test environment).
If the simulator's wire format drifted from Vipps', this client would break.

Usage: python vipps_python_client.py SIM_BASE_URL
"""
import json
import sys
import urllib.request

from vipps import VippsEcomApi

base = sys.argv[1]
checks = 0


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def control(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


api = VippsEcomApi(
    client_id="sim-client-id",
    client_secret="sim-client-secret",
    vipps_subscription_key="sim-subscription-key",
    merchant_serial_number="123456",
    vipps_server=base,
    callback_prefix="http://127.0.0.1:9/vipps/callbacks",
    fall_back="http://127.0.0.1:9/vipps/fallback",
    vipps_system_name="compat-test",
    vipps_system_version="1",
    vipps_system_plugin_name="vipps-python",
    vipps_system_plugin_version="0.1",
)

order = "compat-python-order-1"
initiated = api.init_payment(order_id=order, amount=20000, transaction_text="One pair of Vipps socks")
check(initiated["orderId"] == order, "init_payment answers the orderId")
url = initiated["url"]
check("token=" in url, "the payment URL carries a token")

approved = api.force_approve_payment(order_id=order, customer_phone_number="91234567", token=url.split("token=")[1])
check(approved.status_code == 200, "force_approve_payment succeeds with the URL token")

details = api.details_payment(order_id=order)
ops = [e["operation"] for e in details["transactionLogHistory"]]
check(ops == ["RESERVE", "INITIATE"], f"details_payment shows RESERVE newest first ({ops})")
check(details["transactionSummary"]["remainingAmountToCapture"] == 20000, "20000 øre left to capture")

captured = api.capture_payment(order_id=order, amount=20000, transaction_text="Socks shipped")
check(captured["transactionInfo"]["status"] == "Captured", "capture_payment: Captured")
check(captured["transactionSummary"]["capturedAmount"] == 20000, "capture_payment: summary")

refunded = api.refund_payment(order_id=order, amount=20000, transaction_text="Socks returned")
check(refunded["transaction"]["status"] == "Refund", "refund_payment: Refund, under `transaction`")
check(control(f"/_sim/payments/{order}")["state"] == "refunded", "the simulator's ledger says refunded")

other = "compat-python-order-2"
api.init_payment(order_id=other, amount=10000, transaction_text="A scarf")
control(f"/_sim/payments/{other}/approve", {})
cancelled = api.cancel_payment(order_id=other, transaction_text="Out of stock")
check(cancelled["transactionInfo"]["status"] == "Cancelled", "cancel_payment: Cancelled")
ops = [e["operation"] for e in api.details_payment(order_id=other)["transactionLogHistory"]]
check(ops[0] == "VOID", "a reserved payment cancelled is VOID in details")

try:
    api.init_payment(order_id=order, amount=20000, transaction_text="Again")
    check(False, "a reused orderId is refused")
except Exception as e:  # requests.HTTPError
    check("400" in str(e), f"a reused orderId is refused with 400 ({e})")

print(f"{checks} passed, 0 failed")
