//! What every call from Vipps goes through, whichever route it reaches: a refusal
//! recorded as time, path and reason (never its body, see `rejected.rs`) with one answer
//! for every call that is not from Vipps; and news that passed its check recorded
//! without personal data, the order refreshed from Vipps at once (the news is a hint).

use axum::extract::OriginalUri;
use axum::http::StatusCode;
use contract::error::ErrorCode;
use serde_json::Value;

use crate::app::App;
use crate::error::ProxyError;

/// The one answer to every call that is not from Vipps.
fn not_from_vipps() -> ProxyError {
    ProxyError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
        "This call is not from Vipps.",
    )
}

/// Records a refused call and answers with the one refusal of every call that is not
/// from Vipps (`not_from_vipps`).
pub async fn refuse(app: &App, order_id: Option<&str>, kind: &str, uri: &OriginalUri, reason: &str) -> ProxyError {
    tracing::warn!(kind, path = %uri.path(), reason, "refused a call that is not from Vipps");
    app.rejected.record(crate::rejected::Refusal {
        kind: kind.to_string(),
        order_id: order_id.map(str::to_string),
        path: uri.path().to_string(),
        reason: reason.to_string(),
    });
    not_from_vipps()
}

/// News from Vipps that passed its check (a callback, a webhook): recorded as `summary`
/// (no personal data), an event on the order, and the order refreshed from Vipps at once,
/// in the background, so Vipps gets its answer quickly. The news itself is only a hint.
pub async fn accept_news(
    app: &App,
    order_id: String,
    kind: &str,
    summary: &Value,
    event: Value,
) -> Result<(), ProxyError> {
    app.db.record_accepted(&order_id, kind, summary).await?;
    app.db.add_event(&order_id, kind, &event).await?;
    let app = app.clone();
    tokio::spawn(async move {
        if let Err(e) = app.refresher.refresh(&order_id, true).await {
            tracing::warn!(%order_id, error = %e, "refresh after news from Vipps failed; pollers and the reconciler will retry");
        }
    });
    Ok(())
}
