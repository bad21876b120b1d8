//! The eCom API v2 gateway: `POST /ecomm/v2/payments` to start, `GET …/details` for the
//! truth, capture/refund/cancel with an `X-Request-Id`. News comes as each payment's
//! callback (`callbackPrefix`), so there is nothing to register.

pub mod request;
pub mod status;
pub mod wire;

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::client::{decode, VippsClient};
use super::{Adjustment, Gateway, LostStart, Operation, StartPayment, Truth, VippsError};
use crate::shipping::ShippingConfig;
use wire::{Details, InitiateResponse};

pub struct EcomGateway {
    client: VippsClient,
}

impl EcomGateway {
    pub fn new(client: VippsClient) -> Self {
        EcomGateway { client }
    }

    /// `POST /ecomm/v2/payments`. Never retried: initiate is not idempotent.
    pub async fn initiate(&self, body: &Value) -> Result<InitiateResponse, VippsError> {
        let value = self
            .client
            .call(Method::POST, "/ecomm/v2/payments", Some(body), None)
            .await?;
        decode(value)
    }

    pub async fn details(&self, order_id: &str) -> Result<Details, VippsError> {
        let path = format!("/ecomm/v2/payments/{order_id}/details");
        let value = self.client.call_with_retries(Method::GET, &path, None, None).await?;
        decode(value)
    }

    fn modification(&self, amount: Option<i64>, text: &str) -> Value {
        let mut transaction = json!({ "transactionText": text });
        if let Some(amount) = amount {
            transaction["amount"] = json!(amount);
        }
        json!({ "merchantInfo": { "merchantSerialNumber": self.client.msn() }, "transaction": transaction })
    }
}

#[async_trait::async_trait]
impl Gateway for EcomGateway {
    fn client(&self) -> &VippsClient {
        &self.client
    }

    async fn start(&self, payment: &StartPayment<'_>) -> Result<String, VippsError> {
        let body = request::initiate_body(payment, self.client.msn());
        Ok(self.initiate(&body).await?.url)
    }

    fn settles_lost_starts(&self) -> bool {
        false
    }

    async fn lost_start(&self, _order_id: &str) -> LostStart {
        LostStart::Unknown
    }

    async fn truth(
        &self,
        order_id: &str,
        age: Duration,
        _goods_amount: i64,
        _shipping: &ShippingConfig,
    ) -> Result<Truth, VippsError> {
        let details = self.details(order_id).await?;
        Ok(Truth {
            standing: status::standing(&details, age),
            shipping: details.shipping_details,
            user: details.user_details,
            sub: details.sub,
        })
    }

    /// Capture or refund (`amount` None: all that is left), or cancel (void after
    /// reservation), retried with the same `X-Request-Id`, so Vipps applies it once.
    async fn adjust(&self, order_id: &str, a: &Adjustment<'_>) -> Result<Value, VippsError> {
        let (method, body) = match a.operation {
            Operation::Capture | Operation::Refund => (Method::POST, self.modification(a.amount, a.text)),
            Operation::Cancel => {
                let mut body = self.modification(None, a.text);
                body["shouldReleaseRemainingFunds"] = json!(a.release_remaining);
                (Method::PUT, body)
            }
        };
        let path = format!("/ecomm/v2/payments/{order_id}/{}", a.operation.name());
        self.client
            .call_with_retries(method, &path, Some(&body), Some(a.request_id))
            .await
    }
}
