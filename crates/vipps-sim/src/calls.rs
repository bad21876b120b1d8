//! Which headers each call to the Vipps surface carried: `Merchant-Serial-Number` and
//! the four `Vipps-System-*` headers Vipps asks every integration to send (eCom swagger
//! and ePayment spec: `Vipps-System-Name`, `-Version`, `-Plugin-Name`,
//! `-Plugin-Version`, each at most 30 characters). Recorded for every call of both APIs,
//! the Webhooks API, the token and Userinfo endpoints, and read through
//! `GET /_sim/calls`, so a merchant's test can prove its client sends them.

use std::collections::VecDeque;

use serde_json::Value;

/// The headers recorded, in the order the control API shows them.
pub const HEADERS: [&str; 5] = [
    "Merchant-Serial-Number",
    "Vipps-System-Name",
    "Vipps-System-Version",
    "Vipps-System-Plugin-Name",
    "Vipps-System-Plugin-Version",
];

/// The newest calls kept (older ones are forgotten).
pub const KEPT: usize = 10_000;

#[derive(Debug, Default)]
pub struct Calls(VecDeque<Value>);

impl Calls {
    pub fn record(&mut self, call: Value) {
        if self.0.len() == KEPT {
            self.0.pop_front();
        }
        self.0.push_back(call);
    }

    pub fn view(&self) -> Value {
        Value::Array(self.0.iter().cloned().collect())
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// Whether `path` is Vipps' surface (not the user's pages or `/_sim`).
pub fn is_api(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        "/ecomm/",
        "/epayment/",
        "/webhooks/",
        "/accesstoken/",
        "/vipps-userinfo-api/",
        "/order-management/",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_api_is_told_from_the_pages_and_only_the_newest_calls_are_kept() {
        assert!(is_api("/ecomm/v2/payments"));
        assert!(is_api("/accessToken/get"));
        assert!(is_api("/epayment/v1/payments/x/events"));
        assert!(!is_api("/_sim/calls"));
        assert!(!is_api("/app"));
        let mut calls = Calls::default();
        for i in 0..KEPT + 3 {
            calls.record(json!(i));
        }
        let view = calls.view();
        assert_eq!(view.as_array().unwrap().len(), KEPT);
        assert_eq!(view[0], 3);
    }
}
