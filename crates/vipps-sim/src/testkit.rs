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

    /// Any control call (`path` under the simulator, e.g. `/_sim/calls`), answered with
    /// its status and body, whatever they are: for tests of the control API's own
    /// refusals. An unreachable simulator is a 502.
    pub async fn request(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        match req.send().await {
            Ok(res) => {
                let status = res.status();
                (status, res.json().await.unwrap_or(Value::Null))
            }
            Err(e) => (StatusCode::BAD_GATEWAY, json!(e.to_string())),
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, ControlError> {
        match self.request(method, path, body).await {
            (status, body) if status.is_success() => Ok(body),
            (status, body) => Err(ControlError { status, body }),
        }
    }

    /// `GET path` of the control API, which must succeed.
    pub async fn get(&self, path: &str) -> Result<Value, ControlError> {
        self.call(Method::GET, path, None).await
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
