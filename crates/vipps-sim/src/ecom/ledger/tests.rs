//! The ledger's transitions, as a user, a merchant and the clock make them.

use super::*;
use crate::ecom::validate;
use crate::users::lookup;

fn payment(express: bool) -> (Payment, TxIds) {
    let mut body = json!({
        "customerInfo": {},
        "merchantInfo": {"merchantSerialNumber": "123456", "callbackPrefix": "https://shop.example.com/cb?x=",
                         "fallBack": "https://shop.example.com/return", "authToken": "Secret abc"},
        "transaction": {"orderId": "shop-order-1", "amount": 20000, "transactionText": "Socks"}
    });
    if express {
        body["merchantInfo"]["paymentType"] = json!(validate::EXPRESS);
        body["merchantInfo"]["consentRemovalPrefix"] = json!("https://shop.example.com/consents");
        body["merchantInfo"]["shippingDetailsPrefix"] = json!("https://shop.example.com/shipping");
    }
    let init = validate::initiate(&body, "123456", validate::UrlRules::default()).unwrap();
    let mut ids = TxIds::default();
    let p = Payment::new(
        init,
        body["merchantInfo"].clone(),
        json!({}),
        "tok".into(),
        "u".into(),
        Utc::now(),
        &mut ids,
    );
    (p, ids)
}

fn ops(p: &Payment) -> Vec<&'static str> {
    p.details()["transactionLogHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| match e["operation"].as_str().unwrap() {
            "INITIATE" => "INITIATE",
            "RESERVE" => "RESERVE",
            "SALE" => "SALE",
            "CAPTURE" => "CAPTURE",
            "REFUND" => "REFUND",
            "CANCEL" => "CANCEL",
            "VOID" => "VOID",
            _ => "?",
        })
        .collect()
}

#[test]
fn no_summary_before_the_user_acts() {
    let (p, _) = payment(false);
    assert!(p.details().get("transactionSummary").is_none());
    assert_eq!(ops(&p), ["INITIATE"]);
}

#[test]
fn approval_reserves_and_calls_back_with_the_concatenated_url() {
    let (mut p, _) = payment(false);
    let cb = p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
    assert_eq!(cb.url, "https://shop.example.com/cb?x=/v2/payments/shop-order-1");
    assert_eq!(cb.status, "RESERVED");
    assert_eq!(cb.auth_token.as_deref(), Some("Secret abc"));
    assert_eq!(ops(&p), ["RESERVE", "INITIATE"]);
    assert_eq!(p.details()["transactionSummary"]["remainingAmountToCapture"], 20000);
    assert_eq!(
        p.approve(Utc::now(), lookup("91234567").unwrap(), None, false),
        Err(Phase::Reserved)
    );
}

#[test]
fn express_reserves_goods_plus_shipping() {
    let (mut p, _) = payment(true);
    let user = lookup("91234567").unwrap();
    let option = ShippingOption {
        is_default: true,
        priority: None,
        cost_ore: 9900,
        method: "Posten".into(),
        method_id: "p".into(),
    };
    let chosen = ChosenShipping {
        address: user.addresses[1].clone(),
        option,
    };
    let cb = p.approve(Utc::now(), user, Some(chosen), false).unwrap();
    assert_eq!(cb.status, "RESERVE");
    assert_eq!(cb.body["transactionInfo"]["amount"], 29900);
    assert_eq!(cb.body["shippingDetails"]["address"]["zipCode"], "0191");
    assert_eq!(cb.body["shippingDetails"]["shippingCost"], 99.0);
    let details = p.details();
    assert_eq!(details["shippingDetails"]["address"]["postCode"], "0191");
    assert_eq!(details["userDetails"]["firstName"], "Kari");
}

#[test]
fn direct_capture_is_a_sale() {
    let (mut p, mut ids) = payment(false);
    let cb = p.approve(Utc::now(), lookup("91234567").unwrap(), None, true).unwrap();
    assert_eq!(cb.status, "SALE");
    assert_eq!(ops(&p), ["SALE", "INITIATE"]);
    assert_eq!(p.captured, 20000);
    assert!(p.capture(Utc::now(), &mut ids, None, "x", "r").is_err());
    assert!(p.refund(Utc::now(), &mut ids, Some(5000), "x", "r").is_ok());
}

#[test]
fn transaction_ids_count_up_and_times_are_rfc3339_with_millis() {
    let mut ids = TxIds(5_001_420_000);
    assert_eq!(
        (ids.next_id(), ids.next_id()),
        ("5001420001".to_string(), "5001420002".to_string())
    );
    let at = DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(timestamp(at), "2026-11-22T12:00:00.000Z");
}

#[test]
fn callbacks_name_the_initiate_transaction() {
    let (mut p, _) = payment(false);
    let initiate = p.details()["transactionLogHistory"][0]["transactionId"].clone();
    assert!(initiate.as_str().is_some_and(|id| id.len() == 10), "{initiate}");
    let cb = p.approve(Utc::now(), lookup("40000042").unwrap(), None, false).unwrap();
    assert_eq!(cb.body["transactionInfo"]["transactionId"], initiate);
}

fn reserved() -> (Payment, TxIds) {
    let (mut p, ids) = payment(false);
    p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
    (p, ids)
}

#[test]
fn nothing_to_refund_before_a_reservation_and_never_more_than_captured() {
    let (mut p, mut ids) = payment(false);
    let err = p.refund(Utc::now(), &mut ids, None, "x", "r0").unwrap_err();
    assert_eq!(err.body()[0]["errorCode"], "91", "not reserved yet");
    let (mut p, mut ids) = reserved();
    p.capture(Utc::now(), &mut ids, Some(5000), "x", "c1").unwrap();
    assert!(p.refund(Utc::now(), &mut ids, Some(5001), "x", "r1").is_err());
    assert!(
        p.refund(Utc::now(), &mut ids, Some(5000), "x", "r2").is_ok(),
        "all of it, exactly"
    );
}

#[test]
fn state_names_follow_the_money() {
    let (mut p, mut ids) = reserved();
    assert_eq!(p.state_name(), "reserved");
    p.capture(Utc::now(), &mut ids, Some(5000), "x", "c1").unwrap();
    assert_eq!(p.state_name(), "reserved", "partly captured");
    p.refund(Utc::now(), &mut ids, Some(1000), "x", "r1").unwrap();
    assert_eq!(p.state_name(), "reserved", "partly refunded");
    p.refund(Utc::now(), &mut ids, Some(4000), "x", "r2").unwrap();
    assert_eq!(p.state_name(), "refunded", "all that was captured");
    let (mut p, mut ids) = reserved();
    p.capture(Utc::now(), &mut ids, None, "x", "c1").unwrap();
    assert_eq!(p.state_name(), "captured");
    assert_eq!(p.control_view()["state"], "captured");
    assert_eq!(p.control_view()["capturedAmount"], 20000);
}

#[test]
fn details_show_a_card_only_for_a_payment_not_cancelled() {
    let (p, _) = reserved();
    assert_eq!(p.details()["transactionSummary"]["bankIdentificationNumber"], 492560);
    let (mut p, _) = payment(false);
    p.reject(Utc::now()).unwrap();
    let d = p.details();
    assert!(d["transactionSummary"].is_object(), "the user acted: {d}");
    assert!(d["transactionSummary"].get("bankIdentificationNumber").is_none(), "{d}");
    let (p, _) = reserved();
    assert!(
        p.details().get("userDetails").is_none(),
        "a regular payment without scope shares no user data"
    );
}

#[test]
fn declined_card_fails_the_reservation() {
    let (mut p, _) = payment(false);
    let cb = p.approve(Utc::now(), lookup("40000042").unwrap(), None, false).unwrap();
    assert_eq!(cb.status, "RESERVE_FAILED");
    assert_eq!(cb.body["errorInfo"]["errorCode"], "42");
    let d = p.details();
    assert_eq!(d["transactionLogHistory"][0]["operationSuccess"], false);
    assert_eq!(p.phase, Phase::Failed);
}

#[test]
fn timeout_writes_cancel_and_calls_back_rejected_45() {
    let (mut p, _) = payment(false);
    let cb = p.expire(Utc::now()).unwrap();
    assert_eq!(cb.status, "REJECTED");
    assert_eq!(cb.body["errorInfo"]["errorCode"], "45");
    assert_eq!(cb.body["errorInfo"]["errorGroup"], "PAYMENTS");
    assert!(cb.body["transactionInfo"].get("transactionId").is_none());
    assert_eq!(ops(&p), ["CANCEL", "INITIATE"]);
    assert!(p.details().get("transactionSummary").is_none());
}

#[test]
fn a_timeout_in_the_app_names_the_transaction() {
    let (mut p, _) = payment(false);
    p.reached_app = true;
    let cb = p.expire(Utc::now()).unwrap();
    assert_eq!(cb.status, "REJECTED");
    assert_eq!(cb.body["errorInfo"]["errorMessage"], NOT_ACTED);
    assert_eq!(cb.body["transactionInfo"]["transactionId"], json!(p.initiate_tx()));
}

#[test]
fn a_cancel_on_the_landing_page_writes_no_cancel_row() {
    let (mut p, _) = payment(false);
    let cb = p.cancel_on_landing(Utc::now()).unwrap();
    assert_eq!(cb.status, "REJECTED");
    assert_eq!(cb.body["errorInfo"]["errorCode"], "45");
    assert!(cb.body["transactionInfo"].get("transactionId").is_none());
    assert_eq!(ops(&p), ["INITIATE"]);
    assert!(p.details().get("transactionSummary").is_none());
    assert_eq!(p.phase, Phase::Cancelled);
    assert_eq!(p.cancel_on_landing(Utc::now()).unwrap_err(), Phase::Cancelled, "once");
}

#[test]
fn partial_capture_then_release_then_refund() {
    let (mut p, mut ids) = payment(false);
    p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
    let now = Utc::now();
    p.capture(now, &mut ids, Some(5000), "part 1", "c1").unwrap();
    let err = p.cancel(now, &mut ids, "stop", false, "req-1").unwrap_err();
    assert_eq!(err.body()[0]["errorCode"], "51");
    let res = p.cancel(now, &mut ids, "release", true, "req-1").unwrap();
    assert_eq!(res["transactionSummary"]["remainingAmountToCapture"], 0);
    assert_eq!(res["transactionInfo"]["status"], "Cancelled");
    let err = p.capture(now, &mut ids, Some(100), "more", "c2").unwrap_err();
    assert_eq!(err.body()[0]["errorCode"], "61");
    let err = p.refund(now, &mut ids, Some(6000), "too much", "r1").unwrap_err();
    assert_eq!(err.body()[0]["errorCode"], "71");
    let res = p.refund(now, &mut ids, Some(2000), "some back", "r1").unwrap();
    assert_eq!(res["transaction"]["status"], "Refund");
    assert_eq!(res["transactionSummary"]["remainingAmountToRefund"], 3000);
    assert_eq!(ops(&p), ["REFUND", "VOID", "CAPTURE", "RESERVE", "INITIATE"]);
}

#[test]
fn merchant_cancel_before_and_after_reservation() {
    let (mut p, mut ids) = payment(false);
    p.cancel(Utc::now(), &mut ids, "changed my mind", false, "req-1")
        .unwrap();
    assert_eq!(ops(&p), ["CANCEL", "INITIATE"]);
    assert_eq!(
        p.cancel(Utc::now(), &mut ids, "again", false, "req-1")
            .unwrap_err()
            .body()[0]["errorCode"],
        "91"
    );

    let (mut p, mut ids) = payment(false);
    p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
    p.cancel(Utc::now(), &mut ids, "out of stock", false, "req-1").unwrap();
    assert_eq!(ops(&p), ["VOID", "RESERVE", "INITIATE"]);
    assert_eq!(
        p.refund(Utc::now(), &mut ids, None, "x", "r").unwrap_err().body()[0]["errorCode"],
        "73"
    );
}

#[test]
fn capture_errors_follow_the_error_table() {
    let (mut p, mut ids) = payment(false);
    assert_eq!(
        p.capture(Utc::now(), &mut ids, None, "x", "").unwrap_err().body()[0]["errorCode"],
        "62"
    );
    p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
    assert_eq!(
        p.refund(Utc::now(), &mut ids, None, "x", "").unwrap_err().body()[0]["errorCode"],
        "72"
    );
    assert_eq!(
        p.capture(Utc::now(), &mut ids, Some(20001), "x", "")
            .unwrap_err()
            .body()[0]["errorCode"],
        "61"
    );
    p.capture(Utc::now(), &mut ids, None, "all", "").unwrap();
    assert_eq!(
        p.cancel(Utc::now(), &mut ids, "x", true, "req-1").unwrap_err().body()[0]["errorCode"],
        "51"
    );
    assert_eq!(p.state_name(), "captured");
}

#[test]
fn idempotent_replay_and_conflict() {
    let (mut p, _) = payment(false);
    let req = json!({"amount": 100});
    assert!(p.replay("capture", "k1", &req).is_none());
    p.remember("capture", "k1", req.clone(), json!({"ok": 1}));
    assert_eq!(p.replay("capture", "k1", &req).unwrap().unwrap(), json!({"ok": 1}));
    let err = p.replay("capture", "k1", &json!({"amount": 200})).unwrap().unwrap_err();
    assert_eq!(err.body()[0]["errorCode"], "93");
    assert!(p.replay("refund", "k1", &req).is_none());
}

#[test]
fn status_keeps_saying_reserve_after_capture() {
    let (mut p, mut ids) = payment(false);
    assert_eq!(p.status()["transactionInfo"]["status"], "INITIATE");
    p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
    p.capture(Utc::now(), &mut ids, None, "all", "").unwrap();
    assert_eq!(p.status()["transactionInfo"]["status"], "RESERVE");
}
