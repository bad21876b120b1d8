//! The one way to Vipps: a [`Gateway`] per payment API, each in its own folder with its
//! wire types, its requests and the mapping of its answers to our statuses (`ecom/`:
//! the eCom API v2; `epayment/`: the ePayment API v1 and the Webhooks API). Handlers and
//! background work hold a `dyn Gateway` and never ask which API is behind it; only
//! [`for_api`] does, once, when the stores are built.
//!
//! Under both: the HTTP client (`client`: token, headers, retries), its errors
//! (`error`), the truth a gateway reads (`truth`), receipts in the app
//! (`order_management`, the same for both) and the webhook signature
//! (`webhook_signature`).

pub mod api;
pub mod client;
pub mod ecom;
pub mod epayment;
pub mod error;
pub mod lenient;
pub mod order_management;
pub mod truth;
pub mod webhook_signature;

use std::sync::Arc;

use serde_json::Value;

pub use api::Api;
pub use client::VippsClient;
pub use error::VippsError;
pub use truth::Truth;

use crate::db::Db;
use crate::shipping::{Offer, ShippingConfig};

/// Everything a gateway needs to start one payment, as plain values.
#[derive(Debug, Clone)]
pub struct StartPayment<'a> {
    /// eCom's `orderId`, ePayment's `reference`.
    pub order_id: &'a str,
    /// Minor units of `currency`.
    pub amount: i64,
    pub currency: &'a str,
    /// What the shopper reads in the app (eCom's `transactionText`).
    pub description: &'a str,
    /// The secret Vipps sends back on this payment's callbacks.
    pub auth_token: &'a str,
    /// Eight digits, prefilled (and where a push goes).
    pub mobile: Option<&'a str>,
    /// The Userinfo scope asked for, if any.
    pub scope: Option<&'a str>,
    /// How the payment reaches the shopper: a push skips the landing page; a QR code is
    /// the landing page's URL on a screen, the same to Vipps as a redirect.
    pub flow: contract::Flow,
    pub express: Option<ExpressShipping>,
    /// Where Vipps sends the shopper back.
    pub return_url: &'a str,
    /// This backend's public URL: Vipps' callbacks are made from it.
    pub public_url: &'a str,
}

/// How an express payment's shipping is offered.
#[derive(Debug, Clone)]
pub enum ExpressShipping {
    /// Fixed options, priced without an address (`--static-shipping`).
    Fixed(Vec<Offer>),
    /// Asked of this backend per address, on a callback.
    PerAddress,
}

/// What staff (or a shopper's withdrawal) do to a payment's money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Capture,
    Cancel,
    Refund,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::Capture => "capture",
            Operation::Cancel => "cancel",
            Operation::Refund => "refund",
        }
    }
}

/// One capture, refund or cancel, applied once per `request_id`.
#[derive(Debug, Clone)]
pub struct Adjustment<'a> {
    pub operation: Operation,
    /// Minor units; `None`: all that is left (to capture, or captured and not refunded).
    pub amount: Option<i64>,
    pub currency: &'a str,
    /// eCom's transaction text (ePayment has none).
    pub text: &'a str,
    pub request_id: &'a str,
    /// Cancel on eCom: release what is left after a partial capture.
    pub release_remaining: bool,
    /// Cancel only a payment nobody approved yet (ePayment's `cancelTransactionOnly`: an
    /// approval that raced in stays reserved). eCom has no such option.
    pub only_unapproved: bool,
}

/// Whether Vipps made a payment whose start was never answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LostStart {
    /// It did: where the shopper goes (empty for a push).
    Made(String),
    /// It did not.
    NotMade,
    /// Vipps could not be asked now, or this API cannot say.
    Unknown,
}

/// One Vipps payment API, as the backend uses it.
#[async_trait::async_trait]
pub trait Gateway: Send + Sync {
    /// The HTTP client under it: the calls both APIs share (keys, Userinfo, receipts).
    fn client(&self) -> &VippsClient;

    /// Starts a payment: where the shopper goes (empty for a push).
    async fn start(&self, payment: &StartPayment<'_>) -> Result<String, VippsError>;

    /// Whether a start whose answer was lost can be asked about: the start is keyed
    /// (ePayment's reference). eCom's initiate is not, and `/details` of one it made
    /// does not say where the shopper goes.
    fn settles_lost_starts(&self) -> bool;

    /// Whether Vipps made the payment of `order_id`, whose start was never answered
    /// (only asked where [`Gateway::settles_lost_starts`]).
    async fn lost_start(&self, order_id: &str) -> LostStart;

    /// What Vipps says of an order now. `goods_amount` is the goods' price (what an
    /// express reservation holds beyond it is the shipping Vipps took); `shipping` names
    /// an option an API names by id only.
    async fn truth(
        &self,
        order_id: &str,
        age: std::time::Duration,
        goods_amount: i64,
        shipping: &ShippingConfig,
    ) -> Result<Truth, VippsError>;

    /// A capture, refund or cancel.
    async fn adjust(&self, order_id: &str, adjustment: &Adjustment<'_>) -> Result<Value, VippsError>;

    /// The payment's own event log at Vipps, where the API keeps one (`None`: it does
    /// not).
    async fn event_log(&self, _order_id: &str) -> Option<Result<Vec<epayment::wire::Event>, VippsError>> {
        None
    }

    /// The start-up check beyond the access token: `Ok` what was read, or the call that
    /// failed and how.
    async fn check_setup(&self) -> Result<String, (&'static str, VippsError)> {
        Ok("access token issued".into())
    }

    /// Keeps the sales unit's news of payments coming: ePayment's webhook registration.
    /// eCom needs nothing (each payment names its callback).
    async fn keep_news(&self, _db: &Db, _public_url: &str) -> Result<(), epayment::registration::RegistrationError> {
        Ok(())
    }
}

/// The gateway for `api` over `client`: the one place the API is chosen.
pub fn for_api(client: VippsClient) -> Arc<dyn Gateway> {
    match client.api() {
        Api::Ecom => Arc::new(ecom::EcomGateway::new(client)),
        Api::Epayment => Arc::new(epayment::EpaymentGateway::new(client)),
    }
}
