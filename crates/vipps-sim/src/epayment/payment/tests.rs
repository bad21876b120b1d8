//! `payment`'s rules, case by case.

use super::*;

fn t(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
}

fn created() -> Payment {
    Payment::new("shop-20261123-abc", "psp-1", "NOK", 49900, t(0), "k-create")
}

fn authorized() -> Payment {
    let mut p = created();
    p.authorize(t(1)).unwrap();
    p
}

#[test]
fn the_user_approves_once() {
    let mut p = created();
    assert_eq!(p.state, State::Created);
    p.authorize(t(1)).unwrap();
    assert_eq!((p.state, p.authorized), (State::Authorized, 49900));
    assert_eq!(p.authorize(t(2)).unwrap_err().title, "Payment is already reserved");
    let names: Vec<_> = p.events.iter().map(|e| e.name).collect();
    assert_eq!(names, [EventName::Created, EventName::Authorized]);
    assert_eq!(p.events[0].idempotency_key.as_deref(), Some("k-create"));
    assert_eq!(p.events[1].idempotency_key.as_deref(), Some("k-create"));
}

#[test]
fn an_express_approval_reserves_the_goods_and_the_shipping_chosen() {
    let mut p = created();
    p.authorize_with_shipping(6900, t(1)).unwrap();
    assert_eq!((p.value, p.authorized), (56800, 56800));
    assert!(p.authorize_with_shipping(6900, t(2)).is_err());
    assert_eq!(p.value, 56800, "a second approval adds nothing");
}

#[test]
fn aborted_and_expired_are_final() {
    let mut p = created();
    p.end_unapproved(false, t(1)).unwrap();
    assert_eq!(p.state, State::Aborted);
    assert!(p.authorize(t(2)).is_err());
    assert!(p.end_unapproved(true, t(2)).is_err());
    let mut q = created();
    q.end_unapproved(true, t(1)).unwrap();
    assert_eq!(q.state, State::Expired);
    assert_eq!(q.capture("NOK", 100, "c", t(2)).unwrap_err().status, 409);
    assert_eq!(
        q.cancel("x", false, false, t(2)).unwrap_err().title,
        "Payment cannot be cancelled"
    );
}

#[test]
fn captures_are_partial_repeated_and_bounded_and_the_state_stays_authorized() {
    let mut p = authorized();
    assert_eq!(p.capture("NOK", 10000, "c1", t(2)), Ok(()));
    assert_eq!(p.capture("NOK", 10000, "c1", t(3)), Ok(()), "a retry");
    assert_eq!(p.captured, 10000, "done once");
    assert_eq!(
        p.capture("NOK", 20000, "c1", t(3)).unwrap_err().title,
        "Capture idempotency conflict"
    );
    let too_much = p.capture("NOK", 40000, "c2", t(4)).unwrap_err();
    assert_eq!((too_much.status, too_much.title), (400, "Capture amount too high"));
    p.capture("NOK", 39900, "c3", t(5)).unwrap();
    assert_eq!((p.state, p.captured, p.capturable()), (State::Authorized, 49900, 0));
    assert_eq!(p.capture("DKK", 1, "c4", t(6)).unwrap_err().title, "Amount invalid");
    assert_eq!(p.capture("NOK", 0, "c5", t(6)).unwrap_err().title, "Amount invalid");
    assert_eq!(
        p.cancel("x", false, false, t(6)).unwrap_err().title,
        "Cannot cancel a captured payment"
    );
    let captured: Vec<_> = p
        .events
        .iter()
        .filter(|e| e.name == EventName::Captured)
        .map(|e| e.amount)
        .collect();
    assert_eq!(captured, [10000, 39900]);
}

#[test]
fn no_capture_before_the_user_approves() {
    let mut p = created();
    assert_eq!(
        p.capture("NOK", 100, "c", t(1)).unwrap_err().title,
        "Cannot capture before reservation"
    );
    assert_eq!(
        p.refund("NOK", 100, "r", t(1)).unwrap_err().title,
        "Attempted refund before reservation"
    );
}

#[test]
fn refunds_up_to_what_was_captured() {
    let mut p = authorized();
    assert_eq!(
        p.refund("NOK", 100, "r0", t(2)).unwrap_err().title,
        "Attempted refund before reservation"
    );
    p.capture("NOK", 30000, "c1", t(2)).unwrap();
    p.refund("NOK", 10000, "r1", t(3)).unwrap();
    p.refund("NOK", 10000, "r1", t(4)).unwrap();
    assert_eq!(p.refunded, 10000, "a retry refunds once");
    assert_eq!(
        p.refund("NOK", 25000, "r2", t(5)).unwrap_err().title,
        "Not enough refundable"
    );
    p.refund("NOK", 20000, "r3", t(6)).unwrap();
    assert_eq!(
        p.refund("NOK", 1, "r4", t(7)).unwrap_err().title,
        "Payment already refunded"
    );
    assert_eq!(
        p.refund("NOK", 5, "r3", t(7)).unwrap_err().title,
        "Refund idempotency conflict"
    );
}

#[test]
fn a_cancel_before_approval_terminates_after_it_releases_the_rest() {
    let mut p = created();
    assert_eq!(
        p.cancel("x", false, true, t(1)).unwrap_err().title,
        "Cannot cancel pending"
    );
    p.cancel("x", false, false, t(1)).unwrap();
    assert_eq!((p.state, p.cancelled, p.authorized), (State::Terminated, 49900, 0));
    assert_eq!(p.cancel("x", false, false, t(2)), Ok(()), "the same cancel again");
    assert_eq!(p.events.last().unwrap().name, EventName::Terminated);
    assert_eq!(p.modification()["state"], "TERMINATED");

    let mut q = authorized();
    q.capture("NOK", 20000, "c1", t(2)).unwrap();
    q.cancel("x", false, false, t(3)).unwrap();
    assert_eq!((q.state, q.cancelled, q.capturable()), (State::Authorized, 29900, 0));
    assert_eq!(q.events.last().unwrap().name, EventName::Cancelled);
    assert_eq!(q.events.last().unwrap().amount, 29900);
    assert_eq!(
        q.capture("NOK", 100, "c2", t(4)).unwrap_err().title,
        "Cannot capture a cancelled payment"
    );
    q.refund("NOK", 20000, "r1", t(5)).unwrap();
    let events = q.events.len();
    q.cancel("y", false, false, t(6)).unwrap();
    assert_eq!(
        (q.events.len(), q.cancelled),
        (events, 29900),
        "a second cancel releases nothing more"
    );
}

#[test]
fn one_key_may_capture_refund_and_cancel_as_vippss_quick_start_does() {
    let mut p = authorized();
    p.capture("NOK", 20000, "k", t(2)).unwrap();
    p.refund("NOK", 5000, "k", t(3)).unwrap();
    p.cancel("k", false, false, t(4)).unwrap();
    assert_eq!((p.captured, p.refunded, p.cancelled), (20000, 5000, 29900));
    p.refund("NOK", 5000, "k", t(5)).unwrap();
    assert_eq!(p.refunded, 5000, "within a kind a key still replays");
    assert_eq!(
        p.refund("NOK", 6000, "k", t(5)).unwrap_err().title,
        "Refund idempotency conflict"
    );
}

#[test]
fn cancel_transaction_only_leaves_an_authorized_payment_reserved() {
    let mut p = authorized();
    let refused = p.cancel("x", true, false, t(2)).unwrap_err();
    assert_eq!(
        (refused.status, refused.title),
        (409, "Cannot cancel authorized payment")
    );
    assert_eq!((p.state, p.capturable(), p.cancelled), (State::Authorized, 49900, 0));
    let mut q = created();
    q.cancel("x", true, false, t(1)).unwrap();
    assert_eq!(q.state, State::Terminated, "before authorization it cancels as ever");
}

#[test]
fn the_views_carry_the_aggregate_and_the_log() {
    let mut p = authorized();
    p.capture("NOK", 10000, "c1", t(2)).unwrap();
    let m = p.modification();
    assert_eq!(
        m["aggregate"]["capturedAmount"],
        json!({"currency": "NOK", "value": 10000})
    );
    assert_eq!(m["amount"]["value"], 49900);
    let log = p.event_log();
    assert_eq!(log.as_array().unwrap().len(), 3);
    assert_eq!(log[2]["name"], "CAPTURED");
    assert_eq!(log[2]["idempotencyKey"], "c1");
    assert_eq!(
        log[1]["idempotencyKey"], "k-create",
        "the approval carries the create's key"
    );
    assert_eq!(log[0]["pspReference"], "psp-1", "CREATED's is the payment's");
    let psps: std::collections::HashSet<_> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pspReference"].clone())
        .collect();
    assert_eq!(psps.len(), 3, "each event its own pspReference: {log}");
    assert_eq!(log[0]["timestamp"], "2027-01-15T08:00:00.000Z");
    assert_eq!(EventName::Authorized.webhook_type(), "epayments.payment.authorized.v1");
}
