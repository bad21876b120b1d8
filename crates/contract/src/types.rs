//! Requests and responses of `POST {endpoint}/payments` and `GET {endpoint}/payments/{id}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::status::PaymentStatus;

/// The header that makes `POST /payments` safe to retry: one fresh key per click.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// A secret the client holds for as long as its page lives, sent with `POST /payments`:
/// a retried click's stored answer (with its status token) is replayed only to the
/// client that made it (the same secret; without one, the same address), never to
/// whoever else sends the same key and body.
pub const CLIENT_HEADER: &str = "Vipps-Checkout-Client";

/// How a payment reaches the shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    /// The browser goes to Vipps (the landing page or the app) and comes back.
    #[default]
    Redirect,
    /// The payment URL is shown as a QR code on a screen; the page polls in place.
    Qr,
    /// Pushed straight to `mobileNumber`'s Vipps app (`skipLandingPage`: a till); the
    /// page polls in place. Only for sales units Vipps has whitelisted.
    Push,
}

impl Flow {
    pub fn is_redirect(&self) -> bool {
        *self == Flow::Redirect
    }
}

/// `POST {endpoint}/payments`. The page sends what to buy, never what it costs. `P` is
/// how a side holds the page's opaque payload: JSON on the backend, the page's own JS
/// value in the widget (sent as it is).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreatePayment<P = Value> {
    /// Opaque to the widget; the reference backend reads `{"items":[{"sku","qty"}]}`.
    pub payload: P,
    #[serde(default)]
    pub express: bool,
    /// Required for [`Flow::Push`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<String>,
    #[serde(default, skip_serializing_if = "Flow::is_redirect")]
    pub flow: Flow,
}

/// `201` answer to [`CreatePayment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentCreated {
    pub order_id: String,
    /// Where to send the browser, unchanged.
    pub url: String,
    /// Authorises `GET /payments/{orderId}?t=…`.
    pub status_token: String,
    /// RFC 3339: after this the payment can no longer be approved.
    pub expires_at: String,
}

/// `POST {endpoint}/quote`: what a cart would cost, for the page to show before the
/// shopper pays. Priced by the backend exactly as `POST /payments` prices it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuoteRequest {
    pub payload: Value,
    #[serde(default)]
    pub express: bool,
}

/// `200` answer to [`QuoteRequest`]. `shipping`: what a regular payment of goods that
/// ship includes (express: chosen in Vipps, so absent and not in `total`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    pub goods: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    pub total: Amount,
}

/// An amount in minor units (øre, cents) of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub value: i64,
    pub currency: String,
}

/// The currencies Vipps MobilePay takes: Norway's, Denmark's, Finland's.
pub const CURRENCIES: [&str; 3] = ["NOK", "DKK", "EUR"];

impl Amount {
    pub fn nok(value: i64) -> Self {
        Amount::of(value, "NOK")
    }

    pub fn of(value: i64, currency: &str) -> Self {
        Amount {
            value,
            currency: currency.into(),
        }
    }
}

/// A delivery address as the shopper chose it in Vipps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub address_line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    pub post_code: String,
    pub city: String,
    pub country: String,
}

/// The shipping the shopper chose (express checkout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipping {
    pub method: String,
    pub method_id: String,
    pub cost: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// `GET {endpoint}/payments/{orderId}?t=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentState {
    pub order_id: String,
    pub status: PaymentStatus,
    /// What the shopper pays: goods plus shipping.
    pub amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    /// RFC 3339.
    pub updated_at: String,
}
