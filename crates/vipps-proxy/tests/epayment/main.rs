//! The backend on Vipps' ePayment API (`--api epayment`), against the simulator over
//! HTTP: the widget's contract unchanged, payments created idempotently, the truth from
//! get payment, news by signed webhooks (forged ones refused and recorded), and staff's
//! capture, cancel and refund with idempotency keys. The eCom suite's promises, on the
//! other API. One file per journey.

#[path = "../common/mod.rs"]
mod common;

mod express;
mod payments;
mod webhooks;

use common::{new_key, registration, shipping_price, signed_webhook, socks, socks_price, stack_with, Stack};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub(crate) const EPAYMENT: [&str; 2] = ["--api", "epayment"];

pub(crate) async fn epayment_stack() -> Stack {
    let s = stack_with(&[], &EPAYMENT).await;
    registration(&s).await;
    s
}

/// What the store says now, without asking Vipps (no poll).
pub(crate) async fn stored_status(s: &Stack, order_id: &str) -> String {
    let order = s.proxy_app.db.order(order_id).await.unwrap().unwrap();
    order.status.as_str().to_string()
}

pub(crate) async fn wait_stored(s: &Stack, order_id: &str, want: &str) {
    for _ in 0..100 {
        if stored_status(s, order_id).await == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{order_id} never became {want} in the store");
}
