//! For a shop's own Rust tests: the control API (`/_sim`) as typed calls. Start a
//! simulator with [`crate::spawn`] (in-process) or run the binary, then:
//!
//! ```no_run
//! # async fn demo() {
//! use clap::Parser;
//! let sim = vipps_sim::spawn(vipps_sim::Config::parse_from(["vipps-sim", "--listen", "127.0.0.1:0"]))
//!     .await
//!     .unwrap();
//! let control = vipps_sim::testkit::Control::new(&sim.base_url);
//! // … the shop starts a payment against sim.base_url …
//! let payments = control.payments().await.unwrap();
//! control.approve("shop-1", serde_json::json!({})).await.unwrap();
//! # }
//! ```

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A client of one simulator's control API.
#[derive(Clone)]
pub struct Control {
    base: String,
    http: reqwest::Client,
}

/// A refused control call: its status and the simulator's answer.
#[derive(Debug)]
pub struct ControlError {
    pub status: StatusCode,
    pub body: Value,
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "vipps-sim answered {}: {}", self.status, self.body)
    }
}

impl std::error::Error for ControlError {}

impl Control {
    pub fn new(base_url: &str) -> Self {
        Control {
            base: base_url.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, ControlError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.map_err(|e| ControlError {
            status: StatusCode::BAD_GATEWAY,
            body: json!(e.to_string()),
        })?;
        let status = res.status();
        let body = res.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(body)
        } else {
            Err(ControlError { status, body })
        }
    }

    /// Every payment, oldest first (the ledger).
    pub async fn payments(&self) -> Result<Vec<Value>, ControlError> {
        let list = self.call(Method::GET, "/_sim/payments", None).await?;
        Ok(list.as_array().cloned().unwrap_or_default())
    }

    pub async fn payment(&self, order_id: &str) -> Result<Value, ControlError> {
        self.call(Method::GET, &format!("/_sim/payments/{order_id}"), None)
            .await
    }

    /// The shopper acts: `approve` (with `{mobileNumber, addressId, shippingMethodId,
    /// reserveAmount}` or `{}`), `reject`, `expire`, `fail`, `remove-consent`. Answers
    /// after the shop's callback was delivered.
    pub async fn act(&self, order_id: &str, action: &str, body: Value) -> Result<Value, ControlError> {
        self.call(Method::POST, &format!("/_sim/payments/{order_id}/{action}"), Some(body))
            .await
    }

    pub async fn approve(&self, order_id: &str, choices: Value) -> Result<Value, ControlError> {
        self.act(order_id, "approve", choices).await
    }

    pub async fn reject(&self, order_id: &str) -> Result<Value, ControlError> {
        self.act(order_id, "reject", json!({})).await
    }

    pub async fn expire(&self, order_id: &str) -> Result<Value, ControlError> {
        self.act(order_id, "expire", json!({})).await
    }

    /// A fault, as `POST /_sim/faults` takes it (`{"route": "details", "status": 503}`).
    pub async fn fault(&self, spec: Value) -> Result<Value, ControlError> {
        self.call(Method::POST, "/_sim/faults", Some(spec)).await
    }

    pub async fn clear_faults(&self) -> Result<Value, ControlError> {
        self.call(Method::DELETE, "/_sim/faults", None).await
    }
}
