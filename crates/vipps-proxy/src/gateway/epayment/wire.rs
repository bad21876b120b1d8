//! The ePayment API v1 and Webhooks API shapes the backend reads
//! (`docs/vipps-epayment-v1.md`).

use serde::Deserialize;

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
    pub address: Option<crate::gateway::truth::VippsAddress>,
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
