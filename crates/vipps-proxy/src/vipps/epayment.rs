//! The ePayment v1 calls and the Webhooks API (`docs/vipps-epayment-v1.md`), on the same
//! client as eCom: the same access token, headers and timeouts. Every call that changes
//! something carries an `Idempotency-Key`, so each one is retried safely.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::{decode, VippsClient, VippsError};

/// `{currency, value}` in minor units.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq, Default)]
pub struct Money {
    #[serde(default)]
    pub value: i64,
}

/// `aggregate` of a payment: what happened to its money so far.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Aggregate {
    #[serde(default)]
    pub authorized_amount: Money,
    #[serde(default)]
    pub cancelled_amount: Money,
    #[serde(default)]
    pub captured_amount: Money,
    #[serde(default)]
    pub refunded_amount: Money,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Profile {
    #[serde(default)]
    pub sub: Option<String>,
}

/// `GET /epayment/v1/payments/{reference}`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub reference: String,
    /// `CREATED`, `ABORTED`, `EXPIRED`, `AUTHORIZED` or `TERMINATED`.
    pub state: String,
    #[serde(default)]
    pub aggregate: Aggregate,
    #[serde(default)]
    pub profile: Profile,
    /// The landing page, as the create answered it (none for a push).
    #[serde(default)]
    pub redirect_url: Option<String>,
    /// What the shopper shared, once authorized with a scope asking for it.
    #[serde(default)]
    pub user_details: Option<UserDetails>,
    /// Express: the address and the option the shopper chose.
    #[serde(default)]
    pub shipping_details: Option<ShippingDetails>,
}

/// `userDetails` (the number is an MSISDN).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct UserDetails {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub mobile_number: String,
}

/// `shippingDetails`: the address (eCom's field names, `country` an ISO code) and the
/// option chosen. Its cost is read from what was reserved, not from here.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetails {
    #[serde(default)]
    pub address: Option<super::wire::VippsAddress>,
    pub shipping_option_id: String,
    #[serde(default)]
    pub shipping_option_name: Option<String>,
}

/// One entry of a payment's event log (`GET …/{reference}/events`): what happened to it
/// at Vipps, by whom (the merchant's idempotency key, none for the shopper's acts).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// `CREATED`, `AUTHORIZED`, `CAPTURED`, `REFUNDED`, `CANCELLED`, `ABORTED`, …
    pub name: String,
    #[serde(default)]
    pub amount: Money,
    pub timestamp: String,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default = "succeeded")]
    pub success: bool,
}

fn succeeded() -> bool {
    true
}

/// The answer to a create.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    pub reference: String,
    /// The landing page; none for a push.
    #[serde(default)]
    pub redirect_url: Option<String>,
}

/// A webhook registration: its id and the secret its deliveries are signed with.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Registration {
    pub id: String,
    pub secret: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Registered {
    pub id: String,
    pub url: String,
}

/// The event types the backend listens to: every change of a payment.
pub const EVENTS: [&str; 8] = [
    "epayments.payment.created.v1",
    "epayments.payment.aborted.v1",
    "epayments.payment.expired.v1",
    "epayments.payment.cancelled.v1",
    "epayments.payment.captured.v1",
    "epayments.payment.refunded.v1",
    "epayments.payment.authorized.v1",
    "epayments.payment.terminated.v1",
];

/// Which adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    Capture,
    Refund,
    Cancel,
    /// Cancel only if not yet authorized (`cancelTransactionOnly`; `vippsas/deno-sdk`
    /// `types.gen.ts` since 9d8a0e3f7a6c4d3304481b86dc901dcde18b1ea7): Vipps refuses it
    /// for an authorized payment, which stays reserved.
    CancelTransactionOnly,
}

impl Adjustment {
    fn path(self) -> &'static str {
        match self {
            Adjustment::Capture => "capture",
            Adjustment::Refund => "refund",
            Adjustment::Cancel | Adjustment::CancelTransactionOnly => "cancel",
        }
    }
}

fn path_segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

impl VippsClient {
    /// `POST /epayment/v1/payments`, keyed by the reference: a retry (ours, or after a
    /// lost answer) is the same payment, so it is retried like a read.
    pub async fn create_payment(&self, body: &Value, key: &str) -> Result<Created, VippsError> {
        let value = self
            .call_with_retries(Method::POST, "/epayment/v1/payments", Some(body), Some(key))
            .await?;
        decode(value)
    }

    pub async fn payment(&self, reference: &str) -> Result<Payment, VippsError> {
        let path = format!("/epayment/v1/payments/{}", path_segment(reference));
        let value = self.call_with_retries(Method::GET, &path, None, None).await?;
        decode(value)
    }

    /// The payment's event log, oldest first.
    pub async fn events(&self, reference: &str) -> Result<Vec<Event>, VippsError> {
        let path = format!("/epayment/v1/payments/{}/events", path_segment(reference));
        let value = self.call_with_retries(Method::GET, &path, None, None).await?;
        decode(value)
    }

    /// Capture or refund `value` (minor units of `currency`), or cancel (what is not
    /// captured is released), once per `key`.
    pub async fn adjust(
        &self,
        reference: &str,
        op: Adjustment,
        modification: Option<(&str, i64)>,
        key: &str,
    ) -> Result<Value, VippsError> {
        let path = format!("/epayment/v1/payments/{}/{}", path_segment(reference), op.path());
        let body = match (modification, op) {
            (Some((currency, value)), _) => json!({"modificationAmount": {"currency": currency, "value": value}}),
            (None, Adjustment::CancelTransactionOnly) => json!({"cancelTransactionOnly": true}),
            (None, _) => json!({}),
        };
        self.call_with_retries(Method::POST, &path, Some(&body), Some(key))
            .await
    }

    /// `POST /webhooks/v1/webhooks`: news of every payment event sent to `url`.
    pub async fn register_webhook(&self, url: &str) -> Result<Registration, VippsError> {
        let body = json!({"url": url, "events": EVENTS});
        // Not idempotent: a lost answer leaves a registration behind, which
        // `webhooks` lists and the caller removes.
        let value = self
            .call(Method::POST, "/webhooks/v1/webhooks", Some(&body), None)
            .await?;
        decode(value)
    }

    pub async fn webhooks(&self) -> Result<Vec<Registered>, VippsError> {
        let value = self
            .call_with_retries(Method::GET, "/webhooks/v1/webhooks", None, None)
            .await?;
        let list = value.get("webhooks").cloned().unwrap_or(value);
        decode(list)
    }

    pub async fn delete_webhook(&self, id: &str) -> Result<(), VippsError> {
        let path = format!("/webhooks/v1/webhooks/{}", path_segment(id));
        match self.call_with_retries(Method::DELETE, &path, None, None).await {
            Ok(_) | Err(VippsError::Http { status: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
