//! Middleware: every call to the Vipps surface recorded with its headers
//! ([`crate::calls`]).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};

use crate::calls::{is_api, HEADERS};
use crate::state::AppState;

/// Middleware: records the call's method, path and the [`HEADERS`] (null when absent).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_api(request.uri().path()) {
        let mut call = json!({
            "at": chrono::Utc::now().to_rfc3339(),
            "method": request.method().as_str(),
            "path": request.uri().path(),
        });
        for name in HEADERS {
            call[name] = request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map_or(Value::Null, |v| json!(v));
        }
        state.memory().calls.record(call);
    }
    next.run(request).await
}
