//! What staff do to a payment at Vipps, for the staff API and the dashboard alike:
//! capture, cancel or refund once per idempotency key (the same key always gives Vipps
//! the same request id), a refund refused after the refund window before Vipps is
//! asked, and a refusal written into the order's history with Vipps' reason. Also the
//! payment's own event log at Vipps, where the API keeps one.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use contract::error::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::db::Order;
use crate::error::ProxyError;
use crate::extract::StaffAuth;
use crate::gateway::{Adjustment, Operation, VippsError};
use crate::idempotency::{key_answer, request_hash};
use crate::staff_view::view;

/// What a refused capture, cancel or refund means, for staff: eCom's error code or
/// ePayment's problem title.
fn refusal_text(code: &str) -> &'static str {
    match code {
        "61" | "Capture amount too high" => "More than is left to capture.",
        "62" | "Cannot capture before reservation" | "Cannot cancel a non-reserved payment" => {
            "The shopper has not approved the payment."
        }
        "51" | "Cannot cancel a captured payment" => {
            "Already captured: refund instead, or release the rest after a partial capture."
        }
        "71" | "Not enough refundable" | "Payment already refunded" => "More than is left to refund.",
        "72" | "Attempted refund before reservation" => "Nothing is captured yet: cancel instead.",
        "73" | "Cannot capture a cancelled payment" => "The payment is cancelled.",
        "Capture idempotency conflict" | "Refund idempotency conflict" | "Idempotency error" => {
            "Vipps has this request under another amount: use a new idempotency key."
        }
        "91" | "Payment cannot be captured" | "Payment cannot be refunded" | "Payment cannot be cancelled" => {
            "Not allowed in the payment's current state."
        }
        _ => "Vipps refused the operation.",
    }
}

/// The order `staff` may see: another store's order reads as absent (404), like an
/// unknown one.
pub async fn seen_order(app: &App, staff: &StaffAuth, order_id: &str) -> Result<Order, ProxyError> {
    app.db
        .order(order_id)
        .await?
        .filter(|o| staff.sees(o))
        .ok_or_else(ProxyError::not_found)
}

/// On ePayment, the payment's own event log at Vipps, read when staff open the order
/// (each capture, refund and cancel with its idempotency key). `None` on eCom, or when
/// Vipps cannot be asked now (logged; the rest of the order is still shown).
pub async fn vipps_events(app: &App, order: &Order) -> Option<Vec<crate::gateway::epayment::wire::Event>> {
    let store = app.stores.get(&order.store)?;
    match store.vipps.event_log(&order.order_id).await? {
        Ok(events) => Some(events),
        Err(e) => {
            tracing::warn!(order_id = %order.order_id, error = %e, "the event log at Vipps could not be read");
            None
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperationRequest {
    /// Øre; absent: everything (left to capture, or captured and not refunded).
    #[serde(default)]
    amount: Option<i64>,
    /// Shown on the shopper's receipt.
    #[serde(default)]
    text: Option<String>,
    /// Cancel only: release what is left after a partial capture.
    #[serde(default)]
    release_remaining: bool,
}

/// Capture, cancel or refund `order_id` for `staff`, once per idempotency `key`
/// (the staff API's and the dashboard's one way to change a payment at Vipps).
pub async fn operate(
    staff: StaffAuth,
    app: App,
    key: String,
    order_id: String,
    body: Bytes,
    op: Operation,
) -> Result<Response, ProxyError> {
    let request: OperationRequest = if body.iter().all(u8::is_ascii_whitespace) {
        OperationRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ProxyError::bad_request(
                ErrorCode::InvalidRequest,
                format!("The request body is not valid: {e}."),
            )
        })?
    };
    if request.amount.is_some_and(|a| a <= 0) {
        return Err(ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "amount must be a positive number of øre.",
        ));
    }
    if request.text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "text must be at most 100 characters.",
        ));
    }
    let order = seen_order(&app, &staff, &order_id).await?;
    // The order's own store's sales unit: only it can capture, cancel or refund.
    let vipps = app
        .stores
        .get(&order.store)
        .map(|s| s.vipps.clone())
        .ok_or_else(|| ProxyError::internal(format!("the order's store '{}' is not configured", order.store)))?;
    if op == Operation::Refund {
        refundable_still(&app, &order).await?;
    }
    let scope = format!("{}:{order_id}", op.name());
    if let Some(answer) = key_answer(app.db.begin_key(&scope, &key, &request_hash(&request)).await?) {
        return Ok(answer);
    }
    // The same staff key always gives the same X-Request-Id: Vipps applies it once.
    let digest: String = Sha256::digest(format!("{scope}:{key}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let request_id = format!("{}-{}", &op.name()[..3], &digest[..32]);
    let text = request.text.clone().unwrap_or_else(|| {
        match op {
            Operation::Capture => "Varene er sendt",
            Operation::Cancel => "Ordren er kansellert",
            Operation::Refund => "Refusjon",
        }
        .to_string()
    });
    let adjustment = Adjustment {
        operation: op,
        amount: request.amount,
        currency: &order.currency,
        text: &text,
        request_id: &request_id,
        release_remaining: request.release_remaining,
        only_unapproved: false,
    };
    let result = vipps.adjust(&order_id, &adjustment).await;
    match result {
        Ok(_) => {
            app.db
                .add_event(
                    &order_id,
                    op.name(),
                    &json!({"amount": request.amount, "requestId": request_id}),
                )
                .await?;
            if let Err(e) = app.refresher.refresh(&order_id, true).await {
                tracing::warn!(%order_id, error = %e, "refresh after a staff operation failed");
            }
            let order = app.db.order(&order_id).await?.ok_or_else(ProxyError::not_found)?;
            let body = view(&order);
            app.db.finish_key(&scope, &key, Some(&order_id), 200, &body).await?;
            Ok(Json(body).into_response())
        }
        Err(e) if e.is_transient() => {
            record_failure(&app, &order_id, op, request.amount, &request_id, &e).await;
            app.db.forget_key(&scope, &key).await?;
            Err(ProxyError::from_vipps(&e))
        }
        Err(e) => {
            record_failure(&app, &order_id, op, request.amount, &request_id, &e).await;
            let message = refusal_text(e.code().as_deref().unwrap_or_default());
            let error = ProxyError::new(
                StatusCode::CONFLICT,
                ErrorCode::VippsRefused,
                format!("{message} (Vipps error {})", e.code().unwrap_or_default()),
            );
            let body =
                serde_json::to_value(contract::ErrorBody::new(error.code, &error.message)).expect("serialisable");
            app.db
                .finish_key(&scope, &key, Some(&order_id), error.status.as_u16(), &body)
                .await?;
            Err(error)
        }
    }
}

/// A refund is possible up to 365 days after the capture (`money::REFUND_WINDOW_DAYS`):
/// later it is refused here, before Vipps is asked. The capture's time is its first
/// money movement, else the order's.
async fn refundable_still(app: &App, order: &Order) -> Result<(), ProxyError> {
    let moved = app.db.movements(&order.order_id).await?;
    let captured_at = moved
        .iter()
        .find(|(_, kind, _)| kind == "captured")
        .map(|(at, _, _)| at.as_str())
        .unwrap_or(&order.created_at);
    let Some(captured_at) = crate::db::parse_time(captured_at) else {
        return Ok(());
    };
    if crate::money::refund_too_late(captured_at, chrono::Utc::now()) {
        return Err(ProxyError::new(
            StatusCode::CONFLICT,
            ErrorCode::RefundTooLate,
            format!(
                "Captured {}: Vipps refunds up to {} days after the capture. Refund the shopper another way.",
                captured_at.format("%Y-%m-%d"),
                crate::money::REFUND_WINDOW_DAYS
            ),
        ));
    }
    Ok(())
}

/// A capture, cancel or refund Vipps refused or failed: logged, and written into the
/// order's history for staff with Vipps' reason and, on ePayment, the problem's `type`
/// and `traceId` (what Vipps support asks for). A failure to write it is only logged:
/// the staff's answer says what happened either way.
async fn record_failure(
    app: &App,
    order_id: &str,
    op: Operation,
    amount: Option<i64>,
    request_id: &str,
    e: &VippsError,
) {
    let (problem_type, trace_id) = e.problem();
    tracing::warn!(
        %order_id,
        operation = op.name(),
        status = ?e.status(),
        code = e.code().unwrap_or_default(),
        problem_type = problem_type.as_deref().unwrap_or("-"),
        trace_id = trace_id.as_deref().unwrap_or("-"),
        "Vipps did not {} the payment", op.name()
    );
    let detail = json!({
        "operation": op.name(),
        "amount": amount,
        "requestId": request_id,
        "status": e.status(),
        "code": e.code(),
        "reason": e.to_string(),
        "type": problem_type,
        "traceId": trace_id,
    });
    if let Err(db) = app.db.add_event(order_id, "vipps_refused", &detail).await {
        tracing::error!(%order_id, error = %db, "could not record Vipps' refusal in the order's history");
    }
}
