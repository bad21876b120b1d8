//! The Order Management API v2: a paid order's receipt and its link in the shopper's
//! Vipps app, for eCom and ePayment payments alike (payment type `ecom`, the order id
//! being eCom's `orderId` or ePayment's `reference`): `vippsas/vipps-order-management-api`
//! `docs/swagger.yaml` at 5476e510fb5eaa2fbef7c4b124677636c5aa21a4 and the guide at
//! d10b546fcebb744234b7539615a850537d8feda5.

use reqwest::Method;
use serde_json::Value;

use super::client::VippsClient;
use super::VippsError;

/// What became of a receipt sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptSent {
    /// Vipps took it (201), with its id.
    New(String),
    /// The order has a receipt already (409: "a receipt is immutable and, once sent,
    /// cannot be overwritten"): an earlier attempt whose answer was lost, or another
    /// instance.
    Already,
}

impl VippsClient {
    /// `POST /order-management/v2/ecom/receipts/{orderId}`. Not retried here: a lost
    /// answer is found out by the next attempt's 409.
    pub async fn send_receipt(&self, order_id: &str, receipt: &Value) -> Result<ReceiptSent, VippsError> {
        let path = format!("/order-management/v2/ecom/receipts/{order_id}");
        match self.call(Method::POST, &path, Some(receipt), None).await {
            Ok(id) => Ok(ReceiptSent::New(id.as_str().unwrap_or_default().to_string())),
            Err(VippsError::Http { status: 409, .. }) => Ok(ReceiptSent::Already),
            Err(e) => Err(e),
        }
    }

    /// `PUT /order-management/v2/ecom/categories/{orderId}`: the order's link and what
    /// kind it is. Replaces any earlier one, so it is safe to retry.
    pub async fn set_category(&self, order_id: &str, category: &Value) -> Result<(), VippsError> {
        let path = format!("/order-management/v2/ecom/categories/{order_id}");
        self.call_with_retries(Method::PUT, &path, Some(category), None)
            .await
            .map(|_| ())
    }
}
