//! Time passing: payments of both APIs that nobody approved in time expire, and their
//! merchants hear of it (a callback, or webhooks).

use chrono::Utc;

use crate::delivery;
use crate::ecom::ledger::Phase;
use crate::state::AppState;

/// Expires every payment (of both APIs) older than `--payment-timeout`, and every one that has not
/// reached the user's app within `--link-timeout` (the payment URL's lifetime); a
/// long-living ePayment payment at its `expiresAt` instead.
pub fn expire_overdue(state: &AppState) {
    let limit = chrono::Duration::seconds(state.config.payment_timeout as i64);
    let link = chrono::Duration::seconds(state.config.link_timeout as i64);
    let now = Utc::now();
    let callbacks: Vec<_> = {
        let mut memory = state.memory();
        memory
            .payments
            .values_mut()
            .filter(|p| p.phase == Phase::Initiated)
            .filter(|p| now - p.created_at >= limit || (!p.reached_app && now - p.created_at >= link))
            .filter_map(|p| p.expire(now).ok())
            .collect()
    };
    for callback in callbacks {
        tracing::info!(order_id = %callback.order_id, "payment timed out");
        delivery::spawn_callback(state, callback);
    }
    let overdue: Vec<String> = state
        .memory()
        .epayments
        .payments
        .values()
        .filter(|e| e.payment.state == crate::epayment::payment::State::Created)
        .filter(|e| match e.create.expires_at {
            // A long-living payment waits until its own `expiresAt`.
            Some(at) => now >= at,
            None => now - e.created_at >= limit || (e.mobile.is_none() && !e.user_acting && now - e.created_at >= link),
        })
        .map(|e| e.payment.reference.clone())
        .collect();
    for reference in overdue {
        if let Some(Ok(deliveries)) =
            crate::epayment::user_acts::act(state, &reference, crate::epayment::user_acts::UserAct::Expire)
        {
            tracing::info!(%reference, "ePayment payment timed out");
            crate::epayment::deliveries::spawn(state, deliveries);
        }
    }
}
