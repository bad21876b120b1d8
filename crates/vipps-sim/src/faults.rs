//! Fault injection for tests: per route, an HTTP status, added latency or a dropped
//! callback, for the next N requests (or until cleared).

use std::time::Duration;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Group};

/// The routes a fault (and a rate limit) can apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Route {
    AccessToken,
    Initiate,
    Details,
    Status,
    Capture,
    Cancel,
    Refund,
    ForceApprove,
    /// Outgoing transaction callbacks to the merchant.
    Callback,
    /// Outgoing shipping-details requests to the merchant.
    Shipping,
    /// The Order Management API: receipts, categories, reading them back.
    OrderManagement,
}

impl Route {
    pub fn name(self) -> &'static str {
        match self {
            Route::AccessToken => "accessToken",
            Route::Initiate => "initiate",
            Route::Details => "details",
            Route::Status => "status",
            Route::Capture => "capture",
            Route::Cancel => "cancel",
            Route::Refund => "refund",
            Route::ForceApprove => "forceApprove",
            Route::Callback => "callback",
            Route::Shipping => "shipping",
            Route::OrderManagement => "orderManagement",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    pub route: Route,
    /// Answer with this HTTP status instead of handling the request.
    #[serde(default)]
    pub status: Option<u16>,
    /// Wait this long before handling (or answering) the request.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// For `callback`: do not send it at all.
    #[serde(default)]
    pub drop: bool,
    /// With `status`, for `initiate` (eCom's initiate, ePayment's create), `capture`,
    /// `refund` and `cancel`: handle the request first, then answer the error instead. The
    /// change is made; its answer is lost on the way.
    #[serde(default)]
    pub after: bool,
    /// How many requests the fault applies to; absent: until `DELETE /_sim/faults`.
    #[serde(default)]
    pub count: Option<u32>,
    /// Only requests for this orderId.
    #[serde(default)]
    pub order_id: Option<String>,
    /// With `status`: the Vipps error to answer (`errorGroup` `errorCode` `errorMessage`).
    #[serde(default)]
    pub error_group: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
}

impl FaultSpec {
    pub fn check(&self) -> Result<(), String> {
        if let Some(status) = self.status {
            if StatusCode::from_u16(status).is_err() || status < 200 {
                return Err(format!(
                    "status {status} is not an HTTP status the simulator can answer"
                ));
            }
        }
        if self.status.is_none() && self.latency_ms.is_none() && !self.drop {
            return Err("a fault needs at least one of status, latencyMs, drop".into());
        }
        if self.drop && !matches!(self.route, Route::Callback) {
            return Err("drop only applies to the callback route".into());
        }
        if self.after
            && (self.status.is_none()
                || !matches!(
                    self.route,
                    Route::Initiate | Route::Capture | Route::Refund | Route::Cancel
                ))
        {
            return Err("after needs a status, and applies to initiate, capture, refund and cancel".into());
        }
        if self.count == Some(0) {
            return Err("count must be at least 1".into());
        }
        Ok(())
    }

    pub fn latency(&self) -> Option<Duration> {
        self.latency_ms.map(Duration::from_millis)
    }

    /// The error the injected status stands for, shaped as Vipps would send it.
    pub fn error(&self) -> Option<ApiError> {
        let status = StatusCode::from_u16(self.status?).ok()?;
        if status.is_success() {
            return None;
        }
        let message = self
            .error_message
            .clone()
            .unwrap_or_else(|| "Injected fault (vipps-sim)".into());
        if self.error_code.is_none() && matches!(status.as_u16(), 401 | 403 | 429) {
            return Some(ApiError::Gateway {
                status,
                message,
                retry_after: (status.as_u16() == 429).then_some(5),
            });
        }
        let group = match self.error_group.as_deref() {
            Some("Payment") => Group::Payment,
            Some("InvalidRequest") => Group::InvalidRequest,
            Some("user") | Some("User") => Group::User,
            Some("Merchant") => Group::Merchant,
            Some("Authentication") => Group::Authentication,
            _ => Group::VippsError,
        };
        Some(ApiError::backend(
            status,
            group,
            self.error_code.clone().unwrap_or_else(|| "99".into()),
            message,
        ))
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveFault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    pub remaining: Option<u32>,
    pub hits: u64,
}

#[derive(Default)]
pub struct Faults {
    next_id: u64,
    active: Vec<ActiveFault>,
}

impl Faults {
    pub fn add(&mut self, spec: FaultSpec) -> ActiveFault {
        self.next_id += 1;
        let fault = ActiveFault {
            id: self.next_id,
            remaining: spec.count,
            spec,
            hits: 0,
        };
        self.active.push(fault.clone());
        fault
    }

    pub fn clear(&mut self) {
        self.active.clear();
    }

    pub fn list(&self) -> &[ActiveFault] {
        &self.active
    }

    /// Takes the first fault matching this request, counting it down.
    pub fn take(&mut self, route: Route, order_id: Option<&str>) -> Option<FaultSpec> {
        let index = self
            .active
            .iter()
            .position(|f| f.spec.route == route && f.spec.order_id.as_deref().is_none_or(|id| Some(id) == order_id))?;
        let fault = &mut self.active[index];
        fault.hits += 1;
        let spec = fault.spec.clone();
        if let Some(remaining) = &mut fault.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                self.active.remove(index);
            }
        }
        Some(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(route: Route, count: Option<u32>) -> FaultSpec {
        FaultSpec {
            route,
            status: Some(500),
            latency_ms: None,
            drop: false,
            after: false,
            count,
            order_id: None,
            error_group: None,
            error_code: None,
            error_message: None,
        }
    }

    #[test]
    fn counted_faults_run_out() {
        let mut faults = Faults::default();
        faults.add(spec(Route::Details, Some(2)));
        assert!(faults.take(Route::Status, None).is_none());
        assert!(faults.take(Route::Details, Some("a")).is_some());
        assert!(faults.take(Route::Details, Some("a")).is_some());
        assert!(faults.take(Route::Details, Some("a")).is_none());
    }

    #[test]
    fn order_filter_and_error_shape() {
        let mut faults = Faults::default();
        let mut s = spec(Route::Initiate, None);
        s.order_id = Some("x".into());
        s.error_group = Some("Merchant".into());
        s.error_code = Some("37".into());
        faults.add(s);
        assert!(faults.take(Route::Initiate, Some("y")).is_none());
        let hit = faults.take(Route::Initiate, Some("x")).unwrap();
        assert_eq!(hit.error().unwrap().body()[0]["errorCode"], "37");
        assert!(
            faults.take(Route::Initiate, Some("x")).is_some(),
            "uncounted faults stay"
        );
    }

    #[test]
    fn specs_are_checked() {
        let mut s = spec(Route::Details, Some(0));
        assert!(s.check().is_err());
        s.count = None;
        s.drop = true;
        assert!(s.check().is_err());
    }
}
