//! An eCom payment seen and adjusted through the ePayment API, the migration path Vipps
//! documents: payments created with eCom can be retrieved, captured, refunded and
//! cancelled through ePayment, not the other way round (`vippsas/vipps-epayment-api`
//! `docs/migration.md` and `docs/faq.md` at 31a14f71470a00c1bb686b279a2ec6a7efbb88ac).
//! Pure: the eCom ledger's payment in, ePayment's words out; the caller passes `now`.
//!
//! Where Vipps is silent this chooses: a failed reservation reads `ABORTED` (ePayment has
//! no failed state), a merchant's cancel before approval `TERMINATED`, the user's cancel
//! or a timeout `ABORTED`/`EXPIRED`; each log row's transaction id is its event's
//! `pspReference` and its `X-Request-Id` (or ePayment `Idempotency-Key`) its key.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::payment::Problem;
use crate::ecom::ledger::{Op, Payment, Phase, TxIds};

fn amount(value: i64) -> Value {
    json!({"currency": "NOK", "value": value})
}

fn merchant_cancelled_first(p: &Payment) -> bool {
    p.log
        .iter()
        .any(|e| e.op == Op::Cancel && e.success && !e.request_id.is_empty())
}

/// ePayment's `state` of an eCom payment.
pub fn state(p: &Payment) -> &'static str {
    match p.phase {
        Phase::Initiated => "CREATED",
        Phase::Reserved | Phase::Voided => "AUTHORIZED",
        Phase::Cancelled if merchant_cancelled_first(p) => "TERMINATED",
        Phase::Cancelled | Phase::Failed => "ABORTED",
        Phase::Expired => "EXPIRED",
    }
}

pub fn aggregate(p: &Payment) -> Value {
    let cancelled = if state(p) == "TERMINATED" {
        p.init.amount
    } else {
        p.released
    };
    json!({
        "authorizedAmount": amount(p.reserved),
        "cancelledAmount": amount(cancelled),
        "capturedAmount": amount(p.captured),
        "refundedAmount": amount(p.refunded),
    })
}

fn psp_reference(p: &Payment) -> String {
    p.log.first().map(|e| e.transaction_id.clone()).unwrap_or_default()
}

/// `GET /epayment/v1/payments/{reference}` of an eCom payment.
pub fn view(p: &Payment) -> Value {
    let value = if p.reserved > 0 { p.reserved } else { p.init.amount };
    json!({
        "aggregate": aggregate(p),
        "amount": amount(value),
        "state": state(p),
        "paymentMethod": {"type": "WALLET"},
        "profile": {},
        "pspReference": psp_reference(p),
        "reference": p.order_id(),
        "redirectUrl": p.url,
    })
}

/// `GET …/events`: the eCom log, oldest first, in ePayment's event names.
pub fn event_log(p: &Payment) -> Value {
    let mut events = Vec::new();
    for e in &p.log {
        let names: &[&str] = match e.op {
            Op::Initiate => &["CREATED"],
            Op::Reserve => &["AUTHORIZED"],
            Op::Sale => &["AUTHORIZED", "CAPTURED"],
            Op::Capture => &["CAPTURED"],
            Op::Refund => &["REFUNDED"],
            Op::Void => &["CANCELLED"],
            Op::Cancel if !e.request_id.is_empty() => &["TERMINATED"],
            Op::Cancel if p.phase == Phase::Expired => &["EXPIRED"],
            Op::Cancel => &["ABORTED"],
        };
        for name in names {
            events.push(json!({
                "reference": p.order_id(),
                "pspReference": e.transaction_id,
                "name": name,
                "amount": amount(e.amount),
                "timestamp": e.at.to_rfc3339_opts(SecondsFormat::Millis, true),
                "idempotencyKey": (!e.request_id.is_empty()).then_some(&e.request_id),
                "success": e.success,
            }));
        }
    }
    Value::Array(events)
}

/// An adjustment through ePayment: `capture`/`refund` with `value`, or `cancel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjust {
    Capture(i64),
    Refund(i64),
    Cancel { transaction_only: bool },
}

/// eCom's error codes in ePayment's problem titles.
fn problem(code: &str, op: &str, detail: String) -> Problem {
    let title = match (code, op) {
        ("61", _) => "Capture amount too high",
        ("62", _) => "Cannot capture before reservation",
        ("51", _) => "Cannot cancel a captured payment",
        ("71", _) => "Not enough refundable",
        ("72", _) => "Attempted refund before reservation",
        ("93", "capture") => "Capture idempotency conflict",
        ("93", "refund") => "Refund idempotency conflict",
        (_, "capture") => "Payment cannot be captured",
        (_, "refund") => "Payment cannot be refunded",
        _ => "Payment cannot be cancelled",
    };
    let status = if matches!(code, "61" | "71") { 400 } else { 409 };
    Problem { status, title, detail }
}

/// Applies `adjust` to the eCom payment under the ePayment `key` (one key per kind of
/// operation, as for ePayment payments). Answers ePayment's `ModificationResponse`.
pub fn adjust(
    p: &mut Payment,
    txids: &mut TxIds,
    adjust: Adjust,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Value, Problem> {
    let (op, request) = match adjust {
        Adjust::Capture(v) => ("capture", json!({"value": v})),
        Adjust::Refund(v) => ("refund", json!({"value": v})),
        Adjust::Cancel { transaction_only } => ("cancel", json!({"transactionOnly": transaction_only})),
    };
    let ecom_op = format!("epayment-{op}");
    if let Some(answer) = p.replay(&ecom_op, key, &request) {
        return answer.map(|_| modification(p)).map_err(|e| {
            problem(
                "93",
                op,
                e.body()[0]["errorMessage"].as_str().unwrap_or_default().into(),
            )
        });
    }
    if let Adjust::Capture(v) | Adjust::Refund(v) = adjust {
        if v <= 0 {
            return Err(Problem {
                status: 400,
                title: "Amount invalid",
                detail: "The amount must be more than 0.".into(),
            });
        }
    }
    let done = match adjust {
        Adjust::Capture(v) => p.capture(now, txids, Some(v), "", key),
        Adjust::Refund(v) => p.refund(now, txids, Some(v), "", key),
        Adjust::Cancel { transaction_only: true } if p.phase != Phase::Initiated => {
            return Err(Problem {
                status: 409,
                title: "Cannot cancel authorized payment",
                detail: format!(
                    "The payment {} is authorized; with cancelTransactionOnly it is not cancelled.",
                    p.order_id()
                ),
            })
        }
        // ePayment's cancel releases whatever is not captured.
        Adjust::Cancel { .. } => p.cancel(now, txids, "", true, key),
    };
    done.map_err(|e| {
        let body = e.body();
        let code = body[0]["errorCode"].as_str().unwrap_or_default().to_string();
        problem(&code, op, body[0]["errorMessage"].as_str().unwrap_or_default().into())
    })?;
    let answer = modification(p);
    p.remember(&ecom_op, key, request, answer.clone());
    Ok(answer)
}

/// ePayment's `ModificationResponse` for an eCom payment.
pub fn modification(p: &Payment) -> Value {
    let v = view(p);
    json!({
        "amount": v["amount"],
        "state": v["state"],
        "aggregate": v["aggregate"],
        "pspReference": v["pspReference"],
        "reference": v["reference"],
    })
}
