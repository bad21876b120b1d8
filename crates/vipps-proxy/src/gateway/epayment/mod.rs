//! The ePayment API v1 gateway (`docs/vipps-epayment-v1.md`), with the Webhooks API:
//! every call that changes something carries an `Idempotency-Key` (the create's is the
//! reference), so each one is retried safely, and a start whose answer was lost can be
//! asked about. News comes as signed webhooks, one registration per sales unit
//! (`registration`).

pub mod registration;
pub mod request;
pub mod status;
pub mod wire;

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::client::{decode, VippsClient};
use super::truth::{ShippingDetails, UserDetails};
use super::{Adjustment, Gateway, LostStart, Operation, StartPayment, Truth, VippsError};
use crate::db::Db;
use crate::shipping::ShippingConfig;
use wire::{Created, Event, Payment, Registered, Registration};

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

fn path_segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

pub struct EpaymentGateway {
    client: VippsClient,
}

impl EpaymentGateway {
    pub fn new(client: VippsClient) -> Self {
        EpaymentGateway { client }
    }

    /// `POST /epayment/v1/payments`, keyed by the reference: a retry (ours, or after a
    /// lost answer) is the same payment, so it is retried like a read.
    pub async fn create_payment(&self, body: &Value, key: &str) -> Result<Created, VippsError> {
        let value = self
            .client
            .call_with_retries(Method::POST, "/epayment/v1/payments", Some(body), Some(key))
            .await?;
        decode(value)
    }

    pub async fn payment(&self, reference: &str) -> Result<Payment, VippsError> {
        let path = format!("/epayment/v1/payments/{}", path_segment(reference));
        let value = self.client.call_with_retries(Method::GET, &path, None, None).await?;
        decode(value)
    }

    /// The payment's event log, oldest first.
    pub async fn events(&self, reference: &str) -> Result<Vec<Event>, VippsError> {
        let path = format!("/epayment/v1/payments/{}/events", path_segment(reference));
        let value = self.client.call_with_retries(Method::GET, &path, None, None).await?;
        decode(value)
    }

    /// `POST /webhooks/v1/webhooks`: news of every payment event sent to `url`.
    pub async fn register_webhook(&self, url: &str) -> Result<Registration, VippsError> {
        let body = json!({"url": url, "events": EVENTS});
        // Not idempotent: a lost answer leaves a registration behind, which
        // `webhooks` lists and the caller removes.
        let value = self
            .client
            .call(Method::POST, "/webhooks/v1/webhooks", Some(&body), None)
            .await?;
        decode(value)
    }

    pub async fn webhooks(&self) -> Result<Vec<Registered>, VippsError> {
        let value = self
            .client
            .call_with_retries(Method::GET, "/webhooks/v1/webhooks", None, None)
            .await?;
        let list = value.get("webhooks").cloned().unwrap_or(value);
        decode(list)
    }

    pub async fn delete_webhook(&self, id: &str) -> Result<(), VippsError> {
        let path = format!("/webhooks/v1/webhooks/{}", path_segment(id));
        match self.client.call_with_retries(Method::DELETE, &path, None, None).await {
            Ok(_) | Err(VippsError::Http { status: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// ePayment's truth in the shapes eCom's `/details` gives: the shipping's cost is what
/// the reservation holds beyond the goods, an option's name the shop's when Vipps gives
/// none; the Userinfo subject names the shopper to this shop, as eCom's `userId` does.
fn truth_of(payment: Payment, age: Duration, goods_amount: i64, shipping: &ShippingConfig) -> Truth {
    let standing = status::standing(&payment, age);
    let shipping = payment.shipping_details.map(|s| {
        let shop_name = shipping
            .methods
            .iter()
            .find(|m| m.id == s.shipping_option_id)
            .map(|m| m.name.clone());
        ShippingDetails {
            address: s.address,
            shipping_cost: (standing.reserved - goods_amount).max(0),
            shipping_method: s
                .shipping_option_name
                .or(shop_name)
                .unwrap_or_else(|| s.shipping_option_id.clone()),
            shipping_method_id: s.shipping_option_id,
        }
    });
    let sub = payment.profile.sub.clone().unwrap_or_default();
    let user = payment.user_details.map(|u| UserDetails {
        email: u.email,
        first_name: u.first_name,
        last_name: u.last_name,
        mobile_number: u.mobile_number,
        user_id: sub,
    });
    Truth {
        standing,
        shipping,
        user,
        sub: payment.profile.sub,
    }
}

#[async_trait::async_trait]
impl Gateway for EpaymentGateway {
    fn client(&self) -> &VippsClient {
        &self.client
    }

    async fn start(&self, payment: &StartPayment<'_>) -> Result<String, VippsError> {
        let body = request::create_body(payment);
        let created = self.create_payment(&body, payment.order_id).await?;
        Ok(created.redirect_url.unwrap_or_default())
    }

    fn settles_lost_starts(&self) -> bool {
        true
    }

    /// The get payment call: the create is keyed by the reference, so a payment Vipps
    /// made is there, with the landing page it answered.
    async fn lost_start(&self, order_id: &str) -> LostStart {
        match self.payment(order_id).await {
            Ok(payment) => LostStart::Made(payment.redirect_url.unwrap_or_default()),
            Err(VippsError::Http { status: 404, .. }) => LostStart::NotMade,
            Err(_) => LostStart::Unknown,
        }
    }

    async fn truth(
        &self,
        order_id: &str,
        age: Duration,
        goods_amount: i64,
        shipping: &ShippingConfig,
    ) -> Result<Truth, VippsError> {
        let payment = self.payment(order_id).await?;
        Ok(truth_of(payment, age, goods_amount, shipping))
    }

    /// Capture or refund `amount` (all that is left when `None`, read from the payment's
    /// aggregate), or cancel (what is not captured is released), once per request id.
    /// A cancel of only what nobody approved is `cancelTransactionOnly` (`vippsas/deno-sdk`
    /// `types.gen.ts` since 9d8a0e3f7a6c4d3304481b86dc901dcde18b1ea7): Vipps refuses it
    /// for an authorized payment, which stays reserved.
    async fn adjust(&self, order_id: &str, a: &Adjustment<'_>) -> Result<Value, VippsError> {
        let body = match a.operation {
            Operation::Cancel if a.only_unapproved => json!({"cancelTransactionOnly": true}),
            Operation::Cancel => json!({}),
            capture_or_refund => {
                let value = match a.amount {
                    Some(value) => value,
                    None => {
                        let left = self.payment(order_id).await?.aggregate;
                        if capture_or_refund == Operation::Capture {
                            left.authorized_amount.value - left.captured_amount.value - left.cancelled_amount.value
                        } else {
                            left.captured_amount.value - left.refunded_amount.value
                        }
                    }
                };
                json!({"modificationAmount": {"currency": a.currency, "value": value}})
            }
        };
        let path = format!(
            "/epayment/v1/payments/{}/{}",
            path_segment(order_id),
            a.operation.name()
        );
        self.client
            .call_with_retries(Method::POST, &path, Some(&body), Some(a.request_id))
            .await
    }

    async fn event_log(&self, order_id: &str) -> Option<Result<Vec<Event>, VippsError>> {
        Some(self.events(order_id).await)
    }

    async fn check_setup(&self) -> Result<String, (&'static str, VippsError)> {
        match self.webhooks().await {
            Ok(registered) => Ok(format!(
                "access token issued; {} webhook registration(s) readable",
                registered.len()
            )),
            Err(e) => Err(("GET /webhooks/v1/webhooks", e)),
        }
    }

    async fn keep_news(&self, db: &Db, public_url: &str) -> Result<(), registration::RegistrationError> {
        let msn = self.client.msn();
        registration::ensure(db, self, msn, &registration::url(public_url, msn))
            .await
            .map(|_| ())
    }
}
